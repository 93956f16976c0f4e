// `mcp-tx call --sdk v2 --url` against a stateless SDK v2 server (createMcpHandler behind
// txServerFactory): the 2026-07-28 protocol end to end, exactly once across repeats with one key.
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { TxResult } from '../../src/index.js';
import { txServerFactory } from '../../src/v2/server/index.js';
import { listenV2, type Listening } from '../helpers/v2-http-server.js';
import { v2ToolFactory, v2ToolLog, type V2ToolLog } from '../helpers/v2-tool-server.js';
import { buildCli, runCli } from './cli-helpers.js';

let log: V2ToolLog;
let handler: ReturnType<typeof createMcpHandler>;
let listening: Listening;

beforeAll(async () => {
  buildCli();
  log = v2ToolLog();
  handler = createMcpHandler(txServerFactory(v2ToolFactory(log)));
  listening = await listenV2(handler);
}, 120_000);
afterAll(async () => {
  await listening.close();
  await handler.close();
});

describe.each([
  ['v2', 'modern'],
  ['v1', 'legacy'],
])('mcp-tx call --sdk %s --url <a stateless SDK v2 server>', (sdk, era) => {
  it(`should call on the ${era} protocol, the tool run once for repeats sharing a key`, async () => {
    const before = { runs: log.runs.charge ?? 0, eras: log.eras.length };
    const args = ['call', 'charge', '{"cents":9}', '--sdk', sdk, '--url', listening.url.href];
    const { code, stdout, stderr } = await runCli([
      ...args,
      '--idempotency-key',
      `cli-${sdk}`,
      '--repeat',
      '2',
    ]);
    expect([code, stderr]).toEqual([0, '']);
    const results = JSON.parse(stdout) as TxResult[];
    expect(results.map((r) => r.result.content[0])).toEqual([
      { type: 'text', text: 'charged 9' },
      { type: 'text', text: 'charged 9' },
    ]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect((log.runs.charge ?? 0) - before.runs).toBe(1);
    expect(new Set(log.eras.slice(before.eras))).toEqual(new Set([era]));
  }, 60_000);
});
