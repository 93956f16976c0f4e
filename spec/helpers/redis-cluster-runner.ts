/**
 * Runs a local Redis Cluster (spec/helpers/redis-cluster.ts) for as long as its standard input
 * stays open: prints `{ "url", "ports" }` as one JSON line once the cluster is ok, stops every
 * node when its input ends (its parent closed it, or died), and exits. On failure it prints why to
 * stderr and exits 1. Run as `node --import tsx spec/helpers/redis-cluster-runner.ts`: jest's
 * global setup (which cannot import TypeScript) and .ci/check-redis-cluster.mjs start it.
 */
import process from 'node:process';
import { startCluster } from './redis-cluster.js';

try {
  const cluster = await startCluster();
  process.stdout.write(`${JSON.stringify({ url: cluster.url, ports: cluster.ports })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void cluster.stop().then(() => process.exit(0)));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
