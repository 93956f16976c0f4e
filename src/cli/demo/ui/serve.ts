import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../../support/errors.js';
import { LedgerEndpoint, reply } from './ledger-endpoint.js';
import { BUILT_ASSETS, StaticAssets } from './static-assets.js';

/** Largest request body accepted, bytes (a transfer is about 300). */
const MAX_BODY_BYTES = 64 * 1024;

/** Options of {@link serveDemoUi}. */
export interface DemoUiOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** Folder with the built page (index.html, app.js, style.css). @default dist/ui/ */
  assetsDir?: URL | string;
  /** MCP sessions kept (one per tab); past it the oldest is closed (SDK v1). @default 16 */
  maxSessions?: number;
  /**
   * The SDK major of the page's client and of the ledger server: `v2` serves mcp-tx/v2's page and
   * SDK v2's `createMcpHandler` (the stateless 2026-07-28 protocol). @default 'v1'
   */
  sdk?: 'v1' | 'v2';
}

/** The ledger server behind `/mcp`, of either SDK major. */
export type DemoEndpoint = Pick<LedgerEndpoint, 'ledger' | 'sessions' | 'handle' | 'check' | 'close'>;

/** A running live view. */
export interface DemoUi {
  /** The page's address, e.g. `http://127.0.0.1:3000/`. */
  readonly url: URL;
  /** The ledger server behind `/mcp`, and its check (`/ledger`). */
  readonly endpoint: DemoEndpoint;
  /** Closes every session and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the live view on 127.0.0.1: the page (`/`, whose `TxClient` runs in the browser tab),
 * the demo's ledger server over Streamable HTTP (`/mcp`, behind `withTxServer`; on SDK v2
 * `createMcpHandler` behind `txServerFactory`), and the ledger's check as JSON (`/ledger`).
 *
 * @example
 * const ui = await serveDemoUi({ port: 3000 });
 * console.log(`open ${ui.url}`);
 */
export async function serveDemoUi({
  port = 0,
  assetsDir = BUILT_ASSETS,
  maxSessions = 16,
  sdk = 'v1',
}: DemoUiOptions = {}): Promise<DemoUi> {
  const assets = await StaticAssets.load(assetsDir, sdk);
  const hosts: string[] = []; // filled once the port is known
  const endpoint: DemoEndpoint =
    sdk === 'v1'
      ? new LedgerEndpoint(hosts, maxSessions)
      : new (await import('./ledger-endpoint-v2.js')).LedgerEndpointV2(hosts);
  const http = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/mcp') {
      const body = await readJson(req);
      if (body instanceof Error) return reply(res, 400, `Parse error: ${body.message}`);
      return endpoint.handle(req, res, body);
    }
    if (req.method !== 'GET') return reply(res, 405, 'Method not allowed');
    if (path === '/ledger') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(JSON.stringify(endpoint.check()));
    }
    if (!assets.serve(path, res)) reply(res, 404, 'Not found');
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} of 127.0.0.1 is in use: pick another with --port`)
          : e,
      ),
    );
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  hosts.push(`127.0.0.1:${bound}`, `localhost:${bound}`);
  return {
    url: new URL(`http://127.0.0.1:${bound}/`),
    endpoint,
    async close() {
      await endpoint.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections(); // open SSE streams would hold close() up
      await closed;
    },
  };
}

/** The parsed JSON body of a POST (`undefined` for other methods), or the error that stopped it. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
