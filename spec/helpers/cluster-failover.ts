/**
 * The Redis Cluster failover scenario of bench/cluster-soak.ts and its small version in the suite
 * (spec/stores/cluster-failover.spec.ts): two replicas (TxClient -> withTxServer -> a counting
 * tool, in memory) share a RedisIdempotencyStore key space on a local cluster of three masters;
 * keyed calls run `width` at a time; one master is killed a third of the way through and started
 * again (empty: no persistence) `outageMs` later. It counts what a user would check: how many
 * calls succeeded, how many failed closed (a retryable NACK, after the client's retries), how many
 * times each key's tool ran, and whether a call that failed ran anyway.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient } from '../../src/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { withTxServer } from '../../src/server/index.js';
import { startCluster } from './redis-cluster.js';

/** What a failover run found. */
export interface FailoverReport {
  readonly calls: number;
  readonly succeeded: number;
  /** Failed with a retryable error (the store's NACK `overloaded`, after the client's retries). */
  readonly failedClosed: number;
  /** Failed otherwise (should be 0). */
  readonly failedOtherwise: number;
  /** Keys whose tool ran more than once (must be 0). */
  readonly ranTwice: number;
  /** Calls that failed although their tool ran (must be 0). */
  readonly failedButRan: number;
  /** Calls that succeeded without their tool having run exactly once (must be 0). */
  readonly succeededNotOnce: number;
  readonly killedPort: number;
  readonly outageMs: number;
  readonly elapsedMs: number;
  /** Calls answered per second over the run. */
  readonly callsPerSec: number;
  /** The first errors of each kind seen, for the report. */
  readonly samples: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario on a cluster of its own (the first free block of ports from 7100 on). */
export async function clusterFailover({
  calls,
  width,
  outageMs,
  leaseMs = 1_000,
  progress = () => undefined,
}: {
  calls: number;
  width: number;
  outageMs: number;
  leaseMs?: number;
  progress?: (line: string) => void;
}): Promise<FailoverReport> {
  const cluster = await startCluster();
  const prefix = `mcp-tx-failover:${Date.now().toString(36)}:`;
  const runs = new Map<string, number>();
  const stores: RedisIdempotencyStore[] = [];
  const clients: TxClient[] = [];
  try {
    await sleep(leaseMs + 200); // fresh nodes count as recovering for a lease
    for (let replica = 0; replica < 2; replica++) {
      const store = new RedisIdempotencyStore({
        cluster: { rootNodes: [{ url: cluster.url }] },
        keyPrefix: prefix,
        leaseMs,
        commandTimeoutMs: 500,
      });
      stores.push(store);
      const server = new McpServer({ name: `replica-${replica}`, version: '1.0.0' });
      server.registerTool('pay', { inputSchema: { id: z.string() } }, async ({ id }) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        return { content: [{ type: 'text', text: `paid ${id}` }] };
      });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(withTxServer(serverSide, { store }));
      clients.push(
        await TxClient.connect(clientSide, {
          concurrency: width,
          maxQueue: calls,
          retry: { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 300 },
        }),
      );
    }
    const killedPort = cluster.ports[1] as number;
    const samples = new Set<string>();
    let succeeded = 0;
    let failedClosed = 0;
    let failedOtherwise = 0;
    let failedButRan = 0;
    let succeededNotOnce = 0;
    let done = 0;
    let next = 0;
    const started = Date.now();
    const outage = (async () => {
      while (done < calls / 3) await sleep(10);
      progress(`killing the master on ${killedPort} after ${done} calls`);
      await cluster.kill(killedPort);
      await sleep(outageMs);
      progress(`restarting it after ${done} calls`);
      await cluster.restart(killedPort);
      progress(`back after ${done} calls`);
    })();
    const worker = async () => {
      while (next < calls) {
        const i = next++;
        const id = `pay-${i}`;
        const client = clients[i % 2] as TxClient;
        try {
          await client.call('pay', { id }, { idempotencyKey: id });
          succeeded++;
          if (runs.get(id) !== 1) succeededNotOnce++;
        } catch (e) {
          const retryable = (e as { retryable?: unknown }).retryable === true;
          if (retryable) failedClosed++;
          else failedOtherwise++;
          if ((runs.get(id) ?? 0) > 0) failedButRan++;
          const sample = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 160);
          if (samples.size < 4) samples.add(sample);
        }
        done++;
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
    await outage;
    const elapsedMs = Date.now() - started;
    return {
      calls,
      succeeded,
      failedClosed,
      failedOtherwise,
      ranTwice: [...runs.values()].filter((n) => n > 1).length,
      failedButRan,
      succeededNotOnce,
      killedPort,
      outageMs,
      elapsedMs,
      callsPerSec: (calls / elapsedMs) * 1_000,
      samples: [...samples],
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(stores.map((s) => s.close()));
    await cluster.stop();
  }
}
