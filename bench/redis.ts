/**
 * `npm run bench:redis`: keyed calls per second and latency with the Redis idempotency store
 * against the memory store, in the same run: TxClient -> withTxServer(store) -> McpServer echo over
 * an in-memory pair (so that the store is what differs), every call keyed (TxClient's default),
 * 50 in flight and one at a time. A third store is the floor of any store that goes to Redis: the
 * memory store behind one `PING` round trip per claim and one per completion (node-redis, same
 * Redis, no script). Rounds rotate the stores; medians are reported, with the CPU per call of this
 * process and of the Redis server, and the Redis commands per call. Writes
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

const KINDS = ['memory', 'floor', 'redis'] as const;
type StoreKind = (typeof KINDS)[number];

/** Redis's own CPU so far (INFO cpu: used_cpu_user + used_cpu_sys), µs, and the commands it ran. */
async function redisCounters(): Promise<{ cpuUs: number; commands: number }> {
  const client = createClient({ url });
  await client.connect();
  try {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    const stats = await client.info('commandstats');
    let commands = 0;
    for (const [, name, calls] of stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g))
      if (name === 'evalsha' || name === 'eval' || name === 'ping') commands += Number(calls);
    return { cpuUs: (field('used_cpu_user') + field('used_cpu_sys')) * 1e6, commands };
  } finally {
    client.destroy();
  }
}

/**
 * Per call of the parallel phase: CPU µs of this process and of the Redis server, and the
 * commands the store sent (EVALSHA for the Redis store, PING for the floor; 0 for memory).
 */
interface CpuPerCall {
  nodeUs: number;
  redisUs: number;
  commands: number;
}

/** The memory store behind one PING round trip per claim and one per completion: the floor of a Redis store. */
function floorStore(ping: () => Promise<unknown>): InstanceType<typeof serverLib.MemoryIdempotencyStore> {
  type Memory = InstanceType<typeof serverLib.MemoryIdempotencyStore>;
  return new (class extends serverLib.MemoryIdempotencyStore {
    override async claim(...args: Parameters<Memory['claim']>) {
      await ping();
      return super.claim(...args);
    }
    override async complete(...args: Parameters<Memory['complete']>) {
      await ping();
      return super.complete(...args);
    }
  })();
}

