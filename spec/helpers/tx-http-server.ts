import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { withTxServer, type TxServerOptions, type TxServerTransport } from '../../src/server/index.js';

/** Streamable HTTP's two ways to serve: a server per session, or a server per request. */
export type HttpMode = 'stateful' | 'stateless';

type TxHttpTransport = TxServerTransport<StreamableHTTPServerTransport>;

/** A Streamable HTTP endpoint on 127.0.0.1 whose transports are all behind `withTxServer`. */
export interface TxHttpServer {
  url: URL;
  /** Every decorated transport made so far (one per session, or per request when stateless). */
  transports: TxHttpTransport[];
  close(): Promise<void>;
}

/**
 * Serves `makeServer()` at `http://127.0.0.1:<port>/mcp` as the README's recipe does: the SDK's
 * transport decorated by `withTxServer(…, options)` and served through the decorator's
 * `handleRequest`, per session (`stateful`) or per POST (`stateless`); `json` answers with plain
 * JSON instead of SSE streams (the SDK's `enableJsonResponse`).
 */
export async function startTxHttpServer(
  mode: HttpMode,
  makeServer: () => McpServer,
  options: TxServerOptions,
  json = false,
): Promise<TxHttpServer> {
  const transports: TxHttpTransport[] = [];
  const sessions = new Map<string, TxHttpTransport>();

  async function stateful(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const id = req.headers['mcp-session-id'];
    const session = typeof id === 'string' ? sessions.get(id) : undefined;
    if (session) return session.handleRequest(req, res, body);
    if (id !== undefined) return reply(res, 404, 'Session not found');
    if (!isInitializeRequest(body)) return reply(res, 400, 'No session: start with initialize');
    const transport: TxHttpTransport = withTxServer(
      new StreamableHTTPServerTransport({
        enableJsonResponse: json,
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, transport),
      }),
      options,
    );
    transports.push(transport);
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
    await makeServer().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function stateless(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (req.method !== 'POST') return reply(res, 405, 'Method not allowed');
    const server = makeServer();
    const transport = withTxServer(new StreamableHTTPServerTransport({ enableJsonResponse: json }), options); // no session ids
    transports.push(transport);
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createServer((req, res) => {
    readJson(req)
      .then((body) => (mode === 'stateful' ? stateful : stateless)(req, res, body))
      .catch((e: unknown) => res.headersSent || reply(res, 400, String(e)));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
    transports,
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
