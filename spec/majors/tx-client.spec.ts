// The TxClient's core behaviours, written once and run on both SDK majors (a TxClient of `mcp-tx`
// against an SDK v1 McpServer, of `mcp-tx/v2` against an SDK v2 one), over the in-memory pair.
import { firstValueFrom, toArray, take } from 'rxjs';
import {
  isTxError,
  IdempotencyConflictError,
  isAbortedError,
  isAmbiguousOutcomeError,
  isClientClosedError,
  isDeadlineExceededError,
  isQueueFullError,
  isRequestError,
  isAttemptTimeoutError,
  txCapabilities,
  type TxEvent,
} from '../../src/index.js';
import {
  describeEveryPairing,
  type AnyTxClient,
  type KitConnectOptions,
} from '../helpers/majors/describe-majors.js';
import { buildFailingServer } from '../helpers/majors/build-server.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

const text = (r: { result: { content: unknown } }) => (r.result.content as [{ text: string }])[0].text;
const INVALID_PARAMS = -32602;
const fastRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describeEveryPairing('TxClient over in-memory transport', (m) => {
  let client: AnyTxClient | undefined;
  /** A server of the kit's major with the client tools, claiming `capabilities`, and its log. */
  const createToolServer = (options: { capabilities?: Record<string, unknown>; hangs?: number } = {}) => {
    const log = newToolLog();
    const server = m.buildServer(clientTools(log, options), {
      ...(options.capabilities && { capabilities: options.capabilities }),
    });
    return { server, log };
  };
  /** A TxClient of the kit's major on `server`, served bare (what it claims is all it speaks). */
  const connectInMemory = (server: Parameters<typeof m.inMemory>[0], options: KitConnectOptions = {}) =>
    m.inMemory(server, options, { tx: false });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  describe('with an MCP-Tx 0.1 server', () => {
    it('should send the idempotency key on every request, since 0.1 reads a missing key as unkeyed', async () => {
      const capabilities = {
        experimental: { mcp_tx: { version: '0.1.0', features: ['retry', 'idempotency'] } },
      };
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server, { timeoutMs: 1_000 });
      const result = await client.call('echo', { text: 'old' });
      const [meta] = log.metas.echo as Record<string, unknown>[];
      expect(meta).toMatchObject({ request_id: result.requestId, idempotency_key: result.idempotencyKey });
    });
  });

  describe('with a server that speaks mcp_tx (retry only)', () => {
    const capabilities = txCapabilities(['retry']);

    it('should retry a flaky read-only tool until it succeeds, keeping request id and key', async () => {
      const { server, log } = createToolServer({ capabilities, hangs: 2 });
      client = await connectInMemory(server, { timeoutMs: 100, retry: fastRetry });
      const result = await client.call('flaky', { text: 'hi' });
      expect(text(result)).toBe('hi');
      expect(result.attempts).toBe(3);
      const metas = log.metas.flaky as Record<string, unknown>[];
      expect(metas.map((m) => m.retry_count)).toEqual([0, 1, 2]);
      expect(new Set(metas.map((m) => m.request_id)).size).toBe(1);
      expect(metas[0]?.request_id).toBe(result.requestId);
      expect(result.idempotencyKey).toBe(result.requestId);
    });

    it('should keep an explicit idempotency key on every attempt', async () => {
      const { server, log } = createToolServer({ capabilities, hangs: 1 });
      client = await connectInMemory(server, { timeoutMs: 100, retry: fastRetry });
      const result = await client.call('flaky', { text: 'k' }, { idempotencyKey: 'order-42' });
      const metas = log.metas.flaky as Record<string, unknown>[];
      expect(metas.map((m) => m.idempotency_key)).toEqual(['order-42', 'order-42']);
      expect(result.idempotencyKey).toBe('order-42');
      expect(result.requestId).not.toBe('order-42');
    });

    it('should not retry a side-effecting tool after an ambiguous timeout', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server, { timeoutMs: 50, retry: fastRetry });
      const error = await client.call('charge', { cents: 100, delayMs: 1_000 }).catch((e: unknown) => e);
      expect(isAmbiguousOutcomeError(error)).toBe(true);
      expect(log.runs.charge).toBe(1);
    });

    it('should retry a side-effecting tool declared idempotent by policy', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server, {
        timeoutMs: 50,
        retry: { ...fastRetry, maxAttempts: 2 },
        tools: { charge: { idempotent: true } },
      });
      const error = await client.call('charge', { cents: 1, delayMs: 1_000 }).catch((e: unknown) => e);
      expect(isAttemptTimeoutError(error)).toBe(true);
      expect(log.runs.charge).toBe(2);
      expect((error as { attemptErrors: unknown[] }).attemptErrors).toHaveLength(2);
    });

    it('should abort the tool on the server when the caller unsubscribes', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      const sub = client.call$('slow', { ms: 10_000 }).subscribe();
      await new Promise((r) => setTimeout(r, 30));
      sub.unsubscribe();
      await new Promise((r) => setTimeout(r, 30));
      expect(log.aborted).toBe(1);
    });

    it('should abort the call and the tool when the signal aborts', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      const controller = new AbortController();
      const pending = client.call('slow', { ms: 10_000 }, { signal: controller.signal });
      const reason = new Error('user gave up');
      setTimeout(() => controller.abort(reason), 20);
      const error = await pending.catch((e: unknown) => e);
      expect(isAbortedError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'ABORTED',
        retryable: false,
        cause: reason,
        info: { tool: 'slow' },
      });
      expect((error as Error).message).toMatch(/user gave up/);
      await new Promise((r) => setTimeout(r, 20));
      expect(log.aborted).toBe(1);
    });

    it('should fail a call aborted without a reason with an AbortedError whose cause is the AbortError', async () => {
      const { server } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      const error = await client
        .call('echo', { text: 'x' }, { signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      expect(isTxError(error) && isAbortedError(error)).toBe(true);
      expect((error as Error).cause).toMatchObject({ name: 'AbortError' });
    });

    it('should never let the server see more than `concurrency` calls at once', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server, { concurrency: 3 });
      const c = client;
      await Promise.all(Array.from({ length: 12 }, () => c.call('slow', { ms: 15 })));
      expect(log.runs.slow).toBe(12);
      expect(log.maxConcurrent).toBe(3);
    });

    it('should fail fast with QueueFullError past maxQueue', async () => {
      const { server } = createToolServer({ capabilities });
      client = await connectInMemory(server, { concurrency: 1, maxQueue: 1 });
      const c = client;
      const calls = [1, 2, 3].map(() =>
        c.call('slow', { ms: 30 }).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
      const [first, second, third] = await Promise.all(calls);
      expect([first, second]).toEqual(['ok', 'ok']);
      expect(isQueueFullError(third)).toBe(true);
      expect((third as { retryable: boolean }).retryable).toBe(true);
    });

    it('should time out an attempt and give up after maxAttempts for a read-only tool', async () => {
      const { server, log } = createToolServer({ capabilities, hangs: 10 });
      client = await connectInMemory(server, { timeoutMs: 30, retry: { ...fastRetry, maxAttempts: 2 } });
      const error = await client.call('flaky', { text: 'x' }).catch((e: unknown) => e);
      expect(isAttemptTimeoutError(error)).toBe(true);
      expect(log.runs.flaky).toBe(2);
    });

    it('should enforce the overall deadline across attempts', async () => {
      const { server, log } = createToolServer({ capabilities, hangs: 10 });
      client = await connectInMemory(server, { timeoutMs: 40, retry: { ...fastRetry, maxAttempts: 10 } });
      const started = Date.now();
      const error = await client.call('flaky', { text: 'x' }, { deadlineMs: 100 }).catch((e: unknown) => e);
      expect(isDeadlineExceededError(error)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(log.runs.flaky).toBeGreaterThanOrEqual(2);
      const metas = log.metas.flaky as Record<string, unknown>[];
      expect(typeof metas[0]?.deadline).toBe('number');
    });

    it('should return isError results without retrying them', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      const result = await client.call('fail');
      expect(result.result.isError).toBe(true);
      expect(log.runs.fail).toBe(1);
    });

    it('should retry isError results when retryOnResult opts in, then return the last one', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server, {
        retry: fastRetry,
        tools: { fail: { retryOnResult: () => true } },
      });
      const result = await client.call('fail');
      expect(result.result.isError).toBe(true);
      expect(log.runs.fail).toBe(4);
    });

    it('should share one execution between calls with the same key, and replay it within the window', async () => {
      const { server, log } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      const [a, b] = await Promise.all([
        client.call('charge', { cents: 5, delayMs: 20 }, { idempotencyKey: 'k1' }),
        client.call('charge', { cents: 5, delayMs: 20 }, { idempotencyKey: 'k1' }),
      ]);
      const c = await client.call('charge', { cents: 5, delayMs: 20 }, { idempotencyKey: 'k1' });
      expect(log.runs.charge).toBe(1);
      expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, true, true]);
      expect(text(c)).toBe('charged 5');
    });

    it('should reject a reused key with other arguments', async () => {
      const { server } = createToolServer({ capabilities });
      client = await connectInMemory(server);
      await client.call('charge', { cents: 5 }, { idempotencyKey: 'k2' });
      const error = await client
        .call('charge', { cents: 6 }, { idempotencyKey: 'k2' })
        .catch((e: unknown) => e);
      // the client's dedup window found it: the same class as the server's NACK
      expect(error).toBeInstanceOf(IdempotencyConflictError);
      expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', reason: 'idempotency_conflict' });
    });

    it('should stream request, retry, timeout and response events', async () => {
      const { server } = createToolServer({ capabilities, hangs: 1 });
      client = await connectInMemory(server, { timeoutMs: 50, retry: fastRetry });
      const events = firstValueFrom(client.events$.pipe(take(5), toArray()));
      await client.call('flaky', { text: 'e' });
      expect((await events).map((e: TxEvent) => e.type)).toEqual([
        'request',
        'timeout',
        'retry',
        'request',
        'response',
      ]);
    });
  });

  describe('against a plain MCP server (fallback mode)', () => {
    it('should send no _meta.mcp_tx and still apply client-side limits', async () => {
      const { server, log } = createToolServer({ hangs: 1 });
      client = await connectInMemory(server, { timeoutMs: 50, retry: fastRetry, concurrency: 2 });
      expect(client.server).toBeUndefined();
      const result = await client.call('flaky', { text: 'plain' });
      expect(text(result)).toBe('plain');
      expect(log.metas.flaky).toEqual([undefined, undefined]);
      expect(result.ack).toBe(false);
      const c = client;
      // a generous timeout: this checks the concurrency limit, not timeouts, on a loaded machine too
      await Promise.all(Array.from({ length: 6 }, () => c.call('slow', { ms: 10 }, { timeoutMs: 5_000 })));
      expect(log.maxConcurrent).toBe(2);
    });

    it('should not retry a non-idempotent tool after an ambiguous failure', async () => {
      const { server, log } = createToolServer();
      client = await connectInMemory(server, { timeoutMs: 30, retry: fastRetry });
      await expect(client.call('charge', { cents: 1, delayMs: 500 })).rejects.toMatchObject({
        code: 'AMBIGUOUS_OUTCOME',
      });
      expect(log.runs.charge).toBe(1);
    });
  });

  describe('options and input', () => {
    it('should reject invalid and unknown options, naming the field', async () => {
      const connect = (options: object) => connectInMemory(createToolServer().server, options);
      await expect(connect({ concurrency: 0 })).rejects.toThrow(RangeError);
      await expect(connect({ retry: { maxAttempts: 1.5 } })).rejects.toThrow(/retry.maxAttempts/);
      await expect(connect({ timeOutMs: 5 })).rejects.toThrow(/timeOutMs is not an option/);
    });

    it('should fail a call with bad input as a typed error, not a throw', async () => {
      const { server } = createToolServer();
      client = await connectInMemory(server);
      expect(() => client?.call$('')).not.toThrow();
      await expect(client.call('')).rejects.toThrow(TypeError);
      await expect(client.call('echo', [] as never)).rejects.toThrow(TypeError);
      await expect(client.call('echo', { text: 'x' }, { timeoutMs: -1 })).rejects.toThrow(
        /callOptions.timeoutMs/,
      );
    });

    it('should return McpServer validation failures as isError results, not retried', async () => {
      const { server, log } = createToolServer();
      client = await connectInMemory(server, { retry: fastRetry });
      const result = await client.call('echo', { text: 42 });
      expect(result.result.isError).toBe(true);
      expect(result.attempts).toBe(1);
      expect(log.runs.echo ?? 0).toBe(0);
    });

    it('should fail with RequestError on a JSON-RPC error (invalid params) and never retry it', async () => {
      let seen = 0;
      const server = buildFailingServer(m.server, (rpcError) => {
        seen++;
        return rpcError(INVALID_PARAMS, 'cents must be positive');
      });
      client = await connectInMemory(server, { retry: fastRetry });
      const error = await client.call('charge', { cents: -1 }).catch((e: unknown) => e);
      expect(isRequestError(error)).toBe(true);
      expect(error).toMatchObject({ rpcCode: INVALID_PARAMS, retryable: false });
      expect(seen).toBe(1);
    });
  });

  describe('close', () => {
    it('should reject queued and in-flight calls with ClientClosedError and refuse new ones', async () => {
      const { server, log } = createToolServer();
      client = await connectInMemory(server, { concurrency: 1 });
      const c = client;
      const inFlight = c.call('slow', { ms: 5_000 }).catch((e: unknown) => e);
      const queued = c.call('slow', { ms: 5_000 }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 20));
      await c.close();
      expect(isClientClosedError(await inFlight)).toBe(true);
      expect(isClientClosedError(await queued)).toBe(true);
      await expect(c.call('echo', { text: 'late' })).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
      expect(log.runs.slow).toBe(1);
    });
  });
});
