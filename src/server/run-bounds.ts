import type { SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_MS } from '../operators/config-internals.js';

/**
 * One timer for the run bounds of every running call of a connection: it is armed for the
 * earliest bound and, when it fires, `expire` stops the calls past theirs and says when the next
 * bound falls. A timer per call would cost an allocation and a timer-list entry on every call for
 * a bound that is almost never reached; this one fires about once per bound-length in steady use.
 *
 * @example
 * const bounds = new RunBounds(scheduler, (now) => stopCallsPast(now)); // returns the next bound
 * bounds.arm(call.runUntil);
 */
export class RunBounds {
  #timer: Subscription | undefined = undefined;
  #at = Infinity;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** Stops the calls whose bound is at or before `now`; returns the earliest bound left (Infinity: none). */
    private readonly expire: (now: number) => number,
  ) {}

  /** Makes sure the timer fires by `at` (scheduler time). */
  arm(at: number): void {
    if (at >= this.#at) return;
    this.#timer?.unsubscribe();
    this.#at = at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.scheduler.now()));
    this.#timer = this.scheduler.schedule(() => this.#fire(), delay);
  }

  /** Stops the timer (the connection is gone and nothing runs any more). */
  stop(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#at = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#at = Infinity;
    const next = this.expire(this.scheduler.now());
    if (next !== Infinity) this.arm(next);
  }
}
