// The real `mcp-tx proxy` (bin/mcp-tx.js, built) fronting an SDK v2 server that knows nothing of
// mcp-tx, served by SDK v2's serveStdio: a TxClient of either SDK major, spawning the proxy over
// stdio, gets ACKs, NACKs and exactly-once keyed calls from it, a lost response retried into the
// stored result. The proxy relays what the client opens with: `server/discover` from a v2 client
// (the 2026-07-28 protocol, which serveStdio speaks), `initialize` from a v1 client.
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { isIdempotencyConflictError, type TxEvent } from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import {
  majorKit,
  type AnyTransport,
  type AnyTxClient,
  type Major,
} from '../helpers/majors/describe-majors.js';
import { losingResponses } from '../helpers/majors/losing-responses.js';
import { BIN, ROOT, buildCli } from './cli-helpers.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const SERVER = fileURLToPath(new URL('../helpers/v2-stdio-server.ts', import.meta.url));
const PROXY_ARGS = [BIN, 'proxy', '--', process.execPath, ...childScriptArgs(SERVER), 'plain-serve-stdio'];
const textOf = (result: { content: unknown[] }) => (result.content[0] as { text?: string } | undefined)?.text;

beforeAll(() => buildCli(), 180_000);

/** A TxClient of `major` spawning `mcp-tx proxy` in front of the v2 server, its transport through `wrap`. */
function connect(major: Major, wrap = losingResponses(0)): Promise<AnyTxClient> {
  const options = {
    reconnect: false as const,
    dedupWindowMs: 0, // every call reaches the proxy, a reused key's conflict included
    timeoutMs: 3_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  };
  const spawn = { command: process.execPath, args: PROXY_ARGS, cwd: ROOT, stderr: 'pipe' as const };
  const transport = major === 'v1' ? new StdioV1(spawn) : (new StdioV2(spawn) as unknown as AnyTransport);
  return majorKit(major, 'v2').connect(wrap(transport), options);
}

/** Executions of `tool` the server behind the proxy reports. */
async function runs(client: AnyTxClient, tool: string): Promise<number> {
  const { result } = await client.call('log', {});
  return (JSON.parse(textOf(result) ?? '{}') as { runs: Record<string, number> }).runs[tool] ?? 0;
}

describe.each<[Major, string]>([
  ['v1', 'legacy'],
  ['v2', 'modern'],
])('mcp-tx proxy (the CLI) fronting an SDK v2 serveStdio server, a TxClient on SDK %s', (major, era) => {
  let client: AnyTxClient;
  beforeAll(async () => {
    client = await connect(major, losingResponses(1));
  }, 30_000);
  afterAll(() => client.close());

  it(`should ACK a keyed call on the ${era} protocol, run it once, and replay it to a call with its key`, async () => {
    expect(client.server?.features).toEqual(expect.arrayContaining(['ack', 'idempotency']));
    if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe(era);
    const events: TxEvent[] = [];
    const watching = client.events$.subscribe((e) => events.push(e));
    const first = await client.call('charge', { cents: 3 }, { idempotencyKey: `cli-proxy-${major}` });
    const again = await client.call('charge', { cents: 3 }, { idempotencyKey: `cli-proxy-${major}` });
    watching.unsubscribe();
    // the first response was lost on its way back: the retry got the stored result
    expect([textOf(first.result), first.attempts, first.duplicate, first.ack]).toEqual([
      'charged 3',
      2,
      true,
      true,
    ]);
    expect(again.duplicate).toBe(true);
    expect(events.some((e) => e.type === 'ack')).toBe(true);
    expect(await runs(client, 'charge')).toBe(1);
  }, 30_000);

  it("should NACK a key reused with other arguments (the proxy's idempotency_conflict), never retried", async () => {
    const before = await runs(client, 'charge');
    const nacks: TxEvent[] = [];
    const watching = client.nacks$.subscribe((e) => nacks.push(e));
    const refused = await client
      .call('charge', { cents: 4 }, { idempotencyKey: `cli-proxy-${major}` })
      .catch((e: unknown) => e);
    watching.unsubscribe();
    expect(isIdempotencyConflictError(refused)).toBe(true);
    expect((refused as Error).message).toContain('the server refused');
    expect(nacks).toHaveLength(1);
    expect(await runs(client, 'charge')).toBe(before);
  }, 30_000);
});
