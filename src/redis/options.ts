import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../protocol/config-internals.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../server/memory-idempotency-store.js';
import type { RedisClientLike, RedisClusterConfig } from './connection.js';
import { isWellFormed } from './key-layout.js';

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
 * Options of {@link RedisIdempotencyStore}: exactly one of `url`, `client` and `cluster`.
 *
 * @example
 * const options: RedisIdempotencyStoreOptions = { url: 'redis://127.0.0.1:6379', keyPrefix: 'payments:' };
 * const onCluster: RedisIdempotencyStoreOptions = { cluster: { rootNodes: [{ url: 'redis://10.0.0.1:7000' }] } };
 */
export interface RedisIdempotencyStoreOptions {
  /** Redis to connect to (`redis[s]://[[user][:password]@]host[:port][/db]`); the store makes, owns and closes its connections. */
  url?: string;
  /** A node-redis client (`createClient()`, connected or not yet): the store uses it and a `duplicate()` for pub/sub, and closes only the duplicate. */
  client?: RedisClientLike;
  /**
   * A Redis Cluster to connect to, as node-redis's `createCluster` takes it (`{ rootNodes: [{ url }] }`);
   * the store makes, owns and closes its cluster clients.
   */
  cluster?: RedisClusterConfig;
  /**
   * Prefix of every key and of the channel; replicas share a key space by sharing it. Non-empty,
   * well-formed Unicode, without `{` or `}` (the store's keys carry hash tags of their own). @default 'mcp-tx:'
   */
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
  readonly cluster: RedisClusterConfig | undefined;
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
  'cluster',
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
    cluster,
    keyPrefix = DEFAULT_REDIS_KEY_PREFIX,
    ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS,
    leaseMs = DEFAULT_LEASE_MS,
    maxOutcomeBytes = DEFAULT_MAX_OUTCOME_BYTES,
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
    scheduler,
  } = options;
  if ([url, client, cluster].filter((o) => o !== undefined).length !== 1) {
    throw new TypeError('RedisIdempotencyStore: give exactly one of url, client and cluster');
  }
  if (url !== undefined) checkUrl(url);
  if (cluster !== undefined) checkCluster(cluster);
  if (client !== undefined && !isClient(client)) {
    throw new TypeError('client must be a node-redis client (createClient() from the redis package)');
  }
  if (typeof keyPrefix !== 'string' || keyPrefix === '') {
    throw new TypeError('keyPrefix must be a non-empty string');
  }
  if (/[{}]/.test(keyPrefix) || !isWellFormed(keyPrefix)) {
    throw new TypeError(
      `keyPrefix must be well-formed Unicode without { or } (the store adds hash tags of its own), got ${JSON.stringify(keyPrefix.slice(0, 100))}`,
    );
  }
  checkNumber(ttlMs, 'ttlMs', 1, MAX_TIMER_MS);
  checkNumber(leaseMs, 'leaseMs', 100, MAX_TIMER_MS);
  checkNumber(maxOutcomeBytes, 'maxOutcomeBytes', 1, 536_870_912, { integer: true });
  checkNumber(commandTimeoutMs, 'commandTimeoutMs', 1, 60_000);
  checkScheduler(scheduler, 'scheduler');
  return {
    url,
    client,
    cluster,
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

function checkCluster(cluster: unknown): void {
  if (typeof cluster !== 'object' || cluster === null)
    throw new TypeError('cluster must be an object ({ rootNodes: [{ url }] })');
  checkKeys(cluster, ['rootNodes', 'defaults', 'minimizeConnections', 'maxCommandRedirections'], 'cluster');
  const { rootNodes, defaults } = cluster as Partial<RedisClusterConfig>;
  if (!Array.isArray(rootNodes) || rootNodes.length === 0)
    throw new TypeError('cluster.rootNodes must be a non-empty array of { url }');
  for (const node of rootNodes as unknown[]) checkUrl((node as { url?: unknown } | null)?.url);
  if (defaults !== undefined && (typeof defaults !== 'object' || defaults === null))
    throw new TypeError('cluster.defaults must be an object (node-redis client options)');
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
