import { firstValueFrom, take } from 'rxjs';
import {
  IdempotencyConflictError,
  isNackError,
  toPrometheus,
  type TxAckEvent,
  type TxClient,
  type TxEvent,
  type TxNackEvent,
  type TxRetryEvent,
} from '../../src/index.js';
import { connectTxPair, type TxPair } from '../helpers/tx-pair.js';

const quickRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** Every event of `client` from now on, in order (the subscription ends with the client). */
function recordEvents(client: TxClient): TxEvent[] {
  const events: TxEvent[] = [];
  client.events$.subscribe((e) => events.push(e));
  return events;
}

describe('TxClient with a withTxServer-decorated McpServer', () => {
  let pair: TxPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('should negotiate the protocol and read ack/processed/attempts from the server', async () => {
    pair = await connectTxPair();
    const { client } = pair;
    expect([...(client.server?.features ?? [])]).toEqual(expect.arrayContaining(['ack', 'idempotency']));
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
    pair = await connectTxPair({ client: { timeoutMs: 60, retry: quickRetry, dedupWindowMs: 0 } });
    const { client, log } = pair;
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
    pair = await connectTxPair();
    await pair.client.call('charge', { cents: 5 }, { idempotencyKey: 'order-2' });
    const other = await pair.connectAnother();
    const replay = await other.call('charge', { cents: 5 }, { idempotencyKey: 'order-2' });
    expect(replay).toMatchObject({ duplicate: true, ack: true });
    expect(replay.result.content).toEqual([{ type: 'text', text: 'charged 5' }]);
    expect(pair.log.runs.charge).toBe(1);
  });

  it('should fail at once on an idempotency conflict (same key, other arguments)', async () => {
    pair = await connectTxPair({ client: { retry: quickRetry } });
    await pair.client.call('charge', { cents: 5 }, { idempotencyKey: 'order-3' });
    const other = await pair.connectAnother();
    const nacks = firstValueFrom(other.nacks$.pipe(take(1)));
    const error = await other
      .call('charge', { cents: 6 }, { idempotencyKey: 'order-3' })
      .catch((e: unknown) => e);
    expect(isNackError(error) && error.reason).toBe('idempotency_conflict');
    // the server found it: the same class as the client's dedup window raises
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', retryable: false });
    expect(((await nacks) as TxNackEvent).retryable).toBe(false);
    expect(pair.log.runs.charge).toBe(1);
  });

  it('should retry an overloaded NACK after retry_after_ms and then succeed', async () => {
    const backoff = { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 };
    pair = await connectTxPair({
      server: { maxConcurrent: 1, maxQueue: 0 },
      client: { concurrency: 4, retry: backoff },
    });
    const { client } = pair;
    const events = recordEvents(client);
    const results = await Promise.all([1, 2, 3].map(() => client.call('slow', { ms: 20 })));
    expect(results).toHaveLength(3);
    expect(pair.log.maxConcurrent).toBe(1);
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
    pair = await connectTxPair({ client: { timeoutMs: 60, retry: quickRetry } });
    const result = await pair.client.call('charge', { cents: 9, delayMs: 150 });
    expect(result.result.content).toEqual([{ type: 'text', text: 'charged 9' }]);
    expect(pair.log.runs.charge).toBe(1);
  });

  describe('against a server that ACKs but does not honour idempotency keys', () => {
    const server = { features: ['ack', 'retry'] as const };

    it('should fail with AmbiguousOutcomeError when an ACKed attempt times out', async () => {
      pair = await connectTxPair({
        server: { ...server, features: [...server.features] },
        client: { timeoutMs: 60, retry: quickRetry },
      });
      const error = await pair.client.call('charge', { cents: 1, delayMs: 150 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
      expect((error as { cause: unknown }).cause).toMatchObject({ code: 'TIMEOUT', acked: true });
      expect(pair.log.runs.charge).toBe(1);
    });

    it('should retry an attempt that was never ACKed (still queued on the server) and run the tool once', async () => {
      pair = await connectTxPair({
        server: { features: [...server.features], maxConcurrent: 1, maxQueue: 10 },
        client: { concurrency: 2, timeoutMs: 60, retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 10 } },
      });
      const { client } = pair;
      const blocker = client.call('slow', { ms: 200 }, { timeoutMs: 2_000 });
      await new Promise((r) => setTimeout(r, 10));
      const charged = await client.call('charge', { cents: 2 });
      await blocker;
      expect(charged.result.content).toEqual([{ type: 'text', text: 'charged 2' }]);
      expect(charged.attempts).toBeGreaterThanOrEqual(2);
      expect(pair.log.runs.charge).toBe(1);
    });
  });
});

describe('TxClient metrics', () => {
  it('should count calls, outcomes, attempts, ACKs, NACKs and dedup hits, per tool and in total', async () => {
    const pair = await connectTxPair({
      server: { maxConcurrent: 1, maxQueue: 0 },
      client: { concurrency: 4, retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 } },
    });
    try {
      const { client } = pair;
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
    } finally {
      await pair.close();
    }
  });

  it('should emit snapshots on metrics$ at the interval while subscribed', async () => {
    const pair = await connectTxPair({ client: { metricsIntervalMs: 10 } });
    try {
      await pair.client.call('echo', { text: 'm' });
      const snapshot = await firstValueFrom(pair.client.metrics$);
      expect(snapshot.totals.completed).toBe(1);
    } finally {
      await pair.close();
    }
  });
});
