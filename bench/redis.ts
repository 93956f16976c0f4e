/**
 * `npm run bench:redis`: keyed calls per second and latency with the Redis idempotency store
 * against the memory store, in the same run: TxClient -> withTxServer(store) -> McpServer echo over
 * an in-memory pair (so that the store is what differs), every call keyed (TxClient's default),
 * 50 in flight and one at a time. Rounds alternate the stores; medians are reported. Writes
 * bench/results/redis.{md,json}. `REDIS_URL` (default redis://127.0.0.1:6379); `--quick` for a smoke run.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import { createClient } from 'redis';
import type * as RedisModule from '../src/redis/index.js';
import { medianTiming, timeCalls, type Timing } from './harness.js';
import { lib, server as serverLib } from './lib.js';
import { echoServer } from './targets.js';

const redisLib = (await import(
  new URL('../dist/redis/index.js', import.meta.url).href
)) as typeof RedisModule;
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quick = process.argv.includes('--quick');
const sizes = quick
  ? { warmup: 500, parallel: 1_000, sequential: 300, rounds: 1 }
  : { warmup: 2_000, parallel: 5_000, sequential: 1_500, rounds: 3 };
const WIDTH = 50;
const prefix = `mcp-tx-bench:${Date.now().toString(36)}:`;

type StoreKind = 'memory' | 'redis';

/** Redis's own CPU so far (INFO cpu: used_cpu_user + used_cpu_sys), µs. */
async function redisCpuUs(): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
  } finally {
    client.destroy();
  }
}

/** CPU per call of the parallel phase, µs: this process's, and the Redis server's (0 for memory). */
interface CpuPerCall {
  nodeUs: number;
  redisUs: number;
}

async function measure(kind: StoreKind): Promise<{ parallel: Timing; sequential: Timing; cpu: CpuPerCall }> {
  const store =
    kind === 'memory'
      ? new serverLib.MemoryIdempotencyStore()
      : new redisLib.RedisIdempotencyStore({ url, keyPrefix: prefix, ttlMs: 600_000 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(serverLib.withTxServer(serverSide, { store }));
  const client = await lib.TxClient.connect(clientSide, { concurrency: WIDTH, maxQueue: 100_000 });
  const call = (i: number) => client.call('echo', { v: i });
  try {
    await timeCalls(call, sizes.warmup, WIDTH);
    const redisBefore = kind === 'redis' ? await redisCpuUs() : 0;
    const nodeBefore = process.cpuUsage();
    const parallel = await timeCalls(call, sizes.parallel, WIDTH);
    const node = process.cpuUsage(nodeBefore);
    const redisUs = kind === 'redis' ? ((await redisCpuUs()) - redisBefore) / sizes.parallel : 0;
    const cpu = { nodeUs: (node.user + node.system) / sizes.parallel, redisUs };
    const sequential = await timeCalls(call, sizes.sequential, 1);
    return { parallel, sequential, cpu };
  } finally {
    await client.close();
    if (store instanceof redisLib.RedisIdempotencyStore) await store.close();
  }
}

async function deleteKeys(): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 }))
    if (keys.length > 0) await client.del(keys);
  client.destroy();
}

const loadBefore = loadavg();
const runs: Record<StoreKind, { parallel: Timing[]; sequential: Timing[]; cpu: CpuPerCall[] }> = {
  memory: { parallel: [], sequential: [], cpu: [] },
  redis: { parallel: [], sequential: [], cpu: [] },
};
try {
  for (let round = 0; round < sizes.rounds; round++) {
    for (const kind of round % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const)) {
      const { parallel, sequential, cpu } = await measure(kind);
      runs[kind].parallel.push(parallel);
      runs[kind].sequential.push(sequential);
      runs[kind].cpu.push(cpu);
      process.stderr.write(
        `  round ${round + 1} ${kind}: ${Math.round(parallel.opsPerSec)} calls/s, ` +
          `CPU per call ${Math.round(cpu.nodeUs)} us here, ${Math.round(cpu.redisUs)} us in Redis\n`,
      );
    }
  }
} finally {
  await deleteKeys();
}
const loadAfter = loadavg();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAverage1m: { before: loadBefore[0], after: loadAfter[0] },
  redis: url,
  sizes: { ...sizes, width: WIDTH },
  memory: {
    parallel: medianTiming(runs.memory.parallel),
    sequential: medianTiming(runs.memory.sequential),
    cpu: medianCpu(runs.memory.cpu),
  },
  redisStore: {
    parallel: medianTiming(runs.redis.parallel),
    sequential: medianTiming(runs.redis.sequential),
    cpu: medianCpu(runs.redis.cpu),
  },
  rounds: runs,
};

function medianCpu(cpus: CpuPerCall[]): CpuPerCall {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { nodeUs: median(cpus.map((c) => c.nodeUs)), redisUs: median(cpus.map((c) => c.redisUs)) };
}

const row = (name: string, t: { parallel: Timing; sequential: Timing; cpu: CpuPerCall }) =>
  `| ${name} | ${Math.round(t.parallel.opsPerSec).toLocaleString('en')} | ${(t.parallel.p50Us / 1000).toFixed(2)} | ` +
  `${(t.parallel.p99Us / 1000).toFixed(2)} | ${Math.round(t.sequential.opsPerSec).toLocaleString('en')} | ` +
  `${(t.sequential.p50Us / 1000).toFixed(3)} | ${(t.sequential.p99Us / 1000).toFixed(3)} | ` +
  `${Math.round(t.cpu.nodeUs)} | ${Math.round(t.cpu.redisUs)} |`;
const ratio = result.redisStore.parallel.opsPerSec / result.memory.parallel.opsPerSec;
const markdown = `# Keyed calls: Redis store vs memory store

${result.date}, Node ${result.node}, ${result.platform}; Redis at ${url}; 1-minute load average
${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after. TxClient -> withTxServer(store) -> echo
over an in-memory pair, every call keyed; medians of ${sizes.rounds} alternating rounds
(${sizes.parallel} calls with ${WIDTH} in flight, ${sizes.sequential} one at a time).

| store | calls/s (${WIDTH} in flight) | p50 ms | p99 ms | calls/s (sequential) | p50 ms | p99 ms | CPU/call here, µs | Redis CPU/call, µs |
|---|---|---|---|---|---|---|---|---|
${row('MemoryIdempotencyStore', result.memory)}
${row('RedisIdempotencyStore', result.redisStore)}

Redis / memory throughput, ${WIDTH} in flight: ${ratio.toFixed(2)} ×. Each keyed call costs the Redis
store two round trips (claim, complete), each one Lua script. CPU per call is of the ${WIDTH}-in-flight
phase: this process's (client, server and store), and the Redis server's (INFO cpu delta / calls).
`;
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/redis.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(new URL('./results/redis.md', import.meta.url), markdown);
process.stdout.write(markdown);
