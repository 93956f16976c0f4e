/**
 * mcp-tx/postgres: an idempotency store on PostgreSQL, for exactly-once across server replicas,
 * and transactional tools whose writes commit with their outcome. Needs the `pg` package
 * (node-postgres 8), an optional peer dependency of mcp-tx.
 */
export { PostgresIdempotencyStore } from './postgres-idempotency-store.js';
export {
  transactional,
  DEFAULT_ON_TOOL_ERROR,
  DEFAULT_ISOLATION_LEVEL,
  type TransactionalOptions,
  type ToolErrorWrites,
  type IsolationLevel,
  type ToolExtra,
} from './transactional.js';
export {
  DEFAULT_POSTGRES_SCHEMA,
  DEFAULT_POSTGRES_LEASE_MS,
  DEFAULT_POSTGRES_MAX_OUTCOME_BYTES,
  DEFAULT_POSTGRES_QUERY_TIMEOUT_MS,
  type PostgresIdempotencyStoreOptions,
} from './options.js';
export { migrationSql } from './schema.js';
export { MalformedRecordError, isMalformedRecordError, ClaimLostError, isClaimLostError } from './errors.js';
export {
  StoreUnavailableError,
  OutcomeTooLargeError,
  isStoreUnavailableError,
  isOutcomeTooLargeError,
} from '../server/store-errors.js';
export { claimOf, type RequestClaim } from '../server/request-claims.js';
