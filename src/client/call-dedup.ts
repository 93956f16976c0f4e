import { type Observable, type SchedulerLike, finalize, map, of, share, tap, throwError } from 'rxjs';
import { IdempotencyConflictError } from '../protocol/index.js';
import type { TxResult } from './events.js';

interface Entry {
  readonly fingerprint: string;
  shared: Observable<TxResult> | undefined;
  result: TxResult | undefined;
  expiresAt: number;
}

/**
 * The client's dedup window for keyed calls: a call whose idempotency key matches one in
 * flight shares its execution; one that matches a call completed within `windowMs` gets that
 * result with `duplicate: true` and sends nothing. Failed calls are forgotten, so they can be
 * called again. At most `maxEntries` keys are kept (oldest evicted first).
 */
export class CallDedup {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Number of keys remembered (in flight or completed within the window). */
  get size(): number {
    return this.entries.size;
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
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) {
        return throwError(
          () =>
            new IdempotencyConflictError(
              `idempotency key ${JSON.stringify(key)} was used with other arguments`,
            ),
        );
      }
      onHit?.();
      if (existing.result) return of({ ...existing.result, duplicate: true, latencyMs: 0 });
      if (existing.shared) return existing.shared.pipe(map((r) => ({ ...r, duplicate: true })));
    }
    const entry: Entry = { fingerprint, shared: undefined, result: undefined, expiresAt: Infinity };
    entry.shared = start().pipe(
      tap((result) => this.complete(key, entry, result)),
      finalize(() => {
        if (!entry.result && this.entries.get(key) === entry) this.entries.delete(key);
      }),
      share(),
    );
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict();
    return entry.shared;
  }

  private complete(key: string, entry: Entry, result: TxResult): void {
    entry.result = result;
    entry.shared = undefined;
    entry.expiresAt = this.scheduler.now() + this.windowMs;
    // Completed entries sit in completion order at the back, so expiry can scan from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (!entry.result || entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
