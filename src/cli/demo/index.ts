import type { Faults } from './network.js';
import { runBare } from './run-bare.js';
import { runTx, type RunProgress, type RunSettings } from './run-tx.js';
import { DEMO_DEFAULTS, attemptsFor } from './defaults.js';
import { makeTransfers } from './workload.js';
import type { DemoSummary } from './summary.js';

export { formatSummary } from './format.js';
export { DEMO_DEFAULTS, attemptsFor } from './defaults.js';
export { Ledger, type Transfer } from './ledger.js';
export type { RunProgress } from './run-tx.js';
export type { RunStats } from './workload.js';
export type { Faults } from './network.js';
export type { DemoSummary } from './summary.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Transfers to make. @default 300 */
  calls?: number;
  /** Calls in flight at once. @default 20 */
  concurrency?: number;
  /** Probability that a message is lost, each way, 0..1. @default 0.2 */
  loss?: number;
  /** Seed of the faults and the transfers. @default 42 */
  seed?: number;
  /** Probability that a message arrives twice, each way. @default 0.05 */
  duplicate?: number;
  /** Per-attempt timeout of both clients, ms. @default 200 */
  timeoutMs?: number;
  /** Attempts per call, the first included, for both clients. @default enough that no call is likely lost (attemptsFor) */
  maxAttempts?: number;
  /**
   * The SDK major of mcp-tx's run: `v2` runs it with the `mcp-tx/v2` client and SDK v2 servers
   * (`@modelcontextprotocol/server`, served by `serveStdio`) over SDK v2's in-memory pair, on the
   * stateless 2026-07-28 protocol; the bare run stays on SDK v1. @default 'v1'
   */
  sdk?: 'v1' | 'v2';
  /** Live counters after every finished call, per run. */
  onProgress?: (run: 'mcp-tx' | 'bare', progress: RunProgress) => void;
}

/**
 * Runs the demo in this process: the same seeded transfers, first through `TxClient` to ledger
 * servers behind `withTxServer`, then through the bare SDK `Client`, both over a link that loses,
 * duplicates, delays and reorders messages, with a server restart halfway.
 *
 * @example
 * const summary = await runDemo({ calls: 100 });
 * summary.executions === summary.calls // the exactly-once proof
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const {
    calls = DEMO_DEFAULTS.calls,
    concurrency = DEMO_DEFAULTS.concurrency,
    loss = DEMO_DEFAULTS.loss,
    seed = DEMO_DEFAULTS.seed,
    duplicate = DEMO_DEFAULTS.duplicate,
    timeoutMs = DEMO_DEFAULTS.timeoutMs,
    maxAttempts = attemptsFor(loss, calls),
    onProgress,
    sdk = 'v1',
  } = options;
  const faults: Faults = { drop: loss, duplicate, delayMs: [0, 10], reorderWindow: 4 };
  const transfers = makeTransfers(calls, seed);
  const settings = (run: 'mcp-tx' | 'bare'): RunSettings => ({
    concurrency,
    timeoutMs,
    maxAttempts,
    baseDelayMs: 20,
    faults,
    seed,
    onProgress: onProgress && ((p) => onProgress(run, p)),
  });
  const tx = await runTx(transfers, { ...settings('mcp-tx'), sdk });
  const bare = await runBare(transfers, settings('bare'));
  return { ...tx, sdk, seed, concurrency, faults, restarts: 1, timeoutMs, maxAttempts, bare };
}
