import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import {
  LATENCY_RELATIVE_ACCURACY,
  QuantileSketch,
  SKETCH_MAX_MS,
  SKETCH_MIN_MS,
} from '../../src/client/metrics/quantile-sketch.js';

const QUANTILES = [0, 0.25, 0.5, 0.9, 0.99, 1];
/** Latencies in the sketch's range, and zeros. */
const latency = fc.oneof(
  { weight: 9, arbitrary: fc.double({ min: SKETCH_MIN_MS, max: SKETCH_MAX_MS, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(0) },
);
const latencies = fc.array(latency, { minLength: 1, maxLength: 300 });

function sketchOf(values: readonly number[]): QuantileSketch {
  const sketch = new QuantileSketch();
  for (const v of values) sketch.add(v);
  return sketch;
}

function reference(values: readonly number[]): DDSketch {
  const sketch = new DDSketch({ relativeAccuracy: LATENCY_RELATIVE_ACCURACY });
  for (const v of values) sketch.accept(v);
  return sketch;
}

/** The exact value at quantile `q` of `values`, nearest rank. */
function exact(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

/** sketches-js's quantile for 0-based rank `rank` of `n` (it reads rank q·(n − 1), lower bin). */
const theirQuantile = (rank: number, n: number): number => (rank === n - 1 ? 1 : (rank + 0.5) / (n - 1));

describe('QuantileSketch', () => {
  describe('against Datadog sketches-js (DDSketch, logarithmic mapping, same accuracy)', () => {
    it('should give the same value at every rank for any latencies', () => {
      fc.assert(
        fc.property(latencies, (values) => {
          const ours = sketchOf(values);
          const theirs = reference(values);
          const n = values.length;
          for (let rank = 0; rank < n; rank++) {
            expect(ours.valueAtRank(rank)).toBe(theirs.getValueAtQuantile(theirQuantile(rank, n)));
          }
          expect(ours.count).toBe(theirs.count);
        }),
      );
    });

    it('should merge as it does', () => {
      fc.assert(
        fc.property(latencies, latencies, (a, b) => {
          const ours = sketchOf(a);
          ours.merge(sketchOf(b));
          const theirs = reference(a);
          theirs.merge(reference(b));
          const n = a.length + b.length;
          for (let rank = 0; rank < n; rank++) {
            expect(ours.valueAtRank(rank)).toBe(theirs.getValueAtQuantile(theirQuantile(rank, n)));
          }
        }),
      );
    });
  });

  describe('accuracy', () => {
    it('should be within 1 % of the exact value at every quantile (nearest rank)', () => {
      expect(LATENCY_RELATIVE_ACCURACY).toBe(0.01);
      fc.assert(
        fc.property(latencies, fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
          const sketch = sketchOf(values);
          for (const at of [...QUANTILES, q]) {
            const expected = exact(values, at);
            expect(Math.abs(sketch.quantile(at) - expected)).toBeLessThanOrEqual(
              expected * LATENCY_RELATIVE_ACCURACY * (1 + 1e-9),
            );
          }
        }),
        { numRuns: 300 },
      );
    });

    it('should read quantiles by nearest rank (p99 of two values is the larger; 0.07 of 1..100 is 7)', () => {
      expect(sketchOf([1, 100]).quantile(0.99)).toBeCloseTo(100, -1);
      expect(sketchOf([1, 100]).quantile(0.5)).toBeCloseTo(1, 1);
      const hundred = sketchOf(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(hundred.quantile(0.07)).toBe(hundred.valueAtRank(6));
      expect(Math.abs(hundred.quantile(0.07) - 7)).toBeLessThanOrEqual(0.07);
    });

    it("should report a bin's value, not the value recorded (the bound above is what holds)", () => {
      const sketch = sketchOf([1.234]);
      expect(sketch.quantile(0.5)).not.toBe(1.234);
      expect(Math.abs(sketch.quantile(0.5) - 1.234)).toBeLessThanOrEqual(1.234 * 0.01);
    });
  });

  describe('merge', () => {
    it('should equal the sketch of all the values (fully mergeable)', () => {
      fc.assert(
        fc.property(latencies, latencies, (a, b) => {
          const merged = sketchOf(a);
          merged.merge(sketchOf(b));
          const whole = sketchOf([...a, ...b]);
          for (const q of QUANTILES) expect(merged.quantile(q)).toBe(whole.quantile(q));
          expect(merged.count).toBe(a.length + b.length);
        }),
      );
    });

    it('should leave the merged sketch as it was', () => {
      const other = sketchOf([5, 500]);
      sketchOf([1]).merge(other);
      expect(other.count).toBe(2);
      expect(other.quantile(1)).toBeCloseTo(500, -1);
    });
  });

  describe('range', () => {
    it('should count below 1 µs, negative and NaN values as 0', () => {
      const sketch = sketchOf([0.0004, -3, NaN, 0]);
      expect(sketch.count).toBe(4);
      expect(sketch.quantile(1)).toBe(0);
    });

    it('should count a value above an hour as an hour', () => {
      const hour = sketchOf([SKETCH_MAX_MS * 2]).quantile(0.5);
      expect(Math.abs(hour - SKETCH_MAX_MS)).toBeLessThanOrEqual(SKETCH_MAX_MS * 0.01);
    });

    it('should hold at most about 1,100 bins (9 KiB) over the whole range', () => {
      const sketch = new QuantileSketch();
      for (let ms = SKETCH_MIN_MS; ms <= SKETCH_MAX_MS; ms *= 1.5) sketch.add(ms);
      sketch.add(SKETCH_MAX_MS);
      sketch.add(SKETCH_MIN_MS);
      const bins = (sketch as unknown as { bins: Float64Array }).bins;
      expect(bins.byteLength).toBeLessThanOrEqual(9 * 1024);
    });

    it('should report 0 when empty, and forget every value on reset', () => {
      const sketch = new QuantileSketch();
      expect(sketch.quantile(0.5)).toBe(0);
      sketch.add(10);
      sketch.reset();
      expect(sketch.count).toBe(0);
      expect(sketch.quantile(0.5)).toBe(0);
      sketch.add(20);
      expect(sketch.quantile(0.5)).toBeCloseTo(20, -1);
    });
  });
});
