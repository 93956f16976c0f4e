import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Streamable HTTP MCP endpoint on 127.0.0.1 with one McpServer per session. */
export interface HttpMcpServer {
  url: URL;
  /** Stops accepting and forgets every session (as a restarted process would). */
  close(): Promise<void>;
}

/** Serves `makeServer()` per session at `http://127.0.0.1:<port>/mcp` (port 0 picks a free one). */
export async function startHttpMcpServer(makeServer: () => McpServer, port = 0): Promise<HttpMcpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http: Server = createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing) return void existing.handleRequest(req, res);
    if (typeof id === 'string') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
      );
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    void makeServer()
      .connect(transport)
      .then(() => transport.handleRequest(req, res));
  });
  await listen(http, port);
  const { port: bound } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${bound}/mcp`),
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Listens on `port`, retrying for a while when it is still in use (a restart on the same port). */
async function listen(http: Server, port: number): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, '127.0.0.1', () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || port === 0 || tries >= 40) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * A port for a server that a spec restarts on the same port: below Linux's ephemeral range
 * (32768 and up), so that no `listen(0)` of another spec running meanwhile can take it while the
 * server is down.
 */
export async function startRestartableHttpMcpServer(makeServer: () => McpServer): Promise<HttpMcpServer> {
  for (let tries = 0; ; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    try {
      return await startHttpMcpServer(makeServer, port);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE' || tries >= 20) throw error;
    }
  }
}
