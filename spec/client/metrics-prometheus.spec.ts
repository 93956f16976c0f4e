import {
  TxMetrics,
  type LatencySummary,
  type MetricsSnapshot,
  type ToolMetrics,
} from '../../src/client/metrics/metrics.js';
import { toPrometheus } from '../../src/client/metrics/metrics-prometheus.js';

const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+Inf-]+|NaN)$/;
const EMPTY: LatencySummary = { count: 0, sum: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

function tool(overrides: Partial<ToolMetrics> = {}): ToolMetrics {
  return {
    calls: 0,
    completed: 0,
    failed: {},
    attempts: 0,
    retries: 0,
    acks: 0,
    nacks: {},
    timeouts: 0,
    dedupHits: 0,
    cacheHits: 0,
    breakerOpens: 0,
    inFlight: 0,
    latencyMs: EMPTY,
    ackLatencyMs: EMPTY,
    ...overrides,
  };
}

function snapshotOf(tools: Record<string, ToolMetrics>): MetricsSnapshot {
  return { time: 0, totals: tool(), tools, queue: { active: 2, queued: 7 } };
}

/** Every line is a comment or a sample, and each metric's samples follow its own TYPE line. */
function expectWellFormed(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const typed = new Set<string>();
  let family = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE (\S+) (counter|gauge|summary)$/.exec(line);
    if (type?.[1]) {
      expect(typed.has(type[1])).toBe(false);
      typed.add((family = type[1]));
    } else if (!line.startsWith('# HELP ')) {
      expect(line).toMatch(SAMPLE);
      expect(line.replace(/(_sum|_count)?[{ ].*$/, '')).toBe(family);
    }
  }
}

describe('toPrometheus', () => {
  it('should render a snapshot as Prometheus text exposition format 0.0.4', () => {
    const snapshot = snapshotOf({
      search: tool({
        calls: 3,
        completed: 2,
        failed: { TIMEOUT: 1 },
        attempts: 4,
        retries: 1,
        acks: 4,
        nacks: { overloaded: 1 },
        inFlight: 0,
        latencyMs: { count: 3, sum: 61.5, mean: 20.5, p50: 12.5, p90: 40, p99: 40, max: 40 },
        ackLatencyMs: { count: 4, sum: 2, mean: 0.5, p50: 0.5, p90: 0.5, p99: 0.5, max: 0.5 },
      }),
    });
    expect(toPrometheus(snapshot)).toBe(
      [
        '# HELP mcp_tx_calls_total Logical tool calls started.',
        '# TYPE mcp_tx_calls_total counter',
        'mcp_tx_calls_total{tool="search"} 3',
        '# HELP mcp_tx_completed_total Tool calls that produced a result.',
        '# TYPE mcp_tx_completed_total counter',
        'mcp_tx_completed_total{tool="search"} 2',
        '# HELP mcp_tx_attempts_total Requests sent, retries included.',
        '# TYPE mcp_tx_attempts_total counter',
        'mcp_tx_attempts_total{tool="search"} 4',
        '# HELP mcp_tx_retries_total Attempts after the first.',
        '# TYPE mcp_tx_retries_total counter',
        'mcp_tx_retries_total{tool="search"} 1',
        '# HELP mcp_tx_acks_total ACKs received.',
        '# TYPE mcp_tx_acks_total counter',
        'mcp_tx_acks_total{tool="search"} 4',
        '# HELP mcp_tx_timeouts_total Attempts that timed out.',
        '# TYPE mcp_tx_timeouts_total counter',
        'mcp_tx_timeouts_total{tool="search"} 0',
        '# HELP mcp_tx_dedup_hits_total Calls answered by the client-side dedup window.',
        '# TYPE mcp_tx_dedup_hits_total counter',
        'mcp_tx_dedup_hits_total{tool="search"} 0',
        '# HELP mcp_tx_cache_hits_total Calls answered from the result cache.',
        '# TYPE mcp_tx_cache_hits_total counter',
        'mcp_tx_cache_hits_total{tool="search"} 0',
        '# HELP mcp_tx_breaker_opens_total Times the circuit breaker opened.',
        '# TYPE mcp_tx_breaker_opens_total counter',
        'mcp_tx_breaker_opens_total{tool="search"} 0',
        '# HELP mcp_tx_failed_total Tool calls that failed for good, by error code.',
        '# TYPE mcp_tx_failed_total counter',
        'mcp_tx_failed_total{tool="search",code="TIMEOUT"} 1',
        '# HELP mcp_tx_nacks_total NACKs received, by reason.',
        '# TYPE mcp_tx_nacks_total counter',
        'mcp_tx_nacks_total{tool="search",reason="overloaded"} 1',
        '# HELP mcp_tx_in_flight Tool calls started and not ended.',
        '# TYPE mcp_tx_in_flight gauge',
        'mcp_tx_in_flight{tool="search"} 0',
        '# HELP mcp_tx_queue_active Tool calls holding a concurrency slot.',
        '# TYPE mcp_tx_queue_active gauge',
        'mcp_tx_queue_active 2',
        '# HELP mcp_tx_queue_length Tool calls waiting for a concurrency slot.',
        '# TYPE mcp_tx_queue_length gauge',
        'mcp_tx_queue_length 7',
        '# HELP mcp_tx_call_latency_ms Tool call latency from start to end, in milliseconds.',
        '# TYPE mcp_tx_call_latency_ms summary',
        'mcp_tx_call_latency_ms{tool="search",quantile="0.5"} 12.5',
        'mcp_tx_call_latency_ms{tool="search",quantile="0.9"} 40',
        'mcp_tx_call_latency_ms{tool="search",quantile="0.99"} 40',
        'mcp_tx_call_latency_ms_sum{tool="search"} 61.5',
        'mcp_tx_call_latency_ms_count{tool="search"} 3',
        '# HELP mcp_tx_call_latency_max_ms Tool call latency from start to end, largest seen, in milliseconds.',
        '# TYPE mcp_tx_call_latency_max_ms gauge',
        'mcp_tx_call_latency_max_ms{tool="search"} 40',
        '# HELP mcp_tx_ack_latency_ms Time from sending an attempt to its ACK, in milliseconds.',
        '# TYPE mcp_tx_ack_latency_ms summary',
        'mcp_tx_ack_latency_ms{tool="search",quantile="0.5"} 0.5',
        'mcp_tx_ack_latency_ms{tool="search",quantile="0.9"} 0.5',
        'mcp_tx_ack_latency_ms{tool="search",quantile="0.99"} 0.5',
        'mcp_tx_ack_latency_ms_sum{tool="search"} 2',
        'mcp_tx_ack_latency_ms_count{tool="search"} 4',
        '# HELP mcp_tx_ack_latency_max_ms Time from sending an attempt to its ACK, largest seen, in milliseconds.',
        '# TYPE mcp_tx_ack_latency_max_ms gauge',
        'mcp_tx_ack_latency_max_ms{tool="search"} 0.5',
        '',
      ].join('\n'),
    );
  });

  it('should escape backslashes, double quotes and line feeds in label values', () => {
    const text = toPrometheus(snapshotOf({ 'a"b\\c\nd': tool({ calls: 1, failed: { 'x"y': 1 } }) }));
    expect(text).toContain('mcp_tx_calls_total{tool="a\\"b\\\\c\\nd"} 1\n');
    expect(text).toContain('mcp_tx_failed_total{tool="a\\"b\\\\c\\nd",code="x\\"y"} 1\n');
    expectWellFormed(text);
  });

  it('should report NaN quantiles for a summary with no observations', () => {
    const text = toPrometheus(snapshotOf({ t: tool() }));
    expect(text).toContain('mcp_tx_ack_latency_ms{tool="t",quantile="0.99"} NaN\n');
    expect(text).toContain('mcp_tx_ack_latency_ms_count{tool="t"} 0\n');
  });

  it('should render a snapshot of a live recorder as well-formed text', () => {
    const metrics = new TxMetrics();
    for (let ms = 1; ms <= 100; ms++) {
      const name = ms % 3 ? 'search' : 'fetch';
      metrics.callStarted(name);
      metrics.attemptSent(name, ms % 2);
      metrics.acked(name, ms / 7);
      if (ms % 10 === 0) metrics.nacked(name, 'overloaded');
      metrics.callEnded(name, ms % 5 ? 'completed' : 'TIMEOUT', ms * 1.5);
    }
    metrics.callStarted('idle');
    expectWellFormed(toPrometheus(metrics.snapshot()));
    expectWellFormed(toPrometheus(new TxMetrics().snapshot()));
  });

  it('should use the prefix given and reject one that is not a metric name', () => {
    const text = toPrometheus(snapshotOf({ t: tool({ calls: 1 }) }), 'app_mcp');
    expect(text).toContain('# TYPE app_mcp_calls_total counter\napp_mcp_calls_total{tool="t"} 1\n');
    expect(text).not.toContain('mcp_tx');
    expect(() => toPrometheus(snapshotOf({}), 'bad-prefix')).toThrow(TypeError);
    expect(() => toPrometheus(snapshotOf({}), '')).toThrow(TypeError);
  });
});
