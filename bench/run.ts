/**
 * `npm run bench`: bare SDK vs mcp-tx over in-memory, stdio and Streamable HTTP (each side in
 * processes of its own, see throughput.ts), the client layer alone, memory, the guide's scenario
 * table, the server's store memory and decorator CPU; writes bench/results/latest.{md,json}.
 * `--quick` for a smoke run.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform } from 'node:os';
import { lib, server as serverLib } from './lib.js';
import { heapPerDedupEntry, heapPerInFlightCall } from './memory.js';
import { RECOMMENDED_HTTP, judge, toMarkdown, type BenchResults, type TransportResult } from './report.js';
import { seedTable } from './seed-table.js';
import { SERVER_STORE_SIZES, measureServerStore } from './server-store.js';
import { echoServer, type Kind } from './targets.js';
import { WIDE, measureSides, ratiosPerRound, type Side, type ThroughputSizes } from './throughput.js';

const quick = process.argv.includes('--quick');
const sizes: Record<Kind, ThroughputSizes> = quick
  ? {
      'in-memory': { warmup: 5_000, n: 2_000, nPar: 5_000, runs: 2, nWide: 5_000 },
      stdio: { warmup: 1_000, n: 500, nPar: 2_000, runs: 2, nWait: 2_000 },
      http: { warmup: 200, n: 200, nPar: 500, runs: 2 },
    }
  : {
      'in-memory': { warmup: 40_000, n: 10_000, nPar: 30_000, runs: 3, nWide: 30_000 },
      stdio: { warmup: 5_000, n: 3_000, nPar: 10_000, runs: 3, nWait: 10_000 },
      http: { warmup: 1_000, n: 1_000, nPar: 2_000, runs: 2 },
    };
/**
 * Rounds of processes per transport: stdio's processes are quick and its figures the noisiest
 * (its per-round ratios spread 0.71 to 1.08 over 8 rounds of one run on a quiet machine; with 4
 * rounds the median of the 1 ms tool's row came out 0.88 in one run, 0.98 with 8), so stdio gets 8.
 */
const rounds: Record<Kind, number> = quick
  ? { 'in-memory': 1, stdio: 1, http: 1 }
  : { 'in-memory': 3, stdio: 8, http: 3 };

function measureTransport(kind: Kind): TransportResult {
  // the client layer alone is measured where the server is not across the network anyway;
  // over HTTP, the README's recommended setup too
  const sides: Side[] = kind === 'http' ? ['bare', 'tx', 'recommended'] : ['bare', 'tx', 'client'];
  const result = measureSides(kind, sides, sizes[kind], rounds[kind]);
  const bare = result.medians.get('bare')!;
  const tx = result.medians.get('tx')!;
  const client = result.medians.get('client');
  process.stderr.write(`  ${kind}: done\n`);
  const more: TransportResult['more'] = [];
  for (const [mode, label] of [
    ['wide', `${WIDE.toLocaleString('en-US')} in flight`],
    ['wait', 'a tool waiting 1 ms, 50 in flight'],
  ] as const) {
    const b = bare[mode];
    const x = tx[mode];
    if (b && x)
      more.push({ mode: label, bare: b, tx: x, ratios: ratiosPerRound(result, 'tx', 'bare', mode) });
  }
  if (kind !== 'stdio') {
    // SDK v2 beside v1: its own bare client against its own plain server, in the same run
    const v2 = measureSides(kind, ['bare-v2', 'tx-v2'], sizes[kind], rounds[kind]);
    const [b, x] = [v2.medians.get('bare-v2')!, v2.medians.get('tx-v2')!];
    const label = kind === 'http' ? 'SDK v2, the stateless protocol, 50 in flight' : 'SDK v2, 50 in flight';
    more.push({
      mode: label,
      bare: b.parallel,
      tx: x.parallel,
      ratios: ratiosPerRound(v2, 'tx-v2', 'bare-v2', 'parallel'),
    });
  }
  const recommended = result.medians.get('recommended');
  if (recommended)
    more.push({
      mode: RECOMMENDED_HTTP,
      bare: bare.parallel,
      tx: recommended.parallel,
      ratios: ratiosPerRound(result, 'recommended', 'bare', 'parallel'),
    });
  return {
    more,
    kind,
    sequential: { bare: bare.sequential, tx: tx.sequential },
    parallel: { bare: bare.parallel, tx: tx.parallel },
    clientOnly: client && { bare: bare.parallel, tx: client.parallel },
    ratios: {
      sequential: ratiosPerRound(result, 'tx', 'bare', 'sequential'),
      parallel: ratiosPerRound(result, 'tx', 'bare', 'parallel'),
      clientOnly: client && ratiosPerRound(result, 'client', 'bare', 'parallel'),
    },
  };
}

/** Bytes of `_meta.mcp_tx` on the wire for a default call. */
async function metaBytes(): Promise<number> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(serverLib.withTxServer(serverSide));
  let bytes = 0;
  const send = clientSide.send.bind(clientSide);
  clientSide.send = (message, options) => {
    const meta = (message as { params?: { _meta?: { mcp_tx?: unknown } } }).params?._meta?.mcp_tx;
    if (meta !== undefined) bytes = Buffer.byteLength(JSON.stringify(meta));
    return send(message, options);
  };
  const client = await lib.TxClient.connect(clientSide);
  await client.call('echo', { v: 1 });
  await client.close();
  return bytes;
}

process.stderr.write(`mcp-tx bench${quick ? ' (quick)' : ''}\n`);
const transports: TransportResult[] = [];
for (const kind of ['in-memory', 'stdio', 'http'] as const) transports.push(measureTransport(kind));
const partial = {
  date: new Date().toISOString().slice(0, 10),
  machine: {
    node: process.versions.node,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: platform(),
  },
  quick,
  transports,
  metaBytes: await metaBytes(),
  heapPerInFlight: heapPerInFlightCall(quick ? 2_000 : 5_000, quick ? 1 : 3),
  heapPerDedupEntry: await heapPerDedupEntry(quick ? 2_000 : 10_000),
  seed: await seedTable(quick ? 1_000 : 5_000),
  serverStore: await measureServerStore(SERVER_STORE_SIZES[quick ? 'quick' : 'full']),
};
const results: BenchResults = { ...partial, budgets: judge(partial) };
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
const markdown = toMarkdown(results);
await writeFile(new URL('latest.md', dir), markdown);
await writeFile(new URL('latest.json', dir), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(markdown);
process.exit(0);
