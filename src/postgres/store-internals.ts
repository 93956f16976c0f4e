import type { StoredRecord } from '../server/idempotency-store.js';
import type { PgConnection } from './connection.js';
import type { ResolvedPostgresOptions } from './options.js';
import type { Statements } from './schema.js';

/** What `transactional()` needs of a store beside its public methods. */
export interface StoreInternals {
  readonly db: PgConnection;
  readonly sql: Statements;
  readonly options: ResolvedPostgresOptions;
  /** The owner token of the claim this store holds on `key` (the server's key), if it holds one. */
  owner(key: string): string | undefined;
  /** A transactional tool committed `record` for `key`: the claim is done, `complete()` returns it. */
  committed(key: string, record: StoredRecord): void;
  /** Marks `tool` as transactional on this store. */
  transactional(tool: string): void;
}

const INTERNALS = new WeakMap<object, StoreInternals>();

/**
 * The internals of `store`, for `transactional()`.
 *
 * @example
 * const { db, sql } = internalsOf(store);
 */
export function internalsOf(store: object): StoreInternals {
  const internals = INTERNALS.get(store);
  if (internals === undefined) throw new TypeError('store must be a PostgresIdempotencyStore');
  return internals;
}

/**
 * Gives `store` its internals (its constructor does).
 *
 * @example
 * setInternals(this, { db, sql, options, owner, committed, transactional });
 */
export function setInternals(store: object, internals: StoreInternals): void {
  INTERNALS.set(store, internals);
}
