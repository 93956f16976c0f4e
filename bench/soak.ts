/**
 * The DESIGN section 7 scenario: side-effecting calls, 50 in flight, 30 % message loss each way
 * plus duplicates, delays, reordering and a server restart; then the same with the bare SDK.
 * Then repeated connection losses with every call made at once (thousands queued in the
 * client): `bench/loss-soak.ts`. Exits non-zero if mcp-tx lost a call or ran a tool twice.
 *
 *   npm run soak                 # 10,000 calls, then 10,000 more under 10 connection losses
 *   npm run soak -- --calls 1000 --losses 4
 */
import { parseArgs } from 'node:util';
import { formatSummary, runDemo } from '../src/cli/demo/index.js';
import { runLossSoak } from './loss-soak.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    loss: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '42' },
    losses: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const summary = await runDemo({
  calls: Number(values.calls),
  concurrency: Number(values.concurrency),
  loss: Number(values.loss),
  seed: Number(values.seed),
  maxAttempts: 30,
});
if (!values.json) process.stdout.write(formatSummary(summary));
const losses = await runLossSoak({
  calls: Number(values.calls),
  concurrency: Number(values.concurrency),
  losses: Number(values.losses),
  loss: Number(values.loss) / 3,
  seed: Number(values.seed),
  timeoutMs: 200,
});
const lossLine =
  `\nconnection losses: ${losses.losses} (${losses.reconnects} reconnects), ` +
  `queued at each: ${losses.queuedAtLoss.join(', ')}\n` +
  `  ${losses.completed}/${losses.calls} completed, ${losses.executions} executions ` +
  `(${losses.doubleExecutions} double, ${losses.neverExecuted} never), ${Math.round(losses.durationMs)} ms\n`;
process.stdout.write(
  values.json ? `${JSON.stringify({ ...summary, connectionLosses: losses }, null, 2)}\n` : lossLine,
);
const exactlyOnce =
  summary.completed === summary.calls &&
  summary.executions === summary.calls &&
  summary.doubleExecutions === 0 &&
  losses.completed === losses.calls &&
  losses.executions === losses.calls &&
  losses.doubleExecutions === 0;
if (!exactlyOnce) {
  process.stderr.write('soak: FAILED - a call was lost or a tool ran more than once\n');
  process.exitCode = 1;
}
