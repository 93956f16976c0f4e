// A TxClient against a withTxServer-decorated McpServer, on both SDK majors (a TxClient of mcp-tx
// against an SDK v1 McpServer, of mcp-tx/v2 against an SDK v2 one), in memory, with one store and
// one ledger of executions shared by every server a spec connects.
import { firstValueFrom, take } from 'rxjs';
import {
  toPrometheus,
  type TxAckEvent,
  type TxEvent,
  type TxNackEvent,
  type TxRetryEvent,
} from '../../src/index.js';
import { MemoryIdempotencyStore, type TxServerOptions } from '../../src/server/index.js';
import {
  describeMajors,
  type AnyTxClient,
  type KitConnectOptions,
  type MajorKit,
} from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';

const quickRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** Every event of `client` from now on, in order (the subscription ends with the client). */
function recordEvents(client: AnyTxClient): TxEvent[] {
  const events: TxEvent[] = [];
  client.events$.subscribe((e: TxEvent) => events.push(e));
  return events;
}

/** A TxClient of the kit's major on a decorated server, and more on servers sharing its store and log. */
interface DecoratedPair {
  client: AnyTxClient;
  log: ToolLog;
  /** Another TxClient on a new connection to a new server sharing the store and the log. */
  connectAnother(options?: KitConnectOptions): Promise<AnyTxClient>;
  close(): Promise<void>;
}

