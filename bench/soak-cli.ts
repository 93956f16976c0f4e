/**
 * The command line of the production soak's two sizes (`npm run soak:production`, `npm run
 * soak:v2`): reads the options (each defaulting to what the script gives), runs the soak
 * (spec/helpers/production-soak.ts), writes bench/results/<file>.{md,json}, prints the report,
 * and sets a non-zero exit code if a tool ran twice, a call went unanswered, a key stayed stuck,
 * a completed call never ran, or (`failOnFindings`) the soak found anything else.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { productionSoak } from '../spec/helpers/production-soak.js';
import { renderSoak } from './soak-report.js';

/** What one soak script sets: its name, its results file, its defaults and its title. */
export interface SoakCli {
  /** The npm script, named in the failure line. */
  readonly name: string;
  /** bench/results/<file>.md and .json. */
  readonly file: string;
  /** The report's title, given the message loss in per cent. */
  readonly title: (lossPercent: number) => string;
  /** The SDK major of the replicas and the client. @default 'v1' */
  readonly sdk?: 'v2';
  /** Defaults of --calls, --seed, --replica-kills and --redis-restarts. */
  readonly defaults: { calls: number; seed: number; replicaKills: number; redisRestarts: number };
  /** Fail on the report's findings too (a call that failed without a cause the soak accepts). */
  readonly failOnFindings: boolean;
}

/** Runs the soak `cli` describes with the process's arguments. */
export async function runSoakCli(cli: SoakCli): Promise<void> {
  const { defaults } = cli;
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: String(defaults.calls) },
      concurrency: { type: 'string', default: '50' },
      loss: { type: 'string', default: '0.2' },
      seed: { type: 'string', default: String(defaults.seed) },
      'replica-kills': { type: 'string', default: String(defaults.replicaKills) },
      'redis-restarts': { type: 'string', default: String(defaults.redisRestarts) },
      'lease-ms': { type: 'string', default: '3000' },
      attempts: { type: 'string', default: '5' },
      /** proxy, the two replicas and Redis on four ports from here; default: free ones */
      'base-port': { type: 'string' },
    },
  });
  const base = values['base-port'] === undefined ? undefined : Number(values['base-port']);
  const loadBefore = loadavg()[0] ?? 0;
  const report = await productionSoak({
    ...(cli.sdk === undefined ? {} : { sdk: cli.sdk }),
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
    title: cli.title(Math.round(report.loss * 100)),
    loadBefore,
    loadAfter,
  });
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/${cli.file}.md`, import.meta.url), markdown);
  await writeFile(
    new URL(`./results/${cli.file}.json`, import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, ...report }, null, 2)}\n`,
  );
  process.stdout.write(markdown);
  if (
    report.doubleExecutions.length > 0 ||
    report.unanswered.length > 0 ||
    report.stuck.length > 0 ||
    report.completedNotExecuted.length > 0 ||
    (cli.failOnFindings && report.findings.length > 0)
  ) {
    process.stderr.write(`${cli.name}: FAILED (see the report)\n`);
    process.exitCode = 1;
  }
}
