import { Subject, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { boundedMergeMap, type QueueGauge } from '../../src/operators/bounded-merge-map.js';
import {
  OTHER_TOOL,
  TxMetrics,
  metricsStream,
  type MetricsSnapshot,
  type ToolMetrics,
} from '../../src/client/metrics/metrics.js';
import { LATENCY_BUCKETS_SECONDS, LATENCY_RELATIVE_ACCURACY } from '../../src/index.js';

/** The documented accuracy: a quantile is within 1 % of the exact latency at its rank. */
const expectWithinAccuracy = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * LATENCY_RELATIVE_ACCURACY);
};

const NO_BUCKETS = LATENCY_BUCKETS_SECONDS.map(() => 0);
const EMPTY_LATENCY = { count: 0, sum: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, buckets: NO_BUCKETS };
/** The cumulative histogram of `ms` latencies, computed the obvious way. */
const bucketsOf = (ms: number[]): number[] =>
  LATENCY_BUCKETS_SECONDS.map((s) => ms.filter((m) => m <= s * 1000).length);

function toolOf(metrics: TxMetrics, tool: string): ToolMetrics {
  const found = metrics.snapshot().tools[tool];
  if (!found) throw new Error(`no metrics for ${tool}`);
  return found;
}

describe('TxMetrics', () => {
  describe('counters', () => {
    it('should count a call start as a call in flight until it ends', () => {
      const metrics = new TxMetrics();
      metrics.callStarted('t');
      metrics.callStarted('t');
      expect(toolOf(metrics, 't')).toMatchObject({ calls: 2, inFlight: 2, completed: 0 });
      metrics.callEnded('t', 'completed', 5);
      expect(toolOf(metrics, 't')).toMatchObject({ calls: 2, inFlight: 1, completed: 1, failed: {} });
    });

    it('should count failures by error code', () => {
      const metrics = new TxMetrics();
      for (const code of ['TIMEOUT', 'NACK', 'TIMEOUT']) {
        metrics.callStarted('t');
        metrics.callEnded('t', code, 1);
      }
      expect(toolOf(metrics, 't')).toMatchObject({
        completed: 0,
        failed: { TIMEOUT: 2, NACK: 1 },
        inFlight: 0,
      });
      expect(toolOf(metrics, 't').latencyMs.count).toBe(3);
    });

    it('should count every attempt and those after the first as retries', () => {
      const metrics = new TxMetrics();
      [0, 1, 2, 0].forEach((attempt) => metrics.attemptSent('t', attempt));
      expect(toolOf(metrics, 't')).toMatchObject({ attempts: 4, retries: 2 });
    });

    it('should count ACKs, NACKs by reason, timeouts, dedup hits, cache hits and breaker opens', () => {
      const metrics = new TxMetrics();
      metrics.acked('t', 3);
      metrics.nacked('t', 'overloaded');
      metrics.nacked('t', 'overloaded');
      metrics.nacked('t', 'shutting_down');
      metrics.timedOut('t');
      metrics.dedupHit('t');
      metrics.dedupHit('t');
      metrics.cacheHit('t');
      metrics.breakerOpened('t');
      expect(toolOf(metrics, 't')).toMatchObject({
        acks: 1,
        nacks: { overloaded: 2, shutting_down: 1 },
        timeouts: 1,
        dedupHits: 2,
        cacheHits: 1,
        breakerOpens: 1,
      });
      expect(toolOf(metrics, 't').ackLatencyMs).toMatchObject({ count: 1, max: 3 });
      expectWithinAccuracy(toolOf(metrics, 't').ackLatencyMs.p50, 3);
    });

    it('should fold error codes past 64 distinct ones into "other"', () => {
      const metrics = new TxMetrics();
      for (let i = 0; i < 70; i++) metrics.callEnded('t', `E${i}`, 1);
      const { failed } = toolOf(metrics, 't');
      expect(Object.keys(failed)).toHaveLength(65);
      expect(failed['E63']).toBe(1);
      expect(failed['E64']).toBeUndefined();
      expect(failed['other']).toBe(6);
    });
  });

  describe('latency', () => {
    it('should report quantiles of 1..100 ms within 1 %, and exact count, sum, mean and max', () => {
      const metrics = new TxMetrics();
      for (let ms = 100; ms >= 1; ms--) metrics.callEnded('t', 'completed', ms);
      const latency = toolOf(metrics, 't').latencyMs;
      expectWithinAccuracy(latency.p50, 50);
      expectWithinAccuracy(latency.p90, 90);
      expectWithinAccuracy(latency.p99, 99);
      expect(latency).toMatchObject({ count: 100, sum: 5050, mean: 50.5, max: 100 });
    });

    it('should resolve sub-millisecond latencies within 1 % too, and never report a quantile above max', () => {
      const metrics = new TxMetrics();
      metrics.acked('t', 0.25);
      metrics.acked('t', 0.0125);
      const { p50, p99, max } = toolOf(metrics, 't').ackLatencyMs;
      expectWithinAccuracy(p50, 0.0125);
      expectWithinAccuracy(p99, 0.25);
      expect(p99).toBeLessThanOrEqual(max);
      expect(max).toBe(0.25);
    });

    it('should keep the exact max past an hour and no quantile above it', () => {
      const metrics = new TxMetrics();
      metrics.callEnded('t', 'completed', 7_200_000);
      const latency = toolOf(metrics, 't').latencyMs;
      expect(latency.max).toBe(7_200_000);
      expectWithinAccuracy(latency.p99, 3_600_000); // the sketch's range ends at an hour
    });

    it('should count a negative or NaN duration as zero', () => {
      const metrics = new TxMetrics();
      metrics.callEnded('t', 'completed', -3);
      metrics.callEnded('t', 'completed', NaN);
      expect(toolOf(metrics, 't').latencyMs).toEqual({
        ...EMPTY_LATENCY,
        count: 2,
        buckets: NO_BUCKETS.map(() => 2),
      });
    });

    it('should count latencies in cumulative histogram buckets, a bound itself included', () => {
      const metrics = new TxMetrics();
      const latencies = [0, 0.05, 0.1, 0.1001, 0.99, 1, 7.5, 10, 250, 299_999, 300_000, 300_001, 7_200_000];
      for (const ms of latencies) metrics.callEnded('t', 'completed', ms);
      const { buckets, count } = toolOf(metrics, 't').latencyMs;
      expect(buckets).toEqual(bucketsOf(latencies));
      expect(buckets.slice(0, 4)).toEqual([3, 4, 4, 6]); // le 0.1 ms holds 0.1 itself, not 0.1001
      expect(buckets[buckets.length - 1]).toBe(11); // le 300 s; 300,001 ms and 2 h only in +Inf
      expect(count).toBe(13);
    });

    it('should report all zeros when nothing was recorded', () => {
      const metrics = new TxMetrics();
      metrics.callStarted('t');
      expect(toolOf(metrics, 't').latencyMs).toEqual(EMPTY_LATENCY);
      expect(toolOf(metrics, 't').ackLatencyMs).toEqual(EMPTY_LATENCY);
    });
  });

  describe('totals', () => {
    it('should add up the counters of every tool', () => {
      const metrics = new TxMetrics();
      metrics.callStarted('a');
      metrics.callStarted('b');
      metrics.callStarted('b');
      metrics.callEnded('a', 'TIMEOUT', 1);
      metrics.callEnded('b', 'TIMEOUT', 1);
      metrics.callEnded('b', 'completed', 1);
      metrics.nacked('a', 'overloaded');
      metrics.nacked('b', 'in_progress');
      const { totals, tools } = metrics.snapshot();
      expect(Object.keys(tools)).toEqual(['a', 'b']);
      expect(totals).toMatchObject({
        calls: 3,
        completed: 1,
        inFlight: 0,
        failed: { TIMEOUT: 2 },
        nacks: { overloaded: 1, in_progress: 1 },
      });
    });

    it('should merge the latency histograms of every tool', () => {
      const metrics = new TxMetrics();
      for (let ms = 1; ms <= 100; ms++) metrics.callEnded(ms <= 50 ? 'a' : 'b', 'completed', ms);
      const { totals, tools } = metrics.snapshot();
      expectWithinAccuracy(tools['a']?.latencyMs.p99 ?? NaN, 50);
      expectWithinAccuracy(totals.latencyMs.p50, 50);
      expectWithinAccuracy(totals.latencyMs.p99, 99);
      expect(totals.latencyMs).toMatchObject({ count: 100, sum: 5050, max: 100 });
    });

    it('should give the same totals on every snapshot', () => {
      const metrics = new TxMetrics();
      metrics.callEnded('a', 'completed', 10);
      metrics.acked('b', 2);
      const first = metrics.snapshot().totals;
      expect(metrics.snapshot().totals).toEqual(first);
      expect(first).toMatchObject({ latencyMs: { count: 1 }, ackLatencyMs: { count: 1 } });
    });
  });

  describe('tool cap', () => {
    it('should count tools past maxTools under "(other)" and keep counting the tracked ones', () => {
      const metrics = new TxMetrics({ maxTools: 2 });
      for (const tool of ['a', 'b', 'c', 'd', 'a', 'c']) metrics.callStarted(tool);
      const { tools, totals } = metrics.snapshot();
      expect(Object.keys(tools)).toEqual(['a', 'b', OTHER_TOOL]);
      expect(tools['a']?.calls).toBe(2);
      expect(tools[OTHER_TOOL]?.calls).toBe(3);
      expect(totals.calls).toBe(6);
    });

    it('should reject a maxTools out of range and unknown options', () => {
      expect(() => new TxMetrics({ maxTools: 0 })).toThrow(RangeError);
      expect(() => new TxMetrics({ maxTools: 1.5 })).toThrow(/maxTools/);
      expect(() => new TxMetrics({ maxtools: 5 } as never)).toThrow(TypeError);
      expect(() => new TxMetrics({ scheduler: {} as never })).toThrow(/scheduler/);
    });
  });

  describe('snapshot', () => {
    it('should be plain JSON', () => {
      const metrics = new TxMetrics();
      metrics.callStarted('__proto__');
      metrics.callEnded('__proto__', 'constructor', 4);
      metrics.nacked('x', 'overloaded');
      const snapshot = metrics.snapshot();
      expect(Object.keys(snapshot.tools)).toEqual(['__proto__', 'x']);
      expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(snapshot);
    });

    it('should read the queue gauge when taken', () => {
      const metrics = new TxMetrics();
      expect(metrics.snapshot().queue).toEqual({ active: 0, queued: 0 });
      const calls = new Subject<number>();
      const config = { concurrency: 1, maxQueue: 5, onOverflow: () => undefined };
      const gauge = (g: QueueGauge) => metrics.setQueueGauge(g);
      const sub = calls.pipe(boundedMergeMap(() => new Subject<never>(), { ...config, gauge })).subscribe();
      [1, 2, 3].forEach((n) => calls.next(n));
      const snapshot = metrics.snapshot();
      expect(snapshot.queue).toEqual({ active: 1, queued: 2 });
      calls.next(4);
      expect(metrics.snapshot().queue).toEqual({ active: 1, queued: 3 });
      expect(snapshot.queue).toEqual({ active: 1, queued: 2 }); // a copy, not the live gauge
      sub.unsubscribe();
    });

    it('should take its time from the scheduler', () => {
      const scheduler = new TestScheduler(() => undefined);
      let time: number | undefined;
      scheduler.run(() => {
        scheduler.schedule(() => (time = new TxMetrics({ scheduler }).snapshot().time), 7);
      });
      expect(time).toBe(7);
    });
  });
});

