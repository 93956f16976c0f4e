import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { Latest, distinct, filter, first, map } from '../rx-lite.js';
import { fullJitterBackoff, type BackoffStrategy } from '../../operators/backoff.js';
import { ConnectionClosedError } from '../../protocol/errors.js';
import { connectAttempt } from '../../sdk/v1/connect-attempt.js';
import { onClosed } from '../../sdk/listen.js';

/** Where the client's connection stands. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Makes a fresh transport for each (re)connection, e.g. `() => new StdioClientTransport({ command })`. */
export type TransportFactory = () => Transport | Promise<Transport>;

/** How a lost connection is re-established (only when the client was given a {@link TransportFactory}). */
export interface ReconnectConfig {
  /**
   * Connection attempts in a row before giving up with `ConnectionClosedError`; a connection that
   * closes within `maxDelayMs` of being made counts as a failed attempt. @default 5, range 1..100
   */
  maxAttempts?: number;
  /** Backoff before the second attempt (full jitter). @default 200 ms, range 1..60_000 */
  baseDelayMs?: number;
  /** Longest backoff. @default 5_000 ms, range 1..600_000 */
  maxDelayMs?: number;
  /** How long one `initialize` may take before the attempt counts as lost. @default 10_000 ms */
  initializeTimeoutMs?: number;
}

/** @default see {@link ReconnectConfig} */
export const DEFAULT_RECONNECT: Required<ReconnectConfig> = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  initializeTimeoutMs: 10_000,
};

/**
 * Owns the SDK client's transport: connects it, reports {@link ConnectionStatus}, and, given a
 * transport factory, reconnects with jittered, bounded backoff whenever the transport closes
 * (a stdio child exiting, an HTTP session expiring, a network error).
 *
 * A connection that closes sooner than `maxDelayMs` after it was made counts as one more failed
 * attempt: a server that accepts `initialize` and then dies at once uses up `maxAttempts` like
 * one that never answers, and every reconnect waits its backoff first, so nothing loops hot.
 */
export class Connection {
  /** Status changes, current value first. */
  readonly status$: Observable<ConnectionStatus>;
  private readonly status = new Latest<ConnectionStatus>('connecting');
  private readonly config: Required<ReconnectConfig>;
  private connecting = false;
  private reconnecting: Subscription | undefined;
  private lastError: unknown;
  /** Connection attempts (failed, or closed before it was stable) since the last stable connection. */
  private attempts = 0;
  private connectedAt = 0;
  private readonly backoff: BackoffStrategy;

  constructor(
    private readonly sdk: Client,
    private readonly factory: TransportFactory | undefined,
    config: ReconnectConfig | false,
    private readonly scheduler: SchedulerLike,
    private readonly random: () => number,
  ) {
    this.config =
      config === false ? { ...DEFAULT_RECONNECT, maxAttempts: 0 } : { ...DEFAULT_RECONNECT, ...config };
    const { baseDelayMs, maxDelayMs } = this.config;
    this.backoff = fullJitterBackoff({ baseDelayMs, maxDelayMs, multiplier: 2 });
    this.status$ = this.status.value$.pipe(distinct()); // read-only: no `next`, no `source` back
    onClosed(sdk, () => this.onTransportClosed());
  }

  /** How long one `initialize` may take (the bound of the other requests a connection makes). */
  get initializeTimeoutMs(): number {
    return this.config.initializeTimeoutMs;
  }

  /** The current status. */
  get current(): ConnectionStatus {
    return this.status.value;
  }

  /** Emits once (and completes) when connected; errors if the connection is closed for good. */
  whenConnected(): Observable<void> {
    return this.status.value$.pipe(
      filter((s) => s === 'connected' || s === 'closed'),
      first(),
      map((s) => {
        if (s === 'closed') throw this.closedError();
        return undefined;
      }),
    );
  }

  /**
   * Takes over an SDK client the user connects (or connected) themselves: its calls are not
   * held back waiting for a connection, and a closed transport means `closed` (no reconnect).
   */
  adopt(): void {
    this.status.next('connected');
  }

  /** Connects through the factory, retrying a lost `initialize` on a fresh transport. */
  open(transport?: Transport): Promise<void> {
    return new Promise((resolve, reject) => {
      this.reconnecting = this.connectWithRetry(transport).subscribe({
        complete: resolve,
        error: (e: unknown) => reject(e instanceof ConnectionClosedError ? e : this.closedError(e)),
      });
    });
  }

