import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  isCircuitOpenError,
  isRequestError,
  isAttemptTimeoutError,
  txCapabilities,
  TxClient,
  type TxBreakerEvent,
  type TxClientOptions,
  type TxEvent,
} from '../../src/index.js';
import { MAX_TOOL_ENTRIES } from '../../src/client/defaults.js';
import { connectInMemory } from '../helpers/connect.js';
import { createToolServer } from '../helpers/tool-server.js';

const capabilities = txCapabilities(['retry']);
const text = (r: { result: { content: unknown } }) => (r.result.content as [{ text: string }])[0].text;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const states = (events: TxEvent[]) =>
  events.filter((e): e is TxBreakerEvent => e.type === 'breaker').map((e) => e.state);

describe('TxClient circuit breaker', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function connect(hangs: number, options: TxClientOptions) {
    const { server, log } = createToolServer({ capabilities, hangs });
    client = await connectInMemory(server, { timeoutMs: 30, retry: false, ...options });
    const events: TxEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    return { client, log, events };
  }

  it('should open after failureThreshold timeouts and then fail calls at once without sending', async () => {
    const { client, log, events } = await connect(10, {
      breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 },
    });
    for (let i = 0; i < 2; i++) {
      expect(isAttemptTimeoutError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e))).toBe(
        true,
      );
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
    expect(isCircuitOpenError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e))).toBe(true);
    await sleep(250);
    expect(text(await client.call('flaky', { text: 'back' }))).toBe('back');
    expect(text(await client.call('flaky', { text: 'again' }))).toBe('again');
    expect(log.runs.flaky).toBe(3);
    expect(states(events)).toEqual(['open', 'half-open', 'closed']);
    const [open, halfOpen] = events.filter((e): e is TxBreakerEvent => e.type === 'breaker');
    expect(open).toMatchObject({ tool: 'flaky', attempt: 0 });
    expect(halfOpen).toMatchObject({ tool: 'flaky', attempt: 0 });
  });

  it('should keep at most MAX_TOOL_ENTRIES breakers: further tool names share one', async () => {
    const server = new Server({ name: 'any-tool', version: '1.0.0' }, { capabilities: { tools: {} } });
    const seen = new Set<string>();
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      seen.add(request.params.name);
      if (request.params.name.startsWith('hang')) {
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve));
      }
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = await TxClient.connect(clientTransport, {
      timeoutMs: 50,
      retry: false,
      concurrency: 100,
      maxQueue: MAX_TOOL_ENTRIES,
      breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
    });
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
    const server = new Server({ name: 'low-level', version: '1.0.0' }, { capabilities: { tools: {} } });
    let seen = 0;
    server.setRequestHandler(CallToolRequestSchema, (request) => {
      seen++;
      if (request.params.name === 'bad') throw new McpError(ErrorCode.InvalidParams, 'no');
      return { isError: true, content: [{ type: 'text', text: 'it failed' }] };
    });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = await TxClient.connect(clientTransport, {
      breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
    });
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
      expect(isAttemptTimeoutError(await client.call('flaky', { text: 'x' }).catch((e: unknown) => e))).toBe(
        true,
      );
    }
    expect(log.runs.flaky).toBe(3);
  });
});

describe('TxClient result cache', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function connect(options: TxClientOptions) {
    const { server, log } = createToolServer({ capabilities });
    client = await connectInMemory(server, options);
    return { client, log };
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

describe('breaker and cache options', () => {
  const construct = (options: object) => () =>
    new TxClient(new Client({ name: 't', version: '1' }), options as TxClientOptions);

  it('should reject invalid and unknown fields, naming them', () => {
    expect(construct({ tools: { t: { breaker: { failureThreshold: 0 } } } })).toThrow(
      /options.tools.t.breaker.failureThreshold/,
    );
    expect(construct({ breaker: { resetTimeoutMs: -1 } })).toThrow(RangeError);
    expect(construct({ breaker: { halfOpenMaxCalls: 1.5 } })).toThrow(/options.breaker.halfOpenMaxCalls/);
    expect(construct({ breaker: { threshold: 3 } })).toThrow(/options.breaker.threshold is not an option/);
    expect(construct({ breaker: true })).toThrow(/options.breaker must be an object/);
    expect(construct({ tools: { t: { cache: { ttlMs: 0 } } } })).toThrow(/options.tools.t.cache.ttlMs/);
    expect(construct({ tools: { t: { cache: { maxEntries: 0 } } } })).toThrow(RangeError);
  });

  it('should allow the cache per tool only, never on a tool declared not idempotent', () => {
    expect(construct({ cache: { ttlMs: 1_000 } })).toThrow(/options.cache is not an option/);
    expect(construct({ tools: { t: { idempotent: false, cache: {} } } })).toThrow(
      /options.tools.t.cache needs a read-only or idempotent tool/,
    );
    expect(construct({ tools: { t: { cache: false, breaker: false } } })).not.toThrow();
  });

  it('should take neither as a call option', async () => {
    const { server } = createToolServer({ capabilities });
    const client = await connectInMemory(server);
    try {
      await expect(client.call('echo', { text: 'x' }, { cache: {} } as never)).rejects.toThrow(
        /callOptions.cache is not an option/,
      );
      await expect(client.call('echo', { text: 'x' }, { breaker: false } as never)).rejects.toThrow(
        /callOptions.breaker is not an option/,
      );
    } finally {
      await client.close();
    }
  });
});
