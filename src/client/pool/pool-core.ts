import { Observable, type Subscription } from 'rxjs';
import { ClientClosedError, ConnectionClosedError } from '../../protocol/index.js';
import type { ConnectionStatus } from '../connection/connection.js';
import type { TxCallEvent, TxResult } from '../events.js';
import { METRICS_RECORDER, snapshotOf, type MetricsSnapshot } from '../metrics/metrics.js';
import type { CallOptions } from '../options.js';
import { ClientCore } from '../tx-client/client-core.js';
import { validateWarmup, type WarmupConfig, type WarmupReport } from './warmup-config.js';

/**
 * How a pool picks the member for a call: `round-robin` takes the members in turn;
 * `least-in-flight` takes the one with the fewest of the pool's calls running (ties in turn).
 */
export type PoolStrategy = 'round-robin' | 'least-in-flight';

/** The strategy of a pool. @default 'least-in-flight' */
export const DEFAULT_POOL_STRATEGY: PoolStrategy = 'least-in-flight';

/**
 * Options of a {@link TxPool}.
 *
 * @example
 * const pool = new TxPool([a, b], { strategy: 'round-robin' });
 */
export interface TxPoolOptions {
  /** How a call's member is picked. @default 'least-in-flight' */
  strategy?: PoolStrategy;
}

const STRATEGIES: readonly PoolStrategy[] = ['round-robin', 'least-in-flight'];

/**
 * The pool of either SDK major (`TxPool` of `mcp-tx` adds `connect`; `mcp-tx/v2`'s wraps one).
 * Several {@link TxClient}s (connections to one service, e.g. replicas behind one store) used as
 * one: each call goes to a connected member picked by the strategy; members that are not
 * `connected` (reconnecting, closed) are skipped, and with none connected a call fails with
 * {@link ConnectionClosedError}. A call and its retries stay on the member that started it.
 *
 * @example
 * const pool = await TxPool.connect([() => httpTransport(urlA), () => httpTransport(urlB)], { timeoutMs: 5_000 });
 * await pool.warmup();
 * const { result } = await pool.call('search', { q: 'mcp' });
 */
export class PoolCore {
  /** The members, in the order given. */
  readonly members: readonly ClientCore[];
  private readonly strategy: PoolStrategy;
  /** The pool's calls running on each member. */
  private readonly load: number[];
  private readonly statuses: ConnectionStatus[];
  private readonly watching: Subscription[];
  /** Where the next search for a member starts (the turn of round-robin, and of ties). */
  private turn = 0;
  private closed = false;

  /**
   * Pools clients you connected. The pool owns them from now on: {@link TxPool.close} closes them.
   * Each keeps its own `retryBudget`; give them one `RetryBudget` instance for one pool-wide budget.
   *
   * @example
   * const pool = new TxPool([await TxClient.connect(t1), await TxClient.connect(t2)]);
   */
  constructor(clients: readonly ClientCore[], options: TxPoolOptions = {}) {
    if (!Array.isArray(clients as unknown) || clients.length === 0) {
      throw new TypeError('clients must be a non-empty array of TxClient');
    }
    clients.forEach((c: unknown, i) => {
      if (!(c instanceof ClientCore)) throw new TypeError(`clients[${i}] must be a TxClient`);
    });
    validatePoolOptions(options);
    const { strategy = DEFAULT_POOL_STRATEGY } = options;
    this.strategy = strategy;
    this.members = Object.freeze([...clients]);
    this.load = clients.map(() => 0);
    this.statuses = clients.map(() => 'connecting');
    this.watching = clients.map((c, i) => c.status$.subscribe((s) => (this.statuses[i] = s)));
  }

  /**
   * Calls a tool on a member, as {@link TxClient.call$} does. The member is picked when the
   * call is subscribed.
   *
   * @example
   * const { result } = await firstValueFrom(pool.call$('search', { q: 'mcp' }));
   */
  call$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxResult> {
    return this.onMember(name, (member) => member.call$(name, args, options));
  }

  /**
   * Streams a call's own events from a member, as {@link TxClient.stream$} does. The member is
   * picked when the stream is subscribed.
   *
   * @example
   * pool.stream$('index', { dir: '.' }).subscribe((e) => e.type === 'progress' && bar.update(e.progress));
   */
  stream$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxCallEvent> {
    return this.onMember(name, (member) => member.stream$(name, args, options));
  }

  /**
   * Calls a tool on a member and resolves with its {@link TxResult}, as {@link TxClient.call} does.
   *
   * @example
   * const { result } = await pool.call('transfer', { to: 'bob', cents: 100 }, { idempotencyKey: orderId });
   */
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult> {
    return new Promise((resolve, reject) => {
      this.call$(name, args, options).subscribe({ next: resolve, error: reject });
    });
  }

  /**
   * The members' metrics as one: counters added and latency histograms merged, so quantiles
   * are exact. `pool.members[i].metrics()` has each member's own.
   *
   * @example
   * const { totals } = pool.metrics();
   */
  metrics(): MetricsSnapshot {
    return snapshotOf(this.members.map((m) => m[METRICS_RECORDER]()));
  }

  /**
   * Warms every member up at once ({@link TxClient.warmup}); resolves with their reports, in
   * member order.
   *
   * @example
   * const reports = await pool.warmup({ rounds: 2 });
   * reports.forEach((r, i) => console.log(i, r.pingMs, r.failures.length));
   */
  async warmup(config?: WarmupConfig): Promise<WarmupReport[]> {
    if (config !== undefined) validateWarmup(config);
    return Promise.all(this.members.map((m) => m.warmup(config)));
  }

  /**
   * Closes every member (their queued and in-flight calls fail with `ClientClosedError`); new
   * calls on the pool fail with `ClientClosedError`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.watching) sub.unsubscribe();
    await Promise.all(this.members.map((m) => m.close()));
  }

  /** `call(member)` on the member picked at subscription, counted in its load until it ends. */
  private onMember<T>(tool: string, call: (member: ClientCore) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const i = this.pick(tool);
      const load = this.load;
      load[i] = (load[i] as number) + 1;
      const sub = call(this.members[i] as ClientCore).subscribe(subscriber);
      return () => {
        load[i] = (load[i] as number) - 1;
        sub.unsubscribe();
      };
    });
  }

  /** The index of the member for the next call of `tool`. */
  private pick(tool: string): number {
    if (this.closed) throw new ClientClosedError(`${tool}: pool is closed`);
    const { statuses, load } = this;
    const n = statuses.length;
    let best = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.turn + k) % n;
      if (statuses[i] !== 'connected') continue;
      if (best < 0 || (load[i] as number) < (load[best] as number)) best = i;
      if (this.strategy === 'round-robin') break;
    }
    if (best < 0) {
      throw new ConnectionClosedError(`${tool}: no pool member is connected (${statuses.join(', ')})`, {
        info: { tool, requestId: '', attempt: 0, elapsedMs: 0 },
      });
    }
    this.turn = (best + 1) % n;
    return best;
  }
}

/** Throws a `TypeError` naming the field when pool options are invalid or unknown. */
export function validatePoolOptions(options: unknown): asserts options is TxPoolOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('options must be an object');
  }
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'strategy') {
      throw new TypeError(`options.${key} is not an option; known options: strategy`);
    }
    if (value !== undefined && !STRATEGIES.includes(value as PoolStrategy)) {
      throw new TypeError(
        `options.strategy must be 'round-robin' or 'least-in-flight', got ${JSON.stringify(value)}`,
      );
    }
  }
}
