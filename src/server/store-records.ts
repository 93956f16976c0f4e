import type { ClaimResult, StoredRecord, TxOutcome } from './idempotency-store.js';
import { MalformedRecordError } from './store-errors.js';

/**
 * Checks of what a store hands the server, at the boundary: a record that parses but is not an
 * outcome (`null`, `{}`), or a claim of no known status, becomes a {@link MalformedRecordError}
 * (fail closed: a retryable NACK) instead of a `TypeError` deep in the call's handling. Only what
 * the server relies on is checked: the outcome it replays, the attempts it reports, the
 * fingerprint's type; a record's `completedAt` is the store's own business.
 */

/**
 * `value` as a {@link ClaimResult}, or a {@link MalformedRecordError} for store key `key`.
 *
 * @example
 * const claim = checkedClaim(await store.claim(key, fp, requestId), key);
 */
export function checkedClaim(value: unknown, key: string): ClaimResult {
  const claim = value as { status?: unknown; record?: unknown; completion?: unknown } | null;
  switch (typeof claim === 'object' && claim !== null ? claim.status : undefined) {
    case 'claimed':
    case 'conflict':
    case 'unknown':
      return claim as ClaimResult;
    case 'completed':
      checkedRecord(claim?.record, key);
      return claim as ClaimResult;
    case 'in_flight':
      if (typeof (claim?.completion as { then?: unknown } | null | undefined)?.then !== 'function')
        throw new MalformedRecordError(key, 'an in_flight claim without a completion promise');
      return claim as ClaimResult;
    default:
      throw new MalformedRecordError(
        key,
        typeof claim === 'object' && claim !== null
          ? `a claim of unknown status ${describe(claim.status)}`
          : `a claim result that is ${describe(claim)}`,
      );
  }
}

/**
 * `value` as a {@link StoredRecord}, or a {@link MalformedRecordError} for store key `key`.
 *
 * @example
 * completion.then((record) => replay(checkedRecord(record, key)));
 */
export function checkedRecord(value: unknown, key: string): StoredRecord {
  const record = value as Partial<Record<keyof StoredRecord, unknown>> | null;
  if (typeof record !== 'object' || record === null)
    throw new MalformedRecordError(key, `a record that is ${record === null ? 'null' : typeof record}`);
  if (!isTxOutcome(record.outcome))
    throw new MalformedRecordError(key, 'a record without an outcome ({ result } or { error })');
  const { attempts } = record;
  if (typeof attempts !== 'number' || !Number.isSafeInteger(attempts) || attempts < 1)
    throw new MalformedRecordError(key, `a record whose attempts are ${describe(attempts)}`);
  if (typeof record.fingerprint !== 'string')
    throw new MalformedRecordError(key, 'a record without a string fingerprint');
  return record as StoredRecord;
}

/**
 * Whether `value` is an outcome the server can replay: `{ result }` with an object result, or
 * `{ error }` with a numeric `code` and a string `message`.
 *
 * @example
 * isTxOutcome({ result: { content: [] } }) // true
 * isTxOutcome({})                          // false
 */
export function isTxOutcome(value: unknown): value is TxOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const { result, error } = value as { result?: unknown; error?: unknown };
  if (error !== undefined) {
    if (typeof error !== 'object' || error === null) return false;
    const { code, message } = error as { code?: unknown; message?: unknown };
    return typeof code === 'number' && Number.isFinite(code) && typeof message === 'string';
  }
  return typeof result === 'object' && result !== null && !Array.isArray(result);
}

/** `value` for a message, short. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 32));
  return typeof value === 'object' && value !== null ? typeof value : String(value);
}
