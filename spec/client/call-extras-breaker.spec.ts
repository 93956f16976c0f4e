import { jest } from '@jest/globals';

// A browser's `#call-extras`: the fingerprint, dedup window and circuit breaker load on demand
// (Node's resolves to a module that has them at once). Loaded once per spec file (the keyed
// calls: call-extras-loading.spec.ts).
jest.unstable_mockModule('#call-extras', () => import('../../src/client/call-extras-loader.js'));
const { callExtras } = await import('#call-extras');
const { connectTxPair } = await import('../helpers/tx-pair.js');
const { isCircuitOpenError } = await import('../../src/index.js');

describe('the circuit breaker, loaded on demand (browser)', () => {
  it('should guard calls of a tool with a breaker once they are in (the first call waits for them)', async () => {
    const pair = await connectTxPair({
      client: { retry: false, breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 } },
    });
    const timedOut = pair.client.call('slow', { ms: 5_000 }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(callExtras()).toBeUndefined(); // on its way
    await timedOut;
    const refused: unknown = await pair.client.call('slow', { ms: 5_000 }).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(pair.log.runs.slow).toBe(1);
    await pair.close();
  });
});