async function connectDecorated(
  m: MajorKit,
  { client: clientOptions = {}, server = {} }: { client?: KitConnectOptions; server?: TxServerOptions } = {},
): Promise<DecoratedPair> {
  const store = new MemoryIdempotencyStore();
  const log = newToolLog();
  const clients: AnyTxClient[] = [];
  const connect = async (options: KitConnectOptions) => {
    const tools = clientTools(log, { hangs: 0 });
    const client = await m.inMemory(m.buildServer(tools), options, { tx: { store, ...server } });
    clients.push(client);
    return client;
  };
  return {
    client: await connect(clientOptions),
    log,
    connectAnother: (options = clientOptions) => connect(options),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

describeMajors('TxClient with a withTxServer-decorated McpServer', (m) => {
  let pair: DecoratedPair | undefined;
  const connect = async (options?: Parameters<typeof connectDecorated>[1]) =>
    (pair = await connectDecorated(m, options));
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('should read ack/processed/attempts from the server and announce the ACK on acks$', async () => {
    const { client } = await connect();
    const acks = firstValueFrom(client.acks$.pipe(take(1)));
    const result = await client.call('echo', { text: 'hi' });
    expect(result).toMatchObject({ ack: true, processed: true, duplicate: false, attempts: 1 });
    expect((await acks) as TxAckEvent).toMatchObject({
      type: 'ack',
      tool: 'echo',
      requestId: result.requestId,
    });
  });

  it('should run a side-effecting tool once when the ACKed attempt times out and is retried', async () => {
    // the server holds a keyed call's ACK for ackDelayMs (20 ms by default), well inside the 60 ms
    // attempt timeout; the client's own window is off so that the later call asks the server's store
    const { client, log } = await connect({ client: { timeoutMs: 60, retry: quickRetry, dedupWindowMs: 0 } });
    const events = recordEvents(client);
    const result = await client.call('charge', { cents: 500, delayMs: 150 }, { idempotencyKey: 'order-1' });
    expect(result.result.content).toEqual([{ type: 'text', text: 'charged 500' }]);
    expect(log.runs.charge).toBe(1);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    // the first attempt: ACKed, then timed out (knowing it was ACKed), then retried
    const first = events.filter((e) => e.requestId === result.requestId).slice(0, 4);
    expect(first.map((e) => e.type)).toEqual(['request', 'ack', 'timeout', 'retry']);
    expect(first[2]).toMatchObject({ attempt: 0, acked: true });
    // a retry event announces the next attempt: its number is that of the request that follows
    const next = events.filter((e) => e.requestId === result.requestId && e.type === 'request')[1];
    expect([first[3]?.attempt, next?.attempt]).toEqual([1, 1]);

    const later = await client.call('charge', { cents: 500, delayMs: 150 }, { idempotencyKey: 'order-1' });
    expect(later).toMatchObject({ duplicate: true, processed: true });
    expect(later.result.content).toEqual([{ type: 'text', text: 'charged 500' }]);
    expect(events.filter((e) => e.requestId === later.requestId && e.type === 'request')).toHaveLength(1);
    expect(log.runs.charge).toBe(1);
  });

  it('should replay a completed key from the server store to a new client, without running the tool', async () => {
    const { client, log, connectAnother } = await connect();
    await client.call('charge', { cents: 5 }, { idempotencyKey: 'order-2' });
    const other = await connectAnother();
    const replay = await other.call('charge', { cents: 5 }, { idempotencyKey: 'order-2' });
    expect(replay).toMatchObject({ duplicate: true, ack: true });
    expect(replay.result.content).toEqual([{ type: 'text', text: 'charged 5' }]);
    expect(log.runs.charge).toBe(1);
  });

  it('should retry an overloaded NACK after retry_after_ms and then succeed', async () => {
    const backoff = { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 };
    const { client, log } = await connect({
      server: { maxConcurrent: 1, maxQueue: 0 },
      client: { concurrency: 4, retry: backoff },
    });
    const events = recordEvents(client);
    const results = await Promise.all([1, 2, 3].map(() => client.call('slow', { ms: 20 })));
    expect(results).toHaveLength(3);
    expect(log.maxConcurrent).toBe(1);
    const nacks = events.filter((e): e is TxNackEvent => e.type === 'nack');
    expect(nacks.length).toBeGreaterThan(0);
    // the server's guess (about the average execution time) is above what the backoff could pick,
    // so a delay equal to it can only come from retry_after_ms
    expect(nacks[0]).toMatchObject({ reason: 'overloaded', retryable: true });
    expect(nacks[0]?.retryAfterMs).toBeGreaterThan(backoff.maxDelayMs);
    for (const nack of nacks) {
      const after = events.filter((e) => e.requestId === nack.requestId && e.time >= nack.time);
      const retry = after.find((e): e is TxRetryEvent => e.type === 'retry');
      const next = after.find((e) => e.type === 'request' && e.attempt === nack.attempt + 1);
      expect(retry?.delayMs).toBe(nack.retryAfterMs);
      // timers may fire up to 1 ms early on the millisecond clock
      expect((next?.time ?? 0) - (retry?.time ?? 0)).toBeGreaterThanOrEqual((nack.retryAfterMs ?? 0) - 1);
    }
  });

  it('should retry an unkeyed-by-user side-effecting call safely because the server honours its generated key', async () => {
    const { client, log } = await connect({ client: { timeoutMs: 60, retry: quickRetry } });
    const result = await client.call('charge', { cents: 9, delayMs: 150 });
    expect(result.result.content).toEqual([{ type: 'text', text: 'charged 9' }]);
    expect(log.runs.charge).toBe(1);
  });

  describe('against a server that ACKs but does not honour idempotency keys', () => {
    const features: NonNullable<TxServerOptions['features']> = ['ack', 'retry'];

    it('should fail with AmbiguousOutcomeError when an ACKed attempt times out', async () => {
      const { client, log } = await connect({
        server: { features },
        client: { timeoutMs: 60, retry: quickRetry },
      });
      const error = await client.call('charge', { cents: 1, delayMs: 150 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
      expect((error as { cause: unknown }).cause).toMatchObject({ code: 'TIMEOUT', acked: true });
      expect(log.runs.charge).toBe(1);
    });

    it('should retry an attempt that was never ACKed (still queued on the server) and run the tool once', async () => {
      const { client, log } = await connect({
        server: { features, maxConcurrent: 1, maxQueue: 10 },
        client: { concurrency: 2, timeoutMs: 60, retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 10 } },
      });
      const blocker = client.call('slow', { ms: 200 }, { timeoutMs: 2_000 });
      await new Promise((r) => setTimeout(r, 10));
      const charged = await client.call('charge', { cents: 2 });
      await blocker;
      expect(charged.result.content).toEqual([{ type: 'text', text: 'charged 2' }]);
      expect(charged.attempts).toBeGreaterThanOrEqual(2);
      expect(log.runs.charge).toBe(1);
    });
  });

  describe('metrics', () => {
    it('should count calls, outcomes, attempts, ACKs, NACKs and dedup hits, per tool and in total', async () => {
      const { client } = await connect({
        server: { maxConcurrent: 1, maxQueue: 0 },
        client: { concurrency: 4, retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 } },
      });
      await Promise.all([1, 2, 3].map(() => client.call('slow', { ms: 10 })));
      await client.call('charge', { cents: 1 }, { idempotencyKey: 'm-1' });
      await client.call('charge', { cents: 1 }, { idempotencyKey: 'm-1' });
      await client.call('nope').catch(() => undefined);
      const { totals, tools } = client.metrics();
      expect(tools.slow).toMatchObject({ calls: 3, completed: 3, inFlight: 0 });
      expect(tools.slow?.nacks.overloaded).toBeGreaterThan(0);
      expect(tools.slow?.retries).toBe(tools.slow?.nacks.overloaded);
      // the second call was answered by the dedup window: a call and a dedup hit, no second attempt
      expect(tools.charge).toMatchObject({ calls: 2, completed: 2, dedupHits: 1, attempts: 1 });
      expect(totals.acks).toBeGreaterThanOrEqual(4);
      expect(totals.latencyMs.count).toBe(totals.calls);
      expect(toPrometheus(client.metrics())).toContain('mcp_tx_calls_total{tool="slow"} 3');
    });

    it('should emit snapshots on metrics$ at the interval while subscribed', async () => {
      const { client } = await connect({ client: { metricsIntervalMs: 10 } });
      await client.call('echo', { text: 'm' });
      const snapshot = await firstValueFrom(client.metrics$);
      expect(snapshot.totals.completed).toBe(1);
    });
  });
});
