import { asyncScheduler, defer, filter, map, scan } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { checkFunction, checkKeys, checkNumber, checkScheduler } from '../protocol/config-internals.js';

/**
 * Configuration of {@link dedupWindow}.
 *
 * @example
 * const config: DedupWindowConfig<Ack> = { key: (ack) => ack.requestId, windowMs: 300_000, maxEntries: 10_000 };
 */
export interface DedupWindowConfig<T> {
  /** Identity of a value; values with equal keys are duplicates. */
  key: (value: T) => string;
  /** How long after a key's first emission its duplicates are dropped, in ms; from 0, or `Infinity`. */
  windowMs: number;
  /** Most keys remembered; past it the oldest is forgotten (and would pass again); an integer from 1. */
  maxEntries: number;
  /** Clock of the window. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

interface DedupState<T> {
  /** Key → time first emitted. Map iteration is insertion order, and insertion order is time order. */
  readonly seen: Map<string, number>;
  emit: T | undefined;
  /** Whether `emit` holds a value to pass on (`T` itself may include `undefined`). */
  fresh: boolean;
}

/**
 * Drops a value whose key was already emitted within the last `windowMs` (by the scheduler's clock),
 * remembering at most `maxEntries` keys; each subscriber has its own window.
 *
 * @example
 * acks$.pipe(dedupWindow({ key: (ack) => `${ack.requestId}:${ack.retryCount}`, windowMs: 60_000, maxEntries: 1_000 }));
 */
export function dedupWindow<T>(config: DedupWindowConfig<T>): MonoTypeOperatorFunction<T> {
  checkKeys(config, ['key', 'windowMs', 'maxEntries', 'scheduler'], 'dedupWindow');
  const { key, windowMs, maxEntries, scheduler = asyncScheduler } = config;
  checkFunction(key, 'key');
  checkNumber(windowMs, 'windowMs', 0, Number.MAX_SAFE_INTEGER, { infinity: true });
  checkNumber(maxEntries, 'maxEntries', 1, Number.MAX_SAFE_INTEGER, { integer: true });
  checkScheduler(scheduler, 'scheduler');

  const step = (state: DedupState<T>, value: T): DedupState<T> => {
    const { seen } = state;
    const now = scheduler.now();
    expire(seen, now - windowMs);
    const k = key(value);
    state.fresh = !seen.has(k);
    state.emit = state.fresh ? value : undefined;
    if (state.fresh) {
      seen.set(k, now);
      if (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
    }
    return state;
  };

  // One mutable state per subscriber, reused for every value: no allocation per value.
  return (source) =>
    defer(() =>
      source.pipe(
        scan(step, { seen: new Map<string, number>(), emit: undefined, fresh: false }),
        filter((state) => state.fresh),
        map((state) => state.emit as T),
      ),
    );
}

/** Forgets keys first seen at or before `cutoff`; stops at the first younger one, so O(1) amortised. */
function expire(seen: Map<string, number>, cutoff: number): void {
  for (const [k, seenAt] of seen) {
    if (seenAt > cutoff) return;
    seen.delete(k);
  }
}
