import type { ClaimOptions, ClaimResult, IdempotencyStore, StoredRecord } from './idempotency-store.js';

/**
 * The synchronous claim and completion a store may offer beside its async methods (the
 * `MemoryIdempotencyStore` does): same results, no promise round trip per keyed call.
 */
export interface SyncStoreOps {
  /** Whether `claim` and `complete` are still the methods seen at first (not patched since). */
  usable(): boolean;
  claim(key: string, fingerprint: string, requestId: string, options?: ClaimOptions): ClaimResult;
  complete(key: string, record: Pick<StoredRecord, 'outcome' | 'fingerprint'>): StoredRecord;
}

/** The object in `value`'s prototype chain (itself included) that owns property `name`. */
function ownerOf(value: object, name: string): object | null {
  let at: object | null = value;
  while (at !== null && !Object.prototype.hasOwnProperty.call(at, name))
    at = Object.getPrototypeOf(at) as object | null;
  return at;
}

/**
 * `store`'s synchronous `claimSync` and `completeSync`, when it has them and they come from where
 * its `claim` and `complete` do: a subclass or an instance that overrides `claim` or `complete`
 * alone (a wrapper counting calls, a spec failing them) is always called through those, also
 * when it replaces them later (`usable()` is false from then on).
 *
 * @example
 * const sync = syncStoreOf(options.store);
 * const claim = sync?.usable() ? sync.claim(key, fp, id) : await options.store.claim(key, fp, id);
 */
export function syncStoreOf(store: IdempotencyStore): SyncStoreOps | undefined {
  const s = store as IdempotencyStore & Partial<Record<'claimSync' | 'completeSync', unknown>>;
  if (typeof s.claimSync !== 'function' || typeof s.completeSync !== 'function') return undefined;
  if (
    ownerOf(s, 'claimSync') !== ownerOf(s, 'claim') ||
    ownerOf(s, 'completeSync') !== ownerOf(s, 'complete')
  )
    return undefined;
  const claimSync = s.claimSync as SyncStoreOps['claim'];
  const completeSync = s.completeSync as SyncStoreOps['complete'];
  const { claim, complete } = s;
  return {
    usable: () => s.claim === claim && s.complete === complete,
    claim: (key, fingerprint, requestId, options) =>
      claimSync.call(store, key, fingerprint, requestId, options),
    complete: (key, record) => completeSync.call(store, key, record),
  };
}
