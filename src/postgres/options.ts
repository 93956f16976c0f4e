import type { Pool } from 'pg';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../protocol/config-internals.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../server/memory-idempotency-store.js';

/**
 * Schema of the store's table and functions (also the name of its `NOTIFY` channel). @default 'mcp_tx'
 *
 * @example
 * new PostgresIdempotencyStore({ connectionString, schema: `${DEFAULT_POSTGRES_SCHEMA}_payments` });
 */
export const DEFAULT_POSTGRES_SCHEMA = 'mcp_tx';

/**
 * How long a claim lives without renewal, ms: the owner renews it every third of that while the
 * tool runs; a replica that dies is noticed that long after. @default 10_000
 *
 * @example
 * new PostgresIdempotencyStore({ connectionString, leaseMs: DEFAULT_POSTGRES_LEASE_MS / 2 });
 */
export const DEFAULT_POSTGRES_LEASE_MS = 10_000;

/**
 * Largest outcome (the tool's result or error, as JSON) the store keeps, bytes. @default 1_048_576 (1 MiB)
 *
 * @example
 * new PostgresIdempotencyStore({ connectionString, maxOutcomeBytes: 4 * DEFAULT_POSTGRES_MAX_OUTCOME_BYTES });
 */
export const DEFAULT_POSTGRES_MAX_OUTCOME_BYTES = 1_048_576;

/**
 * How long one statement (with the wait for a pooled connection) may take before the store gives
 * up on it: the call then gets a retryable NACK, and the tool does not run. @default 2_000
 *
 * @example
 * new PostgresIdempotencyStore({ connectionString, queryTimeoutMs: 500 });
 */
export const DEFAULT_POSTGRES_QUERY_TIMEOUT_MS = 2_000;

/**
 * Options of {@link PostgresIdempotencyStore}: exactly one of `connectionString` and `pool`.
 *
 * @example
 * const options: PostgresIdempotencyStoreOptions = { connectionString: 'postgres://127.0.0.1/app', schema: 'mcp_tx' };
 */
export interface PostgresIdempotencyStoreOptions {
  /** PostgreSQL to connect to (`postgres[ql]://…`); the store makes, owns and closes its pool. */
  connectionString?: string;
  /** A node-postgres `Pool` (the app's own): the store and transactional tools take connections from it, and never end it. */
  pool?: Pool;
  /** Schema of the table (made by `migrate()`); replicas share a key space by sharing it. 1 to 63 bytes. @default 'mcp_tx' */
  schema?: string;
  /** How long a record is kept after its outcome is stored (and a claim, while it runs), ms; from 1 to 2^31 - 1. @default 86_400_000 (24 h) */
  ttlMs?: number;
  /** How long a claim lives without renewal, ms; from 100 to 2^31 - 1. @default 10_000 */
  leaseMs?: number;
  /** Largest outcome kept, bytes of JSON; from 1 to 268,435,456. @default 1_048_576 */
  maxOutcomeBytes?: number;
  /** Longest wait for one statement (a pooled connection included), ms; from 1 to 60,000. @default 2_000 */
  queryTimeoutMs?: number;
  /** Timers of lease renewal, waits and statement timeouts. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** {@link PostgresIdempotencyStoreOptions} with the defaults applied. */
export interface ResolvedPostgresOptions {
  readonly connectionString: string | undefined;
  readonly pool: Pool | undefined;
  readonly schema: string;
  readonly ttlMs: number;
  readonly leaseMs: number;
  readonly maxOutcomeBytes: number;
  readonly queryTimeoutMs: number;
  readonly scheduler: SchedulerLike;
}

const KNOWN: readonly (keyof PostgresIdempotencyStoreOptions)[] = [
  'connectionString',
  'pool',
  'schema',
  'ttlMs',
  'leaseMs',
  'maxOutcomeBytes',
  'queryTimeoutMs',
  'scheduler',
];

/**
 * Checks the options of a {@link PostgresIdempotencyStore} (a connection string, a pool, or an
 * options object) and applies the defaults; a `TypeError` or `RangeError` names the field.
 *
 * @example
 * resolvePostgresOptions('postgres://127.0.0.1/test').schema // 'mcp_tx'
 */
export function resolvePostgresOptions(
  options: string | Pool | PostgresIdempotencyStoreOptions,
): ResolvedPostgresOptions {
  if (typeof options === 'string') return resolvePostgresOptions({ connectionString: options });
  if (isPool(options)) return resolvePostgresOptions({ pool: options });
  checkKeys(options, KNOWN, 'PostgresIdempotencyStore');
  const {
    connectionString,
    pool,
    schema = DEFAULT_POSTGRES_SCHEMA,
    ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
    leaseMs = DEFAULT_POSTGRES_LEASE_MS,
    maxOutcomeBytes = DEFAULT_POSTGRES_MAX_OUTCOME_BYTES,
    queryTimeoutMs = DEFAULT_POSTGRES_QUERY_TIMEOUT_MS,
    scheduler,
  } = options;
  if ((connectionString === undefined) === (pool === undefined)) {
    throw new TypeError('PostgresIdempotencyStore: give exactly one of connectionString and pool');
  }
  if (connectionString !== undefined) checkConnectionString(connectionString);
  if (pool !== undefined && !isPool(pool)) {
    throw new TypeError('pool must be a node-postgres Pool (new Pool() from the pg package)');
  }
  if (
    typeof schema !== 'string' ||
    schema === '' ||
    Buffer.byteLength(schema) > 63 ||
    schema.includes('\0')
  ) {
    throw new TypeError(`schema must be a name of 1 to 63 bytes, got ${JSON.stringify(schema)}`);
  }
  checkNumber(ttlMs, 'ttlMs', 1, MAX_TIMER_MS);
  checkNumber(leaseMs, 'leaseMs', 100, MAX_TIMER_MS);
  checkNumber(maxOutcomeBytes, 'maxOutcomeBytes', 1, 268_435_456, { integer: true });
  checkNumber(queryTimeoutMs, 'queryTimeoutMs', 1, 60_000);
  checkScheduler(scheduler, 'scheduler');
  return {
    connectionString,
    pool,
    schema,
    ttlMs: Math.ceil(ttlMs),
    leaseMs: Math.ceil(leaseMs),
    maxOutcomeBytes,
    queryTimeoutMs,
    scheduler: scheduler ?? asyncScheduler,
  };
}

function checkConnectionString(url: unknown): void {
  if (typeof url !== 'string') throw new TypeError(`connectionString must be a string, got ${typeof url}`);
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new TypeError(
      `connectionString must be a postgres:// or postgresql:// URL, got ${JSON.stringify(url.slice(0, 100))}`,
    );
  }
}

/** Whether `value` looks like a node-postgres `Pool` (duck-typed: the app's copy of pg may not be ours). */
function isPool(value: unknown): value is Pool {
  const p = value as Partial<Record<'connect' | 'query' | 'end' | 'on', unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.connect === 'function' &&
    typeof p.query === 'function' &&
    typeof p.end === 'function' &&
    typeof p.on === 'function' &&
    'totalCount' in p
  );
}
