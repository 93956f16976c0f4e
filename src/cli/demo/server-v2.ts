import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import type { IdempotencyStore } from '../../server/index.js';
import { txServerFactory } from '../../v2/server/index.js';
import type { Ledger } from './ledger.js';
import { CountingTransport, transferTool, type ServerCounters } from './server.js';

/**
 * The ledger server of {@link startLedgerServer} on SDK v2 (`mcp-tx demo --sdk v2`): SDK v2
 * `McpServer`s (`@modelcontextprotocol/server`) with the same side-effecting `transfer` tool,
 * behind mcp-tx over `store` (`txServerFactory`), served on `transport` (an end of SDK v2's
 * in-memory pair, which SDK v1's transport interface types) by SDK v2's `serveStdio`, which serves
 * any transport: the stateless 2026-07-28 protocol to a client that opens with `server/discover`
 * (mcp-tx/v2's does), the `initialize` era to one that opens with `initialize`.
 *
 * @example
 * const server = await startLedgerServerV2(serverTransport, ledger, store, { requests: 0, replays: 0 });
 * await server.close();
 */
export async function startLedgerServerV2(
  transport: Transport,
  ledger: Ledger,
  store: IdempotencyStore,
  counters: ServerCounters,
): Promise<{ close(): Promise<void> }> {
  const build = ledgerServerV2(ledger);
  // SDK v2's transports meet SDK v1's interface at run time (as mcp-tx/v2/server's withTxServer says)
  const wire = new CountingTransport(transport, counters) as never;
  const served = serveStdio(txServerFactory(build, { store }), { transport: wire });
  return Promise.resolve({ close: () => served.close() });
}

/**
 * Makes SDK v2 ledger servers: each a fresh `McpServer` with the demo's `transfer` tool over
 * `ledger` (taking `workMs` of work a transfer), as SDK v2's serving entries ask of a factory.
 *
 * @example
 * const handler = createMcpHandler(txServerFactory(ledgerServerV2(ledger), { store }));
 */
export function ledgerServerV2(ledger: Ledger, workMs?: number): () => McpServer {
  const { description, annotations, run } = transferTool(ledger, workMs);
  const inputSchema = z.object({
    from: z.string(),
    to: z.string(),
    cents: z.number().int().positive(),
    ref: z.string(),
  });
  return () => {
    const server = new McpServer({ name: 'mcp-tx-demo-ledger', version: '1.0.0' });
    server.registerTool('transfer', { description, inputSchema, annotations }, run);
    return server;
  };
}
