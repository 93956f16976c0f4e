import type { TxClient, TxClientOptions } from '../../../../index.js';
import type { ReconnectConfig } from '../../../../client/connection/connection.js';
import { chaosTransport, type ChaosTransport } from '../../../../testing/index.js';

/** What the page uses of a TxClient (mcp-tx's and mcp-tx/v2's have it alike). */
export type PageClient = Pick<TxClient, 'status$' | 'events$' | 'call' | 'metrics' | 'close'>;

/**
 * The client side of the SDK major the page runs on: mcp-tx's `TxClient` and `httpTransport`, or
 * mcp-tx/v2's (the page's entry of each major hands its own in).
 */
export interface PageSdk {
  TxClient: {
    connect(
      factory: () => never,
      options: TxClientOptions & { reconnect?: ReconnectConfig | false },
    ): Promise<PageClient>;
  };
  httpTransport(url: URL): unknown;
}

/** The page's client and the faulty link under it. */
export interface DemoLink {
  readonly client: PageClient;
  /** Loss of each link from now on, each way, 0..1. */
  setLoss(loss: number): void;
  /** Messages the links dropped and duplicated so far. */
  stats(): { dropped: number; duplicated: number };
}

/** Client settings: short timeouts and backoff so that a lost message shows within a second. */
const CLIENT = {
  timeoutMs: 800,
  concurrency: 4, // with the SSE stream of the session, within a browser's 6 connections per host
  dedupWindowMs: 0, // every replay goes to the server, whose store answers it
  retry: { maxAttempts: 25, baseDelayMs: 50, maxDelayMs: 800 }, // NACKed attempts count too
  reconnect: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 2_000, initializeTimeoutMs: 5_000 },
};

/**
 * Connects a TxClient of `sdk` to the ledger server at `url` through a chaos link per connection:
 * clean while the MCP handshake runs (nobody retries an `initialize`), then losing `loss` of the
 * messages each way, delaying all by up to 40 ms and duplicating a few answers. Requests are never
 * duplicated: a copied POST of the same JSON-RPC id would leave one HTTP stream open for good.
 *
 * @example
 * const link = await connectDemo({ TxClient, httpTransport }, new URL('/mcp', location.href), 0.2);
 * await link.client.call('transfer', transfer, { idempotencyKey: transfer.ref });
 */
export async function connectDemo(sdk: PageSdk, url: URL, loss: number): Promise<DemoLink> {
  const links: ChaosTransport[] = [];
  let faulty = false;
  const faults = () => ({ drop: loss, delayMs: [0, 40] as const, toClient: { duplicate: 0.05 } });
  const client = await sdk.TxClient.connect(() => {
    // an SDK v2 transport meets SDK v1's interface, which the chaos link takes, at run time
    const transport = sdk.httpTransport(url) as Parameters<typeof chaosTransport>[0];
    const link = chaosTransport(transport, { seed: (Date.now() + links.length) % 2 ** 31 });
    links.push(link);
    return link as never;
  }, CLIENT);
  client.status$.subscribe((status) => {
    if (status === 'connected' && faulty) links.at(-1)?.setFaults(faults());
  });
  faulty = true;
  links.at(-1)?.setFaults(faults());
  return {
    client,
    setLoss(next) {
      loss = next;
      links.at(-1)?.setFaults(faults());
    },
    stats() {
      let dropped = 0;
      let duplicated = 0;
      for (const link of links) {
        dropped += link.stats.dropped;
        duplicated += link.stats.duplicated;
      }
      return { dropped, duplicated };
    },
  };
}
