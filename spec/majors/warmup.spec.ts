// TxClient.warmup, written once and run on both SDK majors, in memory.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isAttemptTimeoutError } from '../../src/index.js';
import { describeEveryPairing, type AnyTxClient } from '../helpers/majors/describe-majors.js';
import { loggedPair as loggedV1Pair } from '../helpers/method-log.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

describeEveryPairing('TxClient.warmup', (m) => {
  let client: AnyTxClient | undefined;
  /** A tool server of the kit's major (typed as v1's: `connect` is what loggedPair uses of it). */
  const createToolServer = () => {
    const log = newToolLog();
    return { server: m.buildServer(clientTools(log)) as McpServer, log };
  };
  const loggedPair = (server: McpServer, drop: readonly string[] = []) =>
    loggedV1Pair(server, drop, m.linkedPair);
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it('should send DEFAULT_WARMUP_ROUNDS pings that reach the server and report their round trips', async () => {
    const { server } = createToolServer();
    const pair = await loggedPair(server);
    client = await m.connect(pair.client);
    const before = pair.methods.length;
    const report = await client.warmup();
    expect(pair.methods.slice(before)).toEqual(['ping', 'ping', 'ping']);
    expect(report.pingMs).toHaveLength(3);
    for (const ms of report.pingMs) expect(ms).toBeGreaterThanOrEqual(0);
    expect(report.failures).toEqual([]);
    expect(report.callMs).toEqual({});
    expect(report.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('should make the given calls in every round, after its ping', async () => {
    const { server, log } = createToolServer();
    const pair = await loggedPair(server);
    client = await m.connect(pair.client);
    const before = pair.methods.length;
    const report = await client.warmup({ rounds: 2, calls: [{ name: 'echo', args: { text: 'warm' } }] });
    expect(pair.methods.slice(before)).toEqual(['ping', 'tools/call', 'ping', 'tools/call']);
    expect(log.runs.echo).toBe(2);
    expect(report.callMs.echo).toHaveLength(2);
  });

  it('should report a ping that times out, cancel it on the server, and carry on', async () => {
    const { server } = createToolServer();
    const pair = await loggedPair(server, ['ping']);
    client = await m.connect(pair.client);
    const report = await client.warmup({ rounds: 2, timeoutMs: 30 });
    expect(report.pingMs).toEqual([]);
    expect(report.failures.map((f) => f.what)).toEqual(['ping', 'ping']);
    expect(report.failures.every((f) => isAttemptTimeoutError(f.error))).toBe(true);
    expect(pair.methods.filter((m) => m === 'notifications/cancelled')).toHaveLength(2);
  });

  it('should report a call that fails or returns isError, or reject with it when throwOnFailure', async () => {
    const { server, log } = createToolServer();
    client = await m.connect((await loggedPair(server)).client);
    const report = await client.warmup({ rounds: 1, calls: [{ name: 'fail' }, { name: 'echo' }] });
    expect(report.pingMs).toHaveLength(1);
    expect(report.failures.map((f) => f.what)).toEqual(['fail', 'echo']); // echo: missing its text
    expect((report.failures[0]?.error as Error).cause).toMatchObject({ isError: true });
    expect(report.callMs).toEqual({ fail: [], echo: [] });
    expect(log.runs.fail).toBe(1);
    await expect(
      client.warmup({ rounds: 1, calls: [{ name: 'fail' }], throwOnFailure: true }),
    ).rejects.toThrow('fail: the tool returned an error result');
  });

  it('should report pings to a server that went away', async () => {
    const { server } = createToolServer();
    client = await m.connect((await loggedPair(server)).client);
    await server.close();
    const report = await client.warmup({ rounds: 2 });
    expect(report.pingMs).toEqual([]);
    expect(report.failures).toHaveLength(2);
  });

  it('should reject an invalid config, naming the field', async () => {
    client = await m.connect((await loggedPair(createToolServer().server)).client);
    await expect(client.warmup({ rounds: 0 })).rejects.toThrow(
      new RangeError('warmup.rounds must be an integer from 1 to 1000, got 0'),
    );
    await expect(client.warmup({ pings: 3 } as never)).rejects.toThrow(
      new TypeError(
        'warmup: pings is not an option; known options: rounds, calls, timeoutMs, throwOnFailure',
      ),
    );
    await expect(client.warmup({ calls: [{ name: '' }] })).rejects.toThrow(
      new TypeError('warmup.calls[0].name must be a non-empty string'),
    );
  });
});
