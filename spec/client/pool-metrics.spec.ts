import { LATENCY_RELATIVE_ACCURACY, TxMetrics, mergeMetrics } from '../../src/client/index.js';
import { snapshotOf } from '../../src/client/metrics/metrics.js';

function recorded(calls: [tool: string, outcome: string, ms: number][]): TxMetrics {
  const metrics = new TxMetrics();
  for (const [tool, outcome, ms] of calls) {
    metrics.callStarted(tool);
    metrics.attemptSent(tool, 0);
    metrics.callEnded(tool, outcome, ms);
  }
  return metrics;
}

describe('mergeMetrics', () => {
  it('should add counters and failures up, and latency count, sum, mean and max exactly', () => {
    const a = recorded([
      ['search', 'completed', 10],
      ['search', 'TIMEOUT', 30],
    ]).snapshot();
    const b = recorded([
      ['search', 'completed', 20],
      ['charge', 'NACK', 40],
    ]).snapshot();
    const merged = mergeMetrics([a, b]);
    expect(merged.totals).toMatchObject({
      calls: 4,
      completed: 2,
      attempts: 4,
      failed: { TIMEOUT: 1, NACK: 1 },
    });
    expect(merged.tools.search).toMatchObject({ calls: 3, completed: 2, failed: { TIMEOUT: 1 } });
    expect(merged.tools.charge).toMatchObject({ calls: 1, failed: { NACK: 1 } });
    expect(merged.totals.latencyMs).toMatchObject({ count: 4, sum: 100, mean: 25, max: 40 });
    expect(merged.time).toBe(Math.max(a.time, b.time));
  });

  it('should add histograms up bucket by bucket, in mergeMetrics as in snapshotOf', () => {
    const a = recorded([
      ['search', 'completed', 0.15],
      ['search', 'completed', 40],
    ]);
    const b = recorded([
      ['search', 'completed', 0.15],
      ['charge', 'completed', 3_000],
    ]);
    const [sa, sb] = [a.snapshot(), b.snapshot()];
    const sum = (x: number[], y: number[]) => x.map((n, i) => n + (y[i] as number));
    const expected = sum(sa.totals.latencyMs.buckets, sb.totals.latencyMs.buckets);
    expect(mergeMetrics([sa, sb]).totals.latencyMs.buckets).toEqual(expected);
    expect(snapshotOf([a, b]).totals.latencyMs.buckets).toEqual(expected);
    expect(snapshotOf([a, b]).tools.search?.latencyMs.buckets).toEqual(
      sum(sa.tools.search!.latencyMs.buckets, sb.tools.search!.latencyMs.buckets),
    );
    expect(expected.slice(0, 2)).toEqual([0, 2]); // both 0.15 ms calls in le 0.2 ms
    expect(expected[expected.length - 1]).toBe(4);
  });

  it("should take the highest member's quantile, an upper bound of the pooled one", () => {
    const fast = recorded(
      Array.from({ length: 99 }, () => ['q', 'completed', 1] as [string, string, number]),
    );
    const slow = recorded([['q', 'completed', 500]]);
    const merged = mergeMetrics([fast.snapshot(), slow.snapshot()]).tools.q!;
    // the pooled p50 is 1: the bound is loose when members differ
    expect(merged.latencyMs.p50).toBe(slow.snapshot().tools.q!.latencyMs.p50);
    expect(Math.abs(merged.latencyMs.p50 - 500)).toBeLessThanOrEqual(500 * LATENCY_RELATIVE_ACCURACY);
    expect(merged.latencyMs.count).toBe(100);
  });

  it('should keep a tool named __proto__ a plain key, and leave its inputs alone', () => {
    const a = recorded([['__proto__', 'completed', 1]]).snapshot();
    const before = JSON.stringify(a);
    const merged = mergeMetrics([a, a]);
    expect(Object.keys(merged.tools)).toEqual(['__proto__']);
    expect(merged.tools['__proto__']?.calls).toBe(2);
    expect(JSON.stringify(a)).toBe(before);
  });

  it('should give zeros for no snapshots', () => {
    expect(mergeMetrics([])).toMatchObject({
      totals: { calls: 0 },
      tools: {},
      queue: { active: 0, queued: 0 },
    });
  });
});
