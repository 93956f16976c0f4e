/**
 * A Streamable HTTP server of either SDK major, without mcp-tx, that a spec stops and starts again
 * on the same port, as a restarted process would: SDK v1's or v2's transport per session (the
 * restarted server knows none of the old sessions: 404), or SDK v2's `createMcpHandler` (the
 * 2026-07-28 stateless protocol: no session to lose).
 */
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createServer } from 'node:http';
import { startHttpMcpServer, startRestartableHttpMcpServer } from '../http-server.js';
import type { AnyMcpServer } from './build-server.js';
import type { KitConnectOptions, MajorKit } from './describe-majors.js';
import { v2Sessions } from './v2-sessions.js';

/** A server that {@link RestartableKind.start} started. */
export interface Restartable {
  /** The same across restarts. */
  readonly url: URL;
  /** Stops it: connections are refused until {@link restart}. */
  stop(): Promise<void>;
  /** Starts a fresh server on the same port, which knows nothing of the old one's sessions. */
  restart(): Promise<void>;
  /** Stops it, wherever it is. */
  close(): Promise<void>;
}

/** One way to serve, for a kit's pairing of majors. */
export interface RestartableKind {
  readonly name: string;
  /** Whether it keeps sessions (the `initialize` era), which a restart loses. */
  readonly sessions: boolean;
  /** What a TxClient of the kit's major needs to speak its protocol. */
  readonly clientOptions: KitConnectOptions;
  /** Serves `make()` (per session, or per request) on a port below the ephemeral range. */
  start(make: () => AnyMcpServer): Promise<Restartable>;
}

/** A fetch-shaped handler, as `toNodeHandler` serves it. */
type FetchFace = Parameters<typeof toNodeHandler>[0] & { close(): Promise<void> };

/** Listens on `port` with `handler`; rejects on EADDRINUSE. */
async function listen(handler: FetchFace, port: number): Promise<() => Promise<void>> {
  const serve = toNodeHandler(handler);
  const http = createServer((req, res) => void serve(req as Parameters<typeof serve>[0], res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  return async () => {
    await handler.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
}

/** `handler()` on a port below Linux's ephemeral range (no `listen(0)` of another spec takes it while it is down). */
async function restartable(handler: () => FetchFace): Promise<Restartable> {
  let port = 0;
  let stop: (() => Promise<void>) | undefined;
  for (let tries = 0; stop === undefined; tries++) {
    port = 20_000 + Math.floor(Math.random() * 10_000);
    stop = await listen(handler(), port).catch((error: { code?: string }) => {
      if (error.code !== 'EADDRINUSE' || tries >= 20) throw error;
      return undefined;
    });
  }
  const down = async () => {
    await stop?.();
    stop = undefined;
  };
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    stop: down,
    restart: async () => {
      for (let tries = 0; stop === undefined; tries++) {
        // the old socket may take a moment to let the port go
        stop = await listen(handler(), port).catch(async (error: { code?: string }) => {
          if (error.code !== 'EADDRINUSE' || tries >= 40) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25));
          return undefined;
        });
      }
    },
    close: down,
  };
}

const v1Sessions: RestartableKind = {
  name: 'SDK v1 transport per session',
  sessions: true,
  clientOptions: {},
  start: async (make) => {
    const build = make as () => McpServer;
    let http = await startRestartableHttpMcpServer(build);
    const port = Number(http.url.port);
    let up = true;
    return {
      url: http.url,
      stop: async () => {
        if (up) await http.close();
        up = false;
      },
      restart: async () => {
        http = await startHttpMcpServer(build, port);
        up = true;
      },
      close: async () => {
        if (up) await http.close();
        up = false;
      },
    };
  },
};

/** SDK v2's transport per session: an SDK v2 client pinned to the `initialize` era. */
function v2SessionKind(clientOptions: KitConnectOptions): RestartableKind {
  return {
    name: 'SDK v2 transport per session',
    sessions: true,
    clientOptions,
    start: (make) =>
      restartable(() =>
        v2Sessions(async (transport) => {
          await make().connect(transport as never);
          return transport;
        }),
      ),
  };
}

/** SDK v2's `createMcpHandler`: a server per request, the 2026-07-28 protocol. */
const v2Handler: RestartableKind = {
  name: 'SDK v2 createMcpHandler, 2026-07-28',
  sessions: false,
  clientOptions: {},
  start: (make) => restartable(() => createMcpHandler(() => make() as never)),
};

/**
 * The restartable servings of `m`'s server major: with sessions on both majors (an SDK v2 client
 * pinned to the `initialize` era there), and for an SDK v2 client `createMcpHandler` on the
 * 2026-07-28 protocol.
 *
 * @example
 * describe.each(restartableServings(m).map((kind) => [kind.name, kind]))('%s', (_, kind) => { … });
 */
export function restartableServings(m: MajorKit): RestartableKind[] {
  if (m.server === 'v1') return [v1Sessions];
  if (m.client === 'v1') return [v2SessionKind({})];
  return [v2SessionKind({ versionNegotiation: { mode: 'legacy' } } as KitConnectOptions), v2Handler];
}
