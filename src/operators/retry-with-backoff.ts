import { asyncScheduler, defer, retry, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, SchedulerLike } from 'rxjs';
import type { BackoffStrategy, RandomSource } from './backoff.js';
import { checkFunction, checkKeys, checkNumber, checkScheduler } from '../protocol/config-internals.js';

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
}

const KEYS = ['maxAttempts', 'backoff', 'shouldRetry', 'random', 'scheduler', 'onRetry', 'onGiveUp'];

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
  } = config;
  checkNumber(maxAttempts, 'maxAttempts', 1, Number.MAX_SAFE_INTEGER, { integer: true, infinity: true });
  checkFunction(backoff, 'backoff');
  checkFunction(shouldRetry, 'shouldRetry');
  checkFunction(random, 'random');
  checkScheduler(scheduler, 'scheduler');
  checkFunction(onRetry, 'onRetry', true);
  checkFunction(onGiveUp, 'onGiveUp');

  return (source) =>
    defer(() => {
      // Per subscriber: every attempt's error and the delay used before the previous retry.
      // One `retry` whose delay function also decides when to give up: no other operator per call.
      const errors: unknown[] = [];
      let previousDelayMs = 0;
      return source.pipe(
        retry({
          delay: (error: unknown, attempt: number): Observable<0> => {
            errors.push(error);
            if (attempt >= maxAttempts) return throwError(() => onGiveUp(errors));
            const decision = toDecision(shouldRetry(error, attempt));
            if (!decision.retry) return throwError(() => onGiveUp(errors));
            const delayMs = sanitize(decision.delayMs ?? backoff(attempt, previousDelayMs, random));
            previousDelayMs = delayMs;
            onRetry?.({ error, attempt, delayMs });
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
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
