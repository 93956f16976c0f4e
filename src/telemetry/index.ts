/**
 * mcp-tx/otel: OpenTelemetry traces and metrics for `TxClient` and `withTxServer`, after the
 * OpenTelemetry semantic conventions for MCP. Needs `@opentelemetry/api` (an optional peer
 * dependency of mcp-tx: nothing else imports it).
 */
export { txTelemetry, TxTelemetry, INSTRUMENTATION_SCOPE, type TxTelemetryConfig } from './tx-telemetry.js';
export { ATTR, TX_ATTR, EVENT, METRIC, MCP_DURATION_BUCKETS } from './names.js';
export type { ClientTelemetry, CallTrace, TracedCall, ServerTelemetry, ServerCallTrace } from './hooks.js';
