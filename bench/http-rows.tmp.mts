import { measureSides, ratiosPerRound } from './throughput.js';
const rounds = Number(process.argv[2] ?? 3);
const r = measureSides('http', ['bare', 'tx', 'recommended'], { warmup: 1_000, n: 1_000, nPar: 2_000, runs: 2 }, rounds);
for (const [side, t] of r.medians) console.log(side, Math.round(t.sequential.opsPerSec), Math.round(t.parallel.opsPerSec), Math.round(t.parallel.p50Us));
console.log('tx/bare par', ratiosPerRound(r, 'tx', 'bare', 'parallel').map((x) => x.toFixed(2)).join(', '));
console.log('recommended/bare par', ratiosPerRound(r, 'recommended', 'bare', 'parallel').map((x) => x.toFixed(2)).join(', '));
