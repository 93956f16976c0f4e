// The checks of the retryBudget option (the budget's behaviour, on both SDK majors: spec/majors/retry-budget).
import { TxClient, TxPool } from '../../src/index.js';
import { scriptedPeer } from '../../src/testing/index.js';

describe('TxClient retry budget option', () => {
  it('should name the invalid field of retryBudget', () => {
    const sdk = (): never => ({}) as never;
    expect(() => new TxClient(sdk(), { retryBudget: { maxTokens: 0 } })).toThrow(
      /options\.retryBudget\.maxTokens must be a number from 1 to 1000, got 0/,
    );
    expect(() => new TxClient(sdk(), { retryBudget: { tokens: 3 } as never })).toThrow(
      /options\.retryBudget\.tokens is not an option; known options: maxTokens, tokenRatio/,
    );
    expect(() => new TxClient(sdk(), { retryBudget: 'on' as never })).toThrow(
      /options\.retryBudget must be an object, got "on"/,
    );
  });

  it('should refuse an invalid budget of a TxPool before connecting', async () => {
    await expect(
      TxPool.connect([scriptedPeer({ tools: {} })], { retryBudget: { maxTokens: -1 } }),
    ).rejects.toThrow(/options\.retryBudget\.maxTokens/);
  });
});
