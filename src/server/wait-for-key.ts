import { timer, type SchedulerLike } from 'rxjs';
import { isClaimReleasedError, type StoredRecord } from './idempotency-store.js';
import { checkedRecord } from './store-records.js';
import type { TxCall } from './tx-call.js';

/** What ends a duplicate's wait for the execution of its key; `stopped` then exactly one other runs. */
export interface WaitOutcomes {
  /** The wait is over, whatever the reason (runs first). */
  stopped(): void;
  /** The execution completed: replay `record`. */
  completed(record: StoredRecord): void;
  /** The execution gave its key back without an outcome: the duplicate may claim it. */
  released(): void;
  /** The wait bound passed first. */
  timedOut(): void;
  /** The store failed. */
  failed(error: unknown): void;
}

/**
 * Makes a duplicate in the `waiting` state wait for `completion` for at most `delayMs`
 * (scheduler time). Nothing runs once the call has left the `waiting` state (cancelled, closed).
 * A completion that is not a record (`null`, `{}`) fails the wait with a `MalformedRecordError`,
 * and an outcome handler that throws fails it too: the promise never rejects unhandled.
 *
 * @example
 * waitForKey(call, claim.completion, scheduler, 5_000, { stopped, completed, released, timedOut, failed });
 */
export function waitForKey(
  call: TxCall,
  completion: Promise<StoredRecord>,
  scheduler: SchedulerLike,
  delayMs: number,
  outcomes: WaitOutcomes,
): void {
  const once =
    <A extends unknown[]>(then: (...args: A) => void) =>
    (...args: A): void => {
      if (call.state !== 'waiting') return;
      call.timer?.unsubscribe();
      call.timer = undefined;
      outcomes.stopped();
      then(...args);
    };
  call.timer = timer(delayMs, scheduler).subscribe(once(() => outcomes.timedOut()));
  const completed = (value: unknown): void => {
    let record: StoredRecord;
    try {
      record = checkedRecord(value, call.storeKey as string);
    } catch (e) {
      return outcomes.failed(e);
    }
    outcomes.completed(record);
  };
  Promise.resolve(completion)
    .then(
      once(completed),
      once((error: unknown) => (isClaimReleasedError(error) ? outcomes.released() : outcomes.failed(error))),
    )
    .catch(once((error: unknown) => outcomes.failed(error)));
}
