import type { IdempotencyStore, TxOutcome } from './idempotency-store.js';
import type { SyncStoreOps } from './sync-store.js';
import type { TxCall } from './tx-call.js';

/** What was stored for a keyed call: its outcome, and the attempts its key has seen. */
export interface StoredOutcome {
  readonly outcome: TxOutcome;
  readonly attempts: number;
}
import { isSerialisable } from './jsonrpc-internals.js';
import { checkedRecord } from './store-records.js';

/**
 * Records the outcome of a keyed call (what its response carried, or the server's own when it
 * stopped the call), and how many attempts the key has seen. The call is answered with the
 * stored outcome: the first one stays (an execution that lost its claim, a transactional tool
 * that committed its own), so that the caller and every retry get the same answer.
 * `undefined` when the outcome is not JSON (BigInt, cycle): nothing is stored and the caller
 * releases the claim. A failing store (or one returning a malformed record) is reported and its
 * claim kept, so that a duplicate gets `in_progress` rather than a second execution.
 *
 * @example
 * const stored = await storeOutcome(store, call, outcomeOf(response), report);
 * if (stored === undefined) release(call);
 */
export async function storeOutcome(
  store: IdempotencyStore,
  call: TxCall,
  outcome: TxOutcome,
  report: (error: unknown) => void,
): Promise<StoredOutcome | undefined> {
  if (!isSerialisable(outcome)) return undefined;
  try {
    const key = call.storeKey as string;
    const record = await store.complete(key, { outcome, fingerprint: call.fingerprint });
    return checkedRecord(record, key); // a StoredOutcome as it is: no copy per call
  } catch (e) {
    report(e);
    return { outcome, attempts: 1 };
  }
}

/**
 * {@link storeOutcome} through a store's synchronous completion.
 *
 * @example
 * const stored = storeOutcomeNow(sync, call, outcomeOf(response), report);
 */
export function storeOutcomeNow(
  sync: SyncStoreOps,
  call: TxCall,
  outcome: TxOutcome,
  report: (error: unknown) => void,
): StoredOutcome | undefined {
  if (!isSerialisable(outcome)) return undefined;
  try {
    const key = call.storeKey as string;
    const record = sync.complete(key, { outcome, fingerprint: call.fingerprint });
    return checkedRecord(record, key); // a StoredOutcome as it is: no copy per call
  } catch (e) {
    report(e);
    return { outcome, attempts: 1 };
  }
}
