/**
 * SDK v2's web-standard Streamable HTTP transport, one per session, behind a fetch handler (what
 * `listenV2` and `toNodeHandler` serve): the `initialize` era with sessions, as an app that keeps
 * them serves it. A request for a session it does not know gets 404, as after a restart.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { randomUUID } from 'node:crypto';

/** A fetch handler serving one transport per session. */
export interface V2SessionsHandler<T> {
  fetch(request: Request): Promise<Response>;
  /** Every session's transport made so far, as `connect` returned it. */
  readonly transports: readonly T[];
  /** Closes every session's transport. */
  close(): Promise<void>;
}

/**
 * Serves sessions: for a request with no session id, a fresh transport (with `enableJsonResponse`
 * as `json` says) that `connect` wraps (`withTxServer`, or nothing) and connects to a server.
 *
 * @example
 * const handler = v2Sessions(async (transport) => {
 *   const tx = withTxServer(transport);
 *   await buildServer('v2', tools).connect(tx);
 *   return tx;
 * });
 * await listenV2(handler);
 */
export function v2Sessions<
  T extends { handleRequest(request: Request): Promise<Response>; close(): Promise<void> },
>(
  connect: (transport: WebStandardStreamableHTTPServerTransport) => Promise<T>,
  { json = false }: { json?: boolean } = {},
): V2SessionsHandler<T> {
  const sessions = new Map<string, T>();
  const transports: T[] = [];
  return {
    transports,
    fetch: async (request) => {
      const id = request.headers.get('mcp-session-id');
      const session = id === null ? undefined : sessions.get(id);
      if (session !== undefined) return session.handleRequest(request);
      if (id !== null) {
        const error = { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null };
        return Response.json(error, { status: 404 });
      }
      const made: { served?: T } = {}; // the session starts once connected: `served` is set by then
      const transport = new WebStandardStreamableHTTPServerTransport({
        enableJsonResponse: json,
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, made.served!),
      });
      const served = (made.served = await connect(transport));
      transports.push(served);
      return served.handleRequest(request);
    },
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
      sessions.clear();
    },
  };
}
