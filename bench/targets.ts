/**
 * The pairs under test: a bare SDK `Client` against a plain `McpServer`, and a `TxClient`
 * against the same server behind `withTxServer`, over one transport kind.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Call } from './harness.js';
import { lib, server as serverLib, type TxClientOptions } from './lib.js';

/** A connected client of one kind, with the echo call to time. */
export interface Target {
  call: Call;
  /** The same through the tool that waits 1 ms (a timer, as for I/O) before it answers. */
  callWait: Call;
  /** The TxClient, for the mcp-tx side. */
  client?: InstanceType<typeof lib.TxClient>;
  close(): Promise<void>;
}

export type Kind = 'in-memory' | 'stdio' | 'http';

/** The echo server of every benchmark; its `wait` tool answers the same after 1 ms, as a tool waiting on I/O. */
export function echoServer(): McpServer {
  const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { v: z.number() } }, ({ v }) => ({
    content: [{ type: 'text', text: String(v) }],
  }));
  server.registerTool('wait', { inputSchema: { v: z.number() } }, async ({ v }) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { content: [{ type: 'text', text: String(v) }] };
  });
  return server;
}

/** The bare SDK client of `kind`. */
export async function bareTarget(kind: Kind): Promise<Target> {
  const client = new Client({ name: 'bench-bare', version: '1.0.0' });
  const { transport, close } = await connectTransport(kind, false);
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
 * A TxClient of `kind`, against the server behind `withTxServer` (or, `decorated: false`, the
 * plain server: the client layer alone, in fallback mode).
 */
export async function txTarget(kind: Kind, options: TxClientOptions = {}, decorated = true): Promise<Target> {
  const { transport, close } = await connectTransport(kind, decorated);
  return txClientTarget(await lib.TxClient.connect(transport, { concurrency: 64, ...options }), close);
}

/** The echo calls of a connected TxClient; `close` ends what it runs against after the client. */
function txClientTarget(client: InstanceType<typeof lib.TxClient>, close: () => Promise<void>): Target {
  return {
    call: (i) => client.call('echo', { v: i }),
    callWait: (i) => client.call('wait', { v: i }),
    client,
    close: async () => {
      await client.close();
      await close();
    },
  };
}

/**
 * The README's recommended Streamable HTTP setup: `TxClient` over `httpTransport` (under Node its
 * fetch on `node:http`'s keep-alive agent) against the server behind `withTxServer`, its SDK
 * transport in JSON response mode (`enableJsonResponse: true`).
 */
export async function recommendedHttpTarget(): Promise<Target> {
  const http = await startHttp(true, true);
  const client = await lib.TxClient.connect(() => lib.httpTransport(http.url), { concurrency: 64 });
  return txClientTarget(client, () => http.close());
}

async function connectTransport(
  kind: Kind,
  tx: boolean,
): Promise<{ transport: Transport; close: () => Promise<void> }> {
  if (kind === 'in-memory') {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = echoServer();
    await server.connect(tx ? serverLib.withTxServer(serverSide) : serverSide);
    return { transport: clientSide, close: () => server.close() };
  }
  if (kind === 'stdio') {
    const script = fileURLToPath(new URL('./fixtures/echo-server.mjs', import.meta.url));
    return {
      transport: new StdioClientTransport({
        command: process.execPath,
        args: [script, ...(tx ? ['--tx'] : [])],
      }),
      close: async () => undefined,
    };
  }
  const http = await startHttp(tx);
  // The bare side keeps the SDK's transport as it is; mcp-tx ships httpTransport for HTTP.
  const transport = tx ? lib.httpTransport(http.url) : new StreamableHTTPClientTransport(http.url);
  return { transport, close: http.close };
}

/** An HTTP echo server, one McpServer per session; `json`: the SDK transport's JSON response mode. */
async function startHttp(tx: boolean, json = false): Promise<{ url: URL; close: () => Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing) return void existing.handleRequest(req, res);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
      enableJsonResponse: json,
    });
    void echoServer()
      .connect(tx ? serverLib.withTxServer(transport) : transport)
      .then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
