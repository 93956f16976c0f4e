/**
 * `npm run bench:crash`: the crash proof at full size. A ledger server (spec/helpers/ledger-server.ts)
 * is killed with SIGKILL 200 times at random points of its `transfer` tool (before, during and
 * after its writes, before and after the commit, or at a random moment), restarted, and every
 * unanswered key retried, on the PostgreSQL store with a transactional tool and on the Redis
 * store with the same tool committing its own transaction. Writes bench/results/crash.{md,json}.
 * `--kills N` (default 200), `--transfers N` (default 1,000), `--seed N`, `--store postgres|redis`
 * (default both, one after the other).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { crashRun, type CrashReport } from '../spec/helpers/crash-run.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '200' },
    transfers: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '25' },
    store: { type: 'string' },
  },
});
const kills = Number(values.kills);
const transfers = Number(values.transfers);
const seed = Number(values.seed);

const loadBefore = loadavg()[0] ?? 0;
const reports: CrashReport[] = [];
const stores = (['postgres', 'redis'] as const).filter(
  (s) => values.store === undefined || values.store === s,
);
for (const store of stores) {
  const report = await crashRun({
    store,
    transfers,
    kills,
    seed,
    log: (line) => process.stderr.write(`  ${store} ${line}\n`),
  });
  reports.push(report);
}
const loadAfter = loadavg()[0] ?? 0;

const row = (r: CrashReport) =>
  `| ${r.store === 'postgres' ? 'PostgreSQL, transactional tool' : 'Redis, tool commits alone'} | ${r.kills} | ` +
  `${r.transfers} | ${r.answered} | ${r.unknown} (${r.unknownApplied} applied) | ${r.appliedTwice} | ` +
  `${r.answeredNotApplied} | ${r.balanced ? 'yes' : 'NO'} | ${(r.ms / 1000).toFixed(0)} s |`;
const points = (r: CrashReport) =>
  Object.entries(r.killsAt)
    .map(([point, n]) => `${point} ${n}`)
    .join(', ');
const markdown = `# Crash proof: SIGKILL at random points of a transfer tool

${new Date().toISOString()}, Node ${process.version}, ${platform()} ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'};
1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. Seed ${seed}; 5 calls in flight per life.

| store | kills | transfers | answered | outcome_unknown | applied twice | answered, not applied | balanced | time |
|---|---|---|---|---|---|---|---|---|
${reports.map(row).join('\n')}

Kills by point: ${reports.map((r) => `${r.store}: ${points(r)}`).join('; ')}.
`;
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const name = values.store === undefined ? 'crash' : `crash-${values.store}`;
await writeFile(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(reports, null, 2)}\n`);
await writeFile(new URL(`./results/${name}.md`, import.meta.url), markdown);
process.stdout.write(markdown);
