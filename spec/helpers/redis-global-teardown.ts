/**
 * Jest global teardown: stops the local Redis Cluster the global setup started
 * (spec/helpers/redis-global-setup.ts), and removes its folder of child bundles.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export default async function redisGlobalTeardown(): Promise<void> {
  const bundles = process.env.MCP_TX_SPEC_BUNDLES;
  if (bundles !== undefined && bundles !== '') rmSync(bundles, { recursive: true, force: true });
  const runner = (globalThis as { mcpTxClusterRunner?: ChildProcess }).mcpTxClusterRunner;
  if (runner === undefined || runner.exitCode !== null) return;
  const exited = new Promise((resolve) => runner.once('exit', resolve));
  runner.stdin?.end(); // it stops every node, then exits
  await exited;
}
