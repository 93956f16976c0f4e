import type { Observable } from 'rxjs';
import { PoolCore as CoreTxPool, type TxPoolOptions } from '../../client/pool/pool-core.js';
import type { TxCallEvent, TxResult } from '../../client/events.js';
import type { MetricsSnapshot } from '../../client/metrics/metrics.js';
import type { CallOptions } from '../../client/options.js';
import type { WarmupConfig, WarmupReport } from '../../client/pool/warmup-config.js';
import { retryBudgetOf } from '../../client/resilience/retry-budget-option.js';
import { validateRetryBudget } from '../../client/validate-options.js';
import { RetryBudget } from '../../operators/retry-budget.js';
import type { Transport } from '@modelcontextprotocol/client';
import { CORE, TxClient, type ConnectOptions, type TransportFactory } from './tx-client.js';

/** Options of {@link TxPool.connect} on SDK v2: the pool's, plus the {@link ConnectOptions} of every member. */
export interface PoolConnectOptions extends ConnectOptions, TxPoolOptions {}

/**
 * Several SDK v2 {@link TxClient}s (connections to one service, e.g. stateless replicas behind
 * one store) used as one, as `mcp-tx`'s `TxPool`: each call goes to a connected member picked by
 * the strategy, and stays there with its retries.
 *
 * @example
 * const pool = await TxPool.connect([() => httpTransport(urlA), () => httpTransport(urlB)], { timeoutMs: 5_000 });
 * const { result } = await pool.call('search', { q: 'mcp' });
 */
export class TxPool {
  /** The members, in the order given. */
  readonly members: readonly TxClient[];
  readonly #core: CoreTxPool;

  /**
   * Pools SDK v2 clients you connected; the pool owns them from now on.
   *
   * @example
   * const pool = new TxPool([await TxClient.connect(t1), await TxClient.connect(t2)]);
   */
  constructor(clients: readonly TxClient[], options: TxPoolOptions = {}) {
    if (!Array.isArray(clients as unknown) || clients.length === 0) {
      throw new TypeError('clients must be a non-empty array of TxClient');
    }
    clients.forEach((c, i) => {
      if (!(c instanceof TxClient)) throw new TypeError(`clients[${i}] must be a TxClient of mcp-tx/v2`);
    });
    this.members = [...clients];
    this.#core = new CoreTxPool(
      clients.map((c) => c[CORE]),
      options,
    );
  }

  /**
   * Connects one member per transport (or factory) with the same options (one retry budget for
   * all, when given), and pools them; if any member fails to connect, the others are closed.
   *
   * @example
   * const pool = await TxPool.connect([() => httpTransport(a), () => httpTransport(b)], { strategy: 'round-robin' });
   */
  static async connect(
    transports: readonly (Transport | TransportFactory)[],
    options: PoolConnectOptions = {},
  ): Promise<TxPool> {
    if (!Array.isArray(transports as unknown) || transports.length === 0) {
      throw new TypeError('transports must be a non-empty array of transports or transport factories');
    }
    const { strategy, ...memberOptions } = options;
    validateRetryBudget(memberOptions.retryBudget);
    const budget = retryBudgetOf(memberOptions.retryBudget, (config) => new RetryBudget(config));
    const connectOptions = budget ? { ...memberOptions, retryBudget: budget } : memberOptions;
    const settled = await Promise.allSettled(transports.map((t) => TxClient.connect(t, connectOptions)));
    const clients = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await Promise.all(clients.map((c) => c.close()));
      throw failure.reason;
    }
    return new TxPool(clients, strategy === undefined ? {} : { strategy });
  }

  /**
   * Calls a tool on a member, as {@link TxClient.call$} does.
   *
   * @example
   * const { result } = await firstValueFrom(pool.call$('search', { q: 'mcp' }));
   */
  call$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxResult> {
    return this.#core.call$(name, args, options);
  }

  /**
   * Streams a call's own events from a member, as {@link TxClient.stream$} does.
   *
   * @example
   * pool.stream$('index', { dir: '.' }).subscribe((e) => e.type === 'progress' && bar.update(e.progress));
   */
  stream$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxCallEvent> {
    return this.#core.stream$(name, args, options);
  }

  /**
   * Calls a tool on a member and resolves with its {@link TxResult}.
   *
   * @example
   * const { result } = await pool.call('transfer', { cents: 100 }, { idempotencyKey: orderId });
   */
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult> {
    return this.#core.call(name, args, options);
  }

  /**
   * The members' metrics as one (counters added, latency histograms merged).
   *
   * @example
   * const { totals } = pool.metrics();
   */
  metrics(): MetricsSnapshot {
    return this.#core.metrics();
  }

  /**
   * Warms every member up at once; resolves with their reports, in member order.
   *
   * @example
   * const reports = await pool.warmup({ rounds: 2 });
   */
  warmup(config?: WarmupConfig): Promise<WarmupReport[]> {
    return this.#core.warmup(config);
  }

  /**
   * Closes every member; new calls on the pool fail with `ClientClosedError`.
   *
   * @example
   * await pool.close();
   */
  close(): Promise<void> {
    return this.#core.close();
  }
}
