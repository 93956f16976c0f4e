/**
 * The SDK's Streamable HTTP client transport with each fetch, against an echo server in a child
 * process (so that `process.cpuUsage()` is the client's alone), with the server's two response
 * modes (SSE, the SDK's default, and JSON): N sequential calls, then N calls 50 in flight, each
 * variant in a client process of its own per round, the variants alternating. Counts
 * `MaxListenersExceededWarning`s too. Last, per server response mode, each round's ratio of
 * nodeHttpFetch's client CPU per call to the global fetch's (the variants of a round run back to
 * back, so a round's ratio moves less with the machine's load than either figure alone).
 *
 *   npm run build && node --import tsx bench/http-fetch.ts [calls=2000] [rounds=3] [--tx]
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { median, timeCalls, type Timing } from './harness.js';
import { httpFetchNode, lib } from './lib.js';

const variants = {
  'global fetch (the SDK default)': () => undefined,
  'perRequestSignalFetch(global fetch)': () => lib.perRequestSignalFetch(),
  'nodeHttpFetch (httpTransport under Node)': () => httpFetchNode.nodeHttpFetch,
} as const;
type Variant = keyof typeof variants;
const modes = ['sse', 'json'] as const;
type Mode = (typeof modes)[number];

interface Run {
  seq: Timing;
  par: Timing;
  cpuUsPerCall: number;
  warnings: number;
}

const self = fileURLToPath(import.meta.url);

/** One variant against `url`, in this process. */
async function runHere(variant: Variant, url: URL, calls: number): Promise<Run> {
  let warnings = 0;
  process.on('warning', (w) => {
    if (w.name === 'MaxListenersExceededWarning') warnings++;
  });
  const fetch = variants[variant]();
  const transport = new StreamableHTTPClientTransport(url, fetch ? { fetch } : {});
  const client = new Client({ name: 'bench-http', version: '1.0.0' });
  await client.connect(transport);
  const call = (i: number) => client.callTool({ name: 'echo', arguments: { v: i } });
  await timeCalls(call, 500, 50); // warm-up
  const cpu = process.cpuUsage();
  const seq = await timeCalls(call, calls, 1);
  const par = await timeCalls(call, calls, 50);
  const used = process.cpuUsage(cpu);
  await client.close();
  return { seq, par, cpuUsPerCall: (used.user + used.system) / (2 * calls), warnings };
}

if (process.argv[2] === '--one') {
  const [variant, url, calls] = process.argv.slice(3) as [Variant, string, string];
  process.stdout.write(`${JSON.stringify(await runHere(variant, new URL(url), Number(calls)))}\n`);
  process.exit(0);
}

const [calls, rounds] = [Number(process.argv[2] ?? 2_000), Number(process.argv[3] ?? 3)];
const tx = process.argv.includes('--tx');
const script = fileURLToPath(new URL('./fixtures/http-echo-server.mjs', import.meta.url));
const child = spawn(process.execPath, [script, ...(tx ? ['--tx'] : [])], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(child.stdout, 'data')) as [Buffer];
const base = new URL(line.toString().trim());
const urls: Record<Mode, URL> = { sse: base, json: new URL('/json', base) };

const names = Object.keys(variants) as Variant[];
const results = new Map<string, Run[]>();
for (let r = 0; r < rounds; r++) {
  // Alternate the order so that no variant always runs first.
  for (const mode of modes) {
    for (const v of r % 2 ? [...names].reverse() : names) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', self, '--one', v, urls[mode].href, String(calls)],
        { encoding: 'utf8' },
      );
      const key = `${mode} | ${v}`;
      results.set(key, [...(results.get(key) ?? []), JSON.parse(out) as Run]);
    }
  }
}
child.stdin.end();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`${calls} sequential + ${calls} at 50 in flight per process, median of ${rounds} rounds`);
console.log(
  'server responses | client fetch | seq ops/s | seq p50 µs | 50-par ops/s | 50-par p99 µs | client CPU µs/call | warnings',
);
for (const [key, runs] of results) {
  const m = (f: (r: Run) => number) => fmt(median(runs.map(f)));
  console.log(
    [
      key,
      m((r) => r.seq.opsPerSec),
      m((r) => r.seq.p50Us),
      m((r) => r.par.opsPerSec),
      m((r) => r.par.p99Us),
      m((r) => r.cpuUsPerCall),
      runs.map((r) => r.warnings).join('/'),
    ].join(' | '),
  );
}

const NODE: Variant = 'nodeHttpFetch (httpTransport under Node)';
const GLOBAL: Variant = 'global fetch (the SDK default)';
for (const mode of modes) {
  const node = results.get(`${mode} | ${NODE}`) ?? [];
  const global = results.get(`${mode} | ${GLOBAL}`) ?? [];
  const ratios = node.map((run, r) => run.cpuUsPerCall / (global[r]?.cpuUsPerCall ?? Number.NaN));
  console.log(
    `${mode}: nodeHttpFetch / global fetch, client CPU per call, per round: ${ratios.map((x) => x.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`,
  );
}
