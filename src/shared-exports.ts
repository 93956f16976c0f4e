/**
 * The names `mcp-tx/v2` shares with `mcp-tx`, the very same objects: errors, wire helpers,
 * defaults, the client's option, event and metrics types; `mcp-tx/v2` adds its own `TxClient`,
 * `TxPool` and `httpTransport`. Nothing here loads an SDK. `mcp-tx`'s index lists the same names
 * (from `client/index.ts`, in the order a browser bundle of it gzips smallest);
 * spec/package/v2-entries.spec.ts holds the two entries to the same names and objects.
 */
export {
  type CallOptions,
  type RetryConfig,
  type BreakerConfig,
  type CacheConfig,
  type ToolPolicy,
  type TxClientOptions,
} from './client/options.js';
export {
  type TxResult,
  type TxEvent,
  type TxRequestEvent,
  type TxAckEvent,
  type TxNackEvent,
  type TxResponseEvent,
  type TxRetryEvent,
  type TxThrottledEvent,
  type TxTimeoutEvent,
  type TxFailureEvent,
  type TxBreakerEvent,
  type TxCallEvent,
  type TxProgressEvent,
  type TxTaskEvent,
} from './client/events.js';
export {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_BROWSER_CONCURRENCY,
  DEFAULT_MAX_QUEUE,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MULTIPLIER,
  DEFAULT_JITTER,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_DEDUP_MAX_ENTRIES,
  DEFAULT_METRICS_INTERVAL_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  DEFAULT_BREAKER_RESET_TIMEOUT_MS,
  DEFAULT_BREAKER_HALF_OPEN_MAX_CALLS,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_TASK_POLL_MS,
} from './client/defaults.js';
export {
  DEFAULT_RECONNECT,
  type ConnectionStatus,
  type ReconnectConfig,
} from './client/connection/connection.js';
export { toPrometheus } from './client/metrics/metrics-prometheus.js';
export { perRequestSignalFetch } from './client/transports/per-request-signal-fetch.js';
export { DEFAULT_POOL_STRATEGY, type PoolStrategy, type TxPoolOptions } from './client/pool/pool-core.js';
export { mergeMetrics } from './client/pool/pool-metrics.js';
export {
  DEFAULT_WARMUP_ROUNDS,
  DEFAULT_WARMUP_TIMEOUT_MS,
  type WarmupConfig,
  type WarmupCall,
  type WarmupReport,
} from './client/pool/warmup-config.js';
export {
  type MetricsSnapshot,
  type ToolMetrics,
  type LatencySummary,
  LATENCY_RELATIVE_ACCURACY,
  LATENCY_BUCKETS_SECONDS,
} from './client/metrics/metrics.js';
export type { ClientTelemetry, CallTrace, TracedCall } from './telemetry/hooks.js';
export type {
  CallToolResult,
  ContentBlock,
  TextContent,
  ImageContent,
  AudioContent,
  ResourceLink,
  EmbeddedResource,
  Annotations,
  TaskStatus,
  FetchLike,
} from './protocol/mcp-types.js';
export {
  TxError,
  AttemptTimeoutError,
  DeadlineExceededError,
  NackError,
  AmbiguousOutcomeError,
  OutcomeUnknownError,
  QueueFullError,
  ConnectionClosedError,
  ClientClosedError,
  IdempotencyConflictError,
  AbortedError,
  RequestError,
  InvalidMetaError,
  CompressionError,
  isTxError,
  isAttemptTimeoutError,
  isDeadlineExceededError,
  isNackError,
  isAmbiguousOutcomeError,
  isOutcomeUnknownError,
  isQueueFullError,
  isConnectionClosedError,
  isClientClosedError,
  isIdempotencyConflictError,
  isAbortedError,
  isRequestError,
  isInvalidMetaError,
  CircuitOpenError,
  isCircuitOpenError,
  RetryBudgetExhaustedError,
  isRetryBudgetExhaustedError,
  isCompressionError,
  type CompressionFailure,
  DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
  type CompressionConfig,
  type TxErrorInfo,
  txCapabilities,
  parseTxCapability,
  TX_EXTENSION_ID,
  txExtension,
  parseTxExtension,
  type TxExtensionSettings,
  canonicalJson,
  fingerprint,
  PROTOCOL_VERSION,
  type TxCapability,
  type TxFeature,
  type NackReason,
  TX_FEATURES,
  NACK_REASONS,
  MAX_CANONICAL_DEPTH,
  type TxRequestMeta,
  type TxErrorOptions,
} from './protocol/index.js';
export { UnsupportedSdkError, isUnsupportedSdkError } from './sdk/unsupported-sdk-error.js';
// The operators are mcp-tx/operators (kept out of this entry, so that a browser bundle of the client
// fetches none of their code up front); the types the client's options and events name stay here.
export type { JitterMode, RetryBudget, RetryBudgetConfig, CircuitState } from './operators/index.js';
