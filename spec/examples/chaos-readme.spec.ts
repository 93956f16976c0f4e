// The README's "Test your own reliability" example, kept running as a spec (readme-sync checks it is the README's).
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';
import { chaosTransport } from 'mcp-tx/testing';

it('charges each order exactly once over a link that loses 30 % of messages', async () => {
  const charges = new Map<string, number>();
  const server = new McpServer({ name: 'shop', version: '1.0.0' });
  server.registerTool('charge', { inputSchema: { order: z.string() } }, ({ order }) => {
    charges.set(order, (charges.get(order) ?? 0) + 1);
    return { content: [{ type: 'text', text: `charged ${order}` }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(withTxServer(serverSide));

  const link = chaosTransport(clientSide, { seed: 7 }); // same seed, same faults: failures replay
  const client = await TxClient.connect(link, { timeoutMs: 50, retry: { maxAttempts: 20, baseDelayMs: 5 } });
  link.setFaults({ drop: 0.3, duplicate: 0.1, delayMs: [0, 5] }); // after a clean handshake

  const orders = Array.from({ length: 50 }, (_, i) => `order-${i}`);
  await Promise.all(orders.map((order) => client.call('charge', { order }, { idempotencyKey: order })));

  expect([...charges.values()].every((n) => n === 1)).toBe(true);
  expect(charges.size).toBe(50);
  expect(link.stats.dropped).toBeGreaterThan(0);
  await client.close();
});
