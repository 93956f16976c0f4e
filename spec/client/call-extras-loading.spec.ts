// A browser: the call extras (result cache, circuit breaker, retry budget) load on
// demand, where Node has them at once. The loader is evaluated with no `process` in sight; loaded
// once per spec file (the keyed calls: call-extras-loading.spec.ts; a breaker: call-extras-breaker.spec.ts).
const nodeProcess = globalThis.process;
Reflect.set(globalThis, 'process', undefined);
const { callExtras } = await import('../../src/client/resilience/call-extras-loader.js');
Reflect.set(globalThis, 'process', nodeProcess);
const { connectTxPair } = await import('../helpers/tx-pair.js');
const { isIdempotencyConflictError } = await import('../../src/index.js');

describe('the call extras, loaded on demand (browser)', () => {
  it('should leave them unloaded for a call without key, cache or breaker', async () => {
    const pair = await connectTxPair();
    const { result } = await pair.client.call('echo', { text: 'hi' });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(callExtras()).toBeUndefined();
    await pair.close();
  });

  it('should run keyed calls without them: a duplicate still shares the first execution', async () => {
    const pair = await connectTxPair();
    const first = pair.client.call('charge', { cents: 5, delayMs: 50 }, { idempotencyKey: 'k1' });
    const again = pair.client.call('charge', { cents: 5, delayMs: 50 }, { idempotencyKey: 'k1' });
    const other = pair.client.call('charge', { cents: 6 }, { idempotencyKey: 'k1' }).catch((e: unknown) => e);
    const [a, b, conflict] = await Promise.all([first, again, other]);
    // a keyed call has its fingerprint and dedup window from the start: it loads no cache, breaker nor budget
    expect(callExtras()).toBeUndefined();
    expect([a.duplicate, b.duplicate]).toEqual([false, true]);
    expect(b.result).toEqual(a.result);
    expect(isIdempotencyConflictError(conflict)).toBe(true);
    expect(pair.log.runs.charge).toBe(1);
    await pair.close();
  });
});
