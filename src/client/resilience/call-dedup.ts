import type { Observable, SchedulerLike } from 'rxjs';
import { failWith, just, map, shareUntil, watch } from '../rx-lite.js';
import { IdempotencyConflictError } from '../../protocol/index.js';
import type { TxResult } from '../events.js';

/** A key in flight: its duplicates share its execution. */
interface Flight {
  readonly fingerprint: string;
  shared: Observable<TxResult> | undefined;
}

/** A key completed within the window: its duplicates get its result. */
interface Done {
  readonly fingerprint: string;
  readonly result: TxResult;
  readonly expiresAt: number;
}

/**
 * The client's dedup window for keyed calls: a call whose idempotency key matches one in
 * flight shares its execution; one that matches a call completed within `windowMs` gets that
 * result with `duplicate: true` and sends nothing. Failed calls are forgotten, so they can be
 * called again. At most `maxEntries` completed keys are kept (oldest evicted first); a key in
 * flight is never evicted nor expired (the client's queue bounds how many there are), so its
 * duplicates always share it.
 */
export class CallDedup {
  /** Keys in flight. */
  private readonly flights = new Map<string, Flight>();
  /** Completed keys, in completion order: expiry and eviction scan from the front. */
  private readonly done = new Map<string, Done>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Number of keys remembered (in flight or completed within the window). */
  get size(): number {
    return this.flights.size + this.done.size;
  }

  /**
   * The call's result stream: shared with an earlier call of the same key, replayed from the
   * window, or `start()`ed and remembered. A key reused with other arguments is an
   * {@link IdempotencyConflictError}.
   */
  join(
    key: string,
    fingerprint: string,
    start: () => Observable<TxResult>,
    onHit?: () => void,
  ): Observable<TxResult> {
    const now = this.scheduler.now();
    this.expire(now);
    const existing = this.flights.get(key) ?? this.done.get(key);
    if (existing && (!('expiresAt' in existing) || existing.expiresAt > now)) {
      if (existing.fingerprint !== fingerprint) {
        return failWith(
          () =>
            new IdempotencyConflictError(
              `idempotency key ${JSON.stringify(key)} was used with other arguments`,
            ),
        );
      }
      onHit?.();
      if ('result' in existing) return just({ ...existing.result, duplicate: true, latencyMs: 0 });
      if (existing.shared) return existing.shared.pipe(map((r) => ({ ...r, duplicate: true })));
    }
    const entry: Flight = { fingerprint, shared: undefined };
    entry.shared = shareUntil(
      watch(
        start(),
        (result) => this.complete(key, entry, result),
        () => {
          if (this.flights.get(key) === entry) this.flights.delete(key); // failed or cancelled: forgotten
        },
      ),
    );
    this.done.delete(key); // an expired record of the key, if any
    this.flights.set(key, entry);
    return entry.shared;
  }

  private complete(key: string, entry: Flight, result: TxResult): void {
    entry.shared = undefined;
    if (this.flights.get(key) === entry) this.flights.delete(key);
    const done: Done = {
      fingerprint: entry.fingerprint,
      result,
      expiresAt: this.scheduler.now() + this.windowMs,
    };
    this.done.delete(key);
    this.done.set(key, done);
    for (const oldest of this.done.keys()) {
      if (this.done.size <= this.maxEntries) break;
      this.done.delete(oldest);
    }
  }

  private expire(now: number): void {
    for (const [key, entry] of this.done) {
      if (entry.expiresAt > now) break;
      this.done.delete(key);
    }
  }
}
