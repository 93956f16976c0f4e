import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../protocol/config-internals.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../server/memory-idempotency-store.js';
import type { RedisClientLike } from './connection.js';

/**
 * Prefix of every Redis key (and the pub/sub channel) of a {@link RedisIdempotencyStore}. @default 'mcp-tx:'
 *
 * @example
 * new RedisIdempotencyStore({ url, keyPrefix: `${DEFAULT_REDIS_KEY_PREFIX}payments:` });
 */
export const DEFAULT_REDIS_KEY_PREFIX = 'mcp-tx:';

/**
 * How long a claim lives without renewal, ms: the owner renews it every third of that while the
 * tool runs; a replica that dies is noticed that long after. @default 10_000
 *
 * @example
 * new RedisIdempotencyStore({ url, leaseMs: DEFAULT_LEASE_MS / 2 });
 */
export const DEFAULT_LEASE_MS = 10_000;

/**
 * Largest outcome (the tool's result or error, as JSON) the store keeps, bytes. @default 1_048_576 (1 MiB)
 *
 * @example
 * new RedisIdempotencyStore({ url, maxOutcomeBytes: 4 * DEFAULT_MAX_OUTCOME_BYTES });
 */
export const DEFAULT_MAX_OUTCOME_BYTES = 1_048_576;

/**
 * How long one Redis command may take before the store gives up on it (the call then gets a
 * retryable NACK, and the tool does not run), ms. @default 2_000
 *
 * @example
 * new RedisIdempotencyStore({ url, commandTimeoutMs: 500 });
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/**
 * Options of {@link RedisIdempotencyStore}: exactly one of `url` and `client`.
 *
 * @example
 * const options: RedisIdempotencyStoreOptions = { url: 'redis://127.0.0.1:6379', keyPrefix: 'payments:' };
 */
export interface RedisIdempotencyStoreOptions {
  /** Redis to connect to (`redis[s]://[[user][:password]@]host[:port][/db]`); the store makes, owns and closes its connections. */
  url?: string;
  /** A node-redis client (`createClient()`, connected or not yet): the store uses it and a `duplicate()` for pub/sub, and closes only the duplicate. */
  client?: RedisClientLike;
  /** Prefix of every key and of the channel; replicas share a key space by sharing it. Non-empty. @default 'mcp-tx:' */
  keyPrefix?: string;
  /** How long a record is kept after its outcome is stored (and a claim, while it runs), ms; from 1 to 2^31 - 1. @default 86_400_000 (24 h) */
  ttlMs?: number;
  /** How long a claim lives without renewal, ms; from 100 to 2^31 - 1. @default 10_000 */
  leaseMs?: number;
  /** Largest outcome kept, bytes of JSON; from 1 to 536,870,912 (Redis's largest string). @default 1_048_576 */
  maxOutcomeBytes?: number;
  /** Longest wait for one Redis command, ms; from 1 to 60,000. @default 2_000 */
  commandTimeoutMs?: number;
  /** Timers of lease renewal, waits and command timeouts. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** {@link RedisIdempotencyStoreOptions} with the defaults applied. */
export interface ResolvedRedisOptions {
  readonly url: string | undefined;
  readonly client: RedisClientLike | undefined;
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly leaseMs: number;
  readonly maxOutcomeBytes: number;
  readonly commandTimeoutMs: number;
  readonly scheduler: SchedulerLike;
}

const KNOWN: readonly (keyof RedisIdempotencyStoreOptions)[] = [
  'url',
  'client',
  'keyPrefix',
  'ttlMs',
  'leaseMs',
  'maxOutcomeBytes',
  'commandTimeoutMs',
  'scheduler',
];

/**
 * Checks the options of a {@link RedisIdempotencyStore} (a URL, a client, or an options object)
 * and applies the defaults; a `TypeError` or `RangeError` names the field.
 *
 * @example
 * resolveRedisOptions('redis://127.0.0.1:6379').leaseMs // 10_000
 */
export function resolveRedisOptions(
  options: string | RedisClientLike | RedisIdempotencyStoreOptions,
): ResolvedRedisOptions {
  if (typeof options === 'string') return resolveRedisOptions({ url: options });
  if (isClient(options)) return resolveRedisOptions({ client: options });
  checkKeys(options, KNOWN, 'RedisIdempotencyStore');
  const {
    url,
    client,
    keyPrefix = DEFAULT_REDIS_KEY_PREFIX,
    ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
    leaseMs = DEFAULT_LEASE_MS,
    maxOutcomeBytes = DEFAULT_MAX_OUTCOME_BYTES,
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
    scheduler,
  } = options;
  if ((url === undefined) === (client === undefined)) {
    throw new TypeError('RedisIdempotencyStore: give exactly one of url and client');
  }
  if (url !== undefined) checkUrl(url);
  if (client !== undefined && !isClient(client)) {
    throw new TypeError('client must be a node-redis client (createClient() from the redis package)');
  }
  if (typeof keyPrefix !== 'string' || keyPrefix === '') {
    throw new TypeError('keyPrefix must be a non-empty string');
  }
  checkNumber(ttlMs, 'ttlMs', 1, MAX_TIMER_MS);
  checkNumber(leaseMs, 'leaseMs', 100, MAX_TIMER_MS);
  checkNumber(maxOutcomeBytes, 'maxOutcomeBytes', 1, 536_870_912, { integer: true });
  checkNumber(commandTimeoutMs, 'commandTimeoutMs', 1, 60_000);
  checkScheduler(scheduler, 'scheduler');
  return {
    url,
    client,
    keyPrefix,
    ttlMs: Math.ceil(ttlMs),
    leaseMs: Math.ceil(leaseMs),
    maxOutcomeBytes,
    commandTimeoutMs,
    scheduler: scheduler ?? asyncScheduler,
  };
}

function checkUrl(url: unknown): void {
  if (typeof url !== 'string') throw new TypeError(`url must be a string, got ${typeof url}`);
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TypeError(`url must be a redis:// or rediss:// URL, got ${JSON.stringify(url.slice(0, 100))}`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new TypeError(`url must be a redis:// or rediss:// URL, got ${JSON.stringify(url.slice(0, 100))}`);
  }
}

function isClient(value: unknown): value is RedisClientLike {
  const c = value as Partial<Record<keyof RedisClientLike, unknown>> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sendCommand === 'function' &&
    typeof c.duplicate === 'function' &&
    typeof c.connect === 'function'
  );
}
