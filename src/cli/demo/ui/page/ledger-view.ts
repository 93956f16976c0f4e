import type { LedgerCheck } from '../ledger-endpoint.js';
import { frameThrottle, h } from './dom.js';

/** Fewest milliseconds between two reads of the ledger. */
const MIN_INTERVAL_MS = 250;

/**
 * The ledger's own check, read from the server (`GET /ledger`): executions per key, with keys
 * that ran more than once in red, and the verdict. Reads are throttled; the latest state always
 * wins. `data-verdict` on the root is `exactly-once`, `double` or `empty`.
 *
 * @example
 * const ledger = new LedgerView(byId('ledger', HTMLDivElement), '/ledger');
 * client.events$.subscribe(() => ledger.refresh());
 */
export class LedgerView {
  #reading = false;
  #again = false;
  #last = 0;
  readonly #refresh = frameThrottle(() => void this.#read());

  constructor(
    private readonly root: HTMLElement,
    private readonly url: string,
  ) {
    this.refresh();
  }

  /** Reads the ledger again soon (once, however often it is asked for meanwhile). */
  refresh(): void {
    this.#refresh();
  }

  async #read(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    try {
      const wait = this.#last + MIN_INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#last = performance.now();
      const response = await fetch(this.url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.#render((await response.json()) as LedgerCheck);
    } catch (e) {
      this.root.replaceChildren(h('p', { class: 'verdict bad' }, `ledger unreadable: ${String(e)}`));
    } finally {
      this.#reading = false;
      if (this.#again) {
        this.#again = false;
        this.refresh();
      }
    }
  }

  #render(check: LedgerCheck): void {
    const exact = check.doubleExecutions === 0;
    const verdict =
      check.keys === 0
        ? 'no transfer yet'
        : exact
          ? `exactly once: ${check.keys} keys, ${check.executions} executions`
          : `DOUBLE EXECUTIONS: ${check.doubleExecutions} beyond the first of their key`;
    this.root.dataset.verdict = check.keys === 0 ? 'empty' : exact ? 'exactly-once' : 'double';
    this.root.dataset.executions = String(check.executions);
    this.root.replaceChildren(
      h('p', { class: `verdict ${exact ? 'ok' : 'bad'}` }, verdict),
      h(
        'p',
        {},
        `requests that reached the server: ${check.requests}; answered from its store: ${check.replays}; ` +
          `money ${check.totalCents === check.openingTotalCents ? 'conserved' : 'NOT conserved'}`,
      ),
      h(
        'div',
        { class: 'keys' },
        ...Object.entries(check.runs).map(([key, runs]) =>
          h(
            'span',
            { class: runs > 1 ? 'key twice' : 'key', title: `${key}: ${runs} execution(s)`, 'data-key': key },
            String(runs),
          ),
        ),
      ),
    );
  }
}
