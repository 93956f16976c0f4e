/** Timing helpers for the benchmarks: one call at a time, or a fixed number in flight. */

/** A call under test; `i` makes each call's arguments distinct. */
export type Call = (i: number) => Promise<unknown>;

/** Throughput and latency of one timed run. */
export interface Timing {
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

/** The value at percentile `p` (0..100) of ascending `sorted` values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `n` calls with `width` in flight (1 = sequential), timing each. */
export async function timeCalls(call: Call, n: number, width: number): Promise<Timing> {
  const latencies = new Float64Array(n);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await call(i);
      latencies[i] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  const elapsed = performance.now() - started;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    opsPerSec: (n / elapsed) * 1000,
    p50Us: percentile(sorted, 50) * 1000,
    p99Us: percentile(sorted, 99) * 1000,
  };
}

/** The median of each field over several timings. */
export function medianTiming(runs: readonly Timing[]): Timing {
  return {
    opsPerSec: median(runs.map((r) => r.opsPerSec)),
    p50Us: median(runs.map((r) => r.p50Us)),
    p99Us: median(runs.map((r) => r.p99Us)),
  };
}
