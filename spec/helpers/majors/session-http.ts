/**
 * Tools on Streamable HTTP with sessions (the `initialize` protocol's legacy routes), a server of
 * either SDK major per session, behind mcp-tx or bare: SDK v1's transport per session (the
 * README's recipe), or for SDK v2 the wiring its docs give for keeping a sessionful legacy
 * deployment next to the stateless protocol (`isLegacyRequest` routing the `initialize` era to a
 * `WebStandardStreamableHTTPServerTransport` per session, the rest to
 * `createMcpHandler(…, { legacy: 'reject' })`).
 */
import {
  createMcpHandler,
  isLegacyRequest,
  WebStandardStreamableHTTPServerTransport,
  type McpServer as McpServerV2,
} from '@modelcontextprotocol/server';
import type { McpServer as McpServerV1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { randomUUID } from 'node:crypto';
import { MemoryIdempotencyStore, withTxServer, type TxServerOptions } from '../../../src/server/index.js';
import { txServerFactory } from '../../../src/v2/server/index.js';
import { startHttpMcpServer } from '../http-server.js';
import { startTxHttpServer } from '../tx-http-server.js';
import { listenV2 } from '../v2-http-server.js';
import { buildServer, type Major } from './build-server.js';
import type { NeutralTool } from './neutral-tool.js';

/** An endpoint with sessions. */
export interface SessionEndpoint {
  /** Its `/mcp` endpoint on 127.0.0.1. */
  readonly url: URL;
  close(): Promise<void>;
}

/** A session's transport, as the endpoint serves it. */
interface Session {
  handleRequest(request: Request): Promise<Response>;
  close(): Promise<void>;
}

/** What a request for a session the endpoint does not know gets (SDK v1's example servers answer so). */
const unknownSession = () =>
  new Response(
    JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
    { status: 404, headers: { 'content-type': 'application/json' } },
  );

/** SDK v2: the `initialize` era on a transport per session, the 2026-07-28 protocol stateless beside it. */
async function serveV2(tools: readonly NeutralTool[], tx: TxServerOptions | false): Promise<SessionEndpoint> {
  const build = () => buildServer('v2', tools) as McpServerV2;
  const sessions = new Map<string, Session>();
  const legacy = async (request: Request): Promise<Response> => {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) return sessions.get(id)?.handleRequest(request) ?? unknownSession();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void sessions.set(sid, served),
    });
    // served through the decorator's handleRequest, as the README's recipe does
    const served: Session = tx === false ? transport : withTxServer(transport, tx);
    await build().connect(served as WebStandardStreamableHTTPServerTransport);
    return served.handleRequest(request);
  };
  const modern = createMcpHandler(tx === false ? build : txServerFactory(build, tx), { legacy: 'reject' });
  const listening = await listenV2({
    fetch: async (request) => ((await isLegacyRequest(request)) ? legacy(request) : modern.fetch(request)),
  });
  return {
    url: listening.url,
    close: async () => {
      await listening.close();
      await Promise.all([...sessions.values()].map((t) => t.close()));
      await modern.close();
    },
  };
}

/**
 * Serves `tools` on Streamable HTTP with a session per `initialize`, on an `McpServer` of `major`
 * per session: behind `withTxServer(…, tx)` (one store for every session unless `tx` names one),
 * or bare with `false`.
 *
 * @example
 * const endpoint = await serveSessions('v2', clientTools(log), {});
 * const client = await m.connect(() => httpTransport(endpoint.url));
 */
export async function serveSessions(
  major: Major,
  tools: readonly NeutralTool[],
  tx: TxServerOptions | false,
): Promise<SessionEndpoint> {
  const options = tx === false ? false : { store: new MemoryIdempotencyStore(), ...tx };
  if (major === 'v2') return serveV2(tools, options);
  const build = () => buildServer('v1', tools) as McpServerV1;
  return options === false ? startHttpMcpServer(build) : startTxHttpServer('stateful', build, options);
}
