import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { checkKeys, checkNumber, checkScheduler, MAX_TIMER_MS } from '../protocol/config-internals.js';
import {
  ClaimReleasedError,
  type ClaimResult,
  type IdempotencyStore,
  type StoredRecord,
} from './idempotency-store.js';

/**
 * How long a completed record answers duplicates, ms. @default 86_400_000 (24 h)
 *
 * @example
 * new MemoryIdempotencyStore({ ttlMs: DEFAULT_IDEMPOTENCY_TTL_MS / 24 }); // one hour
 */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 86_400_000;

/**
 * How many completed records a {@link MemoryIdempotencyStore} keeps before evicting the least recently used. @default 10_000
 *
 * @example
 * new MemoryIdempotencyStore({ maxEntries: DEFAULT_MAX_STORE_ENTRIES * 10 });
 */
export const DEFAULT_MAX_STORE_ENTRIES = 10_000;

/**
 * Options of {@link MemoryIdempotencyStore}.
 *
 * @example
 * const options: MemoryIdempotencyStoreOptions = { ttlMs: 60_000, maxEntries: 1_000, scheduler: testScheduler };
 */
export interface MemoryIdempotencyStoreOptions {
  /** How long a completed record is kept after completion, ms; from 1 to 2^31 - 1. @default 86_400_000 (24 h) */
  ttlMs?: number;
  /** Most completed records kept (least recently used evicted first); in-flight claims never count or get evicted. From 1 to 10^9. @default 10_000 */
  maxEntries?: number;
  /** Clock for completion times and expiry (`scheduler.now()`). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

const KNOWN = ['ttlMs', 'maxEntries', 'scheduler'];
/** Fewest completions between two full sweeps of expired records. */
const SWEEP_EVERY_MIN = 1_024;
const CLAIMED: ClaimResult = Object.freeze({ status: 'claimed' });
const CONFLICT: ClaimResult = Object.freeze({ status: 'conflict' });

interface Waiters {
  readonly promise: Promise<StoredRecord>;
  readonly resolve: (record: StoredRecord) => void;
  readonly reject: (reason: unknown) => void;
}

/** An execution holding a key; `waiters` exists only once a duplicate asked to wait. */
class Flight {
  attempts = 1;
  waiters: Waiters | undefined = undefined;
  constructor(
    readonly fingerprint: string,
    readonly requestId: string,
  ) {}
}

/**
 * The default {@link IdempotencyStore}: a `Map` in this process, shared by every connection
 * given the same instance. Completed records expire `ttlMs` after completion (an expired record is
 * never replayed; its memory goes when it is next read, evicted, or swept) and are bounded by
 * `maxEntries` (least recently used first); in-flight claims are never evicted nor expired.
 *
 * Crash window: the records live in memory only. A restarted server has forgotten every key,
 * so a retry that arrives after a restart runs the tool again; a tool that ran but whose server
 * died before it answered may run twice. Use a persistent store where that matters.
 *
 * @example
 * const store = new MemoryIdempotencyStore({ ttlMs: 3_600_000, maxEntries: 50_000 });
 * await server.connect(withTxServer(new StdioServerTransport(), { store }));
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #scheduler: SchedulerLike;
  readonly #flights = new Map<string, Flight>();
  /** Completed records, least recently used first (a hit moves its key to the end). */
  readonly #done = new Map<string, StoredRecord>();
  #cursor: Iterator<string> | undefined = undefined;
  #sinceSweep = 0;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    checkKeys(options, KNOWN, 'MemoryIdempotencyStore');
    const { ttlMs = DEFAULT_IDEMPOTENCY_TTL_MS, maxEntries = DEFAULT_MAX_STORE_ENTRIES, scheduler } = options;
    checkNumber(ttlMs, 'ttlMs', 1, MAX_TIMER_MS);
    checkNumber(maxEntries, 'maxEntries', 1, 1e9, { integer: true });
    checkScheduler(scheduler, 'scheduler');
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
    this.#scheduler = scheduler ?? asyncScheduler;
  }

  /** Records plus claims currently held (expired records not yet swept included). */
  get size(): number {
    return this.#done.size + this.#flights.size;
  }

  async claim(key: string, fingerprint: string, requestId: string): Promise<ClaimResult> {
    return this.claimSync(key, fingerprint, requestId);
  }

  /**
   * {@link claim} done at once: what `withTxServer` calls instead of `claim` (and `completeSync`
   * instead of `complete`) when a subclass or the instance does not override those, which spares
   * every keyed call two promise round trips. Other stores need not offer it.
   *
   * @example
   * const claim = store.claimSync(key, fingerprint('echo', { v: 1 }), key); // { status: 'claimed' }
   */
  claimSync(key: string, fingerprint: string, requestId: string): ClaimResult {
    const flight = this.#flights.get(key);
    if (flight) {
      if (flight.fingerprint !== fingerprint) return CONFLICT;
      flight.attempts++;
      flight.waiters ??= waitersFor();
      return { status: 'in_flight', completion: flight.waiters.promise };
    }
    const done = this.#lookup(key);
    if (done) {
      if (done.fingerprint !== fingerprint) return CONFLICT;
      const record: StoredRecord = { ...done, attempts: done.attempts + 1 };
      this.#done.set(key, record);
      return { status: 'completed', record };
    }
    this.#flights.set(key, new Flight(fingerprint, requestId));
    return CLAIMED;
  }

  async complete(key: string, record: Pick<StoredRecord, 'outcome' | 'fingerprint'>): Promise<StoredRecord> {
    return this.completeSync(key, record);
  }

  /**
   * {@link complete} done at once (see {@link claimSync}).
   *
   * @example
   * const { attempts } = store.completeSync(key, { outcome: { result: { content: [] } }, fingerprint: fp });
   */
  completeSync(
    key: string,
    { outcome, fingerprint }: Pick<StoredRecord, 'outcome' | 'fingerprint'>,
  ): StoredRecord {
    const flight = this.#flights.get(key);
    if (!flight) {
      const existing = this.#lookup(key);
      if (existing) return existing; // the first outcome stays; a late second one is ignored
    }
    this.#flights.delete(key);
    const record: StoredRecord = {
      outcome,
      fingerprint,
      attempts: flight?.attempts ?? 1,
      completedAt: this.#scheduler.now(),
    };
    this.#done.set(key, record);
    this.#trim();
    flight?.waiters?.resolve(record);
    return record;
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    return this.#lookup(key);
  }

  async release(key: string): Promise<void> {
    const flight = this.#flights.get(key);
    if (!flight) return;
    this.#flights.delete(key);
    flight.waiters?.reject(new ClaimReleasedError(key));
  }

  /** The unexpired record of `key`, moved to the most recently used end. */
  #lookup(key: string): StoredRecord | undefined {
    const record = this.#done.get(key);
    if (record === undefined) return undefined;
    this.#done.delete(key);
    if (this.#expired(record)) return undefined;
    this.#done.set(key, record);
    return record;
  }

  #expired(record: StoredRecord): boolean {
    return this.#scheduler.now() - record.completedAt >= this.#ttlMs;
  }

  /**
   * Evicts least recently used records past `maxEntries`, and now and then (amortised O(1) per
   * completion) drops every expired one; others expire when read.
   *
   * Eviction reads the head through one long-lived iterator: V8 leaves deleted `Map` entries as
   * holes until the table is rehashed, so a fresh `keys().next()` after many evictions would skip
   * thousands of holes per call. Everything before the cursor has been evicted, and a record that
   * is read moves to the end, so the cursor's next key is always the least recently used one.
   */
  #trim(): void {
    while (this.#done.size > this.#maxEntries) {
      let next = this.#cursor?.next();
      if (next === undefined || next.done === true) {
        this.#cursor = this.#done.keys();
        next = this.#cursor.next();
        if (next.done === true) break;
      }
      this.#done.delete(next.value);
    }
    if (++this.#sinceSweep < Math.max(SWEEP_EVERY_MIN, this.#done.size)) return;
    this.#sinceSweep = 0;
    const now = this.#scheduler.now(); // one clock read per sweep, not one per record
    const ttlMs = this.#ttlMs;
    const done = this.#done;
    // forEach, not for-of: no [key, record] array per record (a Map may lose entries while it walks)
    done.forEach((record, key) => {
      if (now - record.completedAt >= ttlMs) done.delete(key);
    });
  }
}

function waitersFor(): Waiters {
  let resolve!: (record: StoredRecord) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<StoredRecord>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a waiter may have gone; a release must not be an unhandled rejection
  return { promise, resolve, reject };
}
