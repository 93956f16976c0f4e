import {
  isAttemptTimeoutError,
  isCircuitOpenError,
  isRequestError,
  txCapabilities,
  type TxBreakerEvent,
  type TxClientOptions,
  type TxEvent,
} from '../../src/index.js';
import { MAX_TOOL_ENTRIES } from '../../src/client/defaults.js';
import { buildLowLevelServer } from '../helpers/majors/build-server.js';
import { answer } from '../helpers/majors/neutral-tool.js';
import { describeMajors, type AnyTxClient, type MajorKit } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

/** What the bare tool server claims: mcp-tx's `retry` feature, no idempotency, no ACK. */
const capabilities = txCapabilities(['retry']);
const text = (r: { result: { content: unknown } }) => (r.result.content as [{ text: string }])[0].text;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const states = (events: TxEvent[]) =>
  events.filter((e): e is TxBreakerEvent => e.type === 'breaker').map((e) => e.state);

/** A TxClient of the kit's client major and the client tools on a bare server of its server major. */
async function connectTools(m: MajorKit, options: TxClientOptions, hangs?: number) {
  const log = newToolLog();
  const server = m.buildServer(clientTools(log, hangs === undefined ? {} : { hangs }), { capabilities });
  const client = await m.inMemory(server, options, { tx: false });
  return { client, log };
}

