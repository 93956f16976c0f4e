// A browser: the call extras (fingerprint, dedup window, result cache, circuit breaker) load on
// demand, where Node has them at once. The loader is evaluated with no `process` in sight; loaded
// once per spec file (the keyed calls: call-extras-loading.spec.ts; a breaker: call-extras-breaker.spec.ts).
const nodeProcess = globalThis.process;
Reflect.set(globalThis, 'process', undefined);
const { callExtras } = await import('../../src/client/resilience/call-extras-loader.js');
Reflect.set(globalThis, 'process', nodeProcess);
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
