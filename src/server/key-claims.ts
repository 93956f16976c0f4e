import type { CallEndings } from './call-endings.js';
import type { CallReplies } from './call-replies.js';
import type { CallTable } from './call-table.js';
import type { StoredRecord } from './idempotency-store.js';
import type { LateRenewals } from './late-renewals.js';
import type { ResolvedServerOptions } from './options.js';
import { checkedClaim } from './store-records.js';
import type { SyncStoreOps } from './sync-store.js';
import type { ToolHints } from './tool-hints.js';
import type { TxCall } from './tx-call.js';
import { waitForKey } from './wait-for-key.js';

/**
 * What a claimed key leads to in the call handler around {@link KeyClaims}.
 *
 * @example
 * const next: ClaimNext = { admit: (call) => admission.admit(call), retryAfterMs: () => 250, report };
 */
export interface ClaimNext {
  /** The key is the call's: admit it for a slot and run it. */
  admit(call: TxCall): void;
  /** `retry_after_ms` of an `in_progress` NACK (about one execution). */
  retryAfterMs(): number;
  /** Reports an error out of band. */
  report(error: unknown): void;
}

/**
 * The idempotency side of a keyed call: claims its store key, and acts on what the store says
 * (run it, replay a completed record, wait as a duplicate for the running execution, refuse a
 * conflict or an unknown outcome). Whatever the store does (throws, rejects, answers something
 * that is not a claim or a record), the call is answered: a malformed answer fails closed, as an
 * unreachable store does, and no promise here lacks a rejection path.
 *
 * @example
 * const claims = new KeyClaims(options, sync, hints, late, calls, replies, endings, next);
 * claims.claim(call); // call.state === 'claiming'
 */
export class KeyClaims {
  constructor(
    private readonly options: ResolvedServerOptions,
    private readonly sync: SyncStoreOps | undefined,
    private readonly hints: ToolHints,
    private readonly late: LateRenewals,
    private readonly calls: CallTable,
    private readonly replies: CallReplies,
    private readonly endings: CallEndings,
    private readonly next: ClaimNext,
  ) {}

  /** Claims the call's store key: at once from a store with a synchronous claim, else through its promise. */
  claim(call: TxCall): void {
    const key = call.storeKey as string;
    const requestId = call.meta?.requestId ?? '';
    const tool = call.request.params?.name;
    const options = this.late.claimOptions(typeof tool === 'string' && this.hints.mayRunAgain(tool));
    if (this.sync?.usable() === true) {
      let answer: unknown;
      try {
        answer = this.sync.claim(key, call.fingerprint, requestId, options);
      } catch (e) {
        return this.endings.storeFailed(call, e);
      }
      return this.#claimed(call, answer);
    }
    let pending: Promise<unknown>;
    try {
      // Promise.resolve: a store that answers without a promise, or with another thenable
      pending = Promise.resolve(this.options.store.claim(key, call.fingerprint, requestId, options));
    } catch (e) {
      pending = Promise.reject(e); // a store that throws instead of rejecting
    }
    pending
      .then(
        (answer) => this.#claimed(call, answer),
        (e: unknown) => this.endings.storeFailed(call, e),
      )
      .catch(this.next.report); // a bug past this point is reported, never the end of the process
  }

  /** A duplicate stops waiting (cancelled, or its connection gone). */
  stopWaiting(call: TxCall): void {
    call.timer?.unsubscribe();
    call.timer = undefined;
  }

  #claimed(call: TxCall, answer: unknown): void {
    let claim;
    try {
      claim = checkedClaim(answer, call.storeKey as string);
    } catch (e) {
      return this.endings.storeFailed(call, e);
    }
    call.claimed = claim.status === 'claimed';
    call.trace?.claimed(claim.status);
    if (call.cancelled || call.state !== 'claiming') return this.calls.drop(call);
    switch (claim.status) {
      case 'claimed':
        return this.next.admit(call);
      case 'completed':
        this.replies.ack(call);
        return this.endings.replayed(call, claim.record);
      case 'in_flight':
        return this.#wait(call, claim.completion);
      case 'conflict':
        return this.endings.refuse(call, 'idempotency_conflict');
      case 'unknown': // the tool may have run: never a silent second run
        return this.endings.refuse(call, 'outcome_unknown');
    }
  }

  #wait(call: TxCall, completion: Promise<StoredRecord>): void {
    const { scheduler, inProgressWaitMs, features } = this.options;
    // A duplicate joins the running execution: it takes no slot and no queue room, whatever the load.
    call.state = 'waiting';
    call.trace?.waiting();
    this.replies.ack(call);
    const now = scheduler.now();
    call.waitUntil ??= now + call.waitBound(now, inProgressWaitMs, features);
    waitForKey(call, completion, scheduler, Math.max(0, call.waitUntil - now), {
      stopped: () => undefined,
      completed: (record) => this.endings.replayed(call, record),
      released: () => {
        call.state = 'claiming'; // the execution gave its key back: this duplicate may run it
        this.claim(call);
      },
      timedOut: () => this.endings.refuse(call, 'in_progress', this.next.retryAfterMs()),
      failed: (error) => this.endings.storeFailed(call, error),
    });
  }
}
