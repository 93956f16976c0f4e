/**
 * Jest global setup: finds out once whether Redis answers at REDIS_URL, so that the Redis specs
 * run or (on a machine without Redis) are skipped after one line saying how to start one.
 * In CI (`CI=true`, as .ci/run runs) or with `MCP_TX_REQUIRE_REDIS=1`, a missing Redis is an error instead.
 *
 * Self-contained (node:net only): jest loads a global setup outside its module mapping.
 */
import { Socket } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to start a Redis when the specs find none. */
export const START_REDIS_HINT =
  'Start one with `redis-server --save "" --appendonly no` (or `docker run -d -p 6379:6379 redis:7`), ' +
  'or point REDIS_URL at one.';

/** Whether a Redis answers PING at `url` within `timeoutMs`. */
export function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(Number(port || 6379), hostname || '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export default async function redisGlobalSetup(): Promise<void> {
  // The folder where this run bundles the child scripts of the specs once (spec/helpers/child-bundle.ts);
  // the global teardown removes it.
  process.env.MCP_TX_SPEC_BUNDLES = mkdtempSync(join(tmpdir(), 'mcp-tx-spec-bundles-'));
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const up = await pingRedis(url, 2_000);
  process.env.MCP_TX_REDIS = up ? 'up' : 'down';
  const required = process.env.CI === 'true' || process.env.MCP_TX_REQUIRE_REDIS === '1';
  if (!up) {
    const message = `No Redis at ${url}: the Redis specs (spec/redis) are skipped. ${START_REDIS_HINT}`;
    if (required) throw new Error(message);
    process.stderr.write(`\n${message}\n\n`);
  }
  await startSpecCluster(required);
}

/**
 * Starts the local Redis Cluster of the cluster specs (spec/helpers/redis-cluster.ts), torn down
 * by the global teardown; its root URL goes to the specs in `MCP_TX_REDIS_CLUSTER` ('down' when it
 * could not start: skipped, or an error in CI). `MCP_TX_REDIS_CLUSTER=off` starts none (outside CI).
 */
async function startSpecCluster(required: boolean): Promise<void> {
  if (process.env.MCP_TX_REDIS_CLUSTER === 'off' && !required) {
    process.env.MCP_TX_REDIS_CLUSTER = 'down'; // asked for: a run of specs that need no cluster starts faster
    return;
  }
  try {
    const { url, ports } = await runCluster();
    process.env.MCP_TX_REDIS_CLUSTER = url;
    process.env.MCP_TX_REDIS_CLUSTER_PORTS = ports.join(',');
  } catch (e) {
    process.env.MCP_TX_REDIS_CLUSTER = 'down';
    const message =
      `No local Redis Cluster (${e instanceof Error ? e.message : String(e)}): the cluster specs are skipped. ` +
      'They need redis-server and redis-cli on the PATH, and ports 7100-7119 (MCP_TX_REDIS_CLUSTER_PORT) free.';
    if (required) throw new Error(message, { cause: e });
    process.stderr.write(`\n${message}\n\n`);
  }
}

/**
 * Starts spec/helpers/redis-cluster-runner.ts, which keeps the cluster up until its input ends
 * (the global teardown ends it: `globalThis.mcpTxClusterRunner`).
 */
function runCluster(): Promise<{ url: string; ports: number[] }> {
  const runner = fileURLToPath(new URL('./redis-cluster-runner.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', runner], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  (globalThis as { mcpTxClusterRunner?: ChildProcess }).mcpTxClusterRunner = child;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n'))
        resolve(JSON.parse(out.split('\n')[0] as string) as { url: string; ports: number[] });
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(err.trim() || `the cluster runner exited with ${code}`)));
  });
}