describeMajors('TxClient circuit breaker and result cache', (m) => {
  let client: AnyTxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  describe('circuit breaker', () => {
    async function connect(hangs: number, options: TxClientOptions) {
      const connected = await connectTools(m, { timeoutMs: 30, retry: false, ...options }, hangs);
      client = connected.client;
      const events: TxEvent[] = [];
      client.events$.subscribe((e) => events.push(e));
      return { ...connected, events };
    }

    it('should open after failureThreshold timeouts and then fail calls at once without sending', async () => {
      const { client, log, events } = await connect(10, {
        breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 },
      });
      for (let i = 0; i < 2; i++) {
        expect(
          isAttemptTimeoutError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e)),
        ).toBe(true);
      }
      const refused = await client.call('flaky', { text: 'x' }).catch((e: unknown) => e);
      expect(isCircuitOpenError(refused)).toBe(true);
      expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true, info: { tool: 'flaky' } });
      expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(59_000);
      expect(log.runs.flaky).toBe(2);
      expect(states(events)).toEqual(['open']);
      expect(events.filter((e) => e.type === 'request')).toHaveLength(2);
      const flaky = client.metrics().tools.flaky;
      expect(flaky).toMatchObject({ breakerOpens: 1, failed: { TIMEOUT: 2, CIRCUIT_OPEN: 1 } });
      // one breaker per tool: another tool is not affected
      expect(text(await client.call('echo', { text: 'still up' }))).toBe('still up');
    });

    it('should fail a call fast when its own retries open the circuit, keeping every attempt error', async () => {
      const { client, log, events } = await connect(10, {
        retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
        tools: { flaky: { breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } } },
      });
      const error = await client.call('flaky', { text: 'x' }).catch((e: unknown) => e);
      expect(isCircuitOpenError(error)).toBe(true);
      const codes = (error as { attemptErrors: { code: string }[] }).attemptErrors.map((e) => e.code);
      expect(codes).toEqual(['TIMEOUT', 'TIMEOUT', 'CIRCUIT_OPEN']);
      expect((error as { info: { attempt: number } }).info.attempt).toBe(2);
      expect(log.runs.flaky).toBe(2);
      // the refused third attempt is not retried: no backoff waits out the open circuit
      const retried = events.filter((e) => e.type === 'retry').map((e) => (e.error as { code: string }).code);
      expect(retried).toEqual(['TIMEOUT', 'TIMEOUT']);
    });

    it('should let a probe through after resetTimeoutMs and close on its success', async () => {
      const { client, log, events } = await connect(1, {
        tools: { flaky: { breaker: { failureThreshold: 1, resetTimeoutMs: 200 } } },
      });
      expect(isAttemptTimeoutError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e))).toBe(
        true,
      );
      expect(isCircuitOpenError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e))).toBe(
        true,
      );
      await sleep(250);
      expect(text(await client.call('flaky', { text: 'back' }))).toBe('back');
      expect(text(await client.call('flaky', { text: 'again' }))).toBe('again');
      expect(log.runs.flaky).toBe(3);
      expect(states(events)).toEqual(['open', 'half-open', 'closed']);
      const [open, halfOpen] = events.filter((e): e is TxBreakerEvent => e.type === 'breaker');
      expect(open).toMatchObject({ tool: 'flaky', attempt: 0 });
      expect(halfOpen).toMatchObject({ tool: 'flaky', attempt: 0 });
    });

    // low-level servers: an McpServer turns invalid arguments into isError results, not JSON-RPC errors
    it('should keep at most MAX_TOOL_ENTRIES breakers: further tool names share one', async () => {
      const seen = new Set<string>();
      const server = buildLowLevelServer(m.server, async ({ name, signal }) => {
        seen.add(name);
        if (name.startsWith('hang'))
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return answer('ok');
      });
      client = await m.inMemory(
        server,
        {
          timeoutMs: 50,
          retry: false,
          concurrency: 100,
          maxQueue: MAX_TOOL_ENTRIES,
          breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
        },
        { tx: false },
      );
      const c = client;
      await Promise.all(Array.from({ length: MAX_TOOL_ENTRIES }, (_, i) => c.call(`tool-${i}`)));
      // past the bound: one timeout opens the breaker that every further tool name shares...
      // (a plain server: a timeout leaves the outcome unknown, a breaker failure as well)
      const lost = await c.call('hang-late').catch((e: unknown) => e);
      expect(lost).toMatchObject({ code: 'AMBIGUOUS_OUTCOME', cause: { code: 'TIMEOUT' } });
      const refused = await c.call('another-late').catch((e: unknown) => e);
      expect(isCircuitOpenError(refused)).toBe(true);
      expect(seen.has('another-late')).toBe(false);
      // ...while the tools within the bound keep breakers of their own
      expect(text(await c.call('tool-0'))).toBe('ok');
    }, 60_000);

    it('should not count isError results or invalid params as failures', async () => {
      // a low-level server: McpServer turns invalid arguments into isError results, not JSON-RPC errors
      let seen = 0;
      const server = buildLowLevelServer(m.server, ({ name, rpcError }) => {
        seen++;
        if (name === 'bad') throw rpcError(-32602, 'no'); // InvalidParams
        return { isError: true, content: [{ type: 'text', text: 'it failed' }] };
      });
      client = await m.inMemory(
        server,
        { breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } },
        { tx: false },
      );
      const events: TxEvent[] = [];
      client.events$.subscribe((e) => events.push(e));
      for (let i = 0; i < 3; i++) {
        expect((await client.call('fail')).result.isError).toBe(true);
        expect(isRequestError(await client.call('bad').catch((e: unknown) => e))).toBe(true);
      }
      expect(seen).toBe(6);
      expect(states(events)).toEqual([]);
      expect(client.metrics().totals.breakerOpens).toBe(0);
    });
    it('should be turned off for a tool by breaker: false', async () => {
      const { client, log } = await connect(10, {
        breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
        tools: { flaky: { breaker: false } },
      });
      for (let i = 0; i < 3; i++) {
        expect(
          isAttemptTimeoutError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e)),
        ).toBe(true);
      }
      expect(log.runs.flaky).toBe(3);
    });
  });

  describe('result cache', () => {
    async function connect(options: TxClientOptions) {
      const connected = await connectTools(m, options);
      client = connected.client;
      return connected;
    }

    it('should answer an identical call from the cache without a request', async () => {
      const { client, log } = await connect({ tools: { echo: { cache: { ttlMs: 60_000 } } } });
      const requests: unknown[] = [];
      client.requests$.subscribe((e) => requests.push(e));
      const first = await client.call('echo', { text: 'hi' });
      const again = await client.call('echo', { text: 'hi' });
      const other = await client.call('echo', { text: 'other' });
      expect(first).toMatchObject({ cached: false, duplicate: false });
      expect(again).toMatchObject({ cached: true, latencyMs: 0, requestId: first.requestId });
      expect(again.result).toEqual(first.result);
      expect(other.cached).toBe(false);
      expect(log.runs.echo).toBe(2);
      expect(requests).toHaveLength(2);
      // the cache hit counts as a call too (issue 11.4)
      expect(client.metrics().tools.echo).toMatchObject({ calls: 3, completed: 3, cacheHits: 1 });
    });

    it('should share one request among concurrent identical calls', async () => {
      const { client, log } = await connect({ tools: { slow: { idempotent: true, cache: {} } } });
      const c = client;
      const results = await Promise.all([1, 2, 3].map(() => c.call('slow', { ms: 20 })));
      expect(log.runs.slow).toBe(1);
      expect(results.map((r) => r.cached)).toEqual([false, true, true]);
      expect(client.metrics().tools.slow?.cacheHits).toBe(2);
    });

    it('should call again once ttlMs passed', async () => {
      const { client, log } = await connect({ tools: { echo: { cache: { ttlMs: 150 } } } });
      await client.call('echo', { text: 'hi' });
      await client.call('echo', { text: 'hi' });
      await sleep(200);
      expect((await client.call('echo', { text: 'hi' })).cached).toBe(false);
      expect(log.runs.echo).toBe(2);
    });

    it('should not cache isError results', async () => {
      const { client, log } = await connect({ tools: { fail: { idempotent: true, cache: {} } } });
      await client.call('fail');
      const again = await client.call('fail');
      expect(again).toMatchObject({ cached: false, result: { isError: true } });
      expect(log.runs.fail).toBe(2);
    });

    it('should answer from the cache while the circuit of the tool is open', async () => {
      const { client, log } = await connect({
        timeoutMs: 30,
        retry: false,
        tools: {
          slow: { idempotent: true, cache: {}, breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } },
        },
      });
      expect((await client.call('slow', { ms: 1 })).cached).toBe(false);
      expect(isAttemptTimeoutError(await client.call('slow', { ms: 5_000 }).catch((e: unknown) => e))).toBe(
        true,
      );
      expect(isCircuitOpenError(await client.call('slow', { ms: 2 }).catch((e: unknown) => e))).toBe(true);
      expect((await client.call('slow', { ms: 1 })).cached).toBe(true);
      expect(log.runs.slow).toBe(2);
    });

    it('should refuse to cache a tool not known to be read-only or idempotent', async () => {
      const { client, log } = await connect({ tools: { charge: { cache: { ttlMs: 1_000 } } } });
      await expect(client.call('charge', { cents: 1 })).rejects.toThrow(
        /options.tools.charge.cache: charge is not known to be read-only or idempotent/,
      );
      expect(log.runs.charge).toBeUndefined();
    });
  });
});
