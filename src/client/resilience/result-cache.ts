import type { Observable, SchedulerLike } from 'rxjs';
import { just, map, shareUntil, watch } from '../rx-lite.js';
import type { TxResult } from '../events.js';

interface Entry {
  /** The running call, shared by identical calls until it ends. */
  shared: Observable<TxResult> | undefined;
  result: TxResult | undefined;
  expiresAt: number;
}

/**
 * One tool's result cache (the MCP-Tx performance guide's cache of idempotent results): a call
 * whose fingerprint matches a result younger than `ttlMs` gets it with `cached: true` and sends
 * nothing; one that matches a call in flight shares it (single flight). `isError` results and
 * failures are not kept. At most `maxEntries` fingerprints, least recently used evicted first;
 * expiry is read on the scheduler's clock at lookup, so no timer runs.
 *
 * @example
 * const cache = new ResultCache(60_000, 1_000, asyncScheduler);
 * const result$ = cache.join(fingerprint('search', args), () => call$('search', args));
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Fingerprints remembered (in flight or cached, expired ones until looked up or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The call's result stream: the cached result, the identical call in flight, or `start()`ed and
   * remembered. `onHit` runs when no request of its own is made.
   */
  join(key: string, start: () => Observable<TxResult>, onHit?: () => void): Observable<TxResult> {
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > this.scheduler.now()) {
      onHit?.();
      // Least recently used goes first: a hit moves the entry to the back.
      this.entries.delete(key);
      this.entries.set(key, existing);
      if (existing.result) return just({ ...existing.result, cached: true, latencyMs: 0 });
      if (existing.shared) return existing.shared.pipe(map((r) => ({ ...r, cached: true })));
    }
    const entry: Entry = { shared: undefined, result: undefined, expiresAt: Infinity };
    entry.shared = shareUntil(
      watch(
        start(),
        (result) => this.complete(key, entry, result),
        () => {
          if (!entry.result && this.entries.get(key) === entry) this.entries.delete(key);
        },
      ),
    );
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry.shared;
  }

  private complete(key: string, entry: Entry, result: TxResult): void {
    entry.shared = undefined;
    if (this.entries.get(key) !== entry) return; // evicted while in flight
    if (result.result.isError) {
      this.entries.delete(key);
      return;
    }
    entry.result = result;
    entry.expiresAt = this.scheduler.now() + this.ttlMs;
  }
}
