import type { TxEvent } from '../../../../index.js';
import type { Transfer } from '../../ledger.js';
import { dollars, h } from './dom.js';

/** Rows kept on the page; older calls leave it. */
const MAX_ROWS = 150;

interface Row {
  element: HTMLLIElement;
  startedAt: number;
}

/**
 * One row per call, newest first, growing a chip for each thing that happens to it as it
 * happens: request (per attempt), ACK, NACK and its reason, timeout, retry and its delay, then
 * the response (marked when the server answered it from its store) or the failure.
 *
 * @example
 * const calls = new CallsView(byId('calls', HTMLOListElement), (key) => transfers.byKey.get(key));
 * client.events$.subscribe((e) => calls.add(e));
 */
export class CallsView {
  readonly #rows = new Map<string, Row>();

  constructor(
    private readonly root: HTMLOListElement,
    private readonly transferOf: (key: string) => Transfer | undefined,
  ) {}

  /** Shows one event on its call's row (a call's first request opens the row). */
  add(event: TxEvent): void {
    let row = this.#rows.get(event.requestId);
    if (row === undefined) {
      // a call opens its row with its first request, or with its answer when it sent none (the
      // client's dedup window or cache answered it); any other is from before this page's rows
      const key =
        event.type === 'request'
          ? event.idempotencyKey
          : event.type === 'response' && event.dedupOf !== undefined
            ? event.result.idempotencyKey
            : undefined;
      if (key === undefined) return;
      row = this.#open(event.requestId, key, event.time);
    }
    const chip = chipOf(event);
    if (chip === undefined) return;
    const [kind, text] = chip;
    row.element.append(
      h('span', { class: `chip ${kind}` }, text, h('i', {}, ` +${event.time - row.startedAt} ms`)),
    );
    if (kind === 'response' || kind === 'duplicate' || kind === 'failure') row.element.dataset.state = kind;
  }

  #open(requestId: string, key: string, time: number): Row {
    const transfer = this.transferOf(key);
    const label = transfer ? `${key}  ${transfer.from} → ${transfer.to} ${dollars(transfer.cents)}` : key;
    const element = h(
      'li',
      { class: 'call', 'data-key': key, 'data-state': 'pending' },
      h('span', { class: 'label' }, label),
    );
    this.root.prepend(element);
    const row = { element, startedAt: time };
    this.#rows.set(requestId, row);
    if (this.#rows.size > MAX_ROWS) {
      const [oldest] = this.#rows;
      if (oldest) {
        oldest[1].element.remove();
        this.#rows.delete(oldest[0]);
      }
    }
    return row;
  }
}

/** The chip of an event: its kind (a CSS class) and its text; `undefined` for events not shown. */
function chipOf(event: TxEvent): [kind: string, text: string] | undefined {
  switch (event.type) {
    case 'request':
      return ['request', event.attempt === 0 ? 'request' : `request #${event.attempt}`];
    case 'ack':
      return ['ack', 'ACK'];
    case 'nack':
      return ['nack', `NACK ${event.reason}`];
    case 'timeout':
      return ['timeout', event.acked ? 'timeout after ACK' : 'timeout, no ACK'];
    case 'retry':
      return ['retry', `retry in ${Math.round(event.delayMs)} ms`];
    case 'response':
      if (event.dedupOf !== undefined)
        return ['duplicate', `answered by the client (${event.cached ? 'cache' : 'dedup window'})`];
      return event.result.duplicate
        ? ['duplicate', 'duplicate suppressed: the server replayed its stored result']
        : event.result.result.isError === true
          ? ['failure', 'tool error']
          : ['response', 'executed'];
    case 'failure':
      return ['failure', `failed: ${errorCode(event.error)}`];
    default:
      return undefined;
  }
}

function errorCode(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : typeof message === 'string' ? message : String(error);
}
