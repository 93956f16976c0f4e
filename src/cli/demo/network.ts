import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { IdempotencyStore } from '../../server/index.js';
import { chaosTransport, type ChaosFaults, type ChaosTransport } from '../../testing/index.js';
import type { Ledger } from './ledger.js';
import { startLedgerServer, type ServerCounters } from './server.js';

/** The faults of the demo's link, each way (a subset of the chaos transport's). */
export interface Faults extends ChaosFaults {
  /** Probability that a message is lost, 0..1. */
  drop: number;
  /** Probability that a message arrives twice, 0..1. */
  duplicate: number;
  /** Delay of each message, ms, drawn uniformly from the range. */
  delayMs: readonly [min: number, max: number];
  /** Messages held and released shuffled, at most. */
  reorderWindow: number;
}

/**
 * The demo's faulty network: each {@link connect} makes a fresh in-memory link to a fresh
 * ledger server (behind `withTxServer` on the shared store when there is one), wrapped in a
 * seeded chaos transport whose faults are off until {@link faulty}, so that the MCP handshake
 * gets through. {@link restartServer} closes the server side, as a crash would.
 *
 * @example
 * const network = new DemoNetwork(ledger, store, faults, 42);
 * const client = await TxClient.connect(() => network.connect());
 * network.faulty();
 */
export class DemoNetwork {
  /** What reached the servers, and what they answered from the store. */
  readonly counters: ServerCounters = { requests: 0, replays: 0 };
  /** Servers started. */
  servers = 0;
  private current:
    { serverSide: Transport; server: { close(): Promise<void> }; chaos: ChaosTransport } | undefined;
  private readonly links: ChaosTransport[] = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly store: IdempotencyStore | undefined,
    private readonly faults: Faults,
    private readonly seed: number,
    /** The SDK major of the servers and of the in-memory pairs (`v2`: loaded when first used). */
    private readonly sdk: 'v1' | 'v2' = 'v1',
  ) {}

  /** A fresh link to a fresh server; the client side, faults off. */
  async connect(): Promise<Transport> {
    const [clientSide, serverSide] = await this.pair();
    const server = await this.serve(serverSide);
    this.servers++;
    const chaos = chaosTransport(clientSide, { seed: this.seed + this.links.length, drop: 0, duplicate: 0 });
    this.links.push(chaos);
    this.current = { serverSide, server, chaos };
    return chaos;
  }

  /** An in-memory pair of the SDK major's (SDK v2's ends meet SDK v1's transport interface at run time). */
  private async pair(): Promise<[Transport, Transport]> {
    if (this.sdk === 'v1') return InMemoryTransport.createLinkedPair();
    const { InMemoryTransport: InMemoryV2 } = await import('@modelcontextprotocol/client');
    return InMemoryV2.createLinkedPair() as unknown as [Transport, Transport];
  }

  /** A fresh ledger server of the SDK major's on `serverSide`. */
  private async serve(serverSide: Transport): Promise<{ close(): Promise<void> }> {
    if (this.sdk === 'v1') return startLedgerServer(serverSide, this.ledger, this.store, this.counters);
    if (this.store === undefined) throw new TypeError('the SDK v2 demo serves behind withTxServer only');
    const { startLedgerServerV2 } = await import('./server-v2.js');
    return startLedgerServerV2(serverSide, this.ledger, this.store, this.counters);
  }

  /** Turns the faults on for the current link. */
  faulty(): void {
    const { drop, duplicate, delayMs, reorderWindow } = this.faults;
    this.current?.chaos.setFaults({ drop, duplicate, delayMs, reorderWindow });
  }

  /** Closes the server side of the current link, as a crash of the server would. */
  async restartServer(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.serverSide.close();
  }

  /** Messages the chaos links dropped and duplicated, over every link. */
  get chaosStats(): { dropped: number; duplicated: number } {
    let dropped = 0;
    let duplicated = 0;
    for (const link of this.links) {
      dropped += link.stats.dropped;
      duplicated += link.stats.duplicated;
    }
    return { dropped, duplicated };
  }

  /** Closes the current server. */
  async close(): Promise<void> {
    await this.current?.server.close();
  }
}
