/**
 * `npm run bench:cluster`: the Redis Cluster failover soak (spec/helpers/cluster-failover.ts). Two
 * replicas share a RedisIdempotencyStore key space on a local cluster of three masters started
 * from the machine's redis-server; 10,000 keyed calls, 50 in flight; one master killed a third of
 * the way through and restarted (empty) 3 s later. Nothing may run twice, and every call that
 * fails must fail closed (retryable) without its tool having run. Writes
 * bench/results/cluster-soak.{md,json}. `--quick` for 2,000 calls and a 1 s outage.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { clusterFailover } from '../spec/helpers/cluster-failover.js';

const quick = process.argv.includes('--quick');
const loadBefore = loadavg()[0] ?? 0;
const report = await clusterFailover({
  calls: quick ? 2_000 : 10_000,
  width: 50,
  outageMs: quick ? 1_000 : 3_000,
  progress: (line) => process.stderr.write(`  ${line}\n`),
});
const loadAfter = loadavg()[0] ?? 0;
const ok =
  report.ranTwice === 0 &&
  report.failedButRan === 0 &&
  report.succeededNotOnce === 0 &&
  report.failedOtherwise === 0 &&
  report.succeeded + report.failedClosed === report.calls;
const markdown = `# Redis Cluster failover soak

${new Date().toISOString()}, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(2)} before,
${loadAfter.toFixed(2)} after. Two replicas (TxClient -> withTxServer -> tool, in memory) on one key
space of a local cluster of three masters; ${report.calls.toLocaleString('en')} keyed calls, 50 in flight;
the master on port ${report.killedPort} killed after a third of them and restarted (empty) ${report.outageMs} ms later.

| calls | succeeded | failed closed (retryable) | failed otherwise | keys run twice | failed but ran | succeeded, not run once | calls/s |
|---|---|---|---|---|---|---|---|
| ${report.calls} | ${report.succeeded} | ${report.failedClosed} | ${report.failedOtherwise} | ${report.ranTwice} | ${report.failedButRan} | ${report.succeededNotOnce} | ${Math.round(report.callsPerSec)} |

${ok ? 'Held: nothing ran twice, every failure failed closed.' : 'FAILED: see the counts above.'}
${report.samples.map((s) => `- ${s}`).join('\n')}
`;
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/cluster-soak.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
await writeFile(new URL('./results/cluster-soak.md', import.meta.url), markdown);
process.stdout.write(markdown);
if (!ok) process.exitCode = 1;
