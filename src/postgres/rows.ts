import type { ClaimResult, StoredRecord, TxOutcome } from '../server/idempotency-store.js';
import type { KeyState } from '../redis/key-waiters.js';
import { ClaimLostError, MalformedRecordError } from './errors.js';

const CLAIMED: ClaimResult = Object.freeze({ status: 'claimed' });
const CONFLICT: ClaimResult = Object.freeze({ status: 'conflict' });
const UNKNOWN: ClaimResult = Object.freeze({ status: 'unknown' });

/** What the `claim` and `complete` functions return. */
export interface StatusRow {
  readonly status: string;
  readonly outcome: string | null;
  readonly attempts: number | null;
  readonly completed_ms: number | null;
  readonly lease_left_ms?: number | null;
}

/** A row as `peek` reads it. */
export interface PeekRow {
  readonly state: string;
  readonly fingerprint: string;
  readonly attempts: number;
  readonly outcome: string | null;
  readonly completed_ms: number | null;
  readonly lease_left_ms: number | null;
}

/**
 * The record a row holds, checked: an outcome that is not JSON of a result or an error, or
 * numbers that are not numbers, are a {@link MalformedRecordError}, never a crash.
 *
 * @example
 * const record = toRecord(key, fingerprint, row.outcome, row.attempts, row.completed_ms);
 */
export function toRecord(
  key: string,
  fingerprint: string,
  json: unknown,
  attempts: unknown,
  completedAt: unknown,
): StoredRecord {
  return {
    outcome: parseOutcome(key, json),
    fingerprint,
    attempts: count(key, attempts, 'attempts'),
    completedAt: count(key, completedAt, 'completed_at'),
  };
}

/** The outcome JSON of `key`'s row, parsed and checked. */
export function parseOutcome(key: string, json: unknown): TxOutcome {
  if (typeof json !== 'string') throw new MalformedRecordError(key, 'no outcome');
  let outcome: unknown;
  try {
    outcome = JSON.parse(json);
  } catch (e) {
    throw new MalformedRecordError(key, 'the outcome is not JSON', { cause: e });
  }
  const o = outcome as { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(o) && isObject(o?.result)) return outcome as TxOutcome;
  if (isObject(o) && isObject(o?.error) && typeof o?.error?.code === 'number') return outcome as TxOutcome;
  throw new MalformedRecordError(key, 'the outcome is neither a result nor an error');
}

/**
 * The claim result a `claim` row says, but `in_flight` (the store adds its wait): a status the
 * function never returns is a {@link MalformedRecordError}.
 *
 * @example
 * const result = claimResult(key, fingerprint, row);
 */
export function claimResult(key: string, fingerprint: string, row: StatusRow | undefined): ClaimResult {
  switch (row?.status) {
    case 'claimed':
      return CLAIMED;
    case 'completed':
      return {
        status: 'completed',
        record: toRecord(key, fingerprint, row.outcome, row.attempts, row.completed_ms),
      };
    case 'conflict':
      return CONFLICT;
    case 'unknown':
      return UNKNOWN;
    default:
      throw new MalformedRecordError(key, `claim answered ${JSON.stringify(row?.status)}`);
  }
}

/**
 * The record a `complete` row says was stored (`json`, just written) or was there first; a claim
 * another execution holds is a {@link ClaimLostError}, a key claimed anew with other arguments an
 * `Error`.
 *
 * @example
 * const record = completedRecord(key, fingerprint, json, rows[0]);
 */
export function completedRecord(
  key: string,
  fingerprint: string,
  json: string,
  row: StatusRow | undefined,
): StoredRecord {
  const status = row?.status;
  if (status === 'stored' || status === 'completed')
    return toRecord(
      key,
      fingerprint,
      status === 'stored' ? json : row?.outcome,
      row?.attempts,
      row?.completed_ms,
    );
  if (status === 'taken') throw new ClaimLostError(key, 'another execution holds the key');
  if (status === 'conflict')
    throw new Error(
      `postgres: key ${JSON.stringify(key.slice(0, 64))} was claimed anew with other arguments`,
    );
  throw new MalformedRecordError(key, `complete answered ${JSON.stringify(status)}`);
}

/** What a waiter learns from a `peek` row (or its absence). */
export function toKeyState(key: string, row: PeekRow | undefined): KeyState {
  if (row === undefined) return 'released';
  if (row.state === 'd')
    return { record: toRecord(key, row.fingerprint, row.outcome, row.attempts, row.completed_ms) };
  if (row.state === 'r') {
    const left = Number(row.lease_left_ms);
    if (!Number.isFinite(left)) throw new MalformedRecordError(key, 'a running claim without a lease');
    return left > 0 ? { runningForMs: left } : 'released';
  }
  if (row.state === 'l') return 'released'; // lost: a new claim says so
  throw new MalformedRecordError(key, `unknown state ${JSON.stringify(row.state)}`);
}

function count(key: string, value: unknown, field: string): number {
  const n = Number(value);
  if (value === null || !Number.isFinite(n) || n < 0)
    throw new MalformedRecordError(key, `${field} is ${String(value)}`);
  return n;
}
