import { type Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import { every } from '../rx-lite.js';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../../protocol/config-internals.js';
import type { QueueGauge } from '../../operators/bounded-merge-map.js';
import type { RetryBudget } from '../../operators/retry-budget.js';
import { ToolState, countKey, sumTools, toolMetrics } from './metrics-internals.js';
import { LATENCY_RELATIVE_ACCURACY } from './quantile-sketch.js';
import type { MetricsSnapshot, ToolMetrics } from './metrics-snapshot.js';

export type { LatencySummary, MetricsSnapshot, ToolMetrics } from './metrics-snapshot.js';

export { LATENCY_RELATIVE_ACCURACY };
export { LATENCY_BUCKETS_SECONDS } from './latency-buckets.js';

/** Tools tracked one by one; calls to further tool names are counted under {@link OTHER_TOOL}. @default 1_000 */
export const DEFAULT_METRICS_MAX_TOOLS = 1_000;
/** The tool name that collects every tool past `maxTools` (merged with a real tool of that name). */
export const OTHER_TOOL = '(other)';
/**
 * How a `TxClient` hands its recorder to the package's own code (a `TxPool` merging its members'
 * histograms); a symbol, so it is no part of the public surface.
 *
 * @example
 * const recorder = client[METRICS_RECORDER]();
 */
export const METRICS_RECORDER: unique symbol = Symbol('mcp-tx.metricsRecorder');

const IDLE: QueueGauge = Object.freeze({ active: 0, queued: 0 });

/**
 * Configuration of {@link TxMetrics}.
 *
 * @example
 * const config: TxMetricsConfig = { scheduler: testScheduler, maxTools: 100 };
 */
export interface TxMetricsConfig {
  /** Clock of `snapshot().time`. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Tool names tracked one by one, an integer from 1 to 1,000,000. @default DEFAULT_METRICS_MAX_TOOLS */
  maxTools?: number;
}

/**
 * The client's metrics recorder: O(1) hooks that only count (and record two latencies per call
 * in quantile sketches); quantiles and totals are computed in {@link TxMetrics.snapshot}, only when asked.
 *
 * @example
 * const metrics = new TxMetrics();
 * metrics.callStarted('search');
 * metrics.attemptSent('search', 0);
 * metrics.callEnded('search', 'completed', 12.5);
 * metrics.snapshot().tools['search']?.latencyMs.p50; // 12.5
 */
export class TxMetrics {
  /** @internal Read by {@link snapshotOf}. */
  readonly tools = new Map<string, ToolState>();
  private readonly totals = new ToolState();
  /** @internal Read by {@link snapshotOf}. */
  readonly scheduler: SchedulerLike;
  private readonly maxTools: number;
  /** @internal Read by {@link snapshotOf}. */
  gauge: QueueGauge = IDLE;
  /** @internal Read by {@link snapshotOf}. */
  budget: RetryBudget | undefined;

  constructor(config: TxMetricsConfig = {}) {
    checkKeys(config, ['scheduler', 'maxTools'], 'TxMetrics');
    const { scheduler = asyncScheduler, maxTools = DEFAULT_METRICS_MAX_TOOLS } = config;
    checkScheduler(scheduler, 'scheduler');
    checkNumber(maxTools, 'maxTools', 1, 1_000_000, { integer: true });
    this.scheduler = scheduler;
    this.maxTools = maxTools;
  }

  /** A logical call started. */
  callStarted(tool: string): void {
    const state = this.tool(tool);
    state.calls++;
    state.inFlight++;
  }

  /** An attempt was sent; `attempt` is 0-based, so any `attempt > 0` is a retry. */
  attemptSent(tool: string, attempt: number): void {
    const state = this.tool(tool);
    state.attempts++;
    if (attempt > 0) state.retries++;
  }

  /** The server acknowledged an attempt `msToAck` ms after it was sent. */
  acked(tool: string, msToAck: number): void {
    const state = this.tool(tool);
    state.acks++;
    state.ackLatency.record(msToAck);
  }

  /** The server refused an attempt. */
  nacked(tool: string, reason: string): void {
    countKey(this.tool(tool).nacks, reason);
  }

  /** An attempt timed out. */
  timedOut(tool: string): void {
    this.tool(tool).timeouts++;
  }

  /** The client-side dedup window answered a call (shared execution or replayed result). */
  dedupHit(tool: string): void {
    this.tool(tool).dedupHits++;
  }

  /** The result cache answered a call. */
  cacheHit(tool: string): void {
    this.tool(tool).cacheHits++;
  }

  /** The retry budget refused to retry a failed attempt of the tool. */
  retryThrottled(tool: string): void {
    this.tool(tool).retriesThrottled++;
  }

  /** The tool's circuit breaker opened. */
  breakerOpened(tool: string): void {
    this.tool(tool).breakerOpens++;
  }

  /** A call ended `'completed'` or failed with an error code, `latencyMs` after it started. */
  callEnded(tool: string, outcome: string, latencyMs: number): void {
    const state = this.tool(tool);
    state.inFlight--;
    if (outcome === 'completed') state.completed++;
    else countKey(state.failed, outcome);
    state.latency.record(latencyMs);
  }

  /** The live queue counts to read at each snapshot (a `QueueGauge` of `boundedMergeMap`). */
  setQueueGauge(gauge: QueueGauge): void {
    this.gauge = gauge;
  }

  /** The retry budget whose tokens each snapshot reads. */
  setRetryBudget(budget: RetryBudget | undefined): void {
    this.budget = budget;
  }

  /**
   * Computes a snapshot: per-tool quantiles, and totals with every tool's histograms merged.
   * Costs about 0.1 ms per tool seen; call it at an interval, not per call.
   */
  snapshot(): MetricsSnapshot {
    const tools: Record<string, ToolMetrics> = Object.fromEntries(
      Array.from(this.tools, ([name, state]) => [name, toolMetrics(state)]),
    );
    const { active, queued } = this.gauge;
    return {
      time: this.scheduler.now(),
      totals: toolMetrics(sumTools(this.tools.values(), this.totals)),
      tools,
      queue: { active, queued },
      ...budgetGauge(this.budget ? [this.budget] : []),
    };
  }

  private tool(name: string): ToolState {
    let state = this.tools.get(name);
    if (state === undefined) {
      const key = this.tools.size < this.maxTools ? name : OTHER_TOOL;
      state = this.tools.get(key);
      if (state === undefined) this.tools.set(key, (state = new ToolState()));
    }
    return state;
  }
}

/**
 * One snapshot of several recorders as if they were one (a pool's members): counters added,
 * and latency histograms merged, so the quantiles are exact. A function, not a static method of
 * {@link TxMetrics}: a bundler drops it from a page that has no pool.
 *
 * @example
 * const { totals } = snapshotOf([a, b]);
 */
export function snapshotOf(recorders: readonly TxMetrics[]): MetricsSnapshot {
  const byTool = new Map<string, ToolState[]>();
  let time = 0;
  let active = 0;
  let queued = 0;
  const budgets = new Set<RetryBudget>();
  for (const recorder of recorders) {
    if (recorder.budget) budgets.add(recorder.budget);
    time = Math.max(time, recorder.scheduler.now());
    active += recorder.gauge.active;
    queued += recorder.gauge.queued;
    for (const [name, state] of recorder.tools) {
      const states = byTool.get(name);
      if (states) states.push(state);
      else byTool.set(name, [state]);
    }
  }
  const tools: Record<string, ToolMetrics> = Object.fromEntries(
    Array.from(byTool, ([name, states]) => [name, toolMetrics(sumTools(states, new ToolState()))]),
  );
  const all = recorders.flatMap((r) => [...r.tools.values()]);
  const totals = toolMetrics(sumTools(all, new ToolState()));
  return { time, totals, tools, queue: { active, queued }, ...budgetGauge(budgets) };
}

/** The snapshot's `retryBudget`: the tokens of `budgets` added up; absent when there is none. */
function budgetGauge(budgets: Iterable<RetryBudget>): Pick<MetricsSnapshot, 'retryBudget'> {
  let tokens = 0;
  let maxTokens = 0;
  for (const budget of budgets) {
    tokens += budget.tokens;
    maxTokens += budget.maxTokens;
  }
  return maxTokens > 0 ? { retryBudget: { tokens, maxTokens } } : {};
}

/**
 * Snapshots of `metrics` every `intervalMs` (scheduler time). Cold: nothing is computed until
 * subscribed, and each subscriber gets its own interval (`share()` it to fan out one).
 *
 * @example
 * metricsStream(metrics, 10_000).subscribe((s) => log.info(s.totals));
 */
export function metricsStream(
  metrics: TxMetrics,
  intervalMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<MetricsSnapshot> {
  if (!(metrics instanceof TxMetrics)) throw new TypeError('metrics must be a TxMetrics');
  if (typeof intervalMs !== 'number')
    throw new TypeError(`intervalMs must be a number, got ${typeof intervalMs}`);
  if (!(intervalMs > 0 && intervalMs <= MAX_TIMER_MS)) {
    throw new RangeError(
      `intervalMs must be a number above 0 and at most ${MAX_TIMER_MS}, got ${intervalMs}`,
    );
  }
  checkScheduler(scheduler, 'scheduler');
  return every(intervalMs, scheduler, () => metrics.snapshot());
}
