import type { AuthInfo } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fetch-shaped MCP handler (what `createMcpHandler` returns). */
export type FetchHandler = Parameters<typeof toNodeHandler>[0];

/** An HTTP endpoint on 127.0.0.1. */
export interface Listening {
  readonly url: URL;
  /** Stops accepting and drops every connection. */
  close(): Promise<void>;
}

/** The bearer tokens the spec servers accept, and whose they are: a stand-in for an OAuth token verifier. */
export const SPEC_TOKENS: Readonly<Record<string, string>> = { 'token-alice': 'alice', 'token-bob': 'bob' };

/** Sets `req.auth` from a bearer token, as an auth middleware would; `false` for a token unknown. */
function authenticate(req: IncomingMessage & { auth?: AuthInfo }): boolean {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (token === undefined) return true;
  const clientId = SPEC_TOKENS[token];
  if (clientId !== undefined) req.auth = { token, clientId, scopes: [] };
  return clientId !== undefined;
}

/**
 * Serves `handler` on node:http through `toNodeHandler` (SDK v2's Node adapter, which hands
 * `req.auth` over as the request's `authInfo`), at `http://127.0.0.1:<port>/mcp`; a request with
 * an unknown bearer token gets 401.
 */
export async function listenV2(handler: FetchHandler, port = 0): Promise<Listening> {
  const serve = toNodeHandler(handler);
  const http: Server = createServer((req, res) => {
    if (!authenticate(req)) return void res.writeHead(401).end();
    void serve(req as Parameters<typeof serve>[0], res);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const { port: bound } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${bound}/mcp`),
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
