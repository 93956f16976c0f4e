import { type Observable, catchError, defer, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { exponentialBackoff } from '../../src/operators/backoff.js';
import {
  DEFAULT_RETRY_BUDGET_MAX_TOKENS,
  DEFAULT_RETRY_BUDGET_TOKEN_RATIO,
  RetryBudget,
} from '../../src/operators/retry-budget.js';
import { retryWithBudget } from '../../src/operators/retry-with-budget.js';
import { isRetryBudgetExhaustedError } from '../../src/protocol/retry-budget-error.js';

/** Delays 2, 4, 8 … frames. */
const backoff = exponentialBackoff({ baseDelayMs: 2, maxDelayMs: 100, multiplier: 2 });

/** An error as a plain value the marble can show: what a refused retry carries. */
const shown = (error: unknown) =>
  of(
    isRetryBudgetExhaustedError(error)
      ? { budget: error.tokens, cause: error.cause, attempts: error.attemptErrors }
      : { error },
  );

/** Subscribes to `attempts[0]`, then `attempts[1]`, … on each (re)subscription. */
function sequence<T>(attempts: Observable<T>[]): Observable<T> {
  let next = 0;
  return defer(() => attempts[next++] as Observable<T>);
}

describe('RetryBudget', () => {
  it("should start full with gRPC's defaults", () => {
    const budget = new RetryBudget();
    expect([budget.maxTokens, budget.tokenRatio, budget.tokens]).toEqual([10, 0.1, 10]);
    expect([DEFAULT_RETRY_BUDGET_MAX_TOKENS, DEFAULT_RETRY_BUDGET_TOKEN_RATIO]).toEqual([10, 0.1]);
  });

  it('should allow retries while the tokens are above half of maxTokens', () => {
    const budget = new RetryBudget();
    expect([1, 2, 3, 4].map(() => budget.failure())).toEqual([true, true, true, true]); // 9..6 left
    expect(budget.failure()).toBe(false); // 5: at half
    expect(budget.retryAllowed).toBe(false);
    expect(budget.tokens).toBe(5);
  });

  it('should give back tokenRatio per success, exactly (ten successes of 0.1 are one token)', () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 5; i++) budget.failure();
    for (let i = 0; i < 10; i++) budget.success();
    expect(budget.tokens).toBe(6);
    expect(budget.retryAllowed).toBe(true);
  });

  it('should keep its tokens between 0 and maxTokens', () => {
    const budget = new RetryBudget({ maxTokens: 2, tokenRatio: 0.5 });
    for (let i = 0; i < 5; i++) budget.failure();
    expect(budget.tokens).toBe(0);
    for (let i = 0; i < 9; i++) budget.success();
    expect(budget.tokens).toBe(2);
  });

  it('should name the invalid field, and reject unknown ones', () => {
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(
      /maxTokens must be a finite number from 1 to 1000/,
    );
    expect(() => new RetryBudget({ tokenRatio: 0 })).toThrow(RangeError);
    expect(() => new RetryBudget({ tokenRatio: '1' as unknown as number })).toThrow(TypeError);
    expect(() => new RetryBudget({ tokens: 3 } as never)).toThrow(/tokens is not an option/);
  });
});

describe('retryWithBudget', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should stop retrying when a failure leaves the budget at half, the give-up error as cause', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const budget = new RetryBudget({ maxTokens: 4 });
      const source = cold('    --#', undefined, 'overloaded');
      const subs = ['          ^-!', '----^-!'];
      const expected = '       ------(a|)';
      const result = source.pipe(retryWithBudget(budget, { maxAttempts: 10, backoff }), catchError(shown));
      expectObservable(result).toBe(expected, {
        a: { budget: 2, cause: 'overloaded', attempts: ['overloaded', 'overloaded'] },
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should still send first attempts, and give tokens back with their successes', () => {
    const at = (frame: number) => `${'-'.repeat(frame)}^`;
    const from = (frame: number, marbles: string) => `${'-'.repeat(frame)}${marbles}`;
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const budget = new RetryBudget({ maxTokens: 3, tokenRatio: 0.5 });
      const failing = cold('   --#', undefined, 'down');
      const ok = cold('        -a|');
      const call = (attempts: Observable<string>[]) =>
        sequence(attempts).pipe(retryWithBudget(budget, { maxAttempts: 3, backoff }), catchError(shown));
      // 3 tokens: the first failure leaves 2 (a retry), the second 1, at or below half: refused
      expectObservable(call([failing, failing])).toBe('------(a|)', {
        a: { budget: 1, cause: 'down', attempts: ['down', 'down'] },
      });
      // spent: a new call's first attempt still goes; its failure is not retried
      expectObservable(call([failing]), at(8)).toBe(from(10, '(a|)'), {
        a: { budget: 0, cause: 'down', attempts: ['down'] },
      });
      // six successes give 3 tokens back: a failure is retried again
      for (let frame = 12; frame < 18; frame++)
        expectObservable(call([ok]), at(frame)).toBe(from(frame + 1, 'a|'), { a: 'a' });
      expectObservable(call([failing, ok]), at(20)).toBe(from(25, 'a|'), { a: 'a' });
      expectSubscriptions(failing.subscriptions).toBe([
        at(0) + '-!',
        `${at(4)}-!`,
        `${at(8)}-!`,
        `${at(20)}-!`,
      ]);
    });
  });

  it("should take a token for the last attempt's failure, and none for an error shouldRetry refuses", () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    const shouldRetry = (error: unknown) => error === 'boom';
    const config = { maxAttempts: 2, backoff, shouldRetry };
    testScheduler.run(({ cold, expectObservable }) => {
      const boom = cold('      --#', undefined, 'boom');
      expectObservable(boom.pipe(retryWithBudget(budget, config))).toBe('------#', undefined, 'boom');
      const fatal = cold('     --#', undefined, 'fatal');
      expectObservable(fatal.pipe(retryWithBudget(budget, config))).toBe('--#', undefined, 'fatal');
    });
    expect(budget.tokens).toBe(8); // both attempts of `boom` took one, `fatal` none
  });

  it('should reject a budget that is not a RetryBudget', () => {
    expect(() => retryWithBudget({ tokens: 1 } as never, { maxAttempts: 2, backoff })).toThrow(
      /budget must be a RetryBudget/,
    );
    expect(() => retryWithBudget(new RetryBudget(), { maxAttempts: 0, backoff })).toThrow(/maxAttempts/);
  });
});
