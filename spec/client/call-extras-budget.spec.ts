// A browser: the retry budget's class and its refusals are call extras, loaded on demand, where
// Node has them at once. The loader is evaluated with no `process` in sight (as in
// call-extras-breaker.spec.ts), so this file's client makes its budget once they are in.
const nodeProcess = globalThis.process;
Reflect.set(globalThis, 'process', undefined);
const { callExtras } = await import('../../src/client/resilience/call-extras-loader.js');
Reflect.set(globalThis, 'process', nodeProcess);
const { TxClient, isRetryBudgetExhaustedError } = await import('../../src/index.js');
const { scriptedPeer } = await import('../../src/testing/index.js');

describe('the retry budget, loaded on demand (browser)', () => {
  it('should make the budget once the extras are in, and refuse retries with it (the first call waits for them)', async () => {
    const peer = scriptedPeer({ tools: { search: { nack: 'overloaded' } } });
    const client = await TxClient.connect(peer, { retryBudget: { maxTokens: 2 }, retry: { maxAttempts: 5 } });
    expect(client.metrics().retryBudget).toBeUndefined(); // not made yet
    const failed = client.call('search', {}).catch((e: unknown) => e);
    expect(callExtras()).toBeUndefined(); // on its way
    const error = await failed;
    // 2 tokens: the first failure leaves 1, half: not retried
    expect(isRetryBudgetExhaustedError(error)).toBe(true);
    expect(peer.calls).toHaveLength(1);
    expect(client.metrics().retryBudget).toEqual({ tokens: 1, maxTokens: 2 });
    await client.close();
  });
});
