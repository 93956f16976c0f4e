/**
 * The DESIGN section 6 scenario: side-effecting calls, 50 in flight, 30 % message loss each way
 * plus duplicates, delays, reordering and a server restart; then the same with the bare SDK.
 * Exits non-zero if mcp-tx lost a call or ran a tool twice.
 *
 *   npm run soak                 # 10,000 calls
 *   npm run soak -- --calls 1000
 */
import { parseArgs } from 'node:util';
import { formatSummary, runDemo } from '../src/cli/demo/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    loss: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '42' },
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
process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
const exactlyOnce =
  summary.completed === summary.calls &&
  summary.executions === summary.calls &&
  summary.doubleExecutions === 0;
if (!exactlyOnce) {
  process.stderr.write('soak: FAILED - a call was lost or a tool ran more than once\n');
  process.exitCode = 1;
}
