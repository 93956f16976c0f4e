import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { TransportFactory } from '../connection/connection.js';
import { TxClient, type ConnectOptions } from '../tx-client.js';
import { validateRetryBudget } from '../validate-options.js';
import { retryBudgetOf } from '../resilience/retry-budget-option.js';
import { RetryBudget } from '../../operators/retry-budget.js';
import { PoolCore, validatePoolOptions, type TxPoolOptions } from './pool-core.js';

export { DEFAULT_POOL_STRATEGY, type PoolStrategy, type TxPoolOptions } from './pool-core.js';

/** Options of {@link TxPool.connect}: the pool's, plus the {@link ConnectOptions} of every member. */
export interface PoolConnectOptions extends ConnectOptions, TxPoolOptions {}

/**
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
export class TxPool extends PoolCore {
  /** The members, in the order given. */
  declare readonly members: readonly TxClient[];

  /**
   * Pools clients you connected. The pool owns them from now on: {@link TxPool.close} closes them.
   * Each keeps its own `retryBudget`; give them one `RetryBudget` instance for one pool-wide budget.
   *
   * @example
   * const pool = new TxPool([await TxClient.connect(t1), await TxClient.connect(t2)]);
   */
  constructor(clients: readonly TxClient[], options: TxPoolOptions = {}) {
    super(clients, options);
  }

  /**
   * Connects one member per transport (or transport factory, which lets a member reconnect)
   * with the same options, and pools them. If any member fails to connect, the others are
   * closed and the error is thrown. A `retryBudget` is one budget for the whole pool, which
   * every member spends and refills (gRPC keeps one per service, as a pool's members are).
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
    const poolOptions: TxPoolOptions = strategy === undefined ? {} : { strategy };
    validatePoolOptions(poolOptions);
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
    return new TxPool(clients, poolOptions);
  }
}
