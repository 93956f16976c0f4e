import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import {
  type ChaosAction,
  type ChaosDirection,
  type ChaosFaultOptions,
  type ChaosFaults,
  type ChaosOptions,
  type ChaosStats,
  resolveFaults,
  validateChaosOptions,
} from './chaos-options.js';
import { mulberry32 } from './prng.js';

type Deliver = (message: JSONRPCMessage) => void;

/**
 * A transport that loses, duplicates, delays and reorders messages, and disconnects, from a
 * seed: the same seed and the same calls give the same faults, so a failure replays exactly.
 * Made by {@link chaosTransport}.
 */
export class ChaosTransport implements Transport {
  // Declared without `| undefined` (as SDK 1.x before 1.32.2 declares Transport's), so that the
  // transport fits every SDK of the range under `exactOptionalPropertyTypes`.
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  /** What the transport did so far (live counters). */
  readonly stats: Readonly<ChaosStats> = {
    sent: 0,
    received: 0,
    dropped: 0,
    duplicated: 0,
    delayed: 0,
    reordered: 0,
    disconnected: 0,
  };
  private faults: ChaosFaultOptions;
  private resolved: Record<ChaosDirection, ChaosFaults>;
  private readonly random: () => number;
  private readonly scheduler: SchedulerLike;
  private readonly timers = new Set<Subscription>();
  private readonly held: Record<ChaosDirection, { message: JSONRPCMessage; deliver: Deliver }[]> = {
    toServer: [],
    toClient: [],
  };
  private readonly counts: Record<ChaosDirection, number> = { toServer: 0, toClient: 0 };
  private closed = false;
  private closeReported = false;

  constructor(
    /** The wrapped transport. */
    readonly inner: Transport,
    options: ChaosOptions = {},
  ) {
    validateChaosOptions(options);
    const { seed = 1, scheduler = asyncScheduler, ...faults } = options;
    this.random = mulberry32(seed);
    this.scheduler = scheduler;
    this.faults = faults;
    this.resolved = {
      toServer: resolveFaults(faults, 'toServer'),
      toClient: resolveFaults(faults, 'toClient'),
    };
    inner.onmessage = (message, extra) => {
      this.mutable.received++;
      this.pass('toClient', message, (m) => this.onmessage?.(m, extra));
    };
    inner.onclose = () => {
      this.shutDown();
      // once, as a transport should: the SDK's in-memory transport reports one close twice
      if (this.closeReported) return;
      this.closeReported = true;
      this.onclose?.();
    };
    inner.onerror = (error) => this.onerror?.(error);
  }

  /**
   * The inner transport's session id (a getter on the prototype, typed as an optional property so
   * that it fits SDK 1.x's `Transport.sessionId?: string` under `exactOptionalPropertyTypes`).
   */
  declare readonly sessionId?: string;

  /** Changes the faults from now on (e.g. a clean handshake, then 30 % loss). */
  setFaults(options: ChaosFaultOptions): void {
    validateChaosOptions(options, 'setFaults options');
    for (const fixed of ['seed', 'scheduler'] as const) {
      if (fixed in options) throw new TypeError(`setFaults options.${fixed} is fixed at construction`);
    }
    this.faults = options;
    this.resolved = {
      toServer: resolveFaults(options, 'toServer'),
      toClient: resolveFaults(options, 'toClient'),
    };
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  /**
   * Settles as the inner transport's send when the message is passed on at once (a rejection, say
   * an HTTP error, reaches the caller as it would without chaos); resolves when the message is
   * lost, as a lossy network tells the sender nothing. A message held back (delayed, reordered) or
   * a duplicate copy is sent later or again by the network, not by the caller: its send resolves at
   * once and a failure of the later hand-off is reported on `onerror`.
   */
  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new Error('Not connected');
    this.mutable.sent++;
    let passing = true;
    let handedOff: Promise<void> | undefined;
    this.pass('toServer', message, (m) => {
      const sending = this.inner.send(m, options);
      // the caller's own message (a duplicate is a copy), passed on before this send returns
      if (passing && m === message && handedOff === undefined) handedOff = sending;
      else sending.catch((error: unknown) => this.onerror?.(toError(error)));
    });
    passing = false;
    await handedOff;
  }

