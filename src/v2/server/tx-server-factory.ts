import type { McpRequestContext, McpServer, McpServerFactory, Server } from '@modelcontextprotocol/server';
import { Subject, type Observable } from 'rxjs';
import { connectThrough } from '../../sdk/v2/connect-through.js';
import { MemoryIdempotencyStore } from '../../server/memory-idempotency-store.js';
import { resolveServerOptions, type TxServerOptions } from '../../server/options.js';
import { copyStats, emptyStats, type TxServerStats } from '../../server/server-stats.js';
import type { TxServerEvent } from '../../server/server-events.js';
import { withTxServer, type TxServerTransport } from '../../server/with-tx-server.js';

/**
 * A server factory for SDK v2's serving entries whose every server speaks mcp-tx: what
 * {@link txServerFactory} returns.
 *
 * @example
 * const factory: TxServerFactory = txServerFactory(buildServer, { store });
 * createMcpHandler(factory);
 */
export interface TxServerFactory extends McpServerFactory {
  /**
   * What the tool calls of every connection it served came to, those still open included (a
   * copy): behind `createMcpHandler`, each request is a connection of its own.
   */
  readonly stats: TxServerStats;
  /** What befalls the calls of every connection it serves beyond the counters (late lease renewals), as `TxServerTransport.events$`. */
  readonly events$: Observable<TxServerEvent>;
}

/**
 * Gives mcp-tx to the servers of SDK v2's serving entries, which build a server and its
 * transport themselves: `createMcpHandler` (a fresh server per HTTP request, the 2026-07-28
 * protocol and, by default, stateless serving of the `initialize` era) and `serveStdio` (a server
 * per connection). Each server `factory` makes connects through {@link withTxServer}, with
 * `options`; so it advertises the mcp-tx extension in `server/discover`, ACKs, NACKs, and runs each
 * keyed call once by its idempotency key, replaying the stored outcome to retries, whichever
 * request they arrive on. Options are checked once, here. Without a `store`, one
 * `MemoryIdempotencyStore` made here serves every request; replicas share a store of their own
 * (`RedisIdempotencyStore`). `maxConcurrent` and `maxQueue` bound each connection, hence one
 * request behind `createMcpHandler`.
 *
 * @example
 * const handler = createMcpHandler(txServerFactory(() => buildServer(), { store }));
 * createServer(toNodeHandler(handler)).listen(3000);
 * serveStdio(txServerFactory(() => buildServer())); // over stdio
 */
export function txServerFactory(factory: McpServerFactory, options: TxServerOptions = {}): TxServerFactory {
  if (typeof factory !== 'function') {
    throw new TypeError(
      `txServerFactory: factory must be a function (ctx) => McpServer | Server, got ${typeof factory}`,
    );
  }
  const { scheduler } = resolveServerOptions(options);
  const shared: TxServerOptions = {
    ...options,
    store: options.store ?? new MemoryIdempotencyStore({ scheduler }),
  };
  const closed = emptyStats();
  const open = new Set<TxServerTransport>();
  const events = new Subject<TxServerEvent>();
  const decorate = (transport: Parameters<typeof withTxServer>[0]) => {
    const tx = withTxServer(transport, shared);
    open.add(tx);
    // A decorator's events$ completes once it has closed, its calls answered: its counters are final.
    tx.events$.subscribe({
      next: (event) => events.next(event),
      complete: () => {
        if (open.delete(tx)) addStats(closed, tx.stats);
      },
    });
    return tx;
  };
  const build = async (ctx: McpRequestContext): Promise<McpServer | Server> =>
    connectThrough(await factory(ctx), decorate);
  return Object.defineProperties(build, {
    stats: {
      get: (): TxServerStats => {
        const total = copyStats(closed);
        for (const tx of open) addStats(total, tx.stats);
        return total;
      },
      enumerable: true,
    },
    events$: { value: events.asObservable(), enumerable: true },
  }) as TxServerFactory;
}

/** Adds `stats` to `total`. */
function addStats(total: TxServerStats, stats: TxServerStats): void {
  total.executed += stats.executed;
  total.replayed += stats.replayed;
  total.stopped += stats.stopped;
  total.acks += stats.acks;
  total.lateRenewals += stats.lateRenewals;
  for (const [reason, n] of Object.entries(stats.nacks) as [keyof TxServerStats['nacks'], number][])
    total.nacks[reason] = (total.nacks[reason] ?? 0) + n;
}
