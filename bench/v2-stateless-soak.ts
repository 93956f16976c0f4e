/**
 * `npm run soak:v2`: issue 22's stateless replicas at full size, the production soak
 * (spec/helpers/production-soak.ts) on SDK v2. Two SDK v2 server processes (`txServerFactory` on
 * `createMcpHandler`, a server per request, one Redis store) behind a plain round-robin proxy (no
 * sticky sessions) losing 20 % of the messages each way; 1,000 keyed calls of a side-effecting
 * tool from one `mcp-tx/v2` TxClient on the stateless 2026-07-28 protocol, 50 in flight, while one
 * replica is SIGKILLed mid-run (and restarted). Writes bench/results/v2-stateless-soak.{md,json};
 * exits non-zero if a tool ran twice, a call went unanswered, a key stayed stuck, a completed call
 * never ran, or a call failed otherwise than with a typed outcome-unknown put down to the kill.
 *
 *   npm run soak:v2
 *   npm run soak:v2 -- --calls 200 --replica-kills 2 --redis-restarts 1 --base-port 7900
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { productionSoak } from '../spec/helpers/production-soak.js';
import { renderSoak } from './soak-report.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    loss: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '22' },
    'replica-kills': { type: 'string', default: '1' },
    'redis-restarts': { type: 'string', default: '0' },
    'lease-ms': { type: 'string', default: '3000' },
    attempts: { type: 'string', default: '5' },
    /** proxy, the two replicas and Redis on four ports from here; default: free ones */
    'base-port': { type: 'string' },
  },
});
const base = values['base-port'] === undefined ? undefined : Number(values['base-port']);
const loadBefore = loadavg()[0] ?? 0;
const report = await productionSoak({
  sdk: 'v2',
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
  title: `SDK v2 stateless soak: two v2 replicas, plain round robin, ${Math.round(report.loss * 100)} % message loss, a replica SIGKILLed`,
  loadBefore,
  loadAfter,
});
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/v2-stateless-soak.md', import.meta.url), markdown);
await writeFile(
  new URL('./results/v2-stateless-soak.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, ...report }, null, 2)}\n`,
);
process.stdout.write(markdown);
if (
  report.doubleExecutions.length > 0 ||
  report.unanswered.length > 0 ||
  report.stuck.length > 0 ||
  report.completedNotExecuted.length > 0 ||
  report.findings.length > 0
) {
  process.stderr.write('soak:v2: FAILED (see the report)\n');
  process.exitCode = 1;
}
