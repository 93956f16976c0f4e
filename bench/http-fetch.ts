/**
 * The SDK's Streamable HTTP client transport with and without `perRequestSignalFetch`, in one
 * run: N sequential calls, then N calls 50 in flight, against an echo server in a child process
 * (so `process.cpuUsage()` is the client's alone). Counts `MaxListenersExceededWarning`s too.
 *
 *   npm run build && node --import tsx bench/http-fetch.ts [calls=2000] [rounds=3]
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { median, timeCalls, type Timing } from './harness.js';
import { lib } from './lib.js';

const calls = Number(process.argv[2] ?? 2_000);
const rounds = Number(process.argv[3] ?? 3);
const variants = ['bare SDK transport', 'httpTransport (per-request signal)'] as const;
type Variant = (typeof variants)[number];

interface Run {
  seq: Timing;
  par: Timing;
  cpuUsPerCall: number;
  warnings: number;
}

let warnings = 0;
process.on('warning', (w) => {
  if (w.name === 'MaxListenersExceededWarning') warnings++;
});

const script = fileURLToPath(new URL('./fixtures/http-echo-server.mjs', import.meta.url));
const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
const [line] = (await once(child.stdout, 'data')) as [Buffer];
const url = new URL(line.toString().trim());

async function run(variant: Variant): Promise<Run> {
  const transport =
    variant === 'bare SDK transport' ? new StreamableHTTPClientTransport(url) : lib.httpTransport(url);
  const client = new Client({ name: 'bench-http', version: '1.0.0' });
  await client.connect(transport);
  const call = (i: number) => client.callTool({ name: 'echo', arguments: { v: i } });
  warnings = 0;
  await timeCalls(call, 200, 10); // warm-up
  const cpu = process.cpuUsage();
  const seq = await timeCalls(call, calls, 1);
  const par = await timeCalls(call, calls, 50);
  const used = process.cpuUsage(cpu);
  const result = { seq, par, cpuUsPerCall: (used.user + used.system) / (2 * calls), warnings };
  await client.close();
  return result;
}

const results: Record<Variant, Run[]> = {
  'bare SDK transport': [],
  'httpTransport (per-request signal)': [],
};
for (let r = 0; r < rounds; r++) {
  // Alternate the order so that neither variant always runs on a warmer process.
  for (const v of r % 2 ? [...variants].reverse() : variants) results[v].push(await run(v));
}
child.stdin.end();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`${calls} sequential + ${calls} at 50 in flight per round, median of ${rounds} rounds`);
console.log(
  'variant | seq ops/s | seq p50 µs | 50-par ops/s | 50-par p99 µs | client CPU µs/call | warnings',
);
for (const v of variants) {
  const runs = results[v];
  const m = (f: (r: Run) => number) => fmt(median(runs.map(f)));
  console.log(
    [
      v,
      m((r) => r.seq.opsPerSec),
      m((r) => r.seq.p50Us),
      m((r) => r.par.opsPerSec),
      m((r) => r.par.p99Us),
      m((r) => r.cpuUsPerCall),
      runs.map((r) => r.warnings).join('/'),
    ].join(' | '),
  );
}
