/**
 * Exactly once: a side-effecting `charge` tool over a link that loses 20 % of the messages each
 * way. Every call carries an idempotency key, so however often the client retries, the server
 * runs the tool once per key and answers the retries from its store.
 * Run with `node --import tsx examples/exactly-once.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';
import { chaosTransport } from 'mcp-tx/testing';

const CALLS = 40;
let charges = 0;
const server = new McpServer({ name: 'shop', version: '1.0.0' });
server.registerTool('charge', { inputSchema: { order: z.string(), cents: z.number() } }, ({ order }) => {
  charges++; // the side effect we must not repeat
  return { content: [{ type: 'text', text: `charged ${order}` }] };
});

const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
// Count the server's replays: results it answered from its store instead of running the tool.
let replays = 0;
const send = serverSide.send.bind(serverSide);
serverSide.send = (message, options) => {
  const meta = (message as { result?: { _meta?: { mcp_tx?: { duplicate?: boolean } } } }).result?._meta;
  if (meta?.mcp_tx?.duplicate === true) replays++;
  return send(message, options);
};
await server.connect(withTxServer(serverSide)); // ACK/NACK and the idempotency store

const link = chaosTransport(clientSide, { seed: 7 }); // same seed, same faults
const client = await TxClient.connect(link, { timeoutMs: 100, retry: { maxAttempts: 20, baseDelayMs: 10 } });
link.setFaults({ drop: 0.2 }); // after a clean handshake: lose 20 % of messages, both ways

const results = await Promise.all(
  Array.from({ length: CALLS }, (_, i) =>
    client.call('charge', { order: `order-${i}`, cents: 500 }, { idempotencyKey: `order-${i}` }),
  ),
);

const { totals } = client.metrics();
console.log(`messages dropped:      ${link.stats.dropped}`);
console.log(`calls:                 ${CALLS}`);
console.log(`attempts sent:         ${totals.attempts} (${totals.retries} retries)`);
console.log(
  `duplicates suppressed: ${replays} (calls answered by a replay: ${results.filter((r) => r.duplicate).length})`,
);
console.log(`charges:               ${charges}`);
console.log(charges === CALLS ? 'exactly once: charges == calls' : 'BROKEN: charges != calls');
await client.close();
process.exitCode = charges === CALLS ? 0 : 1;
