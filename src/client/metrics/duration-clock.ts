import { type SchedulerLike, asyncScheduler } from 'rxjs';
// RxJS's own `performance.now()`, which `TestScheduler.run` points at virtual time as it does
// `asyncScheduler.now()`: so a client on the default scheduler times its calls in virtual time
// inside `run` too. Only this file reaches into RxJS; `rxjs/internal/*` is in its package exports.
import { performanceTimestampProvider } from 'rxjs/internal/scheduler/performanceTimestampProvider';

/**
 * Reads a clock of durations, in ms: only differences of two readings mean anything.
 *
 * @example
 * const started = elapsed();
 * await work();
 * const ms = elapsed() - started;
 */
export type DurationClock = () => number;

/**
 * The clock a client times its calls with (latencies, time to ACK): for RxJS's real-time
 * schedulers (`asyncScheduler` and its kin, whose `now()` is `Date.now`: 1 ms steps, and steps
 * with the wall clock) the monotonic, sub-millisecond `performance.now()`; for any other scheduler
 * (a `TestScheduler`, a `VirtualTimeScheduler`, a clock of the app's) its own `now()`, so that
 * virtual time drives durations too. Absolute times (event `time`, deadlines) stay on `now()`.
 *
 * @example
 * const elapsed = durationClock(scheduler);
 * const started = elapsed(); // ... later: recorder.callEnded(tool, 'completed', elapsed() - started)
 */
export function durationClock(scheduler: SchedulerLike): DurationClock {
  const realTime = scheduler.now === asyncScheduler.now;
  if (realTime && typeof performance !== 'undefined' && typeof performance.now === 'function')
    return readPerformance;
  return () => scheduler.now();
}

function readPerformance(): number {
  return performanceTimestampProvider.now();
}
