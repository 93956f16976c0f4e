import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ProxyRelay } from './relay.js';

/** A listening Streamable HTTP proxy endpoint. */
export interface HttpEndpoint {
  /** The endpoint's URL, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: URL;
  /** Sessions open now. */
  readonly sessions: number;
  /** Stops listening and closes every session (and its child). */
  close(): Promise<void>;
}

/**
 * Serves MCP over Streamable HTTP at `/mcp` on `host:port`: one transport per session, each
 * relayed by `startSession` (which spawns that session's child; every session shares the store).
 * DNS rebinding protection is on for loopback hosts.
 *
 * @example
 * const endpoint = await serveHttp({ port: 3000, host: '127.0.0.1', startSession: (t) => startRelay(t) });
 */
export async function serveHttp({
  port,
  host,
  startSession,
  log,
  maxBodyBytes,
}: {
  port: number;
  host: string;
  startSession: (transport: StreamableHTTPServerTransport) => Promise<ProxyRelay>;
  log: (line: string) => void;
  /** Largest request body accepted, bytes; a larger one gets HTTP 413 naming the limit. */
  maxBodyBytes: number;
}): Promise<HttpEndpoint> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; relay: ProxyRelay }>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`http: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) reply(res, 500, 'Internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp')
      return reply(res, 404, 'Not found: use /mcp');
    const id = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req, maxBodyBytes) : undefined;
    if (body === TOO_LARGE) {
      const message = `Request body over the proxy's message limit of ${maxBodyBytes} bytes (--max-message-bytes)`;
      return reply(res, 413, message, -32600);
    }
    if (body instanceof Error) return reply(res, 400, `Parse error: ${body.message}`, -32700);
    const session = typeof id === 'string' ? sessions.get(id) : undefined;
    if (session) return session.transport.handleRequest(req, res, body);
    if (id !== undefined) return reply(res, 404, 'Session not found');
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return reply(res, 400, 'Bad Request: no valid session id; start with initialize');
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { transport, relay }),
      ...(isLoopback(host)
        ? { enableDnsRebindingProtection: true, allowedHosts: allowedHosts(host, bound()) }
        : {}),
    });
    const relay = await startSession(transport);
    void relay.closed
      .catch(() => undefined)
      .finally(() => transport.sessionId && sessions.delete(transport.sessionId));
    await transport.handleRequest(req, res, body);
  }

  const bound = (): number => (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${bound()}/mcp`);
  return {
    url,
    get sessions() {
      return sessions.size;
    },
    async close() {
      await Promise.all([...sessions.values()].map(({ relay }) => relay.close()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // open SSE streams and keep-alive sockets would hold close() up
      await closed;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

function allowedHosts(host: string, port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`];
}

function reply(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** What {@link readJson} returns for a body over its limit. */
const TOO_LARGE = Symbol('too large');

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume(); // read the rest away, so that the answer reaches the client
      return TOO_LARGE;
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
