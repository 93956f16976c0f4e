import { asyncScheduler, defer, Observable, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { checkFunction, checkKeys, checkNumber, checkScheduler } from '../protocol/config-internals.js';

/**
 * Configuration of {@link deadline}.
 *
 * @example
 * const config: DeadlineConfig = { at: Date.now() + 5_000, with: () => new DeadlineExceededError('late') };
 */
export interface DeadlineConfig<E = unknown> {
  /** Absolute time, in the scheduler's `now()` milliseconds, by which the source must complete. */
  at: number;
  /** Scheduler whose clock `at` is read on. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Creates the error thrown when the deadline passes. */
  with: () => E;
}

/**
 * Fails with `config.with()` when the scheduler's clock reaches `at` before the source completes,
 * unsubscribing the source first (so its teardown, e.g. an abort, runs); values may flow until then.
 *
 * @example
 * attempt$.pipe(deadline({ at: startedAt + 10_000, with: () => new DeadlineExceededError('too late') }));
 */
export function deadline<T>(config: DeadlineConfig): MonoTypeOperatorFunction<T> {
  checkKeys(config, ['at', 'scheduler', 'with'], 'deadline');
  const { at, scheduler = asyncScheduler, with: createError } = config;
  checkNumber(at, 'at', -Number.MAX_VALUE, Number.MAX_VALUE, { infinity: true });
  checkScheduler(scheduler, 'scheduler');
  checkFunction(createError, 'with');

  // RxJS `timeout({ first: Date })` is not enough: it only bounds the time to the *first* value and
  // subscribes to the source even when the deadline has already passed.
  return (source) =>
    defer(() => {
      const remainingMs = at - scheduler.now();
      if (remainingMs <= 0) return throwError(createError);
      if (remainingMs === Infinity) return source;
      return new Observable<T>((subscriber) => {
        // A plain observer, not `subscriber` itself: unsubscribing the source must leave `subscriber` open.
        const sourceSubscription = source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        const timerSubscription = timer(remainingMs, scheduler).subscribe(() => {
          sourceSubscription.unsubscribe();
          let error: unknown;
          try {
            error = createError();
          } catch (thrown) {
            error = thrown;
          }
          subscriber.error(error);
        });
        return () => {
          sourceSubscription.unsubscribe();
          timerSubscription.unsubscribe();
        };
      });
    });
}
