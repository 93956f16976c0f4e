import { Observable, defer } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { RetryBudget } from './retry-budget.js';
import { retryWithBackoff, type RetryDecision, type RetryWithBackoffConfig } from './retry-with-backoff.js';
import { isTxError } from '../protocol/errors.js';
import { RetryBudgetExhaustedError } from '../protocol/retry-budget-error.js';

/**
 * {@link retryWithBackoff} under a shared {@link RetryBudget} (gRPC's retry throttling): an
 * attempt's error that `shouldRetry` would retry takes a token (the last attempt's too, so
 * `shouldRetry` is asked about it as well), an attempt's first value or completion gives
 * `tokenRatio` back, and while the budget is spent a retry is refused: the subscriber gets a
 * `RetryBudgetExhaustedError` whose `cause` is what giving up would have thrown (`onGiveUp(errors)`).
 * First attempts are never held back. Share the budget between everything that calls one service.
 *
 * @example
 * const budget = new RetryBudget();
 * defer(() => callTool()).pipe(retryWithBudget(budget, { maxAttempts: 3, backoff, shouldRetry: isRetryable }));
 */
export function retryWithBudget<T>(
  budget: RetryBudget,
  config: RetryWithBackoffConfig,
): MonoTypeOperatorFunction<T> {
  if (!(budget instanceof RetryBudget)) throw new TypeError('budget must be a RetryBudget');
  retryWithBackoff<T>(config); // checks the config now, not at each subscription
  const { maxAttempts, shouldRetry = retryAll, onGiveUp = lastError } = config;
  return (source) =>
    defer(() => {
      // per subscriber: whether the budget refused its last retry
      let refused = false;
      return answered(source, budget).pipe(
        retryWithBackoff<T>({
          ...config,
          shouldRetry: (error: unknown, attempt: number): boolean | RetryDecision => {
            const answer = shouldRetry(error, attempt);
            if (!retries(answer) || budget.failure()) return answer;
            refused = true;
            return false;
          },
          onGiveUp: (errors: unknown[]): unknown => {
            const last = errors[errors.length - 1];
            // attempts spent: retryWithBackoff asks no one about the last error, which still costs a token
            if (!refused && errors.length >= maxAttempts && retries(shouldRetry(last, errors.length)))
              budget.failure();
            const final = onGiveUp(errors);
            return refused ? exhausted(budget, last, final, errors) : final;
          },
        }),
      );
    });
}

/** `attempt$`, giving `budget` a success on its first value, or on its completion without one. */
function answered<T>(attempt$: Observable<T>, budget: RetryBudget): Observable<T> {
  return new Observable<T>((subscriber) => {
    let first = true;
    const answer = () => {
      if (first) budget.success();
      first = false;
    };
    return attempt$.subscribe({
      next: (value) => {
        answer();
        subscriber.next(value);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        answer();
        subscriber.complete();
      },
    });
  });
}

/** The error of a retry the budget refused: `final` (what giving up would throw) is its cause. */
function exhausted(
  budget: RetryBudget,
  error: unknown,
  final: unknown,
  errors: unknown[],
): RetryBudgetExhaustedError {
  const { tokens } = budget;
  const why = error instanceof Error ? `: ${error.message}` : '';
  return new RetryBudgetExhaustedError(
    `not retried, the retry budget is spent (${tokens} tokens left)${why}`,
    {
      info: isTxError(error) ? error.info : undefined,
      cause: final,
      attemptErrors: [...errors],
      tokens,
    },
  );
}

function retries(answer: boolean | RetryDecision): boolean {
  return typeof answer === 'boolean' ? answer : answer.retry;
}

function retryAll(): boolean {
  return true;
}

function lastError(errors: unknown[]): unknown {
  return errors[errors.length - 1];
}
