import type { StoredRecord } from '../server/idempotency-store.js';
import { MalformedRecordError } from '../server/store-errors.js';
import { isTxOutcome } from '../server/store-records.js';
import type { KeyState } from './key-waiters.js';

/**
 * The record a script returned for Redis key `rkey`, checked: an outcome that is not JSON of a
 * result or an error (`null`, `{}`, garbage), or counts that are not numbers, are a
 * {@link MalformedRecordError} (the server fails closed), never a crash.
 *
 * @example
 * const record = toRecord(rkey, fingerprint, json, attempts, completedAt);
 */
export function toRecord(
  rkey: string,
  fingerprint: string,
  json: unknown,
  attempts: unknown,
  completedAt: unknown,
): StoredRecord {
  let outcome: unknown;
  try {
    outcome = JSON.parse(String(json));
  } catch (e) {
    throw new MalformedRecordError(rkey, 'the outcome is not JSON', { cause: e });
  }
  if (!isTxOutcome(outcome))
    throw new MalformedRecordError(rkey, 'the outcome is neither a result nor an error');
  return {
    outcome,
    fingerprint,
    attempts: count(rkey, attempts, 'attempts', 1),
    completedAt: count(rkey, completedAt, 'completion time', 0),
  };
}

/**
 * What the `PEEK` script's reply says of the key: its outcome, a claim still running (for how
 * much longer), or neither (gone, lost, lapsed: a new claim says which). A state of no known
 * value is a {@link MalformedRecordError}.
 *
 * @example
 * const state = keyState(rkey, await redis.run(PEEK, [rkey], []));
 */
export function keyState(rkey: string, reply: unknown): KeyState {
  const [state, fingerprint, attempts, json, completedAt, expiry, now] = (reply as unknown[]).map((v) =>
    v === undefined || v === null ? undefined : String(v),
  ); // a client may map strings to Buffers
  if (state === undefined || state === 'l') return 'released';
  if (state === 'd') return { record: toRecord(rkey, fingerprint ?? '', json, attempts, completedAt) };
  if (state !== 'r') throw new MalformedRecordError(rkey, `state ${JSON.stringify(state.slice(0, 32))}`);
  const left = Number(expiry) - Number(now);
  if (expiry === '' || !Number.isFinite(left))
    throw new MalformedRecordError(rkey, 'a running claim without a lease');
  return left > 0 ? { runningForMs: left } : 'released';
}

function count(rkey: string, value: unknown, what: string, min: number): number {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isSafeInteger(n) || n < min)
    throw new MalformedRecordError(rkey, `${what} ${JSON.stringify(String(value).slice(0, 32))}`);
  return n;
}
