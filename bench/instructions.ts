/**
 * Instructions per call under callgrind: deterministic enough to compare a change on a loaded
 * machine, where timings are not. Each variant runs twice under `valgrind --tool=callgrind`, with
 * `--calls` and with twice as many after the same warm-up; the difference of the two totals over
 * the difference of the call counts is the cost of one call (start-up and warm-up cancel out).
 * `npm run build` first; then
 * `node --import tsx bench/instructions.ts [--calls 4000] [--warmup 4000] [--width 1] [--only a,b]`
 * (`--width`: calls in flight at a time; the throughput bench's rows run 50). With 50 in flight
 * the count hangs on where the full collections fall: the same build of `stack-full` read 134,356
 * and 102,860 instructions per call in two runs of 2,000 vs 4,000 calls (3,000 warm-up); compare
 * such rows over many more calls. The decorator alone swings too, less: `decorator-acked` read
 * 17,972 and 20,612 for one build at `--calls 10000`, 19,117 at `--calls 40000` (12,000 warm-up);
 * a change under about 1,000 per call needs the longer run.
 *
 * Variants (sequential calls; `bench/fixtures/instructions-worker.mjs` runs them):
 * - `decorator-generated`: the decorator alone (fake transport and server), a key the client
 *   generated (the request id; no `idempotency_key` on the wire), as TxClient sends by default;
 * - `decorator-explicit`: the same with a caller's key (`idempotency_key` spelled out);
 * - `decorator-acked`: `decorator-generated` asking for an ACK (held: it rides on the response);
 * - `decorator-none`: the fake transport and server without the decorator;
 * - `sdk-bare`, `sdk-generated`, `sdk-explicit`: an SDK `Client` and `McpServer` in memory, bare
 *   or decorated with keyed meta and ACK asked (held, riding on the response);
 * - `stack-bare`, `stack-full`, `stack-client`: the throughput bench's in-memory sides, the SDK
 *   `Client` against the plain `McpServer`, `TxClient` (concurrency 64) against it behind
 *   `withTxServer` (defaults: ACK, exactly-once with its own `MemoryIdempotencyStore`), and
 *   `TxClient` against the plain server (the client layer alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '4000' },
    width: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});

const VARIANTS = [
  'decorator-none',
  'decorator-generated',
  'decorator-explicit',
  'decorator-acked',
  'sdk-bare',
  'sdk-generated',
  'sdk-explicit',
  'stack-bare',
  'stack-full',
  'stack-client',
];
const worker = fileURLToPath(new URL('fixtures/instructions-worker.mjs', import.meta.url));

/** Total instructions of one run under callgrind. */
function instructions(variant: string, n: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-cg-'));
  const out = join(dir, 'callgrind.out');
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        // no concurrent compiler or GC threads (callgrind counts every thread's), no time-driven heuristics
        '--single-threaded',
        '--predictable',
        worker,
        variant,
        String(values.warmup),
        String(n),
        String(values.width),
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    const totals = /^(?:summary|totals):\s*(\d+)/m.exec(readFileSync(out, 'utf8'));
    if (totals === null) throw new Error(`no totals in the callgrind output of ${variant}`);
    return Number(totals[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const calls = Number(values.calls);
process.stdout.write(
  `| variant | instructions per call (${calls} vs ${2 * calls} calls, ${values.width} in flight) |\n|---|---:|\n`,
);
for (const name of values.only?.split(',') ?? VARIANTS) {
  const per = (instructions(name, 2 * calls) - instructions(name, calls)) / calls;
  process.stdout.write(`| ${name} | ${Math.round(per).toLocaleString('en')} |\n`);
}
