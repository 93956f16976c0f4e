import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { firstValueFrom, from, race, timer, type Subscription } from 'rxjs';
import {
  nackResponse,
  withTxServer,
  type IdempotencyStore,
  type TxServerOptions,
  type TxServerTransport,
} from '../../server/index.js';
import type { ChildSupervisor } from './child.js';
import type { OversizedMessage } from './message-limit.js';

/**
 * The client-facing side of one child lifetime: what `withTxServer` decorates. Sends go to the
 * real upstream transport until the lifetime ends (its child died, or the relay closed).
 */
class ChildLifetimeLink implements Transport {
  onclose?: () => void; // no `| undefined`: fits SDK 1.x before 1.32.2 (exactOptionalPropertyTypes)
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  private closed = false;

  constructor(private readonly upstream: Transport) {}

  get sessionId(): string | undefined {
    return this.upstream.sessionId;
  }

  async start(): Promise<void> {}

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.closed ? Promise.resolve() : this.upstream.send(message, options);
  }

  /** A message from the client. */
  deliver(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (!this.closed) this.onmessage?.(message, extra);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

/** How long a stopping proxy lets running calls finish, ms. @default 5_000 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

interface Lifetime {
  readonly link: ChildLifetimeLink;
  readonly tx: TxServerTransport;
}

/**
 * A pure message relay between a client-facing transport and a supervised child server, with
 * `withTxServer` in front of the child: ACK, NACK and exactly-once by idempotency key for any
 * MCP server. Each child lifetime gets its own decorator over one shared store; when the child
 * dies, its decorator is told so (`serverExited`), which releases the claims of the calls it was
 * running (they are answered by nothing; the client's retry runs them on the next child or
 * replays the stored result).
 *
 * @example
 * const relay = new ProxyRelay(new StdioServerTransport(), child, { store });
 * await relay.start();
 * await relay.closed;
 */
export class ProxyRelay {
  /** Resolves when the client side closes or the relay is closed; rejects when the child cannot be kept alive. */
  readonly closed: Promise<void>;
  private lifetime: Lifetime;
  private readonly subscriptions: Subscription[] = [];
  private settle!: { resolve: () => void; reject: (e: unknown) => void };
  private closing: Promise<void> | undefined;

  constructor(
    private readonly upstream: Transport,
    private readonly child: ChildSupervisor,
    private readonly options: TxServerOptions & { store: IdempotencyStore },
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.closed = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.closed.catch(() => undefined);
    this.lifetime = this.newLifetime();
  }

  /** Starts relaying: the upstream transport is started, the child must already be. */
  async start(): Promise<void> {
    const { upstream, child } = this;
    upstream.onmessage = (message, extra) => this.lifetime.link.deliver(message, extra);
    upstream.onclose = () => void this.close();
    upstream.onerror = (e) => this.log(`client transport: ${e.message}`);
    this.subscriptions.push(
      child.messages$.subscribe((message) =>
        this.lifetime.tx.send(message).catch((e: unknown) => this.log(`send to client failed: ${String(e)}`)),
      ),
      child.deaths$.subscribe({
        next: () => this.childDied(),
        error: (e: unknown) => void this.close(e),
      }),
    );
    await upstream.start();
  }

  /**
   * Stops: new calls are refused (`shutting_down`), running ones get up to `graceMs` to finish
   * and be stored, then the child is stopped and the client side closed. With `error`,
   * {@link closed} rejects with it.
   */
  close(error?: unknown, graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    this.closing ??= (async () => {
      const { tx, link } = this.lifetime;
      if (error === undefined) await firstValueFrom(race(from(tx.drain()), timer(graceMs)));
      await link.close();
      for (const s of this.subscriptions) s.unsubscribe();
      await this.child.stop();
      await this.upstream.close().catch(() => undefined);
      if (error === undefined) this.settle.resolve();
      else this.settle.reject(error);
    })();
    return this.closing;
  }

  /**
   * The client sent a message over the proxy's limit, skipped unread: a request gets a NACK
   * `invalid_request` naming the limit (the tool did not run), a response to the child's request
   * becomes an error for the child; the connection and the child live on.
   */
  refuseOversized(m: OversizedMessage, limit: number): void {
    const what = `${m.bytes} bytes, over the proxy's message limit of ${limit} bytes (--max-message-bytes)`;
    this.log(`client sent a message of ${what}${m.method ? ` (${m.method})` : ''}; skipped`);
    if (m.id === undefined) return;
    if (m.method !== undefined) {
      const nack = nackResponse(m.id, 'invalid_request', { detail: `the request is ${what}` });
      this.upstream.send(nack).catch((e: unknown) => this.log(`send to client failed: ${String(e)}`));
      return;
    }
    const message = `mcp-tx proxy: the client's response is ${what}`;
    this.child.send({ jsonrpc: '2.0', id: m.id, error: { code: -32600, message } });
  }

  private newLifetime(): Lifetime {
    const link = new ChildLifetimeLink(this.upstream);
    // No grace period for a dead child: nothing it was running can still answer.
    const tx = withTxServer(link, { gracePeriodMs: 0, ...this.options });
    tx.onmessage = (message) => this.child.send(message);
    tx.onerror = (e) => this.log(`mcp-tx: ${e.message}`);
    void tx.start();
    return { link, tx };
  }

  private childDied(): void {
    const dead = this.lifetime;
    this.lifetime = this.newLifetime();
    // Its calls died with it: their keys go back, and the client's retries run them on the next child.
    void dead.tx.serverExited();
    // A client still waiting for its initialize hands it to the next child as it sent it.
    const initialize = this.child.unansweredInitialize;
    if (initialize) this.lifetime.link.deliver(initialize);
  }
}
