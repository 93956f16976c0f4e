import { defer } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { exponentialBackoff } from '../../src/operators/backoff.js';
import type { BackoffStrategy } from '../../src/operators/backoff.js';
import { retryWithBackoff } from '../../src/operators/retry-with-backoff.js';
import type { RetryWithBackoffConfig } from '../../src/operators/retry-with-backoff.js';

/** Delays 2, 4, 8 … frames. */
const backoff = exponentialBackoff({ baseDelayMs: 2, maxDelayMs: 100, multiplier: 2 });
const collect = (errors: unknown[]): unknown => ({ errors });

/** Subscribes to `attempts[0]`, then `attempts[1]`, … on each (re)subscription. */
function sequence<T>(attempts: Observable<T>[]): Observable<T> {
  let next = 0;
  return defer(() => attempts[next++] as Observable<T>);
}

describe('retryWithBackoff', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('with a source that always fails', () => {
    it('should resubscribe after each backoff delay and give up after maxAttempts', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#', undefined, 'boom');
        const subs = [
          '                      ^-!',
          '                      ----^-!',
          '                      ----------^-!',
        ];
        const expected = '       ------------#';
        const result = source.pipe(retryWithBackoff({ maxAttempts: 3, backoff, onGiveUp: collect }));
        expectObservable(result).toBe(expected, undefined, { errors: ['boom', 'boom', 'boom'] });
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('should rethrow the last attempt error by default', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const first = cold('     --#', undefined, 'e1');
        const second = cold('        --#', undefined, 'e2');
        const expected = '       ------#';
        const source = sequence([first, second]);
        expectObservable(source.pipe(retryWithBackoff({ maxAttempts: 2, backoff }))).toBe(
          expected,
          undefined,
          'e2',
        );
      });
    });

    it('should not retry at all with maxAttempts 1', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#', undefined, 'boom');
        const subs = '           ^-!';
        const expected = '       --#';
        const result = source.pipe(retryWithBackoff({ maxAttempts: 1, backoff, onGiveUp: collect }));
        expectObservable(result).toBe(expected, undefined, { errors: ['boom'] });
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });
  });

  describe('with a source that recovers', () => {
    it('should emit the successful attempt and complete', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const first = cold('     --#');
        const second = cold('        -a|');
        const firstSubs = '      ^-!';
        const secondSubs = '     ----^-!';
        const expected = '       -----a|';
        expectObservable(sequence([first, second]).pipe(retryWithBackoff({ maxAttempts: 3, backoff }))).toBe(
          expected,
        );
        expectSubscriptions(first.subscriptions).toBe(firstSubs);
        expectSubscriptions(second.subscriptions).toBe(secondSubs);
      });
    });
  });

  describe('with shouldRetry', () => {
    it('should give up at once when it answers false', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#', undefined, 'fatal');
        const subs = '           ^-!';
        const expected = '       --#';
        const calls: unknown[][] = [];
        const shouldRetry = (...args: unknown[]): boolean => (calls.push(args), false);
        const result = source.pipe(
          retryWithBackoff({ maxAttempts: 5, backoff, shouldRetry, onGiveUp: collect }),
        );
        expectObservable(result).toBe(expected, undefined, { errors: ['fatal'] });
        expectSubscriptions(source.subscriptions).toBe(subs);
        testScheduler.flush();
        expect(calls).toEqual([['fatal', 1]]);
      });
    });

    it('should stop when it declines a later attempt, passing every error so far', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#', undefined, 'boom');
        const firstSubs = '      ^-!';
        const secondSubs = '     ----^-!';
        const expected = '       ------#';
        const shouldRetry = (_error: unknown, attempt: number): boolean => attempt < 2;
        const result = source.pipe(
          retryWithBackoff({ maxAttempts: 5, backoff, shouldRetry, onGiveUp: collect }),
        );
        expectObservable(result).toBe(expected, undefined, { errors: ['boom', 'boom'] });
        expectSubscriptions(source.subscriptions).toBe([firstSubs, secondSubs]);
      });
    });

    it('should wait a decision delayMs instead of the backoff', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#');
        const firstSubs = '      ^-!';
        const secondSubs = '     -------^-!';
        const expected = '       ---------#';
        const shouldRetry = () => ({ retry: true, delayMs: 5 });
        const result = source.pipe(retryWithBackoff({ maxAttempts: 2, backoff, shouldRetry }));
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe([firstSubs, secondSubs]);
      });
    });

    it('should surface an error thrown by a callback unchanged', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    --#');
        const expected = '       --#';
        const bug = new Error('classifier bug');
        const shouldRetry = (): boolean => {
          throw bug;
        };
        const result = source.pipe(
          retryWithBackoff({ maxAttempts: 3, backoff, shouldRetry, onGiveUp: collect }),
        );
        expectObservable(result).toBe(expected, undefined, bug);
      });
    });
  });

  describe('with callbacks', () => {
    it('should report each retry and feed the previous delay and random source to the backoff', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    --#', undefined, 'boom');
        const expected = '       ------------#';
        const random = () => 0.25;
        const backoffCalls: Parameters<BackoffStrategy>[] = [];
        const spy: BackoffStrategy = (...args) => (backoffCalls.push(args), backoff(...args));
        const retries: unknown[] = [];
        const onRetry = (event: unknown): void => void retries.push(event);
        const config: RetryWithBackoffConfig = { maxAttempts: 3, backoff: spy, random, onRetry };
        expectObservable(source.pipe(retryWithBackoff(config))).toBe(expected, undefined, 'boom');
        testScheduler.flush();
        expect(backoffCalls).toEqual([
          [1, 0, random],
          [2, 2, random],
        ]);
        expect(retries).toEqual([
          { error: 'boom', attempt: 1, delayMs: 2 },
          { error: 'boom', attempt: 2, delayMs: 4 },
        ]);
      });
    });

    it('should run its delays on the given scheduler', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    --#');
        const expected = '       ------#';
        const result = source.pipe(retryWithBackoff({ maxAttempts: 2, backoff, scheduler: testScheduler }));
        expectObservable(result).toBe(expected);
      });
    });
  });

  describe('with several subscribers', () => {
    it('should keep attempts and errors per subscriber', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#', undefined, 'boom');
        const subs = [
          '                      ^-!',
          '                      ---^-!',
          '                      ----^-!',
          '                      -------^-!',
        ];
        const lateSubscriber = ' ---^';
        const expectedFirst = '  ------#';
        const expectedLate = '   ---------#';
        const result = source.pipe(retryWithBackoff({ maxAttempts: 2, backoff, onGiveUp: collect }));
        expectObservable(result).toBe(expectedFirst, undefined, { errors: ['boom', 'boom'] });
        expectObservable(result, lateSubscriber).toBe(expectedLate, undefined, { errors: ['boom', 'boom'] });
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });
  });

  describe('when unsubscribed during a backoff delay', () => {
    it('should not resubscribe', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --#');
        const unsub = '          ---!';
        const subs = '           ^-!';
        const expected = '       ---';
        expectObservable(source.pipe(retryWithBackoff({ maxAttempts: 3, backoff })), unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });
  });

  describe('config validation', () => {
    it('should name the invalid field', () => {
      expect(() => retryWithBackoff({ maxAttempts: 0, backoff })).toThrow(/maxAttempts/);
      expect(() => retryWithBackoff({ maxAttempts: 1.5, backoff })).toThrow(RangeError);
      expect(() => retryWithBackoff({ maxAttempts: 2, backoff: 5 as unknown as BackoffStrategy })).toThrow(
        /backoff must be a function/,
      );
      const extra = { maxAttempts: 2, backoff, count: 3 } as RetryWithBackoffConfig;
      expect(() => retryWithBackoff(extra)).toThrow(/count is not an option/);
    });

    it('should accept Infinity attempts', () => {
      expect(() => retryWithBackoff({ maxAttempts: Infinity, backoff })).not.toThrow();
    });
  });
});
