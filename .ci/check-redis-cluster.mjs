// CI runs the Redis Cluster specs for real: a machine that cannot start a local cluster of three
// masters (redis-server and redis-cli, ports 7100-7119) fails the run here, saying why, instead of
// letting `npm test` skip them.
import { spawn } from 'node:child_process';
import process from 'node:process';
import { setTimeout, clearTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';

const { console } = globalThis;
const runner = fileURLToPath(new URL('../spec/helpers/redis-cluster-runner.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', runner], { stdio: ['pipe', 'pipe', 'pipe'] });
let out = '';
let err = '';
const fail = (why) => {
  console.error(
    `.ci/run: cannot start a local Redis Cluster (${why}). The cluster specs need redis-server and ` +
      'redis-cli (apt-get install redis-server, Redis 6.2 or later) and ports 7100-7119 with their bus ports ' +
      '(17100-17119) free; MCP_TX_REDIS_CLUSTER_PORT moves them.',
  );
  child.kill('SIGKILL');
  process.exit(1);
};
const timer = setTimeout(() => fail('no cluster within 30 s'), 30_000);
child.once('error', (e) => fail(e.message));
child.stderr.on('data', (chunk) => (err += chunk));
child.once('exit', (code) => fail(err.trim() || `the runner exited with ${code}`));
child.stdout.on('data', (chunk) => {
  out += chunk;
  if (!out.includes('\n')) return;
  clearTimeout(timer);
  const { url, ports } = JSON.parse(out.split('\n')[0]);
  child.removeAllListeners('exit');
  child.once('exit', (code) => {
    if (code !== 0) fail(`the runner did not stop cleanly (exit ${code})`);
    console.log(`.ci/run: a local Redis Cluster of ${ports.length} masters starts (${url}) and stops`);
  });
  child.stdin.end();
});
