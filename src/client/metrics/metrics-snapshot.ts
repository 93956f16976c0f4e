// The plain JSON shapes of a metrics snapshot (`client.metrics()`), apart from the recorder.
/**
 * A latency distribution in milliseconds: `count`, `sum`, `mean`, `max` and the histogram
 * `buckets` are exact; `p50`, `p90` and `p99` come from a DDSketch, within 1 %
 * (`LATENCY_RELATIVE_ACCURACY`) of the exact latency of that rank (never above `max`; under
 * 1 µs counts as 0, over an hour as an hour). All zero when nothing was recorded.
 *
 * @example
 * const { p50, p99, max } = client.metrics().totals.latencyMs;
 */
export interface LatencySummary {
  count: number;
  sum: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /**
   * Cumulative histogram, as Prometheus's `le`: `buckets[i]` latencies were at most
   * `LATENCY_BUCKETS_SECONDS[i]` seconds (`count` is the `+Inf` bucket). The bounds are the same
   * for every client, so histograms add up bucket by bucket.
   */
  buckets: number[];
}

/**
 * The counters of one tool, or of the whole client (`totals`).
 *
 * @example
 * const { calls, completed, failed } = client.metrics().tools['search'] ?? {};
 */
export interface ToolMetrics {
  /** Logical calls (a call and its retries count once), every one: those answered by the dedup window or the result cache (also under `dedupHits`, `cacheHits`) and those refused before sending (invalid options, queue full, circuit open, conflict) included. */
  calls: number;
  /** Calls that produced a result. */
  completed: number;
  /** Calls that failed for good, by error code (`TIMEOUT`, `NACK`, ...). */
  failed: Record<string, number>;
  /** Requests sent, retries included. */
  attempts: number;
  /** Attempts after the first. */
  retries: number;
  /** Retries the retry budget refused: the call failed instead (`RETRY_BUDGET_EXHAUSTED`). */
  retriesThrottled: number;
  /** ACKs received. */
  acks: number;
  /** NACKs received, by reason. */
  nacks: Record<string, number>;
  /** Attempts that timed out. */
  timeouts: number;
  /** Calls answered by the client-side dedup window (shared execution or replayed result). */
  dedupHits: number;
  /** Calls answered from the result cache (a cached result, or an identical call in flight). */
  cacheHits: number;
  /** Times the tool's circuit breaker opened (again after a failed probe included). */
  breakerOpens: number;
  /** Calls started and not ended. */
  inFlight: number;
  /** From the call's start to its end, per call. */
  latencyMs: LatencySummary;
  /** From sending an attempt to its ACK, per ACK. */
  ackLatencyMs: LatencySummary;
}

/**
 * One point-in-time view of a client's metrics: plain JSON (`JSON.stringify` round-trips it).
 *
 * @example
 * const snapshot: MetricsSnapshot = client.metrics();
 * console.log(snapshot.totals.calls, snapshot.queue.queued);
 */
export interface MetricsSnapshot {
  /** Scheduler time of the snapshot (epoch ms with the default scheduler). */
  time: number;
  /** Every tool added up. */
  totals: ToolMetrics;
  /** Per tool name, in the order tools were first seen. */
  tools: Record<string, ToolMetrics>;
  /** Calls running and calls waiting for a slot, client-wide. */
  queue: { active: number; queued: number };
  /** The retry budget's tokens, when the client has one (a pool's: each budget its members share, once). */
  retryBudget?: { tokens: number; maxTokens: number };
}