describe('metricsStream', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should emit a snapshot every interval with the hooks called since', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const metrics = new TxMetrics({ scheduler: testScheduler });
      cold('-s-a--s--e--e').subscribe((hook) => {
        if (hook === 's') metrics.callStarted('t');
        if (hook === 'a') metrics.attemptSent('t', 0);
        if (hook === 'e') metrics.callEnded('t', 'completed', 5);
      });
      const view = map(({ time, totals: { calls, attempts, completed, inFlight } }: MetricsSnapshot) => ({
        time,
        calls,
        attempts,
        completed,
        inFlight,
      }));
      const expected = '  -----a----b----c-';
      const values = {
        a: { time: 5, calls: 1, attempts: 1, completed: 0, inFlight: 1 },
        b: { time: 10, calls: 2, attempts: 1, completed: 1, inFlight: 1 },
        c: { time: 15, calls: 2, attempts: 1, completed: 2, inFlight: 0 },
      };
      expectObservable(metricsStream(metrics, 5, testScheduler).pipe(view), '^----------------!').toBe(
        expected,
        values,
      );
    });
  });

  it('should compute nothing without a subscriber, nor after unsubscribing', () => {
    const metrics = new TxMetrics();
    let computed = 0;
    const snapshot = metrics.snapshot.bind(metrics);
    metrics.snapshot = () => (computed++, snapshot());
    testScheduler.run(({ expectObservable }) => {
      const stream = metricsStream(metrics, 2, testScheduler);
      testScheduler.schedule(() => expect(computed).toBe(0), 4);
      testScheduler.schedule(() => expect(computed).toBe(2), 30);
      expectObservable(stream, '-----^-----!').toBe('-------x-x--', { x: expect.anything() });
    });
    expect(computed).toBe(2);
  });

  it('should reject an interval that is not a positive number', () => {
    const metrics = new TxMetrics();
    for (const bad of [0, -1, NaN, Infinity, 2 ** 31]) {
      expect(() => metricsStream(metrics, bad)).toThrow(RangeError);
    }
    expect(() => metricsStream(metrics, '5' as never)).toThrow(TypeError);
    expect(() => metricsStream({} as never, 5)).toThrow(TypeError);
  });
});
