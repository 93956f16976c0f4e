/**
 * `npm run bench:stores`: keyed calls per second and latency by idempotency store, in one run:
 * memory, Redis, PostgreSQL, and PostgreSQL with the echo tool `transactional` (its outcome
 * written in its own transaction instead of by `complete()`). TxClient -> withTxServer(store) ->
 * McpServer echo over an in-memory pair (so that the store is what differs), every call keyed,
 * 50 in flight and one at a time. Rounds rotate the order; medians are reported. Writes
 * bench/results/stores.{md,json}. `REDIS_URL`, `POSTGRES_URL`; `--quick` for a smoke run.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import pg from 'pg';
import { createClient } from 'redis';
import { z } from 'zod';
import type * as PostgresModule from '../src/postgres/index.js';
import type * as RedisModule from '../src/redis/index.js';
import type { IdempotencyStore } from '../src/server/index.js';
import { medianTiming, timeCalls, type Timing } from './harness.js';
import { lib, server as serverLib } from './lib.js';
import { echoServer } from './targets.js';

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const redisLib = (await import(dist('redis/index.js'))) as typeof RedisModule;
const pgLib = (await import(dist('postgres/index.js'))) as typeof PostgresModule;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const postgresUrl = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const quick = process.argv.includes('--quick');
const sizes = quick
  ? { warmup: 300, parallel: 1_000, sequential: 300, rounds: 1 }
  : { warmup: 2_000, parallel: 5_000, sequential: 1_500, rounds: 3 };
const WIDTH = 50;
const run = Date.now().toString(36);
const prefix = `mcp-tx-bench:${run}:`;
const schema = `mcp_tx_bench_${run}`;

const KINDS = ['memory', 'redis', 'postgres', 'postgres transactional'] as const;
type Kind = (typeof KINDS)[number];

/** The echo server, its tool transactional on `store` for the last kind. */
function serverFor(kind: Kind, store: IdempotencyStore): McpServer {
  if (kind !== 'postgres transactional') return echoServer();
  const server = new McpServer({ name: 'bench-echo-tx', version: '1.0.0' });
  const echo = async ({ v }: { v: number }) => ({ content: [{ type: 'text' as const, text: String(v) }] });
  const tx = pgLib.transactional(store as PostgresModule.PostgresIdempotencyStore, 'echo', echo);
  server.registerTool('echo', { inputSchema: { v: z.number() } }, tx);
  return server;
}

function storeFor(kind: Kind, pool: pg.Pool): IdempotencyStore & { close?(): Promise<void> } {
  if (kind === 'memory') return new serverLib.MemoryIdempotencyStore();
  if (kind === 'redis')
    return new redisLib.RedisIdempotencyStore({ url: redisUrl, keyPrefix: prefix, ttlMs: 600_000 });
  return new pgLib.PostgresIdempotencyStore({ pool, schema, ttlMs: 600_000 });
}

async function measure(kind: Kind, pool: pg.Pool): Promise<{ parallel: Timing; sequential: Timing }> {
  const store = storeFor(kind, pool);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await serverFor(kind, store).connect(serverLib.withTxServer(serverSide, { store }));
  const client = await lib.TxClient.connect(clientSide, { concurrency: WIDTH, maxQueue: 100_000 });
  const call = (i: number) => client.call('echo', { v: i });
  try {
    await timeCalls(call, sizes.warmup, WIDTH);
    const parallel = await timeCalls(call, sizes.parallel, WIDTH);
    const sequential = await timeCalls(call, sizes.sequential, 1);
    return { parallel, sequential };
  } finally {
    await client.close();
    await store.close?.();
  }
}

async function cleanUp(pool: pg.Pool): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const client = createClient({ url: redisUrl });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 }))
    if (keys.length > 0) await client.del(keys);
  client.destroy();
}

// 50 tools in flight each hold a connection for their transaction, beside the claims: room for both.
const pool = new pg.Pool({ connectionString: postgresUrl, max: 60 });
const loadBefore = loadavg();
const runs = Object.fromEntries(
  KINDS.map((k) => [k, { parallel: [] as Timing[], sequential: [] as Timing[] }]),
);
try {
  await new pgLib.PostgresIdempotencyStore({ pool, schema }).migrate();
  for (let round = 0; round < sizes.rounds; round++) {
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length] as Kind);
    for (const kind of order) {
      const { parallel, sequential } = await measure(kind, pool);
      runs[kind]?.parallel.push(parallel);
      runs[kind]?.sequential.push(sequential);
      process.stderr.write(`  round ${round + 1} ${kind}: ${Math.round(parallel.opsPerSec)} calls/s\n`);
    }
  }
} finally {
  await cleanUp(pool);
  await pool.end();
}
const loadAfter = loadavg();

const medians = Object.fromEntries(
  KINDS.map((k) => [
    k,
    { parallel: medianTiming(runs[k]?.parallel ?? []), sequential: medianTiming(runs[k]?.sequential ?? []) },
  ]),
) as Record<Kind, { parallel: Timing; sequential: Timing }>;
const NAMES: Record<Kind, string> = {
  memory: 'MemoryIdempotencyStore',
  redis: 'RedisIdempotencyStore',
  postgres: 'PostgresIdempotencyStore',
  'postgres transactional': 'PostgresIdempotencyStore, transactional tool',
};
const memory = medians.memory.parallel.opsPerSec;
const row = (kind: Kind) => {
  const t = medians[kind];
  return (
    `| ${NAMES[kind]} | ${Math.round(t.parallel.opsPerSec).toLocaleString('en')} | ${(t.parallel.opsPerSec / memory).toFixed(2)} | ` +
    `${(t.parallel.p50Us / 1000).toFixed(2)} | ${(t.parallel.p99Us / 1000).toFixed(2)} | ` +
    `${Math.round(t.sequential.opsPerSec).toLocaleString('en')} | ${(t.sequential.p50Us / 1000).toFixed(3)} | ` +
    `${(t.sequential.p99Us / 1000).toFixed(3)} |`
  );
};
const result = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAverage1m: { before: loadBefore[0], after: loadAfter[0] },
  redis: redisUrl,
  postgres: postgresUrl.replace(/\/\/[^@/]*@/, '//'),
  sizes: { ...sizes, width: WIDTH },
  medians,
  rounds: runs,
};
const markdown = `# Keyed calls by idempotency store

${result.date}, Node ${result.node}, ${result.platform}; Redis and PostgreSQL on the same machine;
1-minute load average ${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after. TxClient ->
withTxServer(store) -> echo over an in-memory pair, every call keyed; medians of ${sizes.rounds} rotating
rounds (${sizes.parallel} calls with ${WIDTH} in flight, ${sizes.sequential} one at a time).

| store | calls/s (${WIDTH} in flight) | × memory | p50 ms | p99 ms | calls/s (sequential) | p50 ms | p99 ms |
|---|---|---|---|---|---|---|---|
${KINDS.map(row).join('\n')}
`;
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/stores.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(new URL('./results/stores.md', import.meta.url), markdown);
process.stdout.write(markdown);
