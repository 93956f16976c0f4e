import type { StoredRecord, TxOutcome } from '../server/idempotency-store.js';
import type { KeyState } from '../redis/key-waiters.js';
import { MalformedRecordError } from './errors.js';

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
    throw new MalformedRecordError(key, 'the outcome is not JSON', e);
  }
  const o = outcome as { result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(o) && isObject(o?.result)) return outcome as TxOutcome;
  if (isObject(o) && isObject(o?.error) && typeof o?.error?.code === 'number') return outcome as TxOutcome;
  throw new MalformedRecordError(key, 'the outcome is neither a result nor an error');
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
