/**
 * The Streamable HTTP servers of the `nodeHttpFetch` specs, of either SDK major, on the
 * `initialize` era: stateful (a transport per session, 404 for a session it does not know) or
 * stateless (a transport per request, 405 for the GET stream), SSE or JSON responses, with tools
 * `echo { text }` and `progress { steps }`, and a switch that answers every request with 413.
 * SDK v1's `StreamableHTTPServerTransport` on node:http; SDK v2's web-standard transport behind
 * `listenV2`.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { listenV2 } from '../v2-http-server.js';
import { buildServer, type AnyMcpServer, type Major } from './build-server.js';
import { answer, defineTool } from './neutral-tool.js';

/** A server per session, or per request. */
export type FetchServerMode = 'stateful' | 'stateless';
/** SSE streams, or plain JSON answers (no stream for a call's notifications). */
export type FetchServerResponses = 'sse' | 'json';

/** A served endpoint. */
export interface FetchServed {
  readonly url: URL;
  /** The McpServer of each session (stateful) or request (stateless), newest last. */
  readonly servers: AnyMcpServer[];
  /** The ids of the sessions open (stateful). */
  readonly sessions: ReadonlySet<string>;
  /** Answers every request with 413 from now on. */
  tooLarge(): void;
  close(): Promise<void>;
}

const TOOLS = [
  defineTool('echo', { input: { text: z.string() } }, ({ text }) => answer(text)),
  defineTool('progress', { input: { steps: z.number() } }, async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) await ctx.progress(i, steps);
    return answer('done');
  }),
];

const TOO_LARGE = 'message larger than 4 MiB';
const unknownSession = { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null };

async function serveV1(mode: FetchServerMode, responses: FetchServerResponses): Promise<FetchServed> {
  const servers: AnyMcpServer[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let refuse = false;
  const enableJsonResponse = responses === 'json';
  /** Connects a fresh server to `transport`; resolves to that server. */
  const connect = async (transport: StreamableHTTPServerTransport) => {
    const server = buildServer('v1', TOOLS);
    servers.push(server);
    await (server.connect as (t: StreamableHTTPServerTransport) => Promise<void>)(transport);
    return server;
  };
  const http: Server = createServer((req, res) => {
    if (refuse) return void res.writeHead(413, { 'content-type': 'text/plain' }).end(TOO_LARGE);
    if (mode === 'stateless') {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse });
      return void connect(transport).then((server) => {
        res.on('close', () => void server.close());
        return transport.handleRequest(req, res);
      });
    }
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing) return void existing.handleRequest(req, res);
    if (id !== undefined) {
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify(unknownSession));
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
      enableJsonResponse,
    });
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId));
    void connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`),
    servers,
    sessions: { has: (sid) => sessions.has(sid) } as ReadonlySet<string>,
    tooLarge: () => void (refuse = true),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function serveV2(mode: FetchServerMode, responses: FetchServerResponses): Promise<FetchServed> {
  const servers: AnyMcpServer[] = [];
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let refuse = false;
  const enableJsonResponse = responses === 'json';
  const connect = async (transport: WebStandardStreamableHTTPServerTransport) => {
    const server = buildServer('v2', TOOLS);
    servers.push(server);
    await (server.connect as (t: WebStandardStreamableHTTPServerTransport) => Promise<void>)(transport);
    return transport;
  };
  const listening = await listenV2({
    fetch: async (request: Request) => {
      if (refuse) return new Response(TOO_LARGE, { status: 413, headers: { 'content-type': 'text/plain' } });
      if (mode === 'stateless') {
        if (request.method !== 'POST') return new Response(null, { status: 405 });
        return (
          await connect(new WebStandardStreamableHTTPServerTransport({ enableJsonResponse }))
        ).handleRequest(request);
      }
      const id = request.headers.get('mcp-session-id');
      if (id !== null)
        return sessions.get(id)?.handleRequest(request) ?? Response.json(unknownSession, { status: 404 });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, transport),
        onsessionclosed: (sid) => void sessions.delete(sid),
        enableJsonResponse,
      });
      return (await connect(transport)).handleRequest(request);
    },
  } as never);
  return {
    url: listening.url,
    servers,
    sessions: { has: (sid) => sessions.has(sid) } as ReadonlySet<string>,
    tooLarge: () => void (refuse = true),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await listening.close();
    },
  };
}

/**
 * Serves the fetch specs' tools with an SDK `major` server the way `mode` and `responses` say.
 *
 * @example
 * const served = await serveFetchSpec('v2', 'stateful', 'sse');
 */
export function serveFetchSpec(
  major: Major,
  mode: FetchServerMode,
  responses: FetchServerResponses,
): Promise<FetchServed> {
  return major === 'v1' ? serveV1(mode, responses) : serveV2(mode, responses);
}
