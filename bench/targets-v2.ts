/**
 * The SDK v2 pairs under test: a bare SDK v2 `Client` against a plain SDK v2 `McpServer`, and an
 * `mcp-tx/v2` `TxClient` against the same server behind mcp-tx: in memory (the `initialize` era,
 * the server end behind `withTxServer`) and over Streamable HTTP (`createMcpHandler`, a server per
 * request, the stateless 2026-07-28 protocol; the mcp-tx side behind `txServerFactory`).
 */
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { libV2, server as serverLib, serverV2, type TxClientOptions } from './lib.js';
import type { Kind, Target } from './targets.js';

/** The kinds measured on SDK v2 (stdio is not, yet). */
export type V2Kind = Exclude<Kind, 'stdio'>;

/** The echo server of the benchmarks, on SDK v2: `echo`, and `wait` (answers after 1 ms). */
function echoServerV2(): McpServer {
  const server = new McpServer({ name: 'bench-echo-v2', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: z.object({ v: z.number() }) }, ({ v }) => ({
    content: [{ type: 'text', text: String(v) }],
  }));
  server.registerTool('wait', { inputSchema: z.object({ v: z.number() }) }, async ({ v }) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { content: [{ type: 'text', text: String(v) }] };
  });
  return server;
}

/** The bare SDK v2 client of `kind`. */
export async function bareV2Target(kind: V2Kind): Promise<Target> {
  const client = new Client(
    { name: 'bench-bare-v2', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  const { transport, close } = await v2Transport(kind, false);
  await client.connect(transport);
  return {
    call: (i) => client.callTool({ name: 'echo', arguments: { v: i } }),
    callWait: (i) => client.callTool({ name: 'wait', arguments: { v: i } }),
    close: async () => {
      await client.close();
      await close();
    },
  };
}

/**
 * An `mcp-tx/v2` TxClient of `kind`, against the server behind mcp-tx (`txServer`), or against the
 * plain server (the client layer alone).
 */
export async function txV2Target(
  kind: V2Kind,
  options: TxClientOptions = {},
  txServer = true,
): Promise<Target> {
  const { transport, close } = await v2Transport(kind, txServer, true);
  const client = await libV2.TxClient.connect(transport, { concurrency: 64, ...options });
  return {
    call: (i) => client.call('echo', { v: i }),
    callWait: (i) => client.call('wait', { v: i }),
    close: async () => {
      await client.close();
      await close();
    },
  };
}

async function v2Transport(kind: V2Kind, tx: boolean, client = tx) {
  if (kind === 'in-memory') {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = echoServerV2();
    await server.connect(
      tx ? (serverLib.withTxServer(serverSide) as unknown as typeof serverSide) : serverSide,
    );
    return { transport: clientSide, close: () => server.close() };
  }
  const handler = createMcpHandler(tx ? serverV2.txServerFactory(echoServerV2) : echoServerV2);
  const serve = toNodeHandler(handler);
  const http = createServer((req, res) => void serve(req as Parameters<typeof serve>[0], res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  // the bare side keeps the SDK's transport as it is; mcp-tx/v2 ships httpTransport for HTTP
  const transport = client ? libV2.httpTransport(url) : new StreamableHTTPClientTransport(url);
  return {
    transport,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await handler.close();
    },
  };
}
