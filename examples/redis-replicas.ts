/**
 * Exactly once across replicas: two server replicas (each with its own RedisIdempotencyStore, as
 * two processes would have) share one key space in Redis. A retry that lands on the other replica
 * replays the outcome; the same key sent to both at once runs once.
 * Needs a Redis at REDIS_URL (default redis://127.0.0.1:6379) and the `redis` package.
 * Run with `node --import tsx examples/redis-replicas.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient } from 'mcp-tx';
import { RedisIdempotencyStore } from 'mcp-tx/redis';
import { withTxServer } from 'mcp-tx/server';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `mcp-tx-example:${Date.now().toString(36)}:`; // one key space for both replicas
let charges = 0;

/** One replica: its own server and its own store, on the shared key space. */
async function replica(name: string): Promise<{ client: TxClient; store: RedisIdempotencyStore }> {
  const server = new McpServer({ name: `shop-${name}`, version: '1.0.0' });
  server.registerTool('charge', { inputSchema: { order: z.string() } }, async ({ order }) => {
    charges++; // the side effect we must not repeat
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { content: [{ type: 'text', text: `charged ${order} on ${name}` }] };
  });
  const store = new RedisIdempotencyStore({ url, keyPrefix, ttlMs: 60_000 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(withTxServer(serverSide, { store }));
  return { client: await TxClient.connect(clientSide), store };
}

const a = await replica('A');
const b = await replica('B');
try {
  const first = await a.client.call('charge', { order: 'o-1' }, { idempotencyKey: 'o-1' });
  const retry = await b.client.call('charge', { order: 'o-1' }, { idempotencyKey: 'o-1' });
  const text = (r: typeof first) => (r.result.content[0] as { text: string }).text;
  console.log(`A: ${text(first)} (duplicate: ${first.duplicate})`);
  console.log(`B: ${text(retry)} (duplicate: ${retry.duplicate})`);
  const both = await Promise.all([
    a.client.call('charge', { order: 'o-2' }, { idempotencyKey: 'o-2' }),
    b.client.call('charge', { order: 'o-2' }, { idempotencyKey: 'o-2' }),
  ]);
  console.log(`o-2 sent to both at once: ${both.map(text).join(' / ')}`);
  console.log(`charges: ${charges} for 4 calls`);
} finally {
  await Promise.all([a.client.close(), b.client.close()]);
  await Promise.all([a.store.close(), b.store.close()]);
}
