import type { RequestId } from './transport-types.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { forgetClaim } from './request-claims.js';
import type { TxCall } from './tx-call.js';

/**
 * The `tools/call`s of one connection by JSON-RPC id, from arrival to answer: forgetting a call
 * gives back its idempotency claim when it produced no outcome, and tells who waits for none
 * to be left (drain, close).
 *
 * @example
 * table.add(call);
 * table.drop(call);          // refused or cancelled: its key is released
 * await table.whenIdle();
 */
export class CallTable {
  readonly #calls = new Map<RequestId, TxCall>();
  readonly #idle: (() => void)[] = [];

  constructor(
    private readonly store: IdempotencyStore,
    private readonly report: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.#calls.size;
  }

  has(id: RequestId): boolean {
    return this.#calls.has(id);
  }

  get(id: RequestId): TxCall | undefined {
    return this.#calls.get(id);
  }

  add(call: TxCall): void {
    this.#calls.set(call.id, call);
  }

  /** The call holding the claim on store key `key`, if any (a scan: for rare events only). */
  holding(key: string): TxCall | undefined {
    for (const call of this.#calls.values()) if (call.claimed && call.storeKey === key) return call;
    return undefined;
  }

  /** A snapshot of the calls, safe to iterate while forgetting them. */
  list(): TxCall[] {
    return [...this.#calls.values()];
  }

  /** Forgets a call that produced no outcome, giving its key back so a later request may run. */
  drop(call: TxCall): void {
    if (call.claimed) {
      call.claimed = false;
      try {
        this.store.release(call.storeKey as string).catch(this.report);
      } catch (e) {
        this.report(e); // a store that throws instead of rejecting must not break the message loop
      }
    }
    this.forget(call);
  }

  /** Forgets a call that is answered (or will never be). */
  forget(call: TxCall): void {
    call.state = 'done';
    call.trace?.end();
    if (call.claimToken !== undefined) forgetClaim(call.claimToken);
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
    if (this.#calls.size === 0 && this.#idle.length > 0)
      for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once no call is left. */
  whenIdle(): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
