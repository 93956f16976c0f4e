import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { MemoryIdempotencyStore } from '../../../server/index.js';
import { Ledger } from '../ledger.js';
import { startLedgerServer, type ServerCounters } from '../server.js';
import { ACCOUNTS, OPENING_CENTS } from '../workload.js';
import { onClosed } from '../../../sdk/listen.js';

/**
 * A transfer takes 40 ms (a database write), two run at once per session and none wait: a burst
 * of the page's calls (four in flight) meets `overloaded` NACKs, and the live view shows them.
 */
export const SERVER = { tx: { maxConcurrent: 2, maxQueue: 0 }, workMs: 40 };

/** Keys whose executions `GET /ledger` lists (the totals count every key). */
export const RECENT_KEYS = 200;

/** What `GET /ledger` answers: the ledger's own check of how often each key's transfer ran. */
export interface LedgerCheck {
  /** Executions of `transfer`, all keys together. */
  executions: number;
  /** Keys (payment references) that ran at least once. */
  keys: number;
  /** Executions beyond the first of a key: money moved twice. */
  doubleExecutions: number;
  /** Executions per key of the latest keys to run (at most `RECENT_KEYS`), oldest first. */
  runs: Record<string, number>;
  /** Sum of every balance, cents, and what it was at the start: transfers never change it. */
  totalCents: number;
  openingTotalCents: number;
  /** `tools/call` requests that reached the server, and those answered from the store. */
  requests: number;
  replays: number;
}

/**
 * The demo's ledger server over Streamable HTTP, stateful: one `McpServer` behind
 * `withTxServer` per session, every session on one ledger and one idempotency store.
 *
 * @example
 * const endpoint = new LedgerEndpoint(['127.0.0.1:3000'], 16);
 * await endpoint.handle(req, res, body); // a request to /mcp
 */
export class LedgerEndpoint {
  readonly ledger = new Ledger(ACCOUNTS, OPENING_CENTS);
  readonly #store = new MemoryIdempotencyStore();
  readonly #counters: ServerCounters = { requests: 0, replays: 0 };
  readonly #sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();

  /**
   * `allowedHosts`: the `Host` headers accepted (DNS rebinding protection), read per session.
   * `maxSessions`: sessions kept; past it the oldest is closed (a tab closed or reloaded never
   * ends its own; one still in use gets a 404 and its client reconnects).
   */
  constructor(
    private readonly allowedHosts: readonly string[],
    private readonly maxSessions: number,
  ) {}

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  #open(id: string, session: { transport: StreamableHTTPServerTransport; server: McpServer }): void {
    this.#sessions.set(id, session);
    for (const [oldest, { server }] of this.#sessions) {
      if (this.#sessions.size <= this.maxSessions) break;
      this.#sessions.delete(oldest);
      void server.close();
    }
  }

  /** Serves one request to `/mcp`; `body` is the parsed JSON of a POST. */
  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const id = req.headers['mcp-session-id'];
    const session = typeof id === 'string' ? this.#sessions.get(id) : undefined;
    if (session) return session.transport.handleRequest(req, res, body);
    if (id !== undefined) return reply(res, 404, 'Session not found');
    if (req.method !== 'POST' || !isInitializeRequest(body))
      return reply(res, 400, 'No session: start with initialize');
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => this.#open(sid, { transport, server }),
      enableDnsRebindingProtection: true,
      allowedHosts: [...this.allowedHosts],
    });
    // startLedgerServer decorates the transport (counting, then withTxServer) and connects it.
    const server = await startLedgerServer(transport, this.ledger, this.#store, this.#counters, SERVER);
    onClosed(transport, () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
    });
    await transport.handleRequest(req, res, body);
  }

  /** The ledger's check, for the page. */
  check(): LedgerCheck {
    return ledgerCheck(this.ledger, this.#counters);
  }

  /** Closes every session. */
  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map(({ server }) => server.close()));
    this.#sessions.clear();
  }
}

/**
 * `ledger`'s check, with what reached its server (`counters`).
 *
 * @example
 * ledgerCheck(endpoint.ledger, { requests: 3, replays: 1 }).doubleExecutions; // 0
 */
export function ledgerCheck(ledger: Ledger, counters: ServerCounters): LedgerCheck {
  return {
    executions: ledger.executions,
    keys: ledger.runs.size,
    doubleExecutions: ledger.doubleExecutions,
    runs: Object.fromEntries([...ledger.runs].slice(-RECENT_KEYS)),
    totalCents: ledger.totalCents,
    openingTotalCents: OPENING_CENTS * ledger.accounts.length,
    ...counters,
  };
}

/** A JSON-RPC error as the SDK's HTTP transport would answer it. */
export function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
