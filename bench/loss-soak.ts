/**
 * The soak's connection-loss scenario: every side-effecting call is made at once (so that
 * more than a thousand wait in the client's queue), and the connection is lost again and again
 * while they run, alternately by a server crash and by the client's own side of the link
 * closing (a close the SDK's in-memory transport reports twice), over a lossy link. Every call
 * must settle, each transfer run exactly once.
 */
import { Ledger } from '../src/cli/demo/ledger.js';
import { DemoNetwork } from '../src/cli/demo/network.js';
import { ACCOUNTS, OPENING_CENTS, countFailure, makeTransfers } from '../src/cli/demo/workload.js';
import { TxClient } from '../src/index.js';
import { MemoryIdempotencyStore } from '../src/server/index.js';

/** Options of {@link runLossSoak}. */
export interface LossSoakOptions {
  /** Transfers, all called at once. */
  calls: number;
  /** Calls in flight at once; the rest wait in the client's queue. */
  concurrency: number;
  /** Connection losses, spread evenly over the run. */
  losses: number;
  /** Probability that a message is lost, each way, 0..1. */
  loss: number;
  seed: number;
  /** Attempt timeout, ms. */
  timeoutMs: number;
}

/** What {@link runLossSoak} measured. */
export interface LossSoakSummary {
  calls: number;
  /** Calls that got a result. */
  completed: number;
  /** Calls that failed for good, by error code. */
  failures: Record<string, number>;
  /** Connection losses made, and connections made after them. */
  losses: number;
  reconnects: number;
  /** Calls waiting in the client's queue at each loss. */
  queuedAtLoss: number[];
  /** Times a transfer ran: equal to `calls` is exactly-once. */
  executions: number;
  doubleExecutions: number;
  neverExecuted: number;
  durationMs: number;
}

/**
 * Runs the scenario in this process (in-memory links, a ledger behind `withTxServer`, one
 * idempotency store shared by every server).
 *
 * @example
 * const s = await runLossSoak({ calls: 3_000, concurrency: 50, losses: 4, loss: 0.1, seed: 7, timeoutMs: 200 });
 * s.completed === s.calls && s.executions === s.calls
 */
export async function runLossSoak(options: LossSoakOptions): Promise<LossSoakSummary> {
  const { calls, concurrency, losses, loss, seed, timeoutMs } = options;
  const ledger = new Ledger(ACCOUNTS, OPENING_CENTS);
  const faults = { drop: loss, duplicate: loss / 4, delayMs: [0, 5] as const, reorderWindow: 4 };
  const network = new DemoNetwork(ledger, new MemoryIdempotencyStore(), faults, seed);
  const started = performance.now();
  const client = await TxClient.connect(() => network.connect(), {
    concurrency,
    maxQueue: calls,
    timeoutMs,
    retry: { maxAttempts: 50, baseDelayMs: 10, maxDelayMs: timeoutMs },
    reconnect: {
      maxAttempts: 20,
      baseDelayMs: 10,
      maxDelayMs: timeoutMs,
      initializeTimeoutMs: 5 * timeoutMs,
    },
  });
  // faults on once each connection is up (an MCP handshake is not retried by anyone)
  let up = false;
  const status = client.status$.subscribe((s) => up && s === 'connected' && network.faulty());
  up = true;
  network.faulty();

  const lossAt = Array.from({ length: losses }, (_, i) => Math.floor(((i + 1) * calls) / (2 * losses + 2)));
  const queuedAtLoss: number[] = [];
  const failures: Record<string, number> = {};
  let done = 0;
  let completed = 0;
  const loseConnection = () => {
    queuedAtLoss.push(client.metrics().queue.queued);
    // alternately: the server crashes, or the client's side of the link closes
    if (queuedAtLoss.length % 2 === 1) void network.restartServer();
    else void client.sdk.transport?.close();
  };
  await Promise.all(
    makeTransfers(calls, seed).map((transfer) =>
      client
        .call('transfer', { ...transfer })
        .then(
          () => void completed++,
          (e: unknown) => countFailure(failures, e),
        )
        .finally(() => {
          done++;
          if (done === lossAt[queuedAtLoss.length]) loseConnection();
        }),
    ),
  );
  const durationMs = performance.now() - started;
  status.unsubscribe();
  await client.close();
  await network.close();
  const refs = new Set(makeTransfers(calls, seed).map((t) => t.ref));
  return {
    calls,
    completed,
    failures,
    losses: queuedAtLoss.length,
    reconnects: network.servers - 1,
    queuedAtLoss,
    executions: ledger.executions,
    doubleExecutions: ledger.doubleExecutions,
    neverExecuted: [...refs].filter((ref) => !ledger.runs.has(ref)).length,
    durationMs,
  };
}
