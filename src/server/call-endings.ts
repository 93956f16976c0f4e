import type { TransportSendOptions } from './transport-types.js';
import type { NackReason } from '../protocol/index.js';
import type { CallPort, CallReplies } from './call-replies.js';
import type { CallTable } from './call-table.js';
import type { IdempotencyStore, StoredRecord, TxOutcome } from './idempotency-store.js';
import { internalError, responseFor } from './jsonrpc-internals.js';
import { storeOutcome, storeOutcomeNow, type StoredOutcome } from './store-outcome.js';
import { isMalformedRecordError, isStoreUnavailableError } from './store-errors.js';
import type { SyncStoreOps } from './sync-store.js';
import type { TxCall } from './tx-call.js';
import { isInputRequired } from './modern-requests.js';

/**
 * `retry_after_ms` of the `overloaded` NACK sent when the idempotency store fails: without a
 * claim the tool must not run, and a store outage is usually over in about a second.
 *
 * @example
 * if (nack.reason === 'overloaded' && nack.retryAfterMs === STORE_FAILURE_RETRY_AFTER_MS) alertOps();
 */
export const STORE_FAILURE_RETRY_AFTER_MS = 1_000;

/**
 * The ways a tracked call ends and is forgotten: its outcome stored (keyed) and answered, a
 * duplicate replayed, a refusal (NACK, its claim released), or an answer that is not stored.
 * A call the client cancelled is forgotten the same way, with nothing sent.
 *
 * @example
 * const endings = new CallEndings(store, table, replies, port);
 * endings.refuse(call, 'overloaded', 250);
 */
export class CallEndings {
  constructor(
    private readonly store: IdempotencyStore,
    /** The store's synchronous completion, when it has one. */
    private readonly sync: SyncStoreOps | undefined,
    private readonly calls: CallTable,
    private readonly replies: CallReplies,
    private readonly port: CallPort,
  ) {}

  /**
   * Stores a keyed call's outcome (its response's, or the server's own), then answers the call
   * with it: at once when the store completes synchronously. A result asking the client for input
   * (stateless protocol) is no outcome: the key is released, since the call comes back with the answers.
   */
  stored(call: TxCall, outcome: TxOutcome, options?: TransportSendOptions): Promise<void> {
    call.trace?.answered(outcome, false);
    if (isInputRequired(outcome)) {
      this.calls.drop(call);
      if (call.cancelled) return Promise.resolve();
      const meta = { duplicate: false, requestId: call.meta?.requestId ?? '', attempts: 1 };
      return this.port.send(responseFor(call.id, outcome, meta), options);
    }
    if (this.sync?.usable() === true) {
      try {
        return this.#answerStored(call, storeOutcomeNow(this.sync, call, outcome, this.port.report), options);
      } catch (e) {
        return Promise.reject(e); // as from the async path: the caller's send rejects, nothing throws
      }
    }
    return storeOutcome(this.store, call, outcome, this.port.report).then((stored) =>
      this.#answerStored(call, stored, options),
    );
  }

  #answerStored(
    call: TxCall,
    stored: StoredOutcome | undefined,
    options?: TransportSendOptions,
  ): Promise<void> {
    if (stored === undefined) this.calls.drop(call);
    else this.calls.forget(call);
    if (call.cancelled) return Promise.resolve();
    if (stored === undefined)
      return this.port.send(internalError(call.id, 'Internal error: the tool result is not JSON'));
    const meta = { duplicate: false, requestId: call.meta?.requestId ?? '', attempts: stored.attempts };
    return this.port.send(responseFor(call.id, stored.outcome, meta), options);
  }

  /** Answers a call that holds no claim with `outcome`, unstored. */
  answered(call: TxCall, outcome: TxOutcome): void {
    call.trace?.answered(outcome, false);
    this.calls.forget(call);
    if (call.cancelled) return;
    const meta = { duplicate: false, requestId: call.meta?.requestId ?? '', attempts: 1 };
    this.replies.send(responseFor(call.id, outcome, meta), call.id);
  }

  /** Answers a duplicate with its key's stored record. */
  replayed(call: TxCall, record: StoredRecord): void {
    call.trace?.answered(record.outcome, true);
    this.replies.replay(call, record);
    this.calls.forget(call);
  }

  /** NACKs a tracked call and forgets it (its claim released). */
  refuse(call: TxCall, reason: NackReason, retryAfterMs?: number, detail?: string): void {
    call.trace?.refused(reason);
    if (!call.cancelled) this.replies.nack(call.id, reason, retryAfterMs, detail);
    this.calls.drop(call);
  }

  /**
   * Without a working store the tool must not run: a retryable `overloaded` NACK (`retry_after_ms`
   * a `StoreUnavailableError`'s, if it is one), saying whether the store was unavailable or
   * answered with a malformed record.
   */
  storeFailed(call: TxCall, error: unknown): void {
    this.port.report(error);
    const retryAfterMs = isStoreUnavailableError(error) ? error.retryAfterMs : STORE_FAILURE_RETRY_AFTER_MS;
    const detail = isMalformedRecordError(error)
      ? 'idempotency store returned a malformed record'
      : 'idempotency store unavailable';
    this.refuse(call, 'overloaded', retryAfterMs, detail);
  }
}
