/**
 * Throughput and latency of one side at a time, each in a fresh process: the bare SDK, TxClient
 * against the server behind `withTxServer`, or TxClient against the plain server (the client
 * layer alone). One process per side and round, the sides alternating so that machine drift hits
 * them alike; the median of the rounds. Two clients in one process share the SDK's transport and
 * schema code, whose call sites then see both clients' messages (numeric and string ids, with
 * and without `_meta`) and run slower for both: measured over stdio, the client layer alone came
 * out 0.82 to 0.98 × bare when both ran in one process, 0.99 to 1.00 × in processes of their own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { medianTiming, timeCalls, type Timing } from './harness.js';
import { bareTarget, recommendedHttpTarget, txTarget, type Kind, type Target } from './targets.js';
import { bareV2Target, txV2Target, type V2Kind } from './targets-v2.js';

/**
 * What runs: the bare SDK, the full stack, the client layer alone, or (HTTP only) the full stack
 * in the README's recommended setup; `bare-v2`, `tx-v2` and `client-v2` the same on SDK v2 (in memory
 * and HTTP).
 */
export type Side = 'bare' | 'tx' | 'client' | 'recommended' | 'bare-v2' | 'tx-v2' | 'client-v2';

/** How many calls each process makes. */
export interface ThroughputSizes {
  /** Calls before timing, at 50 in flight (the JIT settles). */
  warmup: number;
  /** Calls per timed sequential run. */
  n: number;
  /** Calls per timed run at 50 in flight. */
  nPar: number;
  /** Timed runs per mode in each process. */
  runs: number;
  /** Calls per timed run at 1,000 in flight (in memory only; none when absent). */
  nWide?: number;
  /** Calls per timed run of the tool that waits 1 ms, 50 in flight (none when absent). */
  nWait?: number;
}

/** One side's figures: one call at a time, and 50 in flight. */
export interface SideTiming {
  sequential: Timing;
  parallel: Timing;
  /** 1,000 in flight (the client's concurrency 1,000 too, so that the server holds them all). */
  wide?: Timing;
  /** The tool that waits 1 ms, 50 in flight. */
  wait?: Timing;
}

/** In-flight calls of the wide mode. */
export const WIDE = 1_000;

const self = fileURLToPath(import.meta.url);

async function target(kind: Kind, side: Side): Promise<Target> {
  if (side === 'bare') return bareTarget(kind);
  if (side === 'bare-v2') return bareV2Target(kind as V2Kind);
  if (side === 'tx-v2' || side === 'client-v2') return txV2Target(kind as V2Kind, {}, side === 'tx-v2');
  if (side === 'recommended') return recommendedHttpTarget();
  return txTarget(kind, {}, side === 'tx');
}

/** Measures `side` over `kind` in this process. */
async function measureHere(kind: Kind, side: Side, sizes: ThroughputSizes): Promise<SideTiming> {
  const t = await target(kind, side);
  await timeCalls(t.call, sizes.warmup, 50);
  const seq: Timing[] = [];
  const par: Timing[] = [];
  const wait: Timing[] = [];
  for (let r = 0; r < sizes.runs; r++) {
    seq.push(await timeCalls(t.call, sizes.n, 1));
    par.push(await timeCalls(t.call, sizes.nPar, 50));
    if (sizes.nWait !== undefined) wait.push(await timeCalls(t.callWait, sizes.nWait, 50));
  }
  await t.close();
  const timing: SideTiming = { sequential: medianTiming(seq), parallel: medianTiming(par) };
  if (wait.length > 0) timing.wait = medianTiming(wait);
  if (sizes.nWide !== undefined && (side === 'bare' || side === 'tx' || side === 'client')) {
    // A client of its own, that lets all of them through to the server as the bare SDK does.
    const w =
      side === 'bare' ? await target(kind, side) : await txTarget(kind, { concurrency: WIDE }, side === 'tx');
    await timeCalls(w.call, sizes.warmup, WIDE);
    const wide: Timing[] = [];
    for (let r = 0; r < sizes.runs; r++) wide.push(await timeCalls(w.call, sizes.nWide, WIDE));
    await w.close();
    timing.wide = medianTiming(wide);
  }
  return timing;
}

/** Each side's figures per round, and their medians. */
export interface SidesResult {
  medians: Map<Side, SideTiming>;
  rounds: Map<Side, SideTiming[]>;
}

/**
 * Measures each of `sides` over `kind`, each in processes of its own, `rounds` times
 * alternating; each round's figures and the median of the rounds per side.
 */
export function measureSides(
  kind: Kind,
  sides: readonly Side[],
  sizes: ThroughputSizes,
  rounds: number,
): SidesResult {
  const samples = new Map<Side, SideTiming[]>(sides.map((s) => [s, []]));
  for (let r = 0; r < rounds; r++) {
    for (const side of sides) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', self, '--side', kind, side, JSON.stringify(sizes)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      samples.get(side)?.push(JSON.parse(out) as SideTiming);
    }
  }
  const medians = new Map(
    [...samples].map(([side, xs]) => [
      side,
      {
        sequential: medianTiming(xs.map((x) => x.sequential)),
        parallel: medianTiming(xs.map((x) => x.parallel)),
        ...optionalMedian(xs, 'wide'),
        ...optionalMedian(xs, 'wait'),
      },
    ]),
  );
  return { medians, rounds: samples };
}

/** `{ [mode]: median }` of the rounds that measured `mode`, or nothing. */
function optionalMedian(xs: readonly SideTiming[], mode: 'wide' | 'wait'): Partial<SideTiming> {
  const measured = xs.flatMap((x) => (x[mode] === undefined ? [] : [x[mode]]));
  return measured.length === 0 ? {} : { [mode]: medianTiming(measured) };
}

/**
 * `side`'s ops/s over `base`'s, round by round (the processes of one round ran minutes apart from
 * the next round's at most, so slow drift of the machine cancels out within a round).
 */
export function ratiosPerRound(
  result: SidesResult,
  side: Side,
  base: Side,
  mode: keyof SideTiming,
): number[] {
  const of = result.rounds.get(side) ?? [];
  const against = result.rounds.get(base) ?? [];
  return of.map((t, r) => (t[mode]?.opsPerSec ?? Number.NaN) / (against[r]?.[mode]?.opsPerSec ?? Number.NaN));
}

// `node --import tsx bench/throughput.ts --side KIND SIDE SIZES_JSON`: one side, in this process.
if (process.argv[1] === self) {
  const at = process.argv.indexOf('--side');
  if (at !== -1) {
    const [kind, side, sizes] = process.argv.slice(at + 1) as [Kind, Side, string];
    const timing = await measureHere(kind, side, JSON.parse(sizes) as ThroughputSizes);
    process.stdout.write(`${JSON.stringify(timing)}\n`);
    process.exit(0);
  }
}
