/**
 * Relative accuracy of the latency quantiles in the metrics: a reported p50, p90 or p99 is within
 * 1 % of the exact latency at that rank (DDSketch's guarantee, for values from 1 µs to an hour).
 *
 * @example
 * const { p99 } = client.metrics().totals.latencyMs; // the exact p99 is within p99 × (1 ± LATENCY_RELATIVE_ACCURACY)
 */
export const LATENCY_RELATIVE_ACCURACY = 0.01;
/**
 * Smallest latency told apart from zero, ms (1 µs); shorter ones count as 0.
 *
 * @example
 * sketch.add(SKETCH_MIN_MS / 2); // counted as 0
 */
export const SKETCH_MIN_MS = 0.001;
/**
 * Largest latency kept as such, ms (an hour); longer ones count as an hour.
 *
 * @example
 * sketch.add(2 * SKETCH_MAX_MS); // counted as an hour
 */
export const SKETCH_MAX_MS = 3_600_000;

// DDSketch's logarithmic mapping (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable
// quantile sketch with relative-error guarantees", VLDB 2019), in the arithmetic of Datadog's
// sketches-js `LogarithmicMapping`, whose output spec/client/quantile-sketch.spec.ts pins ours to.
// A value v goes to bin ceil(log_gamma v), which spans (gamma^(k-1), gamma^k]; the bin's value
// 2 gamma^k / (1 + gamma) is within (gamma - 1) / (gamma + 1) = the relative accuracy of every v in it.
const GAMMA_MANTISSA = (2 * LATENCY_RELATIVE_ACCURACY) / (1 - LATENCY_RELATIVE_ACCURACY);
const GAMMA = 1 + GAMMA_MANTISSA;
const MULTIPLIER = (1 / Math.log1p(GAMMA_MANTISSA)) * Math.log(2);
const key = (ms: number): number => Math.ceil(Math.log2(ms) * MULTIPLIER);
const valueOf = (k: number): number => Math.pow(2, k / MULTIPLIER) * (2 / (1 + GAMMA));
/** The bins' whole range: about 1,100 bins (9 KiB) at most, however long a client runs. */
const MIN_KEY = key(SKETCH_MIN_MS);
const MAX_KEY = key(SKETCH_MAX_MS);
/** Bins added at a time when the range grows (a latency distribution drifts a little, then settles). */
const GROW_BY = 32;
const NO_BINS = new Float64Array(0);

/**
 * A mergeable quantile sketch of latencies in ms (DDSketch with a dense store): counts per
 * logarithmic bin, so memory follows the range of latencies seen, not their number, and sketches
 * of several tools or clients add up exactly.
 *
 * @example
 * const sketch = new QuantileSketch();
 * for (const ms of [1, 2, 3, 40]) sketch.add(ms);
 * sketch.quantile(0.5); // 2, within 1 %
 * sketch.valueAtRank(3); // 40, within 1 %
 */
export class QuantileSketch {
  /** Values added, zeros included. */
  count = 0;
  private zeros = 0;
  private bins = NO_BINS;
  /** The key of `bins[0]`. */
  private offset = 0;

  /** Counts one latency (ms); below 1 µs, negative or NaN as 0, above an hour as an hour. */
  add(ms: number): void {
    this.count++;
    if (!(ms >= SKETCH_MIN_MS)) {
      this.zeros++;
      return;
    }
    const k = key(Math.min(ms, SKETCH_MAX_MS));
    if (k < this.offset || k >= this.offset + this.bins.length) this.cover(k, k);
    (this.bins[k - this.offset] as number)++;
  }

  /** Adds every value of `other` into this sketch (`other` is left as it is). */
  merge(other: QuantileSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    const { bins, offset } = other;
    if (bins.length === 0) return;
    this.cover(offset, offset + bins.length - 1);
    const shift = offset - this.offset;
    for (let i = 0; i < bins.length; i++) (this.bins[shift + i] as number) += bins[i] as number;
  }

  /**
   * The value at quantile `q` (0..1) of the values added, nearest rank (the ⌈q·count⌉-th smallest,
   * as hdr-histogram and the bench define a percentile), within the relative accuracy; 0 when empty.
   */
  quantile(q: number): number {
    // less a few ulps, so that a product that rounding puts just past an integer (0.07 × 100) stays on it
    return this.valueAtRank(Math.max(0, Math.ceil(q * this.count * (1 - 4 * Number.EPSILON)) - 1));
  }

  /** The value of 0-based rank `rank` among the values added (ascending), within the relative accuracy; 0 when empty. */
  valueAtRank(rank: number): number {
    const { bins, offset } = this;
    let seen = this.zeros;
    if (seen > rank || this.count === 0) return 0;
    for (let i = 0; i < bins.length; i++) {
      seen += bins[i] as number;
      if (seen > rank) return valueOf(offset + i);
    }
    return valueOf(offset + bins.length - 1);
  }

  /** Forgets every value, keeping the bins' memory for the next ones. */
  reset(): void {
    this.count = this.zeros = 0;
    this.bins.fill(0);
  }

  /** Grows the bins, if need be, to hold keys `lo` to `hi`. */
  private cover(lo: number, hi: number): void {
    const { bins, offset } = this;
    const end = offset + bins.length; // one past the last key held
    if (lo >= offset && hi < end) return;
    if (bins.length === 0) {
      this.bins = new Float64Array(hi - lo + 1);
      this.offset = lo;
      return;
    }
    const from = lo < offset ? Math.max(MIN_KEY, lo - GROW_BY) : offset;
    const to = hi >= end ? Math.min(MAX_KEY + 1, hi + 1 + GROW_BY) : end;
    const grown = new Float64Array(to - from);
    grown.set(bins, offset - from);
    this.bins = grown;
    this.offset = from;
  }
}
