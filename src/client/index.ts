export { TxClient, type ConnectOptions } from './tx-client.js';
export type {
  BreakerConfig,
  CacheConfig,
  CallOptions,
  RetryConfig,
  ToolPolicy,
  TxClientOptions,
} from './options.js';
export type {
  TxResult,
  TxEvent,
  TxRequestEvent,
  TxAckEvent,
  TxNackEvent,
  TxResponseEvent,
  TxRetryEvent,
  TxThrottledEvent,
  TxTimeoutEvent,
  TxFailureEvent,
  TxBreakerEvent,
  TxCallEvent,
  TxProgressEvent,
  TxTaskEvent,
} from './events.js';
export * from './defaults.js';
export {
  DEFAULT_RECONNECT,
  type ConnectionStatus,
  type TransportFactory,
  type ReconnectConfig,
} from './connection/connection.js';
export {
  type MetricsSnapshot,
  type ToolMetrics,
  type LatencySummary,
  LATENCY_RELATIVE_ACCURACY,
  LATENCY_BUCKETS_SECONDS,
  metricsStream,
  TxMetrics,
} from './metrics/metrics.js';
export { toPrometheus } from './metrics/metrics-prometheus.js';
export { perRequestSignalFetch } from './transports/per-request-signal-fetch.js';
export { httpTransport } from './transports/http-transport.js';
export {
  TxPool,
  DEFAULT_POOL_STRATEGY,
  type PoolStrategy,
  type TxPoolOptions,
  type PoolConnectOptions,
} from './pool/pool.js';
export { mergeMetrics } from './pool/pool-metrics.js';
export {
  DEFAULT_WARMUP_ROUNDS,
  DEFAULT_WARMUP_TIMEOUT_MS,
  type WarmupConfig,
  type WarmupCall,
  type WarmupReport,
} from './pool/warmup-config.js';
