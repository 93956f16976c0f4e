import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { MemoryIdempotencyStore } from '../../../server/index.js';
import { txServerFactory, type TxServerFactory } from '../../../v2/server/index.js';
import { Ledger } from '../ledger.js';
import { ledgerServerV2 } from '../server-v2.js';
import { ACCOUNTS, OPENING_CENTS } from '../workload.js';
import { SERVER, ledgerCheck, reply, type LedgerCheck } from './ledger-endpoint.js';

/**
 * The demo's ledger server for `mcp-tx demo --ui --sdk v2`: SDK v2's `createMcpHandler` behind
 * `txServerFactory` (a fresh `McpServer` per request, one ledger and one idempotency store), the
 * stateless 2026-07-28 protocol for the page's mcp-tx/v2 client (and the handler's stateless
 * fallback of the `initialize` era for others). Each request runs on a server of its own, so the
 * per-server bounds of the SDK v1 view (two transfers at once, `overloaded` NACKs) do not apply.
 *
 * @example
 * const endpoint = new LedgerEndpointV2(['127.0.0.1:3000']);
 * await endpoint.handle(req, res, body); // a request to /mcp
 */
export class LedgerEndpointV2 {
  readonly ledger = new Ledger(ACCOUNTS, OPENING_CENTS);
  readonly #requests = { count: 0 };
  readonly #factory: TxServerFactory;
  readonly #handler: ReturnType<typeof createMcpHandler>;

  /** `allowedHosts`: the `Host` headers accepted (DNS rebinding protection), read per request. */
  constructor(private readonly allowedHosts: readonly string[]) {
    const build = ledgerServerV2(this.ledger, SERVER.workMs);
    this.#factory = txServerFactory(build, { store: new MemoryIdempotencyStore() });
    this.#handler = createMcpHandler(this.#factory);
  }

  /** Sessions open now: none, the stateless protocol keeps no session. */
  readonly sessions = 0;

  /** Serves one request to `/mcp`; `body` is the parsed JSON of a POST. */
  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (!this.allowedHosts.includes(req.headers.host ?? '')) return reply(res, 403, 'Invalid Host header');
    if ((body as { method?: unknown } | undefined)?.method === 'tools/call') this.#requests.count++;
    const aborted = new AbortController();
    res.once('close', () => aborted.abort()); // the page gave the request up: so does the handler
    const response = await this.#handler.fetch(webRequest(req, body, aborted.signal));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    }
    res.end();
  }

  /** The ledger's check, for the page. */
  check(): LedgerCheck {
    return ledgerCheck(this.ledger, {
      requests: this.#requests.count,
      replays: this.#factory.stats.replayed,
    });
  }

  /** Ends the requests in flight. */
  close(): Promise<void> {
    return this.#handler.close();
  }
}

/** `req` (its JSON `body` already read) as the web `Request` the handler takes. */
function webRequest(req: IncomingMessage, body: unknown, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/mcp', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = req.method ?? 'GET';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
  });
}
