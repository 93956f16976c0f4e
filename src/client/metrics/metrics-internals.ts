import type { LatencySummary, ToolMetrics } from './metrics-snapshot.js';
import { QuantileSketch } from './quantile-sketch.js';
import { LATENCY_BUCKETS_SECONDS, bucketOf } from './latency-buckets.js';

/** Distinct error codes or NACK reasons kept per tool; more are counted under `other`. */
const MAX_KEYS = 64;
const OTHER_KEY = 'other';

/** Buckets of a histogram: one per bound of {@link LATENCY_BUCKETS_SECONDS}, and `+Inf`. */
const BUCKETS = LATENCY_BUCKETS_SECONDS.length + 1;

/**
 * One latency distribution: exact count, sum and max, a histogram over the fixed
 * {@link LATENCY_BUCKETS_SECONDS} (exact counts, for Prometheus), and quantiles from a DDSketch
 * (within 1 %; a few KiB, growing with the range of latencies seen, 9 KiB at most), both made on
 * first use.
 */
export class LatencyRecorder {
  count = 0;
  sum = 0;
  max = 0;
  sketch: QuantileSketch | undefined;
  /** Latencies per bucket (not cumulative), `+Inf` last. */
  counts: Float64Array | undefined;

  record(ms: number): void {
    if (!(ms >= 0)) ms = 0; // NaN or a negative duration (clock step): count it, as zero
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    const counts = (this.counts ??= new Float64Array(BUCKETS));
    (counts[bucketOf(ms)] as number)++;
    (this.sketch ??= new QuantileSketch()).add(ms);
  }

  /** Adds `other` into this recorder (totals at snapshot time; `sketch` here is a reused scratch). */
  add(other: LatencyRecorder): void {
    if (other.count === 0 || !other.sketch || !other.counts) return;
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    const counts = (this.counts ??= new Float64Array(BUCKETS));
    for (let i = 0; i < BUCKETS; i++) (counts[i] as number) += other.counts[i] as number;
    (this.sketch ??= new QuantileSketch()).merge(other.sketch);
  }

  reset(): void {
    this.count = this.sum = this.max = 0;
    this.counts?.fill(0);
    this.sketch?.reset();
  }

  summary(): LatencySummary {
    const { count, sum, max, sketch, counts } = this;
    if (count === 0 || !sketch || !counts) return emptyLatency();
    const at = (q: number): number => Math.min(sketch.quantile(q), max);
    const buckets = new Array<number>(BUCKETS - 1);
    let below = 0;
    for (let i = 0; i < BUCKETS - 1; i++) buckets[i] = below += counts[i] as number;
    return { count, sum, mean: sum / count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max, buckets };
  }
}

/**
 * The summary of no latency at all.
 *
 * @example
 * const latency = snapshot.tools['search']?.latencyMs ?? emptyLatency();
 */
export function emptyLatency(): LatencySummary {
  const buckets = new Array<number>(BUCKETS - 1).fill(0);
  return { count: 0, sum: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, buckets };
}

/** The plain counters of {@link ToolState}, summed as they are into the totals. */
export const COUNTERS = [
  'calls',
  'completed',
  'attempts',
  'retries',
  'retriesThrottled',
  'acks',
  'timeouts',
  'dedupHits',
  'cacheHits',
  'breakerOpens',
  'inFlight',
] as const;

/** Everything counted for one tool; created once per tool name, then only mutated. */
export class ToolState {
  calls = 0;
  completed = 0;
  attempts = 0;
  retries = 0;
  retriesThrottled = 0;
  acks = 0;
  timeouts = 0;
  dedupHits = 0;
  cacheHits = 0;
  breakerOpens = 0;
  inFlight = 0;
  readonly failed = new Map<string, number>();
  readonly nacks = new Map<string, number>();
  readonly latency = new LatencyRecorder();
  readonly ackLatency = new LatencyRecorder();
}

/** Counts `key` in `counts`, folding keys past {@link MAX_KEYS} into `other` so a map stays bounded. */
export function countKey(counts: Map<string, number>, key: string, n = 1): void {
  const current = counts.get(key);
  if (current !== undefined) counts.set(key, current + n);
  else if (counts.size < MAX_KEYS) counts.set(key, n);
  else counts.set(OTHER_KEY, (counts.get(OTHER_KEY) ?? 0) + n);
}

/** `Object.fromEntries` defines own properties, so a key such as `__proto__` stays a plain key. */
export function toRecord(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries(counts) as Record<string, number>;
}

/** The JSON view of one tool's counters. */
export function toolMetrics(state: ToolState): ToolMetrics {
  return {
    calls: state.calls,
    completed: state.completed,
    failed: toRecord(state.failed),
    attempts: state.attempts,
    retries: state.retries,
    retriesThrottled: state.retriesThrottled,
    acks: state.acks,
    nacks: toRecord(state.nacks),
    timeouts: state.timeouts,
    dedupHits: state.dedupHits,
    cacheHits: state.cacheHits,
    breakerOpens: state.breakerOpens,
    inFlight: state.inFlight,
    latencyMs: state.latency.summary(),
    ackLatencyMs: state.ackLatency.summary(),
  };
}

/** Sums every tool into `into` (reset first); its recorders keep their sketches' memory between snapshots. */
export function sumTools(tools: Iterable<ToolState>, into: ToolState): ToolState {
  for (const key of COUNTERS) into[key] = 0;
  into.failed.clear();
  into.nacks.clear();
  into.latency.reset();
  into.ackLatency.reset();
  for (const tool of tools) {
    for (const key of COUNTERS) into[key] += tool[key];
    for (const [code, n] of tool.failed) countKey(into.failed, code, n);
    for (const [reason, n] of tool.nacks) countKey(into.nacks, reason, n);
    into.latency.add(tool.latency);
    into.ackLatency.add(tool.ackLatency);
  }
  return into;
}
