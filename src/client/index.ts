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
} from './connection.js';
export {
  type MetricsSnapshot,
  type ToolMetrics,
  type LatencySummary,
  LATENCY_RELATIVE_ACCURACY,
  metricsStream,
  TxMetrics,
} from './metrics.js';
export { toPrometheus } from './metrics-prometheus.js';
export { perRequestSignalFetch } from './per-request-signal-fetch.js';
export { httpTransport } from './http-transport.js';
export {
  TxPool,
  DEFAULT_POOL_STRATEGY,
  type PoolStrategy,
  type TxPoolOptions,
  type PoolConnectOptions,
} from './pool.js';
export { mergeMetrics } from './pool-metrics.js';
export {
  DEFAULT_WARMUP_ROUNDS,
  DEFAULT_WARMUP_TIMEOUT_MS,
  type WarmupConfig,
  type WarmupCall,
  type WarmupReport,
} from './warmup-config.js';
