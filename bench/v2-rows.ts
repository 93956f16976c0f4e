/**
 * `node --import tsx bench/v2-rows.ts [in-memory|http] [--rounds N] [--quick]`: only the SDK v2
 * rows of `npm run bench` (the bare v2 SDK, the full mcp-tx/v2 stack, and the mcp-tx/v2 client
 * against the plain v2 server), each side in processes of its own, alternating, with the same
 * harness; prints each round's ops/s at 50 in flight and the ratios over the bare v2 SDK. For
 * speed work on the v2 path without the whole bench's nine minutes (run `npm run build` first).
 */
import { measureSides, ratiosPerRound, type Side, type ThroughputSizes } from './throughput.js';
import type { V2Kind } from './targets-v2.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const at = args.indexOf('--rounds');
const rounds = at === -1 ? 3 : Number(args[at + 1]);
const kinds = (['in-memory', 'http'] as const).filter((k) => args.includes(k));
const sizes: Record<V2Kind, ThroughputSizes> = {
  'in-memory': quick
    ? { warmup: 5_000, n: 1_000, nPar: 5_000, runs: 2 }
    : { warmup: 40_000, n: 10_000, nPar: 30_000, runs: 3 },
  http: quick
    ? { warmup: 200, n: 100, nPar: 500, runs: 2 }
    : { warmup: 1_000, n: 1_000, nPar: 2_000, runs: 2 },
};
const sides: Side[] = ['bare-v2', 'tx-v2', 'client-v2'];

for (const kind of kinds.length > 0 ? kinds : (['in-memory'] as const)) {
  const result = measureSides(kind, sides, sizes[kind], rounds);
  for (const side of sides) {
    const ops = (result.rounds.get(side) ?? []).map((t) => Math.round(t.parallel.opsPerSec));
    process.stdout.write(`${kind} ${side}: ${ops.join(' ')} ops/s (50 in flight)\n`);
  }
  for (const side of ['tx-v2', 'client-v2'] as const) {
    const ratios = ratiosPerRound(result, side, 'bare-v2', 'parallel').map((r) => r.toFixed(2));
    process.stdout.write(`${kind} ${side} / bare-v2: ${ratios.join(' ')}\n`);
  }
}