async function measure(kind: StoreKind): Promise<{ parallel: Timing; sequential: Timing; cpu: CpuPerCall }> {
  const pinger = kind === 'floor' ? await createClient({ url }).connect() : undefined;
  const store =
    kind === 'memory'
      ? new serverLib.MemoryIdempotencyStore()
      : pinger !== undefined
        ? floorStore(() => pinger.sendCommand(['PING']))
        : new redisLib.RedisIdempotencyStore({ url, keyPrefix: prefix, ttlMs: 600_000 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await echoServer().connect(serverLib.withTxServer(serverSide, { store }));
  const client = await lib.TxClient.connect(clientSide, { concurrency: WIDTH, maxQueue: 100_000 });
  const call = (i: number) => client.call('echo', { v: i });
  try {
    await timeCalls(call, sizes.warmup, WIDTH);
    const redisBefore = kind === 'memory' ? undefined : await redisCounters();
    const nodeBefore = process.cpuUsage();
    const parallel = await timeCalls(call, sizes.parallel, WIDTH);
    const node = process.cpuUsage(nodeBefore);
    const redisAfter = redisBefore === undefined ? undefined : await redisCounters();
    const per = (after = 0, before = 0) => (after - before) / sizes.parallel;
    const cpu = {
      nodeUs: (node.user + node.system) / sizes.parallel,
      redisUs: per(redisAfter?.cpuUs, redisBefore?.cpuUs),
      commands: per(redisAfter?.commands, redisBefore?.commands),
    };
    const sequential = await timeCalls(call, sizes.sequential, 1);
    return { parallel, sequential, cpu };
  } finally {
    await client.close();
    if (store instanceof redisLib.RedisIdempotencyStore) await store.close();
    pinger?.destroy();
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
const runs = Object.fromEntries(
  KINDS.map((kind) => [
    kind,
    { parallel: [] as Timing[], sequential: [] as Timing[], cpu: [] as CpuPerCall[] },
  ]),
) as Record<StoreKind, { parallel: Timing[]; sequential: Timing[]; cpu: CpuPerCall[] }>;
try {
  for (let round = 0; round < sizes.rounds; round++) {
    // Each round starts with another store, so that none always runs first (or after the same one).
    for (const kind of [...KINDS.slice(round % KINDS.length), ...KINDS.slice(0, round % KINDS.length)]) {
      const { parallel, sequential, cpu } = await measure(kind);
      runs[kind].parallel.push(parallel);
      runs[kind].sequential.push(sequential);
      runs[kind].cpu.push(cpu);
      process.stderr.write(
        `  round ${round + 1} ${kind}: ${Math.round(parallel.opsPerSec)} calls/s, ` +
          `CPU per call ${Math.round(cpu.nodeUs)} us here, ${Math.round(cpu.redisUs)} us in Redis, ` +
          `${cpu.commands.toFixed(2)} commands\n`,
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
  memory: summary('memory'),
  floor: summary('floor'),
  redisStore: summary('redis'),
  rounds: runs,
};

function summary(kind: StoreKind) {
  const { parallel, sequential, cpu } = runs[kind];
  return { parallel: medianTiming(parallel), sequential: medianTiming(sequential), cpu: medianCpu(cpu) };
}

function medianCpu(cpus: CpuPerCall[]): CpuPerCall {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return {
    nodeUs: median(cpus.map((c) => c.nodeUs)),
    redisUs: median(cpus.map((c) => c.redisUs)),
    commands: median(cpus.map((c) => c.commands)),
  };
}

const row = (name: string, t: { parallel: Timing; sequential: Timing; cpu: CpuPerCall }) =>
  `| ${name} | ${Math.round(t.parallel.opsPerSec).toLocaleString('en')} | ${(t.parallel.p50Us / 1000).toFixed(2)} | ` +
  `${(t.parallel.p99Us / 1000).toFixed(2)} | ${Math.round(t.sequential.opsPerSec).toLocaleString('en')} | ` +
  `${(t.sequential.p50Us / 1000).toFixed(3)} | ${(t.sequential.p99Us / 1000).toFixed(3)} | ` +
  `${Math.round(t.cpu.nodeUs)} | ${Math.round(t.cpu.redisUs)} | ${t.cpu.commands.toFixed(2)} |`;
const throughput = (kind: 'memory' | 'floor' | 'redisStore') => result[kind].parallel.opsPerSec;
const ratio = throughput('redisStore') / throughput('memory');
const markdown = `# Keyed calls: Redis store vs memory store

${result.date}, Node ${result.node}, ${result.platform}; Redis at ${url}; 1-minute load average
${loadBefore[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after. TxClient -> withTxServer(store) -> echo
over an in-memory pair, every call keyed; medians of ${sizes.rounds} rounds, each store in turn
(${sizes.parallel} calls with ${WIDTH} in flight, ${sizes.sequential} one at a time).

| store | calls/s (${WIDTH} in flight) | p50 ms | p99 ms | calls/s (sequential) | p50 ms | p99 ms | CPU/call here, µs | Redis CPU/call, µs | Redis commands/call |
|---|---|---|---|---|---|---|---|---|---|
${row('MemoryIdempotencyStore', result.memory)}
${row('floor: memory + PING per claim and completion', result.floor)}
${row('RedisIdempotencyStore', result.redisStore)}

Redis / memory throughput, ${WIDTH} in flight: ${ratio.toFixed(2)} × (the floor: ${(throughput('floor') / throughput('memory')).toFixed(2)} ×;
Redis / floor: ${(throughput('redisStore') / throughput('floor')).toFixed(2)} ×). A keyed call costs the Redis store one
claim and one completion, each one Lua script (\`EVALSHA\`); under load the claims (and the completions)
that arrive while one is on its way go together in the next, hence fewer commands than calls. The floor
is the memory store behind one \`PING\` round trip per claim and one per completion (node-redis, the same
Redis): what two round trips per call cost without any script. CPU per call is of the ${WIDTH}-in-flight phase:
this process's (client, server and store), and the Redis server's (INFO cpu delta / calls).
`;
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/redis.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(new URL('./results/redis.md', import.meta.url), markdown);
process.stdout.write(markdown);
