/**
 * `npm run soak:production`: the production soak at full size (spec/helpers/production-soak.ts).
 * Two SDK v1 replicas (stateless Streamable HTTP, `withTxServer`, one Redis store) behind a
 * round-robin proxy losing 20 % of the messages each way, one private `redis-server` with an
 * append-only file fsynced on every write; 10,000 keyed calls of a side-effecting tool from one
 * `TxClient`, 50 in flight, while the replicas are SIGKILLed and restarted and Redis is SIGKILLed
 * and restarted. Writes bench/results/production-soak.{md,json}; exits non-zero if a tool ran
 * twice, a call went unanswered, a key stayed stuck, or a completed call never ran.
 *
 *   npm run soak:production
 *   npm run soak:production -- --calls 2000 --replica-kills 4 --redis-restarts 1 --base-port 7200
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { productionSoak } from '../spec/helpers/production-soak.js';
import { renderSoak } from './soak-report.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    loss: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '21' },
    'replica-kills': { type: 'string', default: '6' },
    'redis-restarts': { type: 'string', default: '2' },
    'lease-ms': { type: 'string', default: '3000' },
    attempts: { type: 'string', default: '5' },
    /** proxy, the two replicas and Redis on four ports from here; default: free ones */
    'base-port': { type: 'string' },
  },
});
const base = values['base-port'] === undefined ? undefined : Number(values['base-port']);
const loadBefore = loadavg()[0] ?? 0;
const report = await productionSoak({
  calls: Number(values.calls),
  concurrency: Number(values.concurrency),
  loss: Number(values.loss),
  seed: Number(values.seed),
  replicaKills: Number(values['replica-kills']),
  redisRestarts: Number(values['redis-restarts']),
  leaseMs: Number(values['lease-ms']),
  attempts: Number(values.attempts),
  ...(base === undefined
    ? {}
    : { ports: { proxy: base, replicas: [base + 1, base + 2] as const, redis: base + 3 } }),
  log: (line) => process.stderr.write(`  ${line}\n`),
});
const loadAfter = loadavg()[0] ?? 0;
const markdown = renderSoak(report, {
  title: `Production soak: two replicas, round robin, ${Math.round(report.loss * 100)} % message loss, SIGKILLs, Redis restarts`,
  loadBefore,
  loadAfter,
});
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/production-soak.md', import.meta.url), markdown);
await writeFile(
  new URL('./results/production-soak.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, ...report }, null, 2)}\n`,
);
process.stdout.write(markdown);
if (
  report.doubleExecutions.length > 0 ||
  report.unanswered.length > 0 ||
  report.stuck.length > 0 ||
  report.completedNotExecuted.length > 0
) {
  process.stderr.write('soak:production: FAILED (see the report)\n');
  process.exitCode = 1;
}
