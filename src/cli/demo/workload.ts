import { mulberry32 } from '../../testing/index.js';
import type { Ledger, Transfer } from './ledger.js';

/** Accounts of the demo ledger. */
export const ACCOUNTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
/** Opening balance of each account, cents: enough that no transfer of a run is refused. */
export const OPENING_CENTS = 100_000_000;

/** `calls` transfers between distinct random accounts, 1 to 10,000 cents each, from `seed`. */
export function makeTransfers(calls: number, seed: number): Transfer[] {
  const random = mulberry32(seed);
  const pick = () => ACCOUNTS[Math.floor(random() * ACCOUNTS.length)] as string;
  return Array.from({ length: calls }, (_, i) => {
    const from = pick();
    let to = pick();
    while (to === from) to = pick();
    return { from, to, cents: 1 + Math.floor(random() * 10_000), ref: `payment-${i + 1}` };
  });
}

/** Nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** What one run (mcp-tx or the bare SDK) did. */
export interface RunStats {
  /**
   * The protocol mcp-tx's run spoke: `legacy` (the `initialize` handshake, sessions) or `modern`
   * (the stateless 2026-07-28 protocol, SDK v2 only); absent for the bare run.
   */
  protocol?: 'legacy' | 'modern';
  /** Logical calls made. */
  calls: number;
  /** Calls that got a result. */
  completed: number;
  /** Calls the client gave up on (no result after every attempt). */
  lost: number;
  /** Why calls were lost: error code (and NACK reason) → count. */
  failures: Record<string, number>;
  /** Attempts beyond the first, over all calls. */
  retries: number;
  /** ACKs received (mcp-tx only). */
  acks: number;
  /** NACKs received (mcp-tx only). */
  nacks: number;
  /** Requests answered from the idempotency store instead of running the tool again. */
  duplicatesSuppressed: number;
  /** Times the tool ran: equal to `calls` is exactly-once. */
  executions: number;
  /** Executions beyond the first of a call: money moved twice. */
  doubleExecutions: number;
  /** Calls whose transfer never ran. */
  neverExecuted: number;
  /** Cents the calls should have moved, each once. */
  expectedCents: number;
  /** Cents the ledger actually moved. */
  movedCents: number;
  /** Latency of completed calls, 50th and 99th percentile, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Wall time of the run, ms. */
  durationMs: number;
}

/** Fills the ledger-derived fields of {@link RunStats}. */
export function ledgerStats(
  ledger: Ledger,
  transfers: readonly Transfer[],
  replays: number,
): Pick<
  RunStats,
  | 'executions'
  | 'doubleExecutions'
  | 'neverExecuted'
  | 'expectedCents'
  | 'movedCents'
  | 'duplicatesSuppressed'
> {
  return {
    executions: ledger.executions,
    doubleExecutions: ledger.doubleExecutions,
    neverExecuted: transfers.filter((t) => !ledger.runs.has(t.ref)).length,
    expectedCents: transfers.reduce((sum, t) => sum + t.cents, 0),
    movedCents: ledger.movedCents,
    duplicatesSuppressed: replays,
  };
}

/** Counts a lost call's error under a short label: the mcp-tx code (and NACK reason), else the message. */
export function countFailure(failures: Record<string, number>, error: unknown): void {
  const e = error as { code?: unknown; reason?: unknown; message?: unknown } | null;
  const label =
    typeof e?.code === 'string'
      ? typeof e.reason === 'string'
        ? `${e.code} ${e.reason}`
        : e.code
      : typeof e?.message === 'string'
        ? e.message.replace(/^MCP error -?\d+: /, '').slice(0, 40)
        : String(error);
  failures[label] = (failures[label] ?? 0) + 1;
}

/**
 * Runs `work` over `items` with `concurrency` workers, calling `onDone` after each item; the
 * same shape for both clients, so that latencies are per call and never include queueing.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  onDone: () => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      await work(items[next++] as T);
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
