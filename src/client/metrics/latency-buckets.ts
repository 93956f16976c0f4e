/**
 * Upper bounds, in seconds, of the latency histograms' buckets (`le` in Prometheus; a `+Inf`
 * bucket follows the last): the explicit bucket boundaries the OpenTelemetry semantic conventions
 * give `mcp.client.operation.duration` (10 ms to 5 min), and six more below 10 ms for servers
 * in the same process, on the same host or the same network (100 µs to 5 ms). Every client uses
 * these, so histograms add up across a pool's members and across processes bucket by bucket.
 *
 * @example
 * const { buckets } = client.metrics().totals.latencyMs;
 * const under10ms = buckets[LATENCY_BUCKETS_SECONDS.indexOf(0.01)]; // calls of at most 10 ms
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
]);

/** The bounds in ms, as latencies are recorded (0.0001 × 1000 is 0.1 exactly, and so on). */
const BOUNDS_MS = LATENCY_BUCKETS_SECONDS.map((s) => s * 1000);
const LAST = BOUNDS_MS.length;

/**
 * The bucket of a latency of `ms`: the index of the first bound it does not exceed, or
 * `LATENCY_BUCKETS_SECONDS.length` (the `+Inf` bucket). A scan from the smallest bound: the
 * latencies of a call are mostly short, so it stops after a few comparisons.
 *
 * @example
 * bucketOf(0.15); // 1 (le 0.0002 s)
 */
export function bucketOf(ms: number): number {
  let i = 0;
  while (i < LAST && ms > (BOUNDS_MS[i] as number)) i++;
  return i;
}
