import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A static file the gateway serves itself (a browser page and its script). */
export interface GatewayFile {
  readonly path: string;
  readonly type: string;
  readonly body: string;
}

/** A gateway in front of one Streamable HTTP endpoint that can lose the sessions it has seen. */
export interface SessionGateway {
  /** Its `/mcp` endpoint. */
  readonly url: URL;
  /** Session ids that upstream handed out through the gateway, in order. */
  readonly sessions: string[];
  /** Requests it answered itself so far (a lost session's, or one of {@link SessionGateway.failNext}). */
  readonly refused: number;
  /**
   * From now on every request of a session seen so far is answered `status` with `body` (nginx's
   * error page by default), as a gateway whose upstream replica died answers; a new session
   * (an `initialize`, which carries no session id) reaches upstream as before.
   */
  loseSessions(status?: number, body?: string): void;
  /**
   * Answers the next `count` POSTs, whatever their session (or none: the stateless protocol),
   * `status` with `body` without forwarding them, as a gateway whose upstream replica just died.
   */
  failNext(status?: number, count?: number, body?: string): void;
  close(): Promise<void>;
}

/** nginx's 502 page, as it sends it. */
export const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Starts a reverse proxy on 127.0.0.1 (port 0) that forwards `/mcp` (POST, GET streams, DELETE)
 * to `upstream`, streaming answers back as they come, and serves `files` itself (same origin as
 * the endpoint, as an app and its API behind one nginx).
 *
 * @example
 * const gateway = await startSessionGateway(server.url);
 * gateway.loseSessions(502); // the replica died: its sessions get 502 from now on
 */
export async function startSessionGateway(
  upstream: URL,
  files: readonly GatewayFile[] = [],
): Promise<SessionGateway> {
  const sessions: string[] = [];
  const lost = new Map<string, { status: number; body: string }>();
  let refused = 0;
  let failing: { status: number; body: string; left: number } | undefined;
  const failed = (req: IncomingMessage) => {
    if (req.method !== 'POST' || failing === undefined || failing.left === 0) return undefined;
    failing.left--;
    return failing;
  };
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const sid = req.headers['mcp-session-id'];
    const dead = (typeof sid === 'string' ? lost.get(sid) : undefined) ?? failed(req);
    if (dead) {
      refused++;
      res.writeHead(dead.status, { 'content-type': 'text/html' });
      return void res.end(dead.body);
    }
    const target = new URL(req.url ?? '/', upstream);
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        const given = answer.headers['mcp-session-id'];
        if (typeof given === 'string' && !sessions.includes(given)) sessions.push(given);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (error) => res.destroy(error));
    res.on('close', () => out.destroy());
    out.end(body);
  };
  const http = createServer((req, res) => {
    const file = files.find((f) => f.path === req.url);
    if (file) {
      res.writeHead(200, { 'content-type': file.type });
      return void res.end(file.body);
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    sessions,
    get refused() {
      return refused;
    },
    loseSessions(status = 502, body = NGINX_502) {
      for (const sid of sessions) lost.set(sid, { status, body });
    },
    failNext(status = 502, count = 1, body = NGINX_502) {
      failing = { status, body, left: count };
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
