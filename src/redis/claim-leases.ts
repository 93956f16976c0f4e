import type { SchedulerLike, Subscription } from 'rxjs';
import type { LateRenewal } from '../server/idempotency-store.js';
import type { StoreKey } from './key-layout.js';

/**
 * A claim this store holds: its owner token, the fingerprint it was claimed with, and whom to
 * tell when its renewal runs late (the claim's `onLateRenewal`).
 */
export interface Held {
  readonly token: string;
  readonly fingerprint: string;
  readonly onLate?: ((renewal: LateRenewal) => void) | undefined;
  /** Its Redis key and hash tag, as the claim found them (the completion needs them too). */
  readonly at?: StoreKey;
  /** When {@link ClaimLeases.hold} started renewing it (scheduler time). */
  since?: number;
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
 * run per 500 claims (a claim younger than a third of a lease waits for the next round: short
 * calls cost no renewal), and the outcomes whose storing failed, tried again at each renewal (a claim
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
  /** When the scheduled round is due (scheduler time). */
  #dueAt = 0;
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

  /** Starts renewing the claim on `key` (from a third of a lease on: it was claimed with a full one). */
  hold(key: string, held: Held): void {
    held.since = this.scheduler.now();
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
    const period = this.leaseMs / 3;
    this.#dueAt = this.scheduler.now() + period;
    this.#tick = this.scheduler.schedule(() => {
      this.#late(this.scheduler.now() - this.#dueAt);
      void this.#renew().finally(() => {
        this.#tick = undefined;
        this.#schedule();
      });
    }, period);
  }

  /**
   * Tells the holders of the claims when this round runs a third of a lease late or more (the
   * event loop was blocked): their leases had two thirds or less of their time left, or none
   * (`lapsed`: the last renewal was a lease ago).
   */
  #late(lateByMs: number): void {
    const period = this.leaseMs / 3;
    if (lateByMs < period) return;
    const lapsed = lateByMs >= 2 * period;
    for (const [key, held] of this.#held) this.#tell(key, held, lateByMs, lapsed);
  }

  #tell(key: string, held: Held, lateByMs: number, lapsed: boolean): void {
    try {
      held.onLate?.({ key, lateByMs, leaseMs: this.leaseMs, lapsed });
    } catch {
      // the hook is the server's; whatever it throws is not the store's business
    }
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
    // A claim taken less than a third of a lease ago still has more than two thirds of its lease:
    // the next round renews it if it still runs. Short calls never cost a renewal.
    const youngSince = this.scheduler.now() - this.leaseMs / 3;
    const entries = [...this.#held].filter(
      ([, held]) => !(held.since !== undefined && held.since > youngSince),
    );
    for (let i = 0; i < entries.length && !this.#closed; i += RENEW_BATCH) {
      const batch = entries.slice(i, i + RENEW_BATCH);
      let renewed: unknown[];
      try {
        renewed = await this.work.renew(batch);
      } catch {
        continue; // Redis unreachable: the next round tries again, within the lease
      }
      batch.forEach(([key, held], n) => {
        if (Number(renewed[n]) !== 0 || this.#held.get(key) !== held) return;
        this.#held.delete(key);
        // Gone while its tool still runs (lapsed and taken, or lost): its holder hears it once.
        if (!this.#releasing.has(key)) this.#tell(key, held, 0, true);
      });
    }
  }
}
