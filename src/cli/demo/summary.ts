import type { Faults } from './network.js';
import type { RunStats } from './workload.js';

/**
 * What `runDemo` measured: the mcp-tx run at the top level, the bare SDK run under `bare`.
 *
 * @example
 * const summary: DemoSummary = await runDemo({ calls: 100 });
 * summary.executions === summary.calls; // the exactly-once proof
 */
export interface DemoSummary extends RunStats {
  /** The SDK major of mcp-tx's run (its client and servers). */
  sdk: 'v1' | 'v2';
  seed: number;
  concurrency: number;
  faults: Faults;
  /** Server restarts per run. */
  restarts: number;
  timeoutMs: number;
  maxAttempts: number;
  /** The same transfers, faults and seed with the bare SDK `Client` and a naive retry loop. */
  bare: RunStats;
}
