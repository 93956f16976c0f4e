import { jest } from '@jest/globals';
import { asapScheduler, asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { durationClock } from '../../src/client/metrics/duration-clock.js';
import { connectTxPair, type TxPair } from '../helpers/tx-pair.js';

describe('durationClock', () => {
  it("should read performance.now() for RxJS's real-time schedulers", () => {
    for (const scheduler of [asyncScheduler, asapScheduler]) {
      const elapsed = durationClock(scheduler);
      const before = performance.now();
      const reading = elapsed();
      expect(reading).toBeGreaterThanOrEqual(before);
      expect(reading).toBeLessThanOrEqual(performance.now());
    }
  });

  it("should read any other scheduler's own now(), and virtual time inside TestScheduler.run", () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.frame = 40;
    expect(durationClock(testScheduler)()).toBe(40);
    const real = durationClock(asyncScheduler);
    const readings: number[] = [];
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(() => {
      // run() points asyncScheduler, and so the default clock, at virtual time (from frame 0)
      readings.push(real());
      asyncScheduler.schedule(() => readings.push(real()), 7);
    });
    expect(readings).toEqual([0, 7]);
  });
});

describe('TxClient latencies', () => {
  let pair: TxPair;
  afterEach(async () => {
    jest.restoreAllMocks();
    await pair.close();
  });

  it('should time sub-millisecond calls to the microsecond, as TxResult and metrics alike', async () => {
    pair = await connectTxPair();
    const { client } = pair;
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await client.call('echo', { text: `${i}` }));
    const latencies = results.map((r) => r.latencyMs);
    // Date.now() gives whole milliseconds: 20 calls of a few µs each were 0 or 1 ms, sum 29 for p50 0.99
    expect(latencies.filter((ms) => !Number.isInteger(ms)).length).toBeGreaterThan(15);
    const { latencyMs, ackLatencyMs } = client.metrics().totals;
    expect(latencyMs.count).toBe(20);
    expect(latencyMs.sum).toBeCloseTo(
      latencies.reduce((a, b) => a + b, 0),
      9,
    );
    expect(ackLatencyMs.count).toBe(20);
    expect(Number.isInteger(ackLatencyMs.sum)).toBe(false);
  });

  it('should not see the wall clock step back in the middle of a call', async () => {
    pair = await connectTxPair();
    const now = Date.now();
    let calls = 0;
    // the second reading of the wall clock (and every one after) is an hour earlier
    jest.spyOn(Date, 'now').mockImplementation(() => (calls++ === 0 ? now : now - 3_600_000));
    const { latencyMs } = await pair.client.call('echo', { text: 'x' });
    expect(latencyMs).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(1_000);
    expect(pair.client.metrics().totals.latencyMs.sum).toBe(latencyMs);
  });
});
