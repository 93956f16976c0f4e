import {
  MemoryIdempotencyStore,
  type ClaimOptions,
  type ClaimResult,
  type LateRenewal,
  type StoredRecord,
} from '../../src/server/index.js';

interface Lease {
  renewedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A memory store whose claims are leases, renewed every third of `leaseMs` on the event loop as
 * a shared store renews them, and which reports a renewal that ran a third of a lease or more
 * after it was due through the claim's `onLateRenewal` (lapsed: a whole lease had passed since
 * the last one). What a store with leases does, without Redis.
 */
export class LeasedMemoryStore extends MemoryIdempotencyStore {
  readonly #leases = new Map<string, Lease>();
  /** The options of every claim, in order. */
  readonly options: (ClaimOptions | undefined)[] = [];

  constructor(readonly leaseMs: number) {
    super();
  }

  override claim(key: string, fp: string, requestId: string, options?: ClaimOptions): Promise<ClaimResult> {
    return Promise.resolve(this.claimSync(key, fp, requestId, options));
  }

  override claimSync(key: string, fp: string, requestId: string, options?: ClaimOptions): ClaimResult {
    this.options.push(options);
    const claim = super.claimSync(key, fp, requestId);
    const hook = options?.onLateRenewal;
    if (claim.status === 'claimed' && hook !== undefined) this.#hold(key, hook);
    return claim;
  }

  override complete(
    key: string,
    record: Pick<StoredRecord, 'outcome' | 'fingerprint'>,
  ): Promise<StoredRecord> {
    return Promise.resolve(this.completeSync(key, record));
  }

  override completeSync(key: string, record: Pick<StoredRecord, 'outcome' | 'fingerprint'>): StoredRecord {
    this.#letGo(key);
    return super.completeSync(key, record);
  }

  override release(key: string): Promise<void> {
    this.#letGo(key);
    return super.release(key);
  }

  /** Leases still renewed. */
  get held(): number {
    return this.#leases.size;
  }

  #hold(key: string, hook: (renewal: LateRenewal) => void): void {
    const third = this.leaseMs / 3;
    const lease: Lease = { renewedAt: Date.now(), timer: undefined };
    const renew = (): void => {
      const now = Date.now();
      const lateByMs = now - (lease.renewedAt + third);
      if (lateByMs >= third)
        hook({ key, lateByMs, leaseMs: this.leaseMs, lapsed: now - lease.renewedAt >= this.leaseMs });
      lease.renewedAt = now;
      lease.timer = setTimeout(renew, third);
    };
    lease.timer = setTimeout(renew, third);
    this.#leases.set(key, lease);
  }

  #letGo(key: string): void {
    clearTimeout(this.#leases.get(key)?.timer);
    this.#leases.delete(key);
  }
}
