import type { TxEvent } from '../../../../index.js';
import { frameThrottle, h } from './dom.js';

/** The counters shown, in order, with their labels. */
const LABELS = {
  calls: 'calls',
  queued: 'queued',
  inFlight: 'in flight',
  completed: 'completed',
  failed: 'failed',
  attempts: 'requests sent',
  acks: 'ACKs',
  nacks: 'NACKs',
  timeouts: 'timeouts',
  retries: 'retries',
  duplicates: 'duplicates suppressed',
  dropped: 'lost by the link',
} as const;

/** What the counters count. */
export type Counts = Record<keyof typeof LABELS, number>;

/**
 * Live counters of the client's calls, from `events$`, plus the link's losses and the calls
 * waiting in the client's queue (past its concurrency limit, not sent yet); redrawn at most once a
 * frame. Each number sits in `[data-counter=<name>] b` (the specs read them there). `calls` are
 * those sent; `queued` ones join them as the queue moves.
 *
 * @example
 * const counters = new CountersView(byId('counters', HTMLElement), () => link.stats().dropped, () => 0);
 * client.events$.subscribe((e) => counters.add(e));
 */
export class CountersView {
  readonly counts: Counts = Object.fromEntries(Object.keys(LABELS).map((k) => [k, 0])) as Counts;
  readonly #cells = new Map<keyof Counts, HTMLElement>();
  readonly #redraw = frameThrottle(() => this.#draw());

  constructor(
    root: HTMLElement,
    private readonly dropped: () => number,
    private readonly queued: () => number,
  ) {
    for (const [name, label] of Object.entries(LABELS) as [keyof Counts, string][]) {
      const value = h('b', {}, '0');
      this.#cells.set(name, value);
      root.append(h('div', { class: 'counter', 'data-counter': name }, value, h('span', {}, label)));
    }
  }

  /** Counts one event. */
  add(event: TxEvent): void {
    const c = this.counts;
    switch (event.type) {
      case 'request':
        c.attempts++;
        if (event.attempt === 0) c.calls++;
        break;
      case 'ack':
        c.acks++;
        break;
      case 'nack':
        c.nacks++;
        break;
      case 'timeout':
        c.timeouts++;
        break;
      case 'retry':
        c.retries++;
        break;
      case 'response':
        c.completed++;
        if (event.result.duplicate) c.duplicates++;
        break;
      case 'failure':
        c.failed++;
        break;
      default:
        return;
    }
    this.#redraw();
  }

  #draw(): void {
    const c = this.counts;
    c.inFlight = Math.max(0, c.calls - c.completed - c.failed);
    c.dropped = this.dropped();
    c.queued = this.queued();
    for (const [name, cell] of this.#cells) cell.textContent = c[name].toLocaleString('en-US');
  }
}
