import {
  TxMetrics,
  type LatencySummary,
  type MetricsSnapshot,
  type ToolMetrics,
} from '../../src/client/metrics/metrics.js';
import { toPrometheus } from '../../src/client/metrics/metrics-prometheus.js';
import { RetryBudget } from '../../src/operators/retry-budget.js';
import { checkMetrics, describeWithPromtool } from '../helpers/promtool.js';

const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+Inf-]+|NaN)$/;
/** The `le` of every bucket, written out: the bounds a dashboard relies on. */
const LE = ['0.0001', '0.0002', '0.0005', '0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1'];
LE.push('0.2', '0.5', '1', '2', '5', '10', '30', '60', '120', '300');
const EMPTY: LatencySummary = {
  count: 0,
  sum: 0,
  mean: 0,
  p50: 0,
  p90: 0,
  p99: 0,
  max: 0,
  buckets: LE.map(() => 0),
};

function tool(overrides: Partial<ToolMetrics> = {}): ToolMetrics {
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
    latencyMs: EMPTY,
    ackLatencyMs: EMPTY,
    ...overrides,
  };
}

function snapshotOf(tools: Record<string, ToolMetrics>): MetricsSnapshot {
  return { time: 0, totals: tool(), tools, queue: { active: 2, queued: 7 } };
}

/** A histogram's lines for one tool: its cumulative `buckets`, then `+Inf`, sum and count. */
function histogramLines(
  name: string,
  labels: string,
  buckets: number[],
  sum: number,
  count: number,
): string[] {
  return [
    ...LE.map((le, i) => `${name}_bucket{${labels},le="${le}"} ${buckets[i]}`),
    `${name}_bucket{${labels},le="+Inf"} ${count}`,
    `${name}_sum{${labels}} ${sum}`,
    `${name}_count{${labels}} ${count}`,
  ];
}

/**
 * Every line is a comment or a sample, each metric's samples follow its own TYPE line, and each
 * histogram's buckets are cumulative, end with `+Inf`, and agree with its `_count`.
 */
function expectWellFormed(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const typed = new Set<string>();
  let family = '';
  let kind = '';
  let previous = 0;
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
    if (type?.[1] && type[2]) {
      expect(typed.has(type[1])).toBe(false);
      typed.add((family = type[1]));
      kind = type[2];
    } else if (!line.startsWith('# HELP ')) {
      expect(line).toMatch(SAMPLE);
      const suffix = kind === 'histogram' ? /(_bucket|_sum|_count)?[{ ].*$/ : /[{ ].*$/;
      expect(line.replace(suffix, '')).toBe(family);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.includes('_bucket{')) {
        if (line.includes(`le="${LE[0]}"`)) previous = 0;
        expect(value).toBeGreaterThanOrEqual(previous);
        previous = value;
      } else if (kind === 'histogram' && line.startsWith(`${family}_count`)) {
        expect(value).toBe(previous); // the +Inf bucket
      }
    }
  }
}

