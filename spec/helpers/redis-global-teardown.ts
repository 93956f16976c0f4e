/** Jest global teardown: stops the local Redis Cluster the global setup started (spec/helpers/redis-global-setup.ts). */
import type { ChildProcess } from 'node:child_process';

export default async function redisGlobalTeardown(): Promise<void> {
  const runner = (globalThis as { mcpTxClusterRunner?: ChildProcess }).mcpTxClusterRunner;
  if (runner === undefined || runner.exitCode !== null) return;
  const exited = new Promise((resolve) => runner.once('exit', resolve));
  runner.stdin?.end(); // it stops every node, then exits
  await exited;
}
