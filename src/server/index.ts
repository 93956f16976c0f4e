export { withTxServer, TxServerTransport } from './with-tx-server.js';
export type { ServerTelemetry, ServerCallTrace } from '../telemetry/server-hooks.js';
export type { HandleRequestOf } from './handle-request.js';
// The SDK's transport and JSON-RPC types as the decorator takes them (either major's fit), by names
// that do not shadow the SDK's own.
export type {
  Transport as McpTransport,
  MessageCallback as TransportMessageCallback,
  MessageExtraInfo as TransportMessageExtra,
  TransportSendOptions as McpSendOptions,
  AuthInfo as TransportAuthInfo,
  JSONRPCMessage as JsonRpcMessage,
  JSONRPCRequest as JsonRpcRequest,
  JSONRPCNotification as JsonRpcNotification,
  JSONRPCResultResponse as JsonRpcResultResponse,
  JSONRPCErrorResponse as JsonRpcErrorResponse,
  RequestId as JsonRpcId,
} from './transport-types.js';
export type { TxServerStats } from './server-stats.js';
export type { TxServerEvent, TxLateRenewalEvent } from './server-events.js';
export { DEFAULT_KEY_SCOPE, type KeyScope, type KeyScopeFunction } from './key-scope.js';
export { MAX_KEY_LENGTH, MAX_KEY_SCOPE_LENGTH, MAX_STORE_KEY_LENGTH } from './store-key.js';
export {
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_SERVER_MAX_QUEUE,
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_IN_PROGRESS_WAIT_MS,
  DEFAULT_ACK_DELAY_MS,
  DEFAULT_MAX_RUN_MS,
  DEFAULT_MAX_KEYED_ARGS_BYTES,
  DEFAULT_SERVER_FEATURES,
  type TxServerOptions,
  type ServerFeature,
} from './options.js';
export {
  ClaimReleasedError,
  isClaimReleasedError,
  type IdempotencyStore,
  type ClaimResult,
  type ClaimOptions,
  type LateRenewal,
  type StoredRecord,
  type TxOutcome,
  type RpcErrorObject,
} from './idempotency-store.js';
export {
  MemoryIdempotencyStore,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_STORE_ENTRIES,
  type MemoryIdempotencyStoreOptions,
} from './memory-idempotency-store.js';
export { nackResponse } from './nack.js';
export { claimOf, CLAIM_META_KEY, type RequestClaim } from './request-claims.js';
export {
  StoreUnavailableError,
  OutcomeTooLargeError,
  MalformedRecordError,
  LateRenewalError,
  isStoreUnavailableError,
  isOutcomeTooLargeError,
  isMalformedRecordError,
  isLateRenewalError,
} from './store-errors.js';
export { STORE_FAILURE_RETRY_AFTER_MS } from './call-endings.js';
export { OUTCOME_UNKNOWN_CODE, stoppedOutcome, type StopReason } from './stopped-run.js';
export {
  DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
  type CompressionConfig,
} from '../protocol/index.js';
