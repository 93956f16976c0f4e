import { defer, filter, finalize, from, mergeMap } from 'rxjs';
import type { ObservableInput, OperatorFunction } from 'rxjs';
import { checkFunction, checkKeys, checkNumber } from '../protocol/config-internals.js';

/**
 * Live counts of a {@link boundedMergeMap} subscription, read at any time without allocation.
 *
 * @example
 * let gauge: QueueGauge | undefined;
 * calls$.pipe(boundedMergeMap(run, { concurrency: 10, maxQueue: 100, onOverflow, gauge: (g) => (gauge = g) }));
 */
export interface QueueGauge {
  /** Inner observables subscribed right now. */
  readonly active: number;
  /** Values admitted and waiting for a free slot. */
  readonly queued: number;
}

/**
 * Configuration of {@link boundedMergeMap}.
 *
 * @example
 * const config: BoundedMergeMapConfig<Call> = { concurrency: 10, maxQueue: 1_000, onOverflow: (call) => reject(call) };
 */
export interface BoundedMergeMapConfig<T> {
  /** Inner observables subscribed at once; an integer from 1, or `Infinity`. */
  concurrency: number;
  /** Values waiting for a slot at most; an integer from 0 (0: a value either starts at once or overflows). */
  maxQueue: number;
  /** Receives each value that arrived with every slot busy and the queue full; the value is dropped. */
  onOverflow: (value: T) => void;
  /** Receives, once per subscription, a live {@link QueueGauge} of that subscription. */
  gauge?: (gauge: QueueGauge) => void;
}

/**
 * `mergeMap(project, concurrency)` with a bounded waiting queue: a value arriving when `concurrency`
 * inners run and `maxQueue` values wait is handed to `onOverflow` and dropped instead of buffered
 * (`project`'s `index` counts admitted values only).
 *
 * @example
 * calls$.pipe(boundedMergeMap((call) => execute$(call), { concurrency: 10, maxQueue: 1_000, onOverflow: failFast }));
 */
export function boundedMergeMap<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  config: BoundedMergeMapConfig<T>,
): OperatorFunction<T, R> {
  checkFunction(project, 'project');
  checkKeys(config, ['concurrency', 'maxQueue', 'onOverflow', 'gauge'], 'boundedMergeMap');
  const { concurrency, maxQueue, onOverflow, gauge } = config;
  checkNumber(concurrency, 'concurrency', 1, Number.MAX_SAFE_INTEGER, { integer: true, infinity: true });
  checkNumber(maxQueue, 'maxQueue', 0, Number.MAX_SAFE_INTEGER, { integer: true });
  checkFunction(onOverflow, 'onOverflow');
  checkFunction(gauge, 'gauge', true);
  const capacity = concurrency + maxQueue;

  return (source) =>
    defer(() => {
      // The gauge handed out is this very object: mutated in place, never reallocated.
      const counts = { active: 0, queued: 0 };
      gauge?.(counts);

      const admit = (value: T): boolean => {
        if (counts.active + counts.queued < capacity) {
          counts.queued++;
          return true;
        }
        onOverflow(value);
        return false;
      };
      // mergeMap calls this only when a slot is free, so here a queued value becomes active.
      const start = (value: T, index: number): ObservableInput<R> => {
        const inner = from(project(value, index));
        counts.queued--;
        counts.active++;
        return inner.pipe(finalize(() => counts.active--));
      };

      return source.pipe(
        filter(admit),
        mergeMap(start, concurrency),
        // Values still buffered when the subscription ends are discarded with it.
        finalize(() => (counts.queued = 0)),
      );
    });
}
