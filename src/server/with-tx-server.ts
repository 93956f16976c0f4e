import type { Transport, TransportSendOptions } from './transport-types.js';
import type { JSONRPCMessage, MessageExtraInfo } from './transport-types.js';
import { from, race, timer, type Observable } from 'rxjs';
import { TX_KEY } from '../protocol/index.js';
import { Negotiation } from './negotiation.js';
import { resolveServerOptions, type ResolvedServerOptions, type TxServerOptions } from './options.js';
import { copyStats, type TxServerStats } from './server-stats.js';
import type { TxServerEvent } from './server-events.js';
import { TxCallHandler } from './tx-call-handler.js';
import { forwardHandleRequest, type HandleRequestOf } from './handle-request.js';
import { reusedIdAnswer } from './reused-id.js';
import { withoutClaimMark } from './request-claims.js';
import {
  asRequest,
  asResponse,
  isAcceptedRequest,
  objectOrUndefined,
  type RequestView,
} from './jsonrpc-internals.js';

/**
 * A server {@link Transport} with mcp_tx reliability: it ACKs, NACKs, deduplicates by
 * idempotency key and replays stored results, and drains on close. Made by {@link withTxServer}.
 *
 * @example
 * const transport = withTxServer(new StdioServerTransport());
 * await server.connect(transport);
 * process.on('SIGTERM', () => void transport.close()); // finishes running calls first
 */
export class TxServerTransport<T extends Transport = Transport> implements Transport {
  // Declared without `| undefined` (as SDK 1.x before 1.32.2 declares Transport's), so that the
  // transport fits every SDK of the range under `exactOptionalPropertyTypes`.
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  /** The decorated transport. */
  readonly inner: T;
  readonly #options: ResolvedServerOptions;
  readonly #calls: TxCallHandler;
  readonly #agreement: Negotiation;
  #innerClosed = false;
  #graceSpent = false;
  #closeNotified = false;
  #closing: Promise<void> | undefined;

