import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Listening } from './v2-http-server.js';

/** A plain HTTP load balancer: each request to the next upstream in turn, no sticky sessions. */
export interface RoundRobinProxy extends Listening {
  /** Requests each upstream answered, by its index. */
  readonly hits: number[];
}

/**
 * Forwards each HTTP request, whatever it is (an MCP POST, a GET stream), to the next of
 * `upstreams` in turn, streaming the response back as it comes (SSE included): what a load
 * balancer without session affinity does. An upstream that refuses the connection (a replica
 * that died) is skipped for the next one, as load balancers retry a request that never reached
 * a server; 502 when none takes it.
 */
export async function startRoundRobinProxy(upstreams: readonly URL[]): Promise<RoundRobinProxy> {
  const hits = upstreams.map(() => 0);
  let next = 0;
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number): void => {
    if (tries === upstreams.length) return void res.writeHead(502).end();
    const index = next++ % upstreams.length;
    const target = upstreams[index] as URL;
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        hits[index] = (hits[index] ?? 0) + 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && !res.headersSent) return forward(req, res, body, tries + 1);
      res.destroy(error);
    });
    res.on('close', () => upstream.destroy()); // the client went away: so does the upstream request
    upstream.end(body);
  };
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
