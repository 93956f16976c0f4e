/**
 * mcp-tx/redis: an idempotency store on Redis, for exactly-once across server replicas. Needs the
 * `redis` package (node-redis 5 or 6), an optional peer dependency of mcp-tx.
 */
export { RedisIdempotencyStore } from './redis-idempotency-store.js';
export {
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_OUTCOME_BYTES,
  DEFAULT_COMMAND_TIMEOUT_MS,
  type RedisIdempotencyStoreOptions,
} from './options.js';
export type { RedisClientLike, RedisClusterConfig } from './connection.js';
export {
  StoreUnavailableError,
  OutcomeTooLargeError,
  isStoreUnavailableError,
  isOutcomeTooLargeError,
  MalformedRecordError,
  isMalformedRecordError,
} from '../server/store-errors.js';
