/**
 * The Markdown report of a production soak (spec/helpers/production-soak.ts), on either SDK major:
 * bench/production-soak.ts (`npm run soak:production`) and bench/v2-stateless-soak.ts (`npm run soak:v2`).
 */
import { cpus, platform } from 'node:os';
import type { ProductionSoakReport } from '../spec/helpers/production-soak.js';

/**
 * Renders `r` as Markdown under the heading `title`, with the machine and its load around the run.
 *
 * @example
 * process.stdout.write(renderSoak(report, { title: 'Production soak', loadBefore: 0.4, loadAfter: 1.2 }));
 */
export function renderSoak(
  r: ProductionSoakReport,
  { title, loadBefore, loadAfter }: { title: string; loadBefore: number; loadAfter: number },
): string {
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
  return `# ${title}

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
