import type { LatencySummary, MetricsSnapshot, ToolMetrics } from '../metrics/metrics.js';
import { COUNTERS, emptyLatency } from '../metrics/metrics-internals.js';

/**
 * Adds up the metrics snapshots of several clients (a pool's members, or clients of several
 * processes): counters, failures and NACKs by code, queue gauges, and latency `count`, `sum`,
 * `mean`, `max` and histogram `buckets` exactly. A snapshot carries quantiles, not its sketch, so
 * `p50`/`p90`/`p99` are the highest member's: an upper bound of the pooled quantile, which lies
 * between the members' lowest and highest (exact for one member, or when members see the same
 * distribution); `TxPool.metrics()`, which merges the sketches, has them exact. Retry budgets'
 * tokens add up too (one that members share counts once in `TxPool.metrics()` only).
 *
 * @example
 * const { totals } = mergeMetrics(pool.members.map((m) => m.metrics()));
 */
export function mergeMetrics(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const tools: Record<string, ToolMetrics> = {};
  let time = 0;
  let active = 0;
  let queued = 0;
  for (const snapshot of snapshots) {
    time = Math.max(time, snapshot.time);
    active += snapshot.queue.active;
    queued += snapshot.queue.queued;
    for (const [name, metrics] of Object.entries(snapshot.tools)) {
      const into = Object.hasOwn(tools, name) ? tools[name] : undefined;
      // Object.defineProperty keeps a tool named `__proto__` a plain key, as the snapshot does.
      if (into) addTool(into, metrics);
      else Object.defineProperty(tools, name, { value: copyTool(metrics), enumerable: true, writable: true });
    }
  }
  const totals = emptyTool();
  for (const snapshot of snapshots) addTool(totals, snapshot.totals);
  const merged: MetricsSnapshot = { time, totals, tools, queue: { active, queued } };
  const budgets = snapshots.flatMap((s) => (s.retryBudget ? [s.retryBudget] : []));
  if (budgets.length > 0) {
    merged.retryBudget = {
      tokens: budgets.reduce((sum, b) => sum + b.tokens, 0),
      maxTokens: budgets.reduce((sum, b) => sum + b.maxTokens, 0),
    };
  }
  return merged;
}

function emptyTool(): ToolMetrics {
  const latency = emptyLatency;
  return {
    calls: 0,
    completed: 0,
    failed: {},
    attempts: 0,
    retries: 0,
    retriesThrottled: 0,
    acks: 0,
    nacks: {},
    timeouts: 0,
    dedupHits: 0,
    cacheHits: 0,
    breakerOpens: 0,
    inFlight: 0,
    latencyMs: latency(),
    ackLatencyMs: latency(),
  };
}

function copyTool(metrics: ToolMetrics): ToolMetrics {
  const copy = emptyTool();
  addTool(copy, metrics);
  return copy;
}

function addTool(into: ToolMetrics, from: ToolMetrics): void {
  for (const key of COUNTERS) into[key] += from[key];
  addCounts(into.failed, from.failed);
  addCounts(into.nacks, from.nacks);
  into.latencyMs = addLatency(into.latencyMs, from.latencyMs);
  into.ackLatencyMs = addLatency(into.ackLatencyMs, from.ackLatencyMs);
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) {
    const before = Object.hasOwn(into, key) ? (into[key] as number) : 0;
    Object.defineProperty(into, key, { value: before + n, enumerable: true, writable: true });
  }
}

function addLatency(a: LatencySummary, b: LatencySummary): LatencySummary {
  if (b.count === 0) return a;
  if (a.count === 0) return { ...b, buckets: [...b.buckets] };
  const count = a.count + b.count;
  const sum = a.sum + b.sum;
  return {
    count,
    sum,
    mean: sum / count,
    p50: Math.max(a.p50, b.p50),
    p90: Math.max(a.p90, b.p90),
    p99: Math.max(a.p99, b.p99),
    max: Math.max(a.max, b.max),
    buckets: a.buckets.map((n, i) => n + (b.buckets[i] ?? 0)),
  };
}
