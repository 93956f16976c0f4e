import type { SchedulerLike, Subscription } from 'rxjs';

/** A claim this store holds: its owner token and the fingerprint it was claimed with. */
export interface Held {
  readonly token: string;
  readonly fingerprint: string;
}

/** What the leases need from the store: one renewal script run, and one save of an outcome. */
export interface LeaseWork {
  /** Runs the renewal script over `batch`; resolves with 1 (renewed) or 0 (no longer ours) per claim. */
  renew(batch: readonly (readonly [key: string, held: Held])[]): Promise<unknown[]>;
  /** Stores an outcome whose first storing failed. */
  save(key: string, fingerprint: string, json: string): Promise<void>;
  /** Gives back a claim whose first release failed. */
  release(key: string, held: Held): Promise<void>;
}

/** Most claims renewed by one script run (a long script would stall every other Redis client). */
const RENEW_BATCH = 500;
/** Renewal rounds in which an outcome whose storing (or a claim whose release) failed is tried again. */
const SAVE_TRIES = 30;

/**
 * The claims a store holds while their tools run, renewed every third of a lease in one script
 * run per 500 claims, and the outcomes whose storing failed, tried again at each renewal (a claim
 * that lapsed meanwhile still takes its outcome, so that later retries replay it). Nothing is
 * scheduled while there is nothing to renew.
 *
 * @example
 * const leases = new ClaimLeases(work, 10_000, asyncScheduler);
 * leases.hold('order-1', { token, fingerprint });
 * leases.take('order-1'); // completed or released: no more renewal
 */
export class ClaimLeases {
  readonly #held = new Map<string, Held>();
  readonly #unsaved = new Map<string, { fingerprint: string; json: string; tries: number }>();
  readonly #releasing = new Map<string, { held: Held; tries: number }>();
  #tick: Subscription | undefined;
  #closed = false;

  constructor(
    private readonly work: LeaseWork,
    private readonly leaseMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Claims held. */
  get size(): number {
    return this.#held.size;
  }

  /** Starts renewing the claim on `key`. */
  hold(key: string, held: Held): void {
    this.#held.set(key, held);
    this.#schedule();
  }

  /** The claim on `key` being renewed, if any. */
  get(key: string): Held | undefined {
    return this.#held.get(key);
  }

  /** Stops renewing the claim on `key`, and returns it. */
  take(key: string): Held | undefined {
    const held = this.#held.get(key);
    this.#held.delete(key);
    return held;
  }

  /** Keeps an outcome whose storing failed, to try again at each renewal. */
  unsaved(key: string, fingerprint: string, json: string): void {
    this.#unsaved.set(key, { fingerprint, json, tries: 0 });
    this.#schedule();
  }

  /**
   * Keeps renewing a claim whose release failed, and tries the release again at each renewal:
   * duplicates keep waiting for it rather than find a lapsed claim (an unknown outcome, although
   * the tool never ran).
   */
  releaseLater(key: string, held: Held): void {
    this.#held.set(key, held);
    this.#releasing.set(key, { held, tries: 0 });
    this.#schedule();
  }

  /** Stops every renewal (the claims lapse). */
  close(): void {
    this.#closed = true;
    this.#tick?.unsubscribe();
  }

  #schedule(): void {
    if (this.#tick !== undefined || this.#closed || (this.#held.size === 0 && this.#unsaved.size === 0))
      return;
    this.#tick = this.scheduler.schedule(() => {
      void this.#renew().finally(() => {
        this.#tick = undefined;
        this.#schedule();
      });
    }, this.leaseMs / 3);
  }

  async #renew(): Promise<void> {
    for (const [key, unsaved] of [...this.#unsaved]) {
      try {
        await this.work.save(key, unsaved.fingerprint, unsaved.json);
        this.#unsaved.delete(key);
      } catch {
        if (++unsaved.tries >= SAVE_TRIES) this.#unsaved.delete(key); // its lease lapses: outcome unknown
      }
    }
    for (const [key, releasing] of [...this.#releasing]) {
      try {
        await this.work.release(key, releasing.held);
      } catch {
        if (++releasing.tries < SAVE_TRIES) continue;
      }
      this.#releasing.delete(key);
      if (this.#held.get(key) === releasing.held) this.#held.delete(key);
    }
    const entries = [...this.#held];
    for (let i = 0; i < entries.length && !this.#closed; i += RENEW_BATCH) {
      const batch = entries.slice(i, i + RENEW_BATCH);
      let renewed: unknown[];
      try {
        renewed = await this.work.renew(batch);
      } catch {
        continue; // Redis unreachable: the next round tries again, within the lease
      }
      batch.forEach(([key, held], n) => {
        if (Number(renewed[n]) === 0 && this.#held.get(key) === held) this.#held.delete(key);
      });
    }
  }
}