  constructor(inner: T, options?: TxServerOptions) {
    const t = inner as Partial<Transport> | null;
    if (typeof t?.start !== 'function' || typeof t.send !== 'function' || typeof t.close !== 'function') {
      throw new TypeError('withTxServer: transport must be an MCP Transport (start, send and close)');
    }
    this.inner = inner;
    this.#options = resolveServerOptions(options);
    this.#agreement = new Negotiation(this.#options.features, this.#options.compression);
    this.#calls = new TxCallHandler(this.#options, {
      forward: (message, extra) => this.onmessage?.(message, extra),
      send: (message, sendOptions) =>
        this.#innerClosed ? Promise.resolve() : this.inner.send(this.#agreement.pack(message), sendOptions),
      report: (error) => this.#report(error),
      sessionId: () => this.inner.sessionId,
    });
    inner.onmessage = (message, extra) => this.#receive(message, extra);
    inner.onclose = () => this.#innerClose();
    inner.onerror = (error) => this.onerror?.(error);
  }

  /**
   * The inner transport's session id (a getter on the prototype, typed as an optional property so
   * that it fits SDK 1.x's `Transport.sessionId?: string` under `exactOptionalPropertyTypes`).
   */
  declare readonly sessionId?: string;

  /**
   * Serves one HTTP request with the inner transport's `handleRequest`, typed as that one (the
   * SDK's Streamable HTTP transports), so that an HTTP handler uses the decorated transport as it
   * would the SDK's. Messages still pass through this decorator: ACKs and NACKs go on the
   * request's own SSE stream (or ride on its response in JSON response mode).
   *
   * @example
   * const transport = withTxServer(new StreamableHTTPServerTransport({}), { store }); // no session ids
   * await server.connect(transport);
   * await transport.handleRequest(req, res, body);
   */
  handleRequest(...args: Parameters<HandleRequestOf<T>>): ReturnType<HandleRequestOf<T>> {
    return forwardHandleRequest(this.inner, args);
  }

  /** Tool calls being handled (queued, running or waiting for their key). */
  get activeCalls(): number {
    return this.#calls.active;
  }

  /**
   * What this transport's tool calls came to so far: executions, duplicates answered without
   * running the tool, ACK notifications and NACKs by reason (a copy).
   *
   * @example
   * const { executed, replayed } = transport.stats;
   */
  get stats(): TxServerStats {
    return copyStats(this.#calls.stats);
  }

  /**
   * What befalls this transport's calls beyond its counters: the late lease renewals its store
   * reports (`late_renewal`). Multicast, free while unobserved, complete once the transport closes.
   *
   * @example
   * transport.events$.subscribe((e) => log.warn(`${e.tool}: lease renewal ${e.lateByMs} ms late`));
   */
  get events$(): Observable<TxServerEvent> {
    return this.#calls.events$;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  // SDK v2's server hands these on connecting: its HTTP transports check headers and scopes with them.
  setSupportedProtocolVersions(versions: string[]): void {
    this.inner.setSupportedProtocolVersions?.(versions);
  }

  setScopeChallengeResolver(resolver: never): void {
    this.inner.setScopeChallengeResolver?.(resolver);
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = asResponse(message);
    if (response !== undefined) {
      const settled = this.#calls.settle(response, options);
      if (settled !== undefined) return settled;
      this.#calls.hints.noteResponse(response);
      const advertised = this.#agreement.initialized(response) ?? this.#agreement.modern.discovered(response);
      if (advertised !== undefined) return this.inner.send(advertised, options);
    }
    // Calls still running when the connection dropped answer into a closed transport: nothing to say.
    return this.#innerClosed ? Promise.resolve() : this.inner.send(message, options);
  }

  /**
   * Stops accepting tool calls (new ones get a retryable `shutting_down` NACK) and resolves once
   * every call in progress is answered. The transport stays open.
   */
  drain(): Promise<void> {
    return this.#calls.drain();
  }

  /**
   * Drains for at most `gracePeriodMs`, then closes the inner transport; a keyed call still
   * running then is stopped and its outcome recorded as unknown (`OUTCOME_UNKNOWN_CODE`), so that
   * a retry elsewhere gets that answer rather than a second run beside a tool that may not stop.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /**
   * For a proxy: the server process behind this transport died, so nothing it was running can
   * still finish or take effect later. Running calls are forgotten and their keys released (a
   * retry runs them again, on the next server), then the transport closes.
   *
   * @example
   * child.on('exit', () => void transport.serverExited());
   */
  serverExited(): Promise<void> {
    this.#calls.releaseRunning();
    return this.close();
  }

  async #shutdown(): Promise<void> {
    await this.#within(this.#calls.drain());
    this.#graceSpent = true;
    await this.inner.close();
    this.#innerClose(); // in case the inner transport does not call onclose itself
    this.#notifyClose(); // the connection may have dropped before: calls still running stop now
  }

  /** Resolves when `promise` does or the grace period ends, whichever is first. */
  #within(promise: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      race(from(promise), timer(this.#options.gracePeriodMs, this.#options.scheduler)).subscribe({
        next: () => resolve(),
        error: () => resolve(),
      });
    });
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    const request = asRequest(message);
    if (request !== undefined) {
      const inFlight = this.#calls.request(request.id);
      if (inFlight !== undefined) return this.#reusedId(request, inFlight);
      // Only a request the SDK will accept is tracked: one it drops as malformed is never answered.
      if (request.method === 'tools/call' && isAcceptedRequest(request))
        return this.#calls.accept(
          withoutClaimMark(request),
          extra,
          this.#agreement.modern.call(request) === 'plain',
        );
      if (request.method === 'initialize') this.#agreement.noteInitialize(request.id, request.params);
      else if (request.method === 'server/discover') this.#agreement.modern.noteDiscover(request.id);
      else if (request.method === 'tools/list') this.#calls.hints.noteRequest(request.id);
    } else if ((message as { method?: unknown }).method === 'notifications/cancelled') {
      const params = objectOrUndefined((message as { params?: unknown }).params);
      const requestId = params?.requestId;
      const abandoned = objectOrUndefined(objectOrUndefined(params?._meta)?.[TX_KEY])?.abandoned === true;
      if (typeof requestId === 'string' || typeof requestId === 'number') {
        this.#agreement.modern.forget(requestId);
        if (!this.#calls.cancel(requestId, abandoned)) return;
      }
    }
    this.onmessage?.(message, extra);
  }

  /** A request with the JSON-RPC id of a tools/call in flight: reported, and answered unless a copy. */
  #reusedId(request: RequestView, inFlight: RequestView): void {
    const { report, reply } = reusedIdAnswer(request, inFlight);
    this.onerror?.(report);
    if (reply === undefined) return;
    this.inner.send(reply).catch((e: unknown) => this.#report(e));
  }

  #report(error: unknown): void {
    this.onerror?.(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * The connection is gone. Running keyed calls still finish and are stored (the server answers
   * into this decorator), so the server learns of the close only once they have: their keys are
   * never released while a tool may run, and each is bounded by its deadline and `maxRunMs`.
   * After `close()`'s grace period, calls still running are stopped (outcome unknown) instead.
   */
  #innerClose(): void {
    if (this.#innerClosed) return;
    this.#innerClosed = true;
    const settled = this.#calls.disconnect();
    if (this.#graceSpent || this.#calls.active === 0) return this.#notifyClose();
    settled.then(() => this.#notifyClose()).catch((e: unknown) => this.#report(e));
  }

  /** Tells the server the connection is gone (once), stopping calls still running. */
  #notifyClose(): void {
    if (this.#closeNotified) return;
    this.#closeNotified = true;
    this.#calls.stopRunning();
    this.onclose?.();
  }
}

Object.defineProperty(TxServerTransport.prototype, 'sessionId', {
  get(this: TxServerTransport): string | undefined {
    return this.inner.sessionId;
  },
});

/**
 * Decorates an MCP server transport (stdio, Streamable HTTP, in-memory, or a proxy's) with
 * mcp_tx: capability echo, ACK before the tool runs, NACKs for refused calls, exactly-once
 * execution per idempotency key with replay of the stored outcome, bounded concurrency, and
 * draining on close. It relies on the `Transport` contract only, never on server internals.
 *
 * - A plain MCP client (no capability, no `_meta.mcp_tx`) gets the very same message objects both
 *   ways; its tool calls only share the concurrency bound and the `shutting_down` refusal.
 * - The default store belongs to this transport alone: pass one `MemoryIdempotencyStore`
 *   (or your own `IdempotencyStore`) to every connection for exactly-once across
 *   reconnects and Streamable HTTP sessions.
 * - If the idempotency store fails, the tool does not run: the call gets a retryable `overloaded`
 *   NACK with `retry_after_ms` `STORE_FAILURE_RETRY_AFTER_MS`, and the error goes to `onerror`.
 * - A client's `notifications/cancelled` for a running keyed call is swallowed: the call finishes
 *   and is stored for the retry (`propagateCancellation: true` forwards it and frees the key).
 *   A cancel marked `_meta.mcp_tx.abandoned` (the client gives the call up: no retry follows) is
 *   forwarded, and the key freed, when the key is the request id (the client's own); a caller's
 *   key may come back, so that call still finishes and is stored.
 * - When the connection drops, the server learns of it only once running keyed calls have
 *   answered, so that their outcomes are stored, not aborted; a retry meanwhile (on another
 *   connection sharing the store) waits for that outcome or gets `in_progress`.
 * - A running call is stopped at its request's `deadline` or after `maxRunMs`: the tool's signal
 *   is aborted, its slot freed, and the call (and every retry of its key) answered with an
 *   `OUTCOME_UNKNOWN_CODE` error rather than a second run.
 * - A request reusing the JSON-RPC id of a tools/call in flight gets an Invalid Request error
 *   (a copy of that very request is dropped); both are reported on `onerror`.
 * - Over Streamable HTTP, decorate the SDK's server transport and serve requests with the
 *   decorator's `handleRequest` (typed as the inner one's), one per session or one per request in
 *   stateless mode, with one store shared by all (`examples/http-server.ts`).
 *
 * @example
 * const server = new McpServer({ name: 'payments', version: '1.0.0' });
 * const store = new MemoryIdempotencyStore(); // share it between connections
 * await server.connect(withTxServer(new StdioServerTransport(), { store, maxConcurrent: 16 }));
 */
export function withTxServer<T extends Transport>(
  transport: T,
  options?: TxServerOptions,
): TxServerTransport<T> {
  return new TxServerTransport(transport, options);
}
