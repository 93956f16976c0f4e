import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  isCircuitOpenError,
  isRequestError,
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
const states = (events: TxEvent[]) =>
  events.filter((e): e is TxBreakerEvent => e.type === 'breaker').map((e) => e.state);

/** On a hand-written low-level SDK v1 Server (a handler per tool name): v1 only. */
describe('TxClient circuit breaker', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
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
