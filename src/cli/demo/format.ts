import type { DemoSummary } from './summary.js';
import type { RunStats } from './workload.js';

const dollars = (cents: number): string =>
  `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const ms = (value: number): string => `${Math.round(value)} ms`;

/**
 * The demo's readable summary: mcp-tx beside the bare SDK, then the verdict.
 *
 * @example
 * process.stdout.write(formatSummary(await runDemo()));
 */
export function formatSummary(summary: DemoSummary): string {
  const { bare, faults } = summary;
  const rows: [string, (s: RunStats) => string, ((s: RunStats) => string)?][] = [
    ['calls', (s) => String(s.calls)],
    ['completed', (s) => String(s.completed)],
    ['lost calls', (s) => String(s.lost)],
    ['retries', (s) => String(s.retries)],
    ['ACKs', (s) => String(s.acks), () => '-'],
    ['NACKs', (s) => String(s.nacks), () => '-'],
    ['duplicates suppressed', (s) => String(s.duplicatesSuppressed)],
    ['tool executions', (s) => String(s.executions)],
    ['double executions', (s) => String(s.doubleExecutions)],
    ['never executed', (s) => String(s.neverExecuted)],
    ['money moved', (s) => dollars(s.movedCents)],
    [
      'ledger error',
      (s) => (s.movedCents === s.expectedCents ? 'none' : dollars(s.movedCents - s.expectedCents)),
    ],
    ['latency p50', (s) => ms(s.p50Ms)],
    ['latency p99', (s) => ms(s.p99Ms)],
    ['wall time', (s) => ms(s.durationMs)],
  ];
  const lines = [
    `mcp-tx demo: ${summary.calls} transfers, ${summary.concurrency} in flight, seed ${summary.seed}${onSdk(summary)}`,
    `faults each way: ${pct(faults.drop)} lost, ${pct(faults.duplicate)} duplicated, ${faults.delayMs[0]}-${faults.delayMs[1]} ms delay, ` +
      `reordering within ${faults.reorderWindow}; server restarted ${summary.restarts}x mid-run`,
    `both clients: ${summary.timeoutMs} ms per attempt, up to ${summary.maxAttempts} attempts; expected ${dollars(summary.expectedCents)} moved`,
    '',
    `${''.padEnd(24)}${'mcp-tx'.padStart(14)}${'bare SDK'.padStart(14)}`,
    ...rows.map(
      ([label, tx, other = tx]) =>
        `${label.padEnd(24)}${tx(summary).padStart(14)}${other(bare).padStart(14)}`,
    ),
    '',
    verdict('mcp-tx', summary),
    verdict('bare SDK', bare),
  ];
  return `${lines.join('\n')}\n`;
}

function verdict(name: string, s: RunStats): string {
  if (s.executions === s.calls && s.completed === s.calls && s.doubleExecutions === 0) {
    return `${name}: exactly once - ${s.calls} calls, ${s.executions} executions, ledger correct`;
  }
  const problems = [
    s.lost > 0 ? `${s.lost} calls lost` : '',
    s.doubleExecutions > 0 ? `${s.doubleExecutions} transfers ran twice or more` : '',
    s.neverExecuted > 0 ? `${s.neverExecuted} never ran` : '',
    s.movedCents !== s.expectedCents ? `ledger off by ${dollars(s.movedCents - s.expectedCents)}` : '',
  ].filter(Boolean);
  const why = Object.entries(s.failures).map(([label, n]) => `${n}x ${label}`);
  return `${name}: ${s.calls} calls, ${s.executions} executions - ${problems.join(', ')}${why.length > 0 ? ` (lost: ${why.join(', ')})` : ''}`;
}

function pct(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}

/** Which SDK (and protocol) mcp-tx's run was on, when not the default SDK v1. */
function onSdk({ sdk, protocol }: DemoSummary): string {
  if (sdk === 'v1') return '';
  return `, mcp-tx on SDK v2${protocol === 'modern' ? ' (the stateless 2026-07-28 protocol)' : ''}`;
}
