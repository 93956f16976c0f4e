import { asyncScheduler, defer, retry, tap, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, SchedulerLike } from 'rxjs';
import type { BackoffStrategy, RandomSource } from './backoff.js';
import { RetryBudget } from './retry-budget.js';
import { checkFunction, checkKeys, checkNumber, checkScheduler } from '../protocol/config-internals.js';
import { isTxError } from '../protocol/errors.js';
import { RetryBudgetExhaustedError } from '../protocol/retry-budget-error.js';

/**
 * What `shouldRetry` may answer instead of a boolean: whether to retry and, optionally, the exact
 * delay (e.g. a server's `retry_after_ms`), which overrides the backoff.
 *
 * @example
 * const decision: RetryDecision = { retry: true, delayMs: nack.retryAfterMs };
 */
export interface RetryDecision {
  /** Whether to resubscribe to the source. */
  retry: boolean;
  /** Delay before the retry in ms, replacing the backoff's; ignored when `retry` is false. */
  delayMs?: number | undefined;
}

/**
 * Configuration of {@link retryWithBackoff}.
 *
 * @example
 * const config: RetryWithBackoffConfig = { maxAttempts: 3, backoff: exponentialBackoff(backoffConfig) };
 */
export interface RetryWithBackoffConfig {
  /** Total attempts, the first included; an integer from 1, or `Infinity`. */
  maxAttempts: number;
  /** Delay before each retry, from the 1-based retry number, the previous delay and `random`. */
  backoff: BackoffStrategy;
  /** Whether the error of attempt `attempt` (1-based) may be retried. @default every error is retried */
  shouldRetry?: (error: unknown, attempt: number) => boolean | RetryDecision;
  /** Random source handed to `backoff`. @default Math.random */
  random?: RandomSource;
  /** Scheduler of the retry delays. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Called when a retry is scheduled, with the failed attempt (1-based) and the delay before the next. */
  onRetry?: (event: { error: unknown; attempt: number; delayMs: number }) => void;
  /** Maps every attempt's error, oldest first, to the error finally thrown. @default rethrows the last error */
  onGiveUp?: (errors: unknown[]) => unknown;
  /**
   * A retry budget (gRPC's retry throttling), shared with whatever else retries against the same
   * service: an attempt's error that `shouldRetry` would retry takes a token (the last attempt's
   * too), an attempt's first value or completion gives `tokenRatio` back, and while the budget is
   * spent a retry is refused with a `RetryBudgetExhaustedError` whose `cause` is
   * `onGiveUp(errors)`. @default none
   */
  budget?: RetryBudget;
}

const KEYS = [
  'maxAttempts',
  'backoff',
  'shouldRetry',
  'random',
  'scheduler',
  'onRetry',
  'onGiveUp',
  'budget',
];
const NO_RETRY: RetryDecision = Object.freeze({ retry: false });

/**
 * Resubscribes to a failing source after a backoff delay, at most `maxAttempts` attempts in all, and
 * when it gives up (attempts exhausted or `shouldRetry` says no) throws `onGiveUp(allErrors)`.
 *
 * @example
 * defer(() => callTool()).pipe(
 *   retryWithBackoff({ maxAttempts: 3, backoff: backoffFor('full', backoffConfig), shouldRetry: isRetryable }),
 * );
 */
export function retryWithBackoff<T>(config: RetryWithBackoffConfig): MonoTypeOperatorFunction<T> {
  checkKeys(config, KEYS, 'retryWithBackoff');
  const {
    maxAttempts,
    backoff,
    shouldRetry = retryAll,
    random = Math.random,
    scheduler = asyncScheduler,
    onRetry,
    onGiveUp = lastError,
    budget,
  } = config;
  checkNumber(maxAttempts, 'maxAttempts', 1, Number.MAX_SAFE_INTEGER, { integer: true, infinity: true });
  checkFunction(backoff, 'backoff');
  checkFunction(shouldRetry, 'shouldRetry');
  checkFunction(random, 'random');
  checkScheduler(scheduler, 'scheduler');
  checkFunction(onRetry, 'onRetry', true);
  checkFunction(onGiveUp, 'onGiveUp');
  if (budget !== undefined && !(budget instanceof RetryBudget))
    throw new TypeError('budget must be a RetryBudget');
  const attempt$ = budget ? (s: Observable<T>) => s.pipe(spending(budget)) : (s: Observable<T>) => s;

  return (source) =>
    defer(() => {
      // Per subscriber: every attempt's error and the delay used before the previous retry.
      // One `retry` whose delay function also decides when to give up: no other operator per call.
      const errors: unknown[] = [];
      let previousDelayMs = 0;
      return attempt$(source).pipe(
        retry({
          delay: (error: unknown, attempt: number): Observable<0> => {
            errors.push(error);
            const last = attempt >= maxAttempts;
            // with a budget, the last attempt's error is weighed too: a failure takes a token
            const decision = last && !budget ? NO_RETRY : toDecision(shouldRetry(error, attempt));
            if (!decision.retry) return throwError(() => onGiveUp(errors));
            if (budget && !budget.failure() && !last)
              return throwError(() => exhausted(budget, error, onGiveUp(errors), errors));
            if (last) return throwError(() => onGiveUp(errors));
            const delayMs = sanitize(decision.delayMs ?? backoff(attempt, previousDelayMs, random));
            previousDelayMs = delayMs;
            onRetry?.({ error, attempt, delayMs });
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
}

/** Gives `budget` a success on an attempt's first value, or on its completion without one. */
function spending<T>(budget: RetryBudget): MonoTypeOperatorFunction<T> {
  return (attempt) =>
    defer(() => {
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        budget.success();
      };
      return attempt.pipe(tap({ next: answer, complete: answer }));
    });
}

/** The error of a retry the budget refused: `final` (what giving up would throw) is its cause. */
function exhausted(
  budget: RetryBudget,
  error: unknown,
  final: unknown,
  errors: unknown[],
): RetryBudgetExhaustedError {
  const tokens = budget.tokens;
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

function toDecision(answer: boolean | RetryDecision): RetryDecision {
  return typeof answer === 'boolean' ? { retry: answer } : answer;
}

/** A negative or NaN delay means "now"; timers cannot go back in time. */
function sanitize(delayMs: number): number {
  return delayMs > 0 ? delayMs : 0;
}

function retryAll(): boolean {
  return true;
}

function lastError(errors: unknown[]): unknown {
  return errors[errors.length - 1];
}
