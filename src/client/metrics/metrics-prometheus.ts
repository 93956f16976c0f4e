import type { LatencySummary, MetricsSnapshot, ToolMetrics } from './metrics.js';

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
  ['acks_total', 'acks', 'ACKs received.'],
  ['timeouts_total', 'timeouts', 'Attempts that timed out.'],
  ['dedup_hits_total', 'dedupHits', 'Calls answered by the client-side dedup window.'],
  ['cache_hits_total', 'cacheHits', 'Calls answered from the result cache.'],
  ['breaker_opens_total', 'breakerOpens', 'Times the circuit breaker opened.'],
];

const LATENCIES = [
  ['call_latency', 'latencyMs', 'Tool call latency from start to end'],
  ['ack_latency', 'ackLatencyMs', 'Time from sending an attempt to its ACK'],
] as const;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Renders a snapshot in the Prometheus text exposition format 0.0.4 (serve it as
 * `text/plain; version=0.0.4`). Series are per tool (label `tool`); client-wide values are left
 * to `sum()` in PromQL, except the queue gauges. Latencies are summaries in milliseconds.
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

  for (const [name, field, help] of LATENCIES) {
    family(`${name}_ms`, 'summary', `${help}, in milliseconds.`);
    for (const [tool, metrics] of tools) summary(sample, `${name}_ms`, tool, metrics[field]);
    family(`${name}_max_ms`, 'gauge', `${help}, largest seen, in milliseconds.`);
    for (const [tool, metrics] of tools) sample(`${name}_max_ms`, tool, metrics[field].max);
  }
  return out.join('\n') + '\n';
}

function summary(
  sample: (name: string, labels: string, value: number) => void,
  name: string,
  tool: string,
  latency: LatencySummary,
): void {
  // An empty summary reports NaN quantiles, as the Prometheus client libraries do.
  const empty = latency.count === 0;
  sample(name, `${tool},quantile="0.5"`, empty ? NaN : latency.p50);
  sample(name, `${tool},quantile="0.9"`, empty ? NaN : latency.p90);
  sample(name, `${tool},quantile="0.99"`, empty ? NaN : latency.p99);
  sample(`${name}_sum`, tool, latency.sum);
  sample(`${name}_count`, tool, latency.count);
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
