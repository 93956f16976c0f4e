// A TxClient of either SDK major over stdio, against an SDK v2 server in a child process: served by
// serveStdio (the 2026-07-28 protocol for a v2 client, the initialize era for a v1 client) or by a
// decorated StdioServerTransport (the initialize era only).
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { firstValueFrom, toArray } from 'rxjs';
import { fileURLToPath } from 'node:url';
import * as v2 from '../../src/v2/index.js';
import { majorKit, type AnyTxClient, type Major } from '../helpers/majors/describe-majors.js';
import { losingResponses } from '../helpers/majors/losing-responses.js';
import { stdioTransport } from '../helpers/stdio.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const SCRIPT = fileURLToPath(new URL('../helpers/v2-stdio-server.ts', import.meta.url));
const textOf = (result: { content: unknown[] }) => (result.content[0] as { text?: string } | undefined)?.text;

/** A client of `major` on a fresh child serving `how`, its transports through `wrap`. */
function connect(major: Major, how: string, wrap = losingResponses(0)): Promise<AnyTxClient> {
  const options = {
    reconnect: false as const,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  };
  const spawn = () =>
    major === 'v1'
      ? stdioTransport('./v2-stdio-server.ts', [how])
      : (new StdioClientTransport({
          command: process.execPath,
          args: [...childScriptArgs(SCRIPT), how],
          stderr: 'inherit',
        }) as unknown as ReturnType<typeof stdioTransport>);
  return majorKit(major, 'v2').connect(() => wrap(spawn()), options);
}

/** Executions of `tool` the child reports. */
async function runs(client: AnyTxClient, tool: string): Promise<number> {
  const { result } = await client.call('log', {});
  return (JSON.parse(textOf(result) ?? '{}') as { runs: Record<string, number> }).runs[tool] ?? 0;
}

describe.each<[Major, string, 'legacy' | 'modern']>([
  ['v1', 'serve-stdio', 'legacy'],
  ['v2', 'serve-stdio', 'modern'],
  ['v2', 'stdio-transport', 'legacy'],
])('a TxClient on SDK %s over stdio, against an SDK v2 server (%s)', (major, how, era) => {
  let client: AnyTxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it(`should speak mcp-tx on the ${era} protocol, and retry a lost response into the stored result`, async () => {
    client = await connect(major, how, losingResponses(1));
    if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe(era);
    expect(client.server?.features).toEqual(expect.arrayContaining(['ack', 'idempotency']));
    const { result, attempts, duplicate } = await client.call(
      'charge',
      { cents: 7 },
      { idempotencyKey: 'stdio-1' },
    );
    expect([textOf(result), attempts, duplicate]).toEqual(['charged 7', 2, true]);
    expect(await runs(client, 'charge')).toBe(1);
  }, 30_000);

  it("should stream a call's progress on stream$", async () => {
    client = await connect(major, how);
    const events = await firstValueFrom(client.stream$('progress', { steps: 2 }).pipe(toArray()));
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('response');
  }, 30_000);
});
