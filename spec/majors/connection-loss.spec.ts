// A TxClient whose connection closes for good with calls queued (in memory, past its reconnect
// budget, a stdio child killed), written once and run on both SDK majors.
import { isConnectionClosedError } from '../../src/index.js';
import {
  describeMajors,
  type AnyTransport,
  type AnyTxClient,
  type KitConnectOptions,
} from '../helpers/majors/describe-majors.js';
import { stdioChild } from '../helpers/majors/stdio-child.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/** Starts `count` calls of a tool that runs long (idempotent: a call in flight may be re-sent). */
function queueCalls(client: AnyTxClient, count: number) {
  let settled = 0;
  const codes = new Map<string, number>();
  let lastAt = 0;
  const all = Promise.all(
    Array.from({ length: count }, () =>
      client
        .call('slow', { ms: 60_000 }, { idempotent: true })
        .then(
          () => 'completed',
          (e: unknown) => (isConnectionClosedError(e) ? e.code : String(e)),
        )
        .then((code) => {
          settled++;
          lastAt = performance.now();
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }),
    ),
  );
  return { all, codes, settled: () => settled, lastAt: () => lastAt };
}

/** Resolves once `client` has `n` calls queued. */
async function queued(client: AnyTxClient, n: number): Promise<void> {
  while (client.metrics().queue.queued < n) await new Promise((r) => setTimeout(r, 5));
}

describeMajors('TxClient when the connection closes for good with calls queued', (m) => {
  /** The server end of a fresh in-memory pair to a plain tool server of the kit's major, and its client end. */
  async function toolServerPair(): Promise<{ clientSide: AnyTransport; serverSide: AnyTransport }> {
    const [clientSide, serverSide] = m.linkedPair();
    await (m.buildServer(clientTools(newToolLog())).connect as (t: AnyTransport) => Promise<void>)(
      serverSide,
    );
    return { clientSide, serverSide };
  }

  async function inMemoryClient(options: KitConnectOptions) {
    const { clientSide, serverSide } = await toolServerPair();
    return { client: await m.connect(clientSide, options), serverSide };
  }

  it('should fail 2,000 queued calls with ConnectionClosedError at once, and new calls too', async () => {
    const { client, serverSide } = await inMemoryClient({ concurrency: 10, maxQueue: 5_000 });
    const calls = queueCalls(client, 2_000);
    await queued(client, 1_990);
    const lostAt = performance.now();
    await serverSide.close();
    await calls.all;
    expect(calls.codes).toEqual(new Map([['CONNECTION_CLOSED', 2_000]]));
    // ~40 ms on an idle machine; far below the 30 s attempt timeout even on a loaded one
    expect(calls.lastAt() - lostAt).toBeLessThan(10_000);
    const started = performance.now();
    const error = await client.call('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(isConnectionClosedError(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    await client.close();
  });

  it('should settle 100,000 queued calls without recursion in proportion to the queue', async () => {
    // Each call fails with an error of its own, whose stack capture is most of its cost: Jest
    // captures 100 frames per error, a Node process (what users run) 10.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
    try {
      const { client, serverSide } = await inMemoryClient({ concurrency: 10, maxQueue: 100_000 });
      const codes = new Map<string, number>();
      let settled = 0;
      const all = new Promise<void>((resolve) => {
        const count = (code: string) => {
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (++settled === 100_000) resolve();
        };
        // subscribers rather than promises: the queue, not the test, should hold the memory
        for (let i = 0; i < 100_000; i++) {
          client.call$('slow', { ms: 60_000 }, { idempotent: true }).subscribe({
            next: () => count('completed'),
            error: (e: unknown) => count(isConnectionClosedError(e) ? e.code : String(e)),
          });
        }
      });
      await queued(client, 99_990);
      await serverSide.close();
      await all;
      expect(codes).toEqual(new Map([['CONNECTION_CLOSED', 100_000]]));
      await client.close();
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }, 120_000);

  it('should fail every queued call when the reconnect budget runs out', async () => {
    let made = 0;
    let serverSide: AnyTransport | undefined;
    const factory = async (): Promise<AnyTransport> => {
      if (made++ > 0) throw new Error('server gone');
      const pair = await toolServerPair();
      serverSide = pair.serverSide;
      return pair.clientSide;
    };
    const client = await m.connect(factory, {
      concurrency: 10,
      maxQueue: 2_000,
      reconnect: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const calls = queueCalls(client, 1_500);
    await queued(client, 1_490);
    await serverSide?.close();
    await calls.all;
    expect(calls.codes).toEqual(new Map([['CONNECTION_CLOSED', 1_500]]));
    expect(made).toBe(4); // the first connection, then maxAttempts reconnects
    const error = await client.call('echo', { text: 'x' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/server gone/);
    await client.close();
  });

  it('should fail every queued call when a stdio child is killed (no reconnect)', async () => {
    const transport = stdioChild(m, './stdio-tool-server.ts');
    const client = await m.connect(transport, { concurrency: 10, maxQueue: 2_000 });
    const calls = queueCalls(client, 1_200);
    await queued(client, 1_190);
    process.kill(transport.pid ?? -1, 'SIGKILL');
    await calls.all;
    expect(calls.codes).toEqual(new Map([['CONNECTION_CLOSED', 1_200]]));
    const error = await client.call('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(isConnectionClosedError(error)).toBe(true);
    await client.close();
  }, 30_000);
});
