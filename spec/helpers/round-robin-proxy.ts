import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../src/testing/index.js';
import type { Listening } from './v2-http-server.js';

/** A plain HTTP load balancer: each request to the next upstream in turn, no sticky sessions. */
export interface RoundRobinProxy extends Listening {
  /** Requests each upstream answered, by its index. */
  readonly hits: number[];
  /** POSTs lost on their way in (never forwarded), and answers lost on their way back. */
  readonly lost: { requests: number; responses: number };
  /** Probability that a POST, and then independently its answer, is lost, 0..1; may change while it runs. */
  loss: number;
}

/** Options of {@link startRoundRobinProxy}. */
export interface RoundRobinProxyOptions {
  /** Port on 127.0.0.1. @default 0 (any free one) */
  port?: number;
  /** Probability that a POST is lost, and then that its answer is lost, each 0..1. @default 0 */
  loss?: number;
  /** Seed of the losses. @default 1 */
  seed?: number;
}

/**
 * Forwards each HTTP request, whatever it is (an MCP POST, a GET stream), to the next of
 * `upstreams` in turn, streaming the response back as it comes (SSE included): what a load
 * balancer without session affinity does. An upstream that refuses the connection (a replica
 * that died) is skipped for the next one, as load balancers retry a request that never reached
 * a server; 502 when none takes it.
 *
 * With `loss`, a seeded share of POSTs (the MCP messages) is lost: the request is never
 * forwarded, or it is and its answer is not passed on (the upstream finishes it undisturbed, the
 * client's connection is reset), each with probability `loss`.
 */
export async function startRoundRobinProxy(
  upstreams: readonly URL[],
  options: RoundRobinProxyOptions = {},
): Promise<RoundRobinProxy> {
  const { port = 0, seed = 1 } = options;
  const random = mulberry32(seed);
  const hits = upstreams.map(() => 0);
  const lost = { requests: 0, responses: 0 };
  let next = 0;
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number, drop: boolean) => {
    if (tries === upstreams.length) return void res.writeHead(502).end();
    const index = next++ % upstreams.length;
    const target = upstreams[index] as URL;
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        hits[index] = (hits[index] ?? 0) + 1;
        if (drop) {
          lost.responses++;
          answer.resume(); // the upstream's answer is read to its end, and goes nowhere
          return void res.socket?.destroy();
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && !res.headersSent) return forward(req, res, body, tries + 1, drop);
      res.destroy(error);
    });
    // the client went away: so does the upstream request (not when the proxy itself lost the answer)
    res.on('close', () => drop || upstream.destroy());
    upstream.end(body);
  };
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const lossy = req.method === 'POST' && proxy.loss > 0;
      if (lossy && random() < proxy.loss) {
        lost.requests++;
        return void req.socket.destroy();
      }
      forward(req, res, Buffer.concat(chunks), 0, lossy && random() < proxy.loss);
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const { port: listening } = http.address() as AddressInfo;
  const proxy: RoundRobinProxy = {
    url: new URL(`http://127.0.0.1:${listening}/mcp`),
    hits,
    lost,
    loss: options.loss ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return proxy;
}
