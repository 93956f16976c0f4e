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
import { cpus, loadavg, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { productionSoak, type ProductionSoakReport } from '../spec/helpers/production-soak.js';

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
const markdown = render(report);
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

function render(r: ProductionSoakReport): string {
  const failures = Object.entries(r.failures)
    .sort(([, a], [, b]) => b - a)
    .map(([label, n]) => `| ${label} | ${n} |`)
    .join('\n');
  const journal = (f: { key: string; outcome: string; sequence: readonly string[] }) =>
    `- \`${f.key}\` ${f.outcome}: ${f.sequence.join('; ') || '(nothing in the journal)'}`;
  const findings = r.findings
    .concat(r.stuck.map((s) => ({ ...s, outcome: `stuck: ${s.outcome}` })))
    .map(journal)
    .join('\n');
  return `# Production soak: two replicas, round robin, ${Math.round(r.loss * 100)} % message loss, SIGKILLs, Redis restarts

${new Date().toISOString()}, Node ${process.version}, ${platform()} ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'};
1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (a loaded machine is slower, not less exact).
Seed ${r.seed}; ${r.calls} keyed calls of a side-effecting tool, ${r.concurrency} in flight, one TxClient.

| | |
|---|---|
| calls answered (a result or a typed error) | ${r.answered} of ${r.calls} |
| completed during the chaos | ${r.completed} |
| ended in a retryable error (${r.attempts} attempts), retried after the chaos / completed then | ${r.retried} / ${r.retriedCompleted} |
| stuck keys (a retry that ended neither completed nor \`OUTCOME_UNKNOWN\`) | ${r.stuck.length} |
| completed in the end | ${r.completedInTheEnd} |
| \`OUTCOME_UNKNOWN\`: owner SIGKILLed mid-call (inherent) | ${r.unknown['owner-killed']} |
| \`OUTCOME_UNKNOWN\`: outcome not stored (store down), answer lost | ${r.unknown['complete-failed']} |
| \`OUTCOME_UNKNOWN\`: claim reply lost (a key held by no one) | ${r.unknown['claim-reply-lost']} |
| \`OUTCOME_UNKNOWN\`: unexplained | ${r.unknown.unexplained} |
| of the \`OUTCOME_UNKNOWN\` keys, the tool had run | ${r.unknownExecuted} |
| tool executions (the ledger) | ${r.executions} |
| keys run twice or more | ${r.doubleExecutions.length} |
| completed calls whose tool never ran | ${r.completedNotExecuted.length} |
| replica SIGKILLs / Redis SIGKILLs (each restarted) | ${r.chaos.replicaKills} / ${r.chaos.redisRestarts} |
| messages lost (requests / answers) | ${r.lost.requests} / ${r.lost.responses} |
| requests per replica slot | ${r.hits.join(' / ')} |
| time | ${(r.durationMs / 1000).toFixed(0)} s |

Calls that did not complete during the chaos, by error:

| error | calls |
|---|---|
${failures || '| none | 0 |'}

Chaos: ${r.chaos.events.join('; ')}

Outcome unknown because the replica holding (or taking) the key's claim was SIGKILLed, with each
key's journal (\`<ms since start> <replica life> <step>\`; a claim taken, or asked for, and nothing after
it from that life): inherent, the store cannot know whether a dead owner ran the tool.
${r.ownerKilled.map(journal).join('\n') || 'none'}

Findings (non-completed calls not put down to a SIGKILL, with each key's journal):
${findings || 'none'}
`;
}
