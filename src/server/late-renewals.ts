import { Subject, type Observable, type SchedulerLike } from 'rxjs';
import type { ClaimOptions, IdempotencyStore, LateRenewal } from './idempotency-store.js';
import type { TxServerEvent } from './server-events.js';
import type { TxServerStats } from './server-stats.js';
import { LateRenewalError } from './store-errors.js';
import type { TxCall } from './tx-call.js';

/** Stores whose first late renewal was reported: the log says it once per store, not per transport. */
const reported = new WeakSet<IdempotencyStore>();

/**
 * The late lease renewals a store reports for one transport's claims: the options every claim is
 * made with carry the hook, which counts them (`stats.lateRenewals`), shows them on `events$`
 * when someone listens, and reports the first one of the store on `onerror`.
 *
 * @example
 * const late = new LateRenewals(store, stats, scheduler, report, (key) => calls.holding(key));
 * await store.claim(key, fp, requestId, late.claimOptions(rerunUnknown));
 */
export class LateRenewals {
  readonly #events = new Subject<TxServerEvent>();
  readonly #plain: ClaimOptions;
  readonly #rerun: ClaimOptions;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly stats: TxServerStats,
    private readonly scheduler: SchedulerLike,
    private readonly report: (error: unknown) => void,
    /** The call of this transport holding the claim on a store key, if still tracked. */
    private readonly holder: (key: string) => TxCall | undefined,
  ) {
    // One pair of option objects per transport, not one per call: the hook finds the call by key.
    const onLateRenewal = (renewal: LateRenewal): void => this.#late(renewal);
    this.#plain = Object.freeze({ onLateRenewal });
    this.#rerun = Object.freeze({ rerunUnknown: true, onLateRenewal });
  }

  /** What this transport's late renewals look like as events. */
  get events$(): Observable<TxServerEvent> {
    return this.#events.asObservable();
  }

  /** The options of a claim (`rerunUnknown` for a tool that may run again). */
  claimOptions(rerunUnknown: boolean): ClaimOptions {
    return rerunUnknown ? this.#rerun : this.#plain;
  }

  /** No more events (the transport is closed). */
  complete(): void {
    this.#events.complete();
  }

  #late(renewal: LateRenewal): void {
    // Called from a store's timer: whatever goes wrong here must not become the store's error.
    try {
      this.stats.lateRenewals++;
      const call = this.holder(renewal.key);
      const tool = call?.request.params?.name;
      const named = typeof tool === 'string' ? tool : undefined;
      if (this.#events.observed) {
        const { key, lateByMs, leaseMs, lapsed } = renewal;
        const requestId = call?.meta?.requestId;
        const time = this.scheduler.now();
        this.#events.next({
          type: 'late_renewal',
          key,
          lateByMs,
          leaseMs,
          lapsed,
          tool: named,
          requestId,
          time,
        });
      }
      if (reported.has(this.store)) return;
      reported.add(this.store);
      this.report(new LateRenewalError(renewal, named));
    } catch (e) {
      try {
        this.report(e);
      } catch {
        // onerror threw too: nothing is left to tell, and the store's renewal goes on
      }
    }
  }
}
