/**
 * Metrics: a snapshot with `client.metrics()`, a live feed with `client.metrics$`, and the
 * Prometheus text format with `toPrometheus` (serve it on `/metrics`): counters, and latencies as
 * histograms in seconds over `LATENCY_BUCKETS_SECONDS`, the same in every client.
 * Run with `node --import tsx examples/metrics.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { take } from 'rxjs';
import { z } from 'zod';
import { LATENCY_BUCKETS_SECONDS, TxClient, toPrometheus } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

const server = new McpServer({ name: 'metrics', version: '1.0.0' });
server.registerTool(
  'search',
  { inputSchema: { q: z.string() }, annotations: { readOnlyHint: true } },
  async ({ q }) => {
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    return { content: [{ type: 'text', text: `results for ${q}` }] };
  },
);
server.registerTool('fail', {}, () => ({ isError: true, content: [{ type: 'text', text: 'no' }] }));
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide));

const client = await TxClient.connect(clientSide, { metricsIntervalMs: 100 });

// A live snapshot every `metricsIntervalMs` while calls run: a dashboard's feed.
const ticks = new Promise<void>((resolve) => {
  client.metrics$.pipe(take(4)).subscribe({
    next: ({ totals, queue }) =>
      console.log(
        `tick: ${totals.completed}/${totals.calls} completed, in flight ${totals.inFlight}, queued ${queue.queued}`,
      ),
    complete: resolve,
  });
});
const load = async (): Promise<void> => {
  for (let i = 0; i < 12; i++) await client.call('search', { q: `q${i}` });
};
await Promise.all([load(), load(), load(), client.call('fail')]);
await ticks;

// One snapshot: plain JSON, per tool and in total. `isError` results are completed calls.
// Latencies are timed to the microsecond (performance.now()), not in whole milliseconds.
const { totals, tools } = client.metrics();
const { p50, p99, max, buckets } = totals.latencyMs;
const ms = (n: number) => n.toFixed(3);
console.log(
  `totals: ${totals.calls} calls, ${totals.completed} completed, ${totals.acks} acks, p50 ${ms(p50)} ms, p99 ${ms(p99)} ms, max ${ms(max)} ms`,
);
const under10ms = buckets[LATENCY_BUCKETS_SECONDS.indexOf(0.01)];
console.log(
  `search: ${tools['search']?.calls} calls; fail: ${tools['fail']?.calls} call; ${under10ms} within 10 ms`,
);

// The same snapshot for Prometheus: its first lines, and the call-duration histogram of `search`.
const text = toPrometheus(client.metrics());
console.log(text.split('\n').slice(0, 8).join('\n'));
console.log(
  text
    .split('\n')
    .filter((line) => line.startsWith('mcp_tx_call_duration_seconds') && line.includes('tool="search"'))
    .join('\n'),
);
await client.close();
