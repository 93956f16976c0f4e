import type { SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_MS } from '../protocol/config-internals.js';
import type { ServerFeature } from './options.js';
import type { StopReason } from './stopped-run.js';
import type { TxCall } from './tx-call.js';

/**
 * One timer for the run bounds of every running call of a connection: it is armed for the
 * earliest bound and, when it fires, stops the calls past theirs (at their deadline, or past
 * `maxRunMs`) and is armed again for the next bound. A timer per call would cost an allocation and a timer-list entry on every call for
 * a bound that is almost never reached; this one fires about once per bound-length in steady use.
 *
 * @example
 * const bounds = new RunBounds(scheduler, () => table.list(), (call, why) => stop(call, why), features);
 * bounds.arm(call.runUntil);
 */
export class RunBounds {
  #timer: Subscription | undefined = undefined;
  #at = Infinity;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** The calls of the connection (those `running` have a `runUntil`). */
    private readonly calls: () => Iterable<TxCall>,
    /** Stops a running call past its bound. */
    private readonly stopCall: (call: TxCall, reason: StopReason) => void,
    private readonly features: ReadonlySet<ServerFeature>,
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
    const now = this.scheduler.now();
    let next = Infinity;
    for (const call of this.calls()) {
      if (call.state !== 'running') continue;
      if (call.runUntil > now) next = Math.min(next, call.runUntil);
      else this.stopCall(call, call.pastDeadline(now, this.features) ? 'deadline_exceeded' : 'max_run_time');
    }
    if (next !== Infinity) this.arm(next);
  }
}