  /**
   * Drops the current transport and connects a fresh one (e.g. the HTTP server forgot the
   * session). Without a factory the connection is closed instead, `cause` given as the reason.
   */
  restart(cause?: unknown): void {
    if (this.status.value !== 'connected') return;
    this.lastError = cause;
    void this.sdk.close(); // its onclose starts the reconnect
  }

  /** Closes the transport for good; no reconnect follows. */
  async close(): Promise<void> {
    this.reconnecting?.unsubscribe();
    this.status.next('closed');
    this.status.complete();
    await this.sdk.close();
  }

  private onTransportClosed(): void {
    // Only the loss of a live connection starts a reconnect: a second report of the same loss
    // (some transports fire onclose twice) finds the status already moved on.
    if (this.connecting || this.status.value !== 'connected') return;
    if (!this.factory || this.config.maxAttempts === 0) {
      this.status.next('closed');
      return;
    }
    const { maxAttempts, maxDelayMs } = this.config;
    if (this.scheduler.now() - this.connectedAt >= maxDelayMs) this.attempts = 0; // it was stable
    if (this.attempts >= maxAttempts) {
      this.lastError = new Error(
        `the server closed the connection ${this.attempts} times in a row right after it was made`,
      );
      this.status.next('closed');
      return;
    }
    this.status.next('reconnecting');
    const delayMs = this.backoff(this.attempts + 1, 0, this.random);
    // the loop by hand, not timer + switchMap + retryWithBackoff: a browser page loads no more rxjs
    // than its calls need (bench/fetched-bundle.ts)
    this.reconnecting = this.scheduler.schedule(() => {
      this.reconnecting = this.connectWithRetry().subscribe({ error: () => undefined });
    }, delayMs);
  }

  /**
   * Connects, and on a failure waits its backoff and tries again on a fresh transport, up to
   * `maxAttempts` less the attempts already used (one attempt without a factory); then the
   * connection is `closed` and the Observable errors with `ConnectionClosedError`.
   */
  private connectWithRetry(first?: Transport): Observable<void> {
    const { maxAttempts, initializeTimeoutMs } = this.config;
    const offset = this.attempts; // attempts already used by connections that did not last
    const allowed = this.factory ? Math.max(1, maxAttempts - offset) : 1;
    let given = first;
    const attempt = async (): Promise<void> => {
      const transport = given ?? (await this.makeTransport());
      given = undefined;
      this.attempts++;
      this.connecting = true;
      try {
        await connectAttempt(this.sdk, transport, initializeTimeoutMs);
      } catch (error) {
        this.lastError = error;
        throw error;
      } finally {
        this.connecting = false;
      }
      this.connectedAt = this.scheduler.now();
      this.status.next('connected');
    };
    return new Observable<void>((subscriber) => {
      let failures = 0;
      let previousDelayMs = 0;
      let wait: Subscription | undefined;
      const run = (): void => {
        attempt().then(
          () => subscriber.complete(),
          (error: unknown) => {
            if (subscriber.closed) return;
            if (++failures >= allowed) {
              this.lastError = error;
              this.status.next('closed');
              subscriber.error(this.closedError(error));
              return;
            }
            const delayMs = this.backoff(failures + offset, previousDelayMs, this.random);
            previousDelayMs = delayMs > 0 ? delayMs : 0;
            wait = this.scheduler.schedule(run, previousDelayMs);
          },
        );
      };
      run();
      return () => wait?.unsubscribe();
    });
  }

  private async makeTransport(): Promise<Transport> {
    if (!this.factory) throw new Error('no transport factory to reconnect with');
    return this.factory();
  }

  /** Why the connection is closed, in words (`connection closed: <last error>`), and that error. */
  get closedReason(): { readonly message: string; readonly cause: unknown } {
    return closedReason(this.lastError);
  }

  private closedError(cause: unknown = this.lastError): ConnectionClosedError {
    return new ConnectionClosedError(closedReason(cause).message, { cause });
  }
}

function closedReason(cause: unknown): { readonly message: string; readonly cause: unknown } {
  return { message: `connection closed${cause instanceof Error ? `: ${cause.message}` : ''}`, cause };
}
