import { McpServer } from '@modelcontextprotocol/server';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import { withTxServer, type IdempotencyStore } from '../../server/index.js';
import type { Ledger } from './ledger.js';
import { CountingTransport, transferTool, type ServerCounters } from './server.js';

/**
 * The ledger server of {@link startLedgerServer} on SDK v2 (`mcp-tx demo --sdk v2`): a fresh
 * SDK v2 `McpServer` (`@modelcontextprotocol/server`) with the same side-effecting `transfer`
 * tool, behind `withTxServer` over `store`, connected to `transport` (an end of SDK v2's
 * in-memory pair, which SDK v1's transport interface types).
 *
 * @example
 * await startLedgerServerV2(serverTransport, ledger, store, { requests: 0, replays: 0 });
 */
export async function startLedgerServerV2(
  transport: Transport,
  ledger: Ledger,
  store: IdempotencyStore,
  counters: ServerCounters,
): Promise<McpServer> {
  const server = new McpServer({ name: 'mcp-tx-demo-ledger', version: '1.0.0' });
  const { description, annotations, run } = transferTool(ledger);
  const inputSchema = z.object({
    from: z.string(),
    to: z.string(),
    cents: z.number().int().positive(),
    ref: z.string(),
  });
  server.registerTool('transfer', { description, inputSchema, annotations }, run);
  // SDK v2's transports meet SDK v1's interface at run time (as mcp-tx/v2/server's withTxServer says)
  await server.connect(withTxServer(new CountingTransport(transport, counters), { store }) as never);
  return server;
}
