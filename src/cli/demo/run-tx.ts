import { MemoryIdempotencyStore } from '../../server/index.js';
import { TxClient } from '../../index.js';
import { Ledger, type Transfer } from './ledger.js';
import { DemoNetwork, type Faults } from './network.js';
import {
  ACCOUNTS,
  OPENING_CENTS,
  countFailure,
  ledgerStats,
  percentile,
  runPool,
  type RunStats,
} from './workload.js';

/** The client settings of a demo run, the same for mcp-tx and the bare SDK. */
export interface RunSettings {
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  faults: Faults;
  seed: number;
  /** Called after every finished call with the run's counters so far. */
  onProgress?: ((progress: RunProgress) => void) | undefined;
  /** The SDK major of mcp-tx's run: its client (`mcp-tx/v2` when `v2`) and servers. @default 'v1' */
  sdk?: 'v1' | 'v2';
}

/** Live counters of a run, for a progress display. */
export interface RunProgress {
  done: number;
  total: number;
  retries: number;
  acks: number;
  nacks: number;
  executions: number;
}

/**
 * Makes every transfer through a {@link TxClient} (mcp-tx/v2's with `settings.sdk: 'v2'`) over
 * the faulty network, to ledger servers (of the same SDK major) behind `withTxServer` sharing one store; the server is restarted once half of the calls are
 * done, and the client reconnects through its transport factory.
 *
 * @example
 * const stats = await runTx(makeTransfers(300, 42), settings);
 * stats.executions === stats.calls // exactly once
 */
export async function runTx(transfers: readonly Transfer[], settings: RunSettings): Promise<RunStats> {
  const { concurrency, timeoutMs, maxAttempts, baseDelayMs, faults, seed, onProgress, sdk = 'v1' } = settings;
  const ledger = new Ledger(ACCOUNTS, OPENING_CENTS);
  const network = new DemoNetwork(ledger, new MemoryIdempotencyStore(), faults, seed, sdk);
  const started = performance.now();
  let connected = false;
  const options = {
    concurrency,
    timeoutMs,
    retry: { maxAttempts, baseDelayMs, maxDelayMs: timeoutMs },
    reconnect: { maxAttempts: 20, baseDelayMs, maxDelayMs: timeoutMs, initializeTimeoutMs: 5 * timeoutMs },
  };
  let client: Pick<TxClient, 'status$' | 'events$' | 'call' | 'close'>;
  let protocol: 'legacy' | 'modern' = 'legacy';
  if (sdk === 'v1') client = await TxClient.connect(() => network.connect(), options);
  else {
    const { TxClient: TxClientV2 } = await import('../../v2/index.js');
    const v2 = await TxClientV2.connect(async () => (await network.connect()) as never, options);
    protocol = v2.sdk.getProtocolEra() ?? 'legacy'; // 'modern': the servers speak 2026-07-28
    client = v2;
  }
  // Faults go on once a connection is up (an MCP handshake is not retried by anyone).
  const status = client.status$.subscribe((s) => s === 'connected' && connected && network.faulty());
  connected = true;
  network.faulty();
  const counts = { done: 0, total: transfers.length, retries: 0, acks: 0, nacks: 0, executions: 0 };
  const events = client.events$.subscribe((e) => {
    if (e.type === 'retry') counts.retries++;
    else if (e.type === 'ack') counts.acks++;
    else if (e.type === 'nack') counts.nacks++;
  });
  const latencies: number[] = [];
  let lost = 0;
  const failures: Record<string, number> = {};
  const half = Math.ceil(transfers.length / 2);
  await runPool(
    transfers,
    concurrency,
    async (transfer) => {
      try {
        latencies.push((await client.call('transfer', { ...transfer })).latencyMs);
      } catch (e) {
        lost++;
        countFailure(failures, e);
      }
    },
    () => {
      counts.done++;
      counts.executions = ledger.executions;
      if (counts.done === half) void network.restartServer();
      onProgress?.({ ...counts });
    },
  );
  const durationMs = performance.now() - started;
  events.unsubscribe();
  status.unsubscribe();
  await client.close();
  await network.close();
  return {
    protocol,
    calls: transfers.length,
    completed: transfers.length - lost,
    lost,
    retries: counts.retries,
    acks: counts.acks,
    nacks: counts.nacks,
    failures,
    ...ledgerStats(ledger, transfers, network.counters.replays),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    durationMs,
  };
}