  async close(): Promise<void> {
    this.shutDown();
    await this.inner.close();
  }

  private get mutable(): ChaosStats {
    return this.stats as ChaosStats;
  }

  private pass(direction: ChaosDirection, message: JSONRPCMessage, deliver: Deliver): void {
    if (this.closed) return;
    const index = this.counts[direction]++;
    const faults = this.resolved[direction];
    // Three draws per message whatever happens, so one message's fate never shifts another's.
    const [drop, duplicate, delay] = [this.random(), this.random(), this.random()];
    let action: ChaosAction | undefined = this.faults.schedule?.({ direction, index, message });
    if (action === undefined && faults.disconnectAfter !== undefined && index >= faults.disconnectAfter) {
      action = 'disconnect';
    }
    action ??=
      drop < (faults.drop ?? 0) ? 'drop' : duplicate < (faults.duplicate ?? 0) ? 'duplicate' : 'deliver';
    const [min, max] =
      typeof faults.delayMs === 'number' ? [faults.delayMs, faults.delayMs] : (faults.delayMs ?? [0, 0]);
    const delayMs = min + delay * (max - min);
    switch (action) {
      case 'disconnect':
        this.mutable.disconnected++;
        void this.close().catch((error: unknown) => this.onerror?.(toError(error)));
        return;
      case 'drop':
        this.mutable.dropped++;
        return;
      case 'duplicate':
        this.mutable.duplicated++;
        this.emit(direction, message, deliver, delayMs);
        this.emit(direction, structuredClone(message), deliver, delayMs);
        return;
      case 'deliver':
        return this.emit(direction, message, deliver, delayMs);
      default:
        return this.emit(direction, message, deliver, action.delayMs);
    }
  }

  private emit(direction: ChaosDirection, message: JSONRPCMessage, deliver: Deliver, delayMs: number): void {
    const window = this.resolved[direction].reorderWindow ?? 0;
    if (window > 1) {
      const held = this.held[direction];
      held.push({ message, deliver });
      if (held.length >= window) this.flush(direction, delayMs);
      else if (held.length === 1) this.later(() => this.flush(direction, delayMs), 1);
      return;
    }
    this.deliverAfter(message, deliver, delayMs);
  }

  /** Releases held messages in a shuffled order (Fisher-Yates with the seeded PRNG). */
  private flush(direction: ChaosDirection, delayMs: number): void {
    const held = this.held[direction].splice(0);
    const order = held.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    order.forEach((from, to) => {
      if (from !== to) this.mutable.reordered++;
      const entry = held[from];
      if (entry) this.deliverAfter(entry.message, entry.deliver, delayMs);
    });
  }

  private deliverAfter(message: JSONRPCMessage, deliver: Deliver, delayMs: number): void {
    if (delayMs <= 0) return deliver(message);
    this.mutable.delayed++;
    this.later(() => deliver(message), delayMs);
  }

  private later(work: () => void, delayMs: number): void {
    const timer: Subscription = this.scheduler.schedule(() => {
      this.timers.delete(timer);
      if (!this.closed) work();
    }, delayMs);
    if (!timer.closed) this.timers.add(timer);
  }

  private shutDown(): void {
    this.closed = true;
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    this.held.toServer.length = 0;
    this.held.toClient.length = 0;
  }
}

Object.defineProperty(ChaosTransport.prototype, 'sessionId', {
  get(this: ChaosTransport): string | undefined {
    return this.inner.sessionId;
  },
});

/**
 * Wraps any MCP `Transport` in seeded faults, for tests, demos and soak runs.
 *
 * @example
 * const [a, b] = InMemoryTransport.createLinkedPair();
 * const lossy = chaosTransport(a, { seed: 42, drop: 0.3, duplicate: 0.05, delayMs: [0, 5] });
 * const client = await TxClient.connect(lossy);
 */
export function chaosTransport(inner: Transport, options: ChaosOptions = {}): ChaosTransport {
  return new ChaosTransport(inner, options);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
