/**
 * Pool: one TxPool over two replicas of a service, a fast one and a slow one. With the default
 * `least-in-flight` strategy each call goes to the member with the fewest calls running, so the
 * fast replica, which frees up sooner, serves most of them.
 * Run with `node --import tsx examples/pool.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TxPool } from 'mcp-tx';
import { MemoryIdempotencyStore, withTxServer } from 'mcp-tx/server';

const store = new MemoryIdempotencyStore(); // replicas share one store: exactly once across them

/** Starts a replica that answers `whoami` after `delayMs`; returns the client end of its link. */
async function replica(name: string, delayMs: number): Promise<InMemoryTransport> {
  const server = new McpServer({ name, version: '1.0.0' });
  server.registerTool('whoami', { annotations: { readOnlyHint: true } }, async () => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { content: [{ type: 'text', text: name }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(withTxServer(serverSide, { store }));
  return clientSide;
}

const pool = await TxPool.connect([await replica('fast', 5), await replica('slow', 40)], {
  strategy: 'least-in-flight', // the default; 'round-robin' alternates instead
  timeoutMs: 2_000, // every other option goes to each member's TxClient
});

// Warm-up: a few pings per member, at once, so the first real call pays no setup.
const reports = await pool.warmup({ rounds: 3, timeoutMs: 1_000 });
reports.forEach((r, i) =>
  console.log(`warmup member ${i}: pings ${r.pingMs.join(', ')} ms, failures ${r.failures.length}`),
);

// Four workers, ten calls each, one after the other.
const servedBy: Record<string, number> = {};
const worker = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) {
    const { result } = await pool.call('whoami');
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '?';
    servedBy[text] = (servedBy[text] ?? 0) + 1;
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
console.log('served by:', servedBy);

// The members' metrics as one (histograms merged, so quantiles are exact);
// `pool.members[i].metrics()` has each one's own.
const { totals } = pool.metrics();
const { mean, p50, p99 } = totals.latencyMs;
console.log(
  `pool metrics: ${totals.calls} calls, ${totals.completed} completed, mean ${mean.toFixed(1)} ms, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
);
pool.members.forEach((m, i) => console.log(`member ${i}: ${m.metrics().totals.calls} calls`));
await pool.close();
