import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { txCapabilities, TxClient, type TxClientOptions } from '../../src/index.js';
import { connectInMemory } from '../helpers/connect.js';
import { createToolServer } from '../helpers/tool-server.js';

const capabilities = txCapabilities(['retry']);

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
