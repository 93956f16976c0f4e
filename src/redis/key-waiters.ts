import type { SchedulerLike, Subscription } from 'rxjs';
import { ClaimReleasedError, type StoredRecord } from '../server/idempotency-store.js';

/** What a look at a key found: its outcome, a claim still running (for how much longer), or neither. */
export type KeyState = { readonly record: StoredRecord } | { readonly runningForMs: number } | 'released';

/** Slack after a lease's expiry before a waiter looks again, ms: the owner's renewal may be on its way. */
const RECHECK_SLACK_MS = 50;

interface Waiter {
  readonly promise: Promise<StoredRecord>;
  readonly resolve: (record: StoredRecord) => void;
  readonly reject: (reason: unknown) => void;
  timer: Subscription | undefined;
  checking: boolean;
  again: boolean;
}

/**
 * The duplicates of one store waiting for executions that run elsewhere, one shared promise per
 * key. A waiter wakes when the key's channel message arrives (pub/sub), when this store itself
 * completes or releases the key, or when the running claim's lease would have lapsed; it then
 * looks at the key once. No polling: a claim that stays alive costs one look per lease.
 *
 * @example
 * const waiters = new KeyWaiters((key) => look(key), () => subscribed, asyncScheduler);
 * const record = await waiters.wait(key); // rejects with ClaimReleasedError when the claim goes
 */
export class KeyWaiters {
  readonly #waiting = new Map<string, Waiter>();

  constructor(
    private readonly look: (key: string) => Promise<KeyState>,
    private readonly ready: () => Promise<unknown>,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Keys waited for. */
  get size(): number {
    return this.#waiting.size;
  }

  /** The outcome of `key`'s running execution; rejects with {@link ClaimReleasedError} when its claim goes without one. */
  wait(key: string): Promise<StoredRecord> {
    const existing = this.#waiting.get(key);
    if (existing !== undefined) return existing.promise;
    let resolve!: (record: StoredRecord) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<StoredRecord>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // the server may have stopped listening (its wait bound passed)
    this.#waiting.set(key, { promise, resolve, reject, timer: undefined, checking: false, again: false });
    // Subscribed first, then one look: an outcome published before the subscription is seen too.
    this.ready().then(
      () => this.wake(key),
      (error: unknown) => this.#fail(key, error),
    );
    return promise;
  }

  /** Something happened to `key` (a message, a local release): its waiters look again. */
  wake(key: string): void {
    const waiter = this.#waiting.get(key);
    if (waiter === undefined) return;
    if (waiter.checking) {
      waiter.again = true;
      return;
    }
    waiter.timer?.unsubscribe();
    waiter.timer = undefined;
    waiter.checking = true;
    this.look(key).then(
      (state) => this.#seen(key, waiter, state),
      (error: unknown) => this.#fail(key, error),
    );
  }

  /** This store completed `key`: its waiters get `record` without a look. */
  completed(key: string, record: StoredRecord): void {
    const waiter = this.#take(key);
    waiter?.resolve(record);
  }

  /** Rejects every waiter with `error` (the store closes). */
  closeAll(error: unknown): void {
    for (const key of [...this.#waiting.keys()]) this.#fail(key, error);
  }

  #seen(key: string, waiter: Waiter, state: KeyState): void {
    waiter.checking = false;
    if (this.#waiting.get(key) !== waiter) return;
    if (state === 'released') {
      this.#take(key);
      return waiter.reject(new ClaimReleasedError(key));
    }
    if ('record' in state) {
      this.#take(key);
      return waiter.resolve(state.record);
    }
    if (waiter.again) {
      waiter.again = false;
      return this.wake(key);
    }
    waiter.timer = this.scheduler.schedule(() => this.wake(key), state.runningForMs + RECHECK_SLACK_MS);
  }

  #fail(key: string, error: unknown): void {
    this.#take(key)?.reject(error);
  }

  #take(key: string): Waiter | undefined {
    const waiter = this.#waiting.get(key);
    if (waiter === undefined) return undefined;
    this.#waiting.delete(key);
    waiter.timer?.unsubscribe();
    return waiter;
  }
}
