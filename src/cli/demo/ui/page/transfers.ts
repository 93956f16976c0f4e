import type { Transfer } from '../../ledger.js';
import { ACCOUNTS } from '../../workload.js';

/**
 * Keyed transfers between random accounts. Keys are this page's own (`t7-k3x9q`): the ledger
 * outlives a reload, and a key reused with other arguments would be an idempotency conflict.
 *
 * @example
 * const transfers = new Transfers();
 * const t = transfers.next(); // { from: 'bob', to: 'erin', cents: 4210, ref: 't1-k3x9q' }
 */
export class Transfers {
  readonly #tag = Math.random().toString(36).slice(2, 7);
  #count = 0;
  /** Each transfer made so far, by key, to label its calls and replay it. */
  readonly byKey = new Map<string, Transfer>();
  /** The latest transfer, for "replay the last key". */
  last: Transfer | undefined;

  /** A new transfer with a fresh key (its `ref`), or the given key. */
  next(key?: string): Transfer {
    const known = key === undefined ? undefined : this.byKey.get(key);
    if (known) return known;
    const pick = () => ACCOUNTS[Math.floor(Math.random() * ACCOUNTS.length)] as string;
    const from = pick();
    let to = pick();
    while (to === from) to = pick();
    const ref = key ?? `t${++this.#count}-${this.#tag}`;
    const transfer = { from, to, cents: 1 + Math.floor(Math.random() * 10_000), ref };
    this.byKey.set(ref, transfer);
    this.last = transfer;
    return transfer;
  }
}