describe('toPrometheus', () => {
  it('should render a snapshot as Prometheus text exposition format 0.0.4, latencies as histograms in seconds', () => {
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
        // 9, 12.5 and 40 ms
        latencyMs: {
          count: 3,
          sum: 61.5,
          mean: 20.5,
          p50: 12.5,
          p90: 40,
          p99: 40,
          max: 40,
          buckets: [0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
        },
        // four of 0.5 ms
        ackLatencyMs: {
          count: 4,
          sum: 2,
          mean: 0.5,
          p50: 0.5,
          p90: 0.5,
          p99: 0.5,
          max: 0.5,
          buckets: [0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
        },
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
        '# HELP mcp_tx_retries_throttled_total Retries the retry budget refused; the call failed instead.',
        '# TYPE mcp_tx_retries_throttled_total counter',
        'mcp_tx_retries_throttled_total{tool="search"} 0',
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
        '# HELP mcp_tx_call_duration_seconds Tool call duration from its start to its end, in seconds.',
        '# TYPE mcp_tx_call_duration_seconds histogram',
        ...histogramLines(
          'mcp_tx_call_duration_seconds',
          'tool="search"',
          [0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
          0.0615,
          3,
        ),
        '# HELP mcp_tx_time_to_ack_seconds Time from sending an attempt to its ACK, in seconds.',
        '# TYPE mcp_tx_time_to_ack_seconds histogram',
        ...histogramLines(
          'mcp_tx_time_to_ack_seconds',
          'tool="search"',
          [0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
          0.002,
          4,
        ),
        '',
      ].join('\n'),
    );
    expect(toPrometheus(snapshot)).toContain(
      'mcp_tx_call_duration_seconds_bucket{tool="search",le="0.01"} 1\n',
    );
  });

  it('should escape backslashes, double quotes and line feeds in label values', () => {
    const text = toPrometheus(snapshotOf({ 'a"b\\c\nd': tool({ calls: 1, failed: { 'x"y': 1 } }) }));
    expect(text).toContain('mcp_tx_calls_total{tool="a\\"b\\\\c\\nd"} 1\n');
    expect(text).toContain('mcp_tx_failed_total{tool="a\\"b\\\\c\\nd",code="x\\"y"} 1\n');
    expectWellFormed(text);
  });

  it('should report an empty histogram as zeros', () => {
    const text = toPrometheus(snapshotOf({ t: tool() }));
    expect(text).toContain('mcp_tx_time_to_ack_seconds_bucket{tool="t",le="0.0001"} 0\n');
    expect(text).toContain('mcp_tx_time_to_ack_seconds_bucket{tool="t",le="+Inf"} 0\n');
    expect(text).toContain('mcp_tx_time_to_ack_seconds_sum{tool="t"} 0\n');
    expect(text).toContain('mcp_tx_time_to_ack_seconds_count{tool="t"} 0\n');
    expectWellFormed(text);
  });

  it("should show the retry budget's tokens, only for a client that has one", () => {
    const budget = { tokens: 4.9, maxTokens: 10 };
    const text = toPrometheus({ ...snapshotOf({ t: tool({ retriesThrottled: 2 }) }), retryBudget: budget });
    expect(text).toContain('mcp_tx_retries_throttled_total{tool="t"} 2\n');
    expect(text).toContain('# TYPE mcp_tx_retry_budget_tokens gauge\nmcp_tx_retry_budget_tokens 4.9\n');
    expect(text).toContain(
      '# TYPE mcp_tx_retry_budget_max_tokens gauge\nmcp_tx_retry_budget_max_tokens 10\n',
    );
    expect(toPrometheus(snapshotOf({ t: tool() }))).not.toContain('retry_budget');
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

describeWithPromtool('toPrometheus, read by Prometheus (promtool check metrics)', () => {
  /** A recorder that saw a bit of everything, tool names that need escaping included. */
  function busy(): TxMetrics {
    const metrics = new TxMetrics();
    for (let i = 1; i <= 200; i++) {
      const name = ['search', 'pay', 'a"b\\c\nd'][i % 3] as string;
      metrics.callStarted(name);
      metrics.attemptSent(name, i % 4 === 0 ? 1 : 0);
      metrics.acked(name, i / 97);
      if (i % 10 === 0) metrics.nacked(name, 'overloaded');
      if (i % 25 === 0) metrics.retryThrottled(name);
      metrics.callEnded(name, i % 7 ? 'completed' : 'TIMEOUT', i * i * 0.37);
    }
    metrics.setRetryBudget(new RetryBudget());
    return metrics;
  }

  it("should parse, and pass Prometheus's linter of metric names with no problem", () => {
    const text = toPrometheus(busy().snapshot());
    expectWellFormed(text);
    expect(checkMetrics(text)).toEqual({ status: 0, problems: '' });
    expect(checkMetrics(toPrometheus(new TxMetrics().snapshot()))).toEqual({ status: 0, problems: '' });
  });

  it('should be checked for real: the former summaries in milliseconds fail the linter', () => {
    const former = [
      '# HELP mcp_tx_call_latency_ms Tool call latency from start to end, in milliseconds.',
      '# TYPE mcp_tx_call_latency_ms summary',
      'mcp_tx_call_latency_ms{tool="search",quantile="0.5"} 12.5',
      'mcp_tx_call_latency_ms_sum{tool="search"} 61.5',
      'mcp_tx_call_latency_ms_count{tool="search"} 3',
      '',
    ].join('\n');
    expect(checkMetrics(former)).toMatchObject({
      status: 3,
      problems: expect.stringMatching(/abbreviated units/),
    });
    expect(checkMetrics('mcp_tx_calls_total{tool="x" 3\n').status).toBe(1); // not even parsed
  });
});
