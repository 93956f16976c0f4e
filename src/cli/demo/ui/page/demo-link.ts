import { TxClient, httpTransport } from '../../../../index.js';
import { chaosTransport, type ChaosTransport } from '../../../../testing/index.js';

/** The page's client and the faulty link under it. */
export interface DemoLink {
  readonly client: TxClient;
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
 * Connects a {@link TxClient} to the ledger server at `url` through a chaos link per connection:
 * clean while the MCP handshake runs (nobody retries an `initialize`), then losing `loss` of the
 * messages each way, delaying all by up to 40 ms and duplicating a few answers. Requests are never
 * duplicated: a copied POST of the same JSON-RPC id would leave one HTTP stream open for good.
 *
 * @example
 * const link = await connectDemo(new URL('/mcp', location.href), 0.2);
 * await link.client.call('transfer', transfer, { idempotencyKey: transfer.ref });
 */
export async function connectDemo(url: URL, loss: number): Promise<DemoLink> {
  const links: ChaosTransport[] = [];
  let faulty = false;
  const faults = () => ({ drop: loss, delayMs: [0, 40] as const, toClient: { duplicate: 0.05 } });
  const client = await TxClient.connect(() => {
    const link = chaosTransport(httpTransport(url), { seed: (Date.now() + links.length) % 2 ** 31 });
    links.push(link);
    return link;
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
