import { Observable, from } from 'rxjs';
import type { ObservableInput, OperatorFunction, Subscription } from 'rxjs';
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
 * Unlike `mergeMap`, an inner that completes while it is being subscribed (a call that fails at
 * once, say, the connection being gone) does not start the next value from inside its own
 * completion: one loop starts values while slots are free, so the stack stays flat however many
 * wait (a queue of 100,000 such values drains without recursion).
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
    new Observable<R>((subscriber) => {
      // The gauge handed out is this very object: mutated in place, never reallocated.
      const counts = { active: 0, queued: 0 };
      gauge?.(counts);
      // Values waiting for a slot (`counts.queued` of them): an array read from a moving head
      // (Array#shift copies a large array), cut back once the head has passed half of it.
      let waiting: (T | undefined)[] = [];
      let head = 0;
      const next = (): T => {
        const value = waiting[head] as T;
        waiting[head++] = undefined; // let it be collected
        if (head === waiting.length) {
          waiting.length = 0; // emptied: start over in place
          head = 0;
        } else if (head >= 1_024 && head * 2 >= waiting.length) {
          waiting = waiting.slice(head);
          head = 0;
        }
        return value;
      };
      // The inners running, torn down with the output.
      const running = new Set<Subscription>();
      let index = 0;
      let draining = false;
      let sourceDone = false;

      // Starts waiting values while slots are free. Re-entered (an inner ended while being
      // started), it returns at once: the loop already running takes the freed slot.
      const drain = (): void => {
        if (draining) return;
        draining = true;
        try {
          while (counts.active < concurrency && counts.queued > 0 && !subscriber.closed) {
            counts.queued--;
            counts.active++;
            start(next());
          }
        } finally {
          draining = false;
        }
        if (sourceDone && counts.active === 0 && counts.queued === 0) subscriber.complete();
      };

      const start = (value: T): void => {
        let inner$: Observable<R>;
        try {
          inner$ = from(project(value, index++));
        } catch (error) {
          return subscriber.error(error);
        }
        let ended = false;
        let inner: Subscription | undefined = undefined;
        inner = inner$.subscribe({
          next: (result) => subscriber.next(result),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            ended = true;
            if (inner) running.delete(inner);
            counts.active--;
            drain();
          },
        });
        // Torn down with the output. Kept in a Set, not added to `subscriber`: RxJS removes an
        // ended child from its parent with indexOf + splice, O(inners running) per inner.
        if (ended) return;
        // the output may have ended while the inner was being subscribed (on its first value, say)
        if (subscriber.closed) inner.unsubscribe();
        else running.add(inner);
      };

      const upstream = source.subscribe({
        next: (value) => {
          if (counts.active + counts.queued >= capacity) return onOverflow(value);
          counts.queued++;
          waiting.push(value);
          drain();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });

      return () => {
        upstream.unsubscribe();
        for (const inner of running) inner.unsubscribe();
        running.clear();
        // Values still waiting when the subscription ends are discarded with it.
        waiting = [];
        counts.queued = 0;
        counts.active = 0;
      };
    });
}
