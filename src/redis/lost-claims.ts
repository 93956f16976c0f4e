import type { Held } from './claim-leases.js';

/** Lost claims of one key a claim may take over (each failed retry of a lost claim may have run too). */
const MAX_LOST = 8;
/** The offer of a key without lost claims. */
const NOTHING_LOST = Object.freeze({ lost: undefined, tokens: '' });

/**
 * The claims of one store whose reply never came (the connection reset after the claim script
 * ran, or the command timed out), by key: the tool never ran under them. The store's next claim
 * of the key offers their tokens, and takes over the one it finds in Redis; each is also given
 * back on its own (`abandon`), until that goes through.
 *
 * @example
 * const lost = new LostClaims();
 * lost.add('order-1', held);               // the claim's reply was lost
 * const offer = lost.offer('order-1', fp); // tokens the next claim of the key may take over
 * lost.settled('order-1', offer);          // its reply came: none of them is left in Redis
 */
export class LostClaims {
  readonly #byKey = new Map<string, Held[]>();
  readonly #all = new WeakSet<Held>();

  /** Keeps `held` as lost. */
  add(key: string, held: Held): void {
    const lost = this.#byKey.get(key) ?? [];
    // A few at most: the oldest stops being a takeover candidate (it is still given back).
    this.#byKey.set(key, [...lost.slice(-(MAX_LOST - 1)), held]);
    this.#all.add(held);
  }

  /** What a claim of `key` with `fingerprint` may take over: the lost claims, and their tokens ('' for none). */
  offer(key: string, fingerprint: string): { readonly lost: Held[] | undefined; readonly tokens: string } {
    const lost = this.#byKey.get(key);
    if (lost === undefined) return NOTHING_LOST; // nearly every claim: nothing to allocate
    const tokens = lost
      .filter((h) => h.fingerprint === fingerprint)
      .map((h) => h.token)
      .join(' ');
    return { lost, tokens };
  }

  /** A claim that offered `offer` got its reply: the script saw the record, so none of them is left in Redis. */
  settled(key: string, offer: { readonly lost: Held[] | undefined; readonly tokens: string }): void {
    if (offer.tokens !== '' && this.#byKey.get(key) === offer.lost) this.#byKey.delete(key);
  }

  /** Whether `held` was lost (it is given back with `abandon`). */
  wasLost(held: Held): boolean {
    return this.#all.has(held);
  }

  /** Whether `held` is still waiting to be given back or taken over. */
  pending(key: string, held: Held): boolean {
    return this.#byKey.get(key)?.includes(held) === true;
  }

  /** `held` was given back. */
  forget(key: string, held: Held): void {
    const lost = this.#byKey.get(key)?.filter((h) => h !== held);
    if (lost === undefined || lost.length === 0) this.#byKey.delete(key);
    else this.#byKey.set(key, lost);
  }
}
