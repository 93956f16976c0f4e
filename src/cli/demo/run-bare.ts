import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isSdkRpcError } from '../../sdk/v1/sdk-errors.js';
import { Ledger, type Transfer } from './ledger.js';
import { DemoNetwork } from './network.js';
import type { RunSettings } from './run-tx.js';
import {
  ACCOUNTS,
  OPENING_CENTS,
  countFailure,
  ledgerStats,
  percentile,
  runPool,
  type RunStats,
} from './workload.js';

/**
 * One bare SDK `Client` at a time over the demo network; a new one is connected when the
 * server goes away, as an application would do by hand.
 */
class BareConnection {
  private client: Promise<Client>;

  constructor(private readonly network: DemoNetwork) {
    this.client = this.open();
  }

  current(): Promise<Client> {
    return this.client;
  }

  async close(): Promise<void> {
    const client = await this.client;
    client.onclose = () => undefined; // no reconnect after this
    await client.close();
  }

  private async open(): Promise<Client> {
    const client = new Client({ name: 'bare-sdk-demo', version: '1.0.0' });
    await client.connect(await this.network.connect());
    this.network.faulty();
    client.onclose = () => (this.client = this.open());
    return client;
  }
}

/**
 * Makes every transfer with the bare SDK over the same faulty network, as a typical user
 * would: the SDK's own request timeout, and on a timeout, simply call again, up to the same
 * number of attempts as mcp-tx. Same concurrency, same server restart halfway.
 *
 * @example
 * const stats = await runBare(makeTransfers(300, 42), settings);
 * stats.doubleExecutions // money moved twice
 */
export async function runBare(transfers: readonly Transfer[], settings: RunSettings): Promise<RunStats> {
  const { concurrency, timeoutMs, maxAttempts, faults, seed, onProgress } = settings;
  const ledger = new Ledger(ACCOUNTS, OPENING_CENTS);
  const network = new DemoNetwork(ledger, undefined, faults, seed);
  const started = performance.now();
  const connection = new BareConnection(network);
  await connection.current();
  const counts = { done: 0, total: transfers.length, retries: 0, acks: 0, nacks: 0, executions: 0 };
  const latencies: number[] = [];
  let lost = 0;
  const failures: Record<string, number> = {};
  const half = Math.ceil(transfers.length / 2);
  const call = async (transfer: Transfer): Promise<boolean> => {
    const start = performance.now();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) counts.retries++;
      try {
        const client = await connection.current();
        await client.callTool({ name: 'transfer', arguments: { ...transfer } }, undefined, {
          timeout: timeoutMs,
        });
        latencies.push(performance.now() - start);
        return true;
      } catch (e) {
        if (!(isSdkRpcError(e) && e.code === ErrorCode.RequestTimeout) || attempt === maxAttempts) {
          countFailure(failures, e);
          return false; // only timeouts are retried
        }
      }
    }
    return false;
  };
  await runPool(
    transfers,
    concurrency,
    async (transfer) => {
      if (!(await call(transfer))) lost++;
    },
    () => {
      counts.done++;
      counts.executions = ledger.executions;
      if (counts.done === half) void network.restartServer();
      onProgress?.({ ...counts });
    },
  );
  const durationMs = performance.now() - started;
  await connection.close();
  await network.close();
  return {
    calls: transfers.length,
    completed: transfers.length - lost,
    lost,
    retries: counts.retries,
    acks: 0,
    nacks: 0,
    failures,
    ...ledgerStats(ledger, transfers, network.counters.replays),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    durationMs,
  };
}
