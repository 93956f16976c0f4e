/**
 * Names of the spans' attributes and events and of the metrics: the OpenTelemetry semantic
 * conventions for MCP (https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/, status
 * Development) where they name a thing, `mcp_tx.*` for what is mcp-tx's own. Durations are in
 * seconds, as the conventions have them.
 */

/**
 * Semantic-convention attributes (MCP, GenAI, JSON-RPC, error).
 *
 * @example
 * const failed = spans.filter((s) => s.attributes[ATTR.ERROR_TYPE] !== undefined);
 */
export const ATTR = {
  METHOD: 'mcp.method.name',
  TOOL: 'gen_ai.tool.name',
  OPERATION: 'gen_ai.operation.name',
  REQUEST_ID: 'jsonrpc.request.id',
  SESSION_ID: 'mcp.session.id',
  ERROR_TYPE: 'error.type',
  STATUS_CODE: 'rpc.response.status_code',
} as const;

/**
 * mcp-tx's own attributes, on spans, span events and metrics.
 *
 * @example
 * const replays = spans.filter((s) => s.attributes[TX_ATTR.OUTCOME] === 'replayed');
 */
export const TX_ATTR = {
  /** The logical call's request id (kept across retries; never the caller's idempotency key). */
  REQUEST_ID: 'mcp_tx.request_id',
  /** Whether the caller gave an idempotency key (the key itself is never recorded). */
  KEY_GIVEN: 'mcp_tx.idempotency_key.given',
  /** 0-based attempt (`retry_count` on the wire). */
  ATTEMPT: 'mcp_tx.attempt',
  /** Attempts the call made. */
  ATTEMPTS: 'mcp_tx.attempts',
  /** The result is a replay of an earlier execution (server) or of an earlier call (dedup window). */
  DUPLICATE: 'mcp_tx.duplicate',
  /** Where a duplicate's answer came from: `server` or `client` (dedup window) on a client; `stored` or `running` on a server. */
  DUPLICATE_SOURCE: 'mcp_tx.duplicate.source',
  /** The result came from the client's result cache. */
  CACHED: 'mcp_tx.cached',
  /** `false` for a call answered or refused without a request of its own. */
  SENT: 'mcp_tx.sent',
  /** How the call ended: `completed`, an error code (`TIMEOUT`, `NACK`, ...), or `cancelled`; on a server `executed`, `replayed`, `refused` or `cancelled`. */
  OUTCOME: 'mcp_tx.outcome',
  NACK_REASON: 'mcp_tx.nack.reason',
  NACK_RETRYABLE: 'mcp_tx.nack.retryable',
  /** A NACK's `retry_after_ms`, in seconds. */
  NACK_RETRY_AFTER: 'mcp_tx.nack.retry_after',
  /** Backoff before the next attempt, in seconds. */
  RETRY_DELAY: 'mcp_tx.retry.delay',
  /** The attempt that timed out had been acknowledged. */
  ACKED: 'mcp_tx.acked',
  PROGRESS: 'mcp_tx.progress',
  PROGRESS_TOTAL: 'mcp_tx.progress.total',
  TASK_ID: 'mcp_tx.task.id',
  TASK_STATUS: 'mcp_tx.task.status',
  BREAKER_STATE: 'mcp_tx.breaker.state',
  /** The idempotency store's answer to the claim of the call's key. */
  CLAIM_STATUS: 'mcp_tx.claim.status',
  /** Time the server call spent waiting on the idempotency store (claim, then storing the outcome), seconds. */
  STORE_WAIT: 'mcp_tx.store.wait.duration',
  /** Time a duplicate spent waiting for the running execution of its key, seconds. */
  DUPLICATE_WAIT: 'mcp_tx.duplicate.wait.duration',
} as const;

/**
 * Span events: one per thing that happened to the call.
 *
 * @example
 * const retries = span.events.filter((e) => e.name === EVENT.RETRY).length;
 */
export const EVENT = {
  REQUEST: 'mcp_tx.request',
  ACK: 'mcp_tx.ack',
  NACK: 'mcp_tx.nack',
  RETRY: 'mcp_tx.retry',
  TIMEOUT: 'mcp_tx.timeout',
  PROGRESS: 'mcp_tx.progress',
  TASK: 'mcp_tx.task',
  BREAKER: 'mcp_tx.breaker',
  CLAIMED: 'mcp_tx.claimed',
  RUN: 'mcp_tx.run',
  WAIT: 'mcp_tx.wait',
} as const;

/**
 * Metric names.
 *
 * @example
 * new View({ instrumentName: METRIC.CLIENT_DURATION, aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } });
 */
export const METRIC = {
  CLIENT_DURATION: 'mcp.client.operation.duration',
  SERVER_DURATION: 'mcp.server.operation.duration',
  CLIENT_RETRIES: 'mcp_tx.client.retries',
  CLIENT_NACKS: 'mcp_tx.client.nacks',
  CLIENT_DUPLICATES: 'mcp_tx.client.duplicates',
  BREAKER_TRANSITIONS: 'mcp_tx.client.breaker.transitions',
  BREAKER_OPEN: 'mcp_tx.client.breaker.open',
  SERVER_NACKS: 'mcp_tx.server.nacks',
  SERVER_DUPLICATES: 'mcp_tx.server.duplicates',
} as const;

/**
 * Bucket boundaries of `mcp.client.operation.duration` and `mcp.server.operation.duration`, in
 * seconds, as the MCP semantic conventions advise them.
 *
 * @example
 * meter.createHistogram('my.duration', { unit: 's', advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] } });
 */
export const MCP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
]);

/**
 * `mcp.method.name` of every call mcp-tx makes and serves.
 *
 * @example
 * span.setAttribute(ATTR.METHOD, TOOLS_CALL);
 */
export const TOOLS_CALL = 'tools/call';

/**
 * `gen_ai.operation.name` of a tool call.
 *
 * @example
 * span.setAttribute(ATTR.OPERATION, EXECUTE_TOOL);
 */
export const EXECUTE_TOOL = 'execute_tool';
