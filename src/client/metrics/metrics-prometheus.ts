import type { LatencySummary, MetricsSnapshot, ToolMetrics } from './metrics.js';
import { LATENCY_BUCKETS_SECONDS } from './latency-buckets.js';

type Counter = Exclude<
  { [K in keyof ToolMetrics]: ToolMetrics[K] extends number ? K : never }[keyof ToolMetrics],
  'inFlight'
>;

/** Per-tool counters: name suffix, field, help. */
const COUNTERS: ReadonlyArray<readonly [string, Counter, string]> = [
  ['calls_total', 'calls', 'Logical tool calls started.'],
  ['completed_total', 'completed', 'Tool calls that produced a result.'],
  ['attempts_total', 'attempts', 'Requests sent, retries included.'],
  ['retries_total', 'retries', 'Attempts after the first.'],
  [
    'retries_throttled_total',
    'retriesThrottled',
    'Retries the retry budget refused; the call failed instead.',
  ],
  ['acks_total', 'acks', 'ACKs received.'],
  ['timeouts_total', 'timeouts', 'Attempts that timed out.'],
  ['dedup_hits_total', 'dedupHits', 'Calls answered by the client-side dedup window.'],
  ['cache_hits_total', 'cacheHits', 'Calls answered from the result cache.'],
  ['breaker_opens_total', 'breakerOpens', 'Times the circuit breaker opened.'],
];

/** Latency histograms: name, field, help. */
const HISTOGRAMS = [
  ['call_duration_seconds', 'latencyMs', 'Tool call duration from its start to its end, in seconds.'],
  ['time_to_ack_seconds', 'ackLatencyMs', 'Time from sending an attempt to its ACK, in seconds.'],
] as const;

/** The `le` label of each bucket; {@link INF} follows them. */
const LE = LATENCY_BUCKETS_SECONDS.map((s) => `le="${String(s)}"`);
const INF = 'le="+Inf"';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Renders a snapshot in the Prometheus text exposition format 0.0.4 (serve it as
 * `text/plain; version=0.0.4`), named after Prometheus's conventions (base units, `_total`
 * counters). Series are per tool (label `tool`); client-wide values are left to `sum()` in
 * PromQL, except the queue gauges. Latencies are histograms in seconds over the fixed
 * {@link LATENCY_BUCKETS_SECONDS}, so `histogram_quantile(0.99, sum by (le) (rate(…_bucket[5m])))`
 * aggregates tools, pool members and processes alike.
 *
 * @example
 * http.createServer((req, res) => {
 *   res.setHeader('content-type', 'text/plain; version=0.0.4');
 *   res.end(toPrometheus(client.metrics()));
 * });
 */
export function toPrometheus(snapshot: MetricsSnapshot, prefix = 'mcp_tx'): string {
  if (typeof prefix !== 'string' || !NAME.test(prefix)) {
    throw new TypeError(`prefix must match ${String(NAME)}, got ${JSON.stringify(prefix)}`);
  }
  const tools = Object.entries(snapshot.tools).map(
    ([name, metrics]) => [label('tool', name), metrics] as const,
  );
  const out: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    out.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
  };
  const sample = (name: string, labels: string, value: number): void => {
    out.push(`${prefix}_${name}${labels ? `{${labels}}` : ''} ${number(value)}`);
  };

  for (const [name, field, help] of COUNTERS) {
    family(name, 'counter', help);
    for (const [tool, metrics] of tools) sample(name, tool, metrics[field]);
  }
  family('failed_total', 'counter', 'Tool calls that failed for good, by error code.');
  for (const [tool, metrics] of tools) {
    for (const [code, n] of Object.entries(metrics.failed))
      sample('failed_total', `${tool},${label('code', code)}`, n);
  }
  family('nacks_total', 'counter', 'NACKs received, by reason.');
  for (const [tool, metrics] of tools) {
    for (const [reason, n] of Object.entries(metrics.nacks)) {
      sample('nacks_total', `${tool},${label('reason', reason)}`, n);
    }
  }
  family('in_flight', 'gauge', 'Tool calls started and not ended.');
  for (const [tool, metrics] of tools) sample('in_flight', tool, metrics.inFlight);
  family('queue_active', 'gauge', 'Tool calls holding a concurrency slot.');
  sample('queue_active', '', snapshot.queue.active);
  family('queue_length', 'gauge', 'Tool calls waiting for a concurrency slot.');
  sample('queue_length', '', snapshot.queue.queued);
  if (snapshot.retryBudget) {
    family(
      'retry_budget_tokens',
      'gauge',
      'Tokens left in the retry budget; retries stop at half of the maximum.',
    );
    sample('retry_budget_tokens', '', snapshot.retryBudget.tokens);
    family('retry_budget_max_tokens', 'gauge', 'Tokens of the retry budget when full.');
    sample('retry_budget_max_tokens', '', snapshot.retryBudget.maxTokens);
  }

  for (const [name, field, help] of HISTOGRAMS) {
    family(name, 'histogram', help);
    for (const [tool, metrics] of tools) histogram(sample, name, tool, metrics[field]);
  }
  return out.join('\n') + '\n';
}

/** The series of one tool's histogram: cumulative buckets, `+Inf` (the count), sum and count, in seconds. */
function histogram(
  sample: (name: string, labels: string, value: number) => void,
  name: string,
  tool: string,
  latency: LatencySummary,
): void {
  const { buckets, count } = latency;
  for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++)
    sample(`${name}_bucket`, `${tool},${LE[i] as string}`, buckets[i] as number);
  sample(`${name}_bucket`, `${tool},${INF}`, count);
  sample(`${name}_sum`, tool, latency.sum / 1000);
  sample(`${name}_count`, tool, count);
}

/** `name="value"` with the value escaped as the format asks: backslash, double quote, line feed. */
function label(name: string, value: string): string {
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
