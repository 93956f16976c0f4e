/**
 * A Streamable HTTP server with mcp-tx, in both of the SDK's modes, on one idempotency store:
 * - stateful (`/mcp`): one transport and one McpServer per session (the `mcp-session-id` header);
 * - stateless (`/stateless`): one transport and one McpServer per HTTP request.
 * `withTxServer` decorates the SDK's `StreamableHTTPServerTransport`, in JSON response mode (the
 * README's recommended setup: a call's answer is one JSON body, no SSE stream), and the handler
 * calls the decorator's `handleRequest` as it would the SDK's. The server, from its first import to
 * its shutdown, is the README's ("Over Streamable HTTP"), line for line. Then a keyed `charge` is
 * made on one endpoint and retried on the other: the shared store answers the retry, the tool runs
 * once. Run with `node --import tsx examples/http-server.ts` (`--serve` keeps the server up; it
 * listens on `PORT`, default 3000).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { TxClient, httpTransport } from 'mcp-tx';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MemoryIdempotencyStore, withTxServer, type TxServerTransport } from 'mcp-tx/server';

type TxHttpTransport = TxServerTransport<StreamableHTTPServerTransport>;

let charges = 0; // the side effect, kept outside the servers as a database would be

/** One McpServer per session (stateful) or per request (stateless): register your tools here. */
function makeServer(): McpServer {
  const server = new McpServer({ name: 'shop', version: '1.0.0' });
  server.registerTool('charge', { inputSchema: { order: z.string(), cents: z.number() } }, ({ order }) => {
    charges++;
    return { content: [{ type: 'text', text: `charged ${order}` }] };
  });
  return server;
}

const store = new MemoryIdempotencyStore(); // one store for every session and every request
const sessions = new Map<string, TxHttpTransport>();

/** Stateful (`/mcp`): a request of a known session goes to its transport; `initialize` opens one. */
async function stateful(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const id = req.headers['mcp-session-id'];
  const session = typeof id === 'string' ? sessions.get(id) : undefined;
  if (session) return session.handleRequest(req, res, body); // POST, GET (SSE stream), DELETE
  if (id !== undefined) return reply(res, 404, 'Session not found'); // TxClient reconnects on 404
  if (!isInitializeRequest(body)) return reply(res, 400, 'No session: start with initialize');
  const transport: TxHttpTransport = withTxServer(
    new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
      enableJsonResponse: true, // one JSON body per call; leave it out for tools that report progress
    }),
    { store },
  );
  // a DELETE of the session, or close(), ends it
  transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
  await makeServer().connect(transport);
  await transport.handleRequest(req, res, body);
}

/** Stateless (`/stateless`): a fresh transport and server per POST, closed with the response. */
async function stateless(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  if (req.method !== 'POST') return reply(res, 405, 'Method not allowed');
  const server = makeServer();
  // no sessionIdGenerator: the SDK's stateless mode
  const transport = withTxServer(new StreamableHTTPServerTransport({ enableJsonResponse: true }), { store });
  res.on('close', () => void server.close()); // closes the transport too
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

const http = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = path === '/mcp' ? stateful : path === '/stateless' ? stateless : undefined;
  if (route === undefined) return reply(res, 404, 'Not found');
  readJson(req)
    .then((body) => route(req, res, body))
    .catch((e: unknown) => res.headersSent || reply(res, 400, String(e)));
});
http.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');

/** Running calls finish (new ones get NACK shutting_down), sessions end, then the port closes. */
async function shutdown(): Promise<void> {
  await Promise.all([...sessions.values()].map((transport) => transport.close()));
  http.close();
  http.closeAllConnections();
}
process.once('SIGTERM', () => void shutdown());

/** Answers with a JSON-RPC error, as the SDK's transport does. */
function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** The parsed JSON body of a POST (`undefined` for GET and DELETE), at most 4 MiB. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if ((size += chunk.length) > 4 * 1024 * 1024) throw new Error('body larger than 4 MiB');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

if (!http.listening) await once(http, 'listening');
const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
console.log(`serving ${base}/mcp (stateful) and ${base}/stateless`);

if (!process.argv.includes('--serve')) {
  // httpTransport: under Node, its fetch on node:http's keep-alive agent
  const first = await TxClient.connect(() => httpTransport(`${base}/mcp`));
  const second = await TxClient.connect(() => httpTransport(`${base}/stateless`));
  const args = { order: 'order-1', cents: 500 };
  const a = await first.call('charge', args, { idempotencyKey: 'order-1' });
  console.log(`stateful:  ${text(a.result)}, duplicate: ${a.duplicate}`);
  const b = await second.call('charge', args, { idempotencyKey: 'order-1' });
  console.log(`stateless: ${text(b.result)}, duplicate: ${b.duplicate}`);
  console.log(`charges: ${charges}`);
  // a request naming a session the server does not know (expired, or served by another instance)
  const stale = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': 'gone',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  console.log(`unknown session: ${stale.status}`);
  await Promise.all([first.close(), second.close()]);
  await shutdown();
}

function text(result: { content: unknown }): string {
  return (result.content as [{ text: string }])[0].text;
}
