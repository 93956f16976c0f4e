/**
 * The MCP-Tx performance guide's scenario table, measured on mcp-tx over in-memory transport,
 * beside the figures that guide claims (per connection).
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type Timing, timeCalls } from './harness.js';
import { lib, server as serverLib } from './lib.js';

export interface SeedRow {
  scenario: string;
  what: string;
  claimed: { latency: string; throughput: string };
  measured: Timing;
}

/** A tool that answers `isError: true` for the first `failures` attempts of each `id`. */
function flakyServer(): McpServer {
  const seen = new Map<number, number>();
  const server = new McpServer({ name: 'bench-seed', version: '1.0.0' });
  server.registerTool(
    'work',
    { inputSchema: { id: z.number(), failures: z.number() } },
    ({ id, failures }) => {
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n <= failures) return { isError: true, content: [{ type: 'text', text: 'transient' }] };
      seen.delete(id);
      return { content: [{ type: 'text', text: 'done' }] };
    },
  );
  return server;
}

export async function seedTable(n: number): Promise<SeedRow[]> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await flakyServer().connect(serverLib.withTxServer(serverSide));
  const client = await lib.TxClient.connect(clientSide, {
    concurrency: 10,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    tools: { work: { retryOnResult: (r) => r.isError === true } },
  });
  const work = (failures: number) => (i: number) => client.call('work', { id: i, failures });
  await timeCalls(work(0), 2_000, 1);
  const rows: SeedRow[] = [
    {
      scenario: 'simple call',
      what: 'one call at a time',
      claimed: { latency: '5-10 ms', throughput: '100-200 ops/s' },
      measured: await timeCalls(work(0), n, 1),
    },
    {
      scenario: 'with retry, 1 attempt',
      what: 'retry policy on, first attempt succeeds',
      claimed: { latency: '10-20 ms', throughput: '50-100 ops/s' },
      measured: await timeCalls(work(0), n, 1),
    },
    {
      scenario: 'with retry, 3 attempts',
      what: 'two isError results retried (full jitter, base 1 ms), third succeeds',
      claimed: { latency: '30-100 ms', throughput: '10-30 ops/s' },
      measured: await timeCalls(work(2), Math.ceil(n / 4), 1),
    },
    {
      scenario: '10 parallel',
      what: '10 calls in flight',
      claimed: { latency: '5-10 ms', throughput: '1,000-2,000 ops/s total' },
      measured: await timeCalls(work(0), n, 10),
    },
  ];
  await client.close();
  return rows;
}
