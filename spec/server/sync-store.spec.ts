// withTxServer's use of the synchronous store runs on both SDK majors: spec/majors/server/sync-store.spec.ts.
import { MemoryIdempotencyStore, type ClaimResult } from '../../src/server/index.js';
import { syncStoreOf } from '../../src/server/sync-store.js';

const outcome = { result: { content: [{ type: 'text', text: 'x' }] } };

describe('syncStoreOf', () => {
  it("should offer the MemoryIdempotencyStore's synchronous claim and completion, same results as the async ones", async () => {
    const store = new MemoryIdempotencyStore();
    const sync = syncStoreOf(store);
    expect(sync?.usable()).toBe(true);
    expect(sync?.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
    expect(sync?.claim('k', 'other', 'r')).toEqual({ status: 'conflict' });
    expect(sync?.claim('k', 'fp', 'r')).toMatchObject({ status: 'in_flight' });
    expect(sync?.complete('k', { outcome, fingerprint: 'fp' })).toMatchObject({ outcome, attempts: 2 });
    expect(await store.claim('k', 'fp', 'r')).toMatchObject({ status: 'completed', record: { attempts: 3 } });
  });

  it('should not be used for a store without it, or whose claim or complete a subclass or the instance overrides', () => {
    const store = new MemoryIdempotencyStore();
    const plain = {
      claim: store.claim.bind(store),
      complete: store.complete.bind(store),
      get: store.get.bind(store),
      release: store.release.bind(store),
    };
    expect(syncStoreOf(plain)).toBeUndefined();
    class Counting extends MemoryIdempotencyStore {
      override async claim(key: string, fingerprint: string, requestId: string): Promise<ClaimResult> {
        return super.claim(key, fingerprint, requestId);
      }
    }
    expect(syncStoreOf(new Counting())).toBeUndefined();
    const patched = new MemoryIdempotencyStore();
    patched.complete = async (key, record) =>
      MemoryIdempotencyStore.prototype.complete.call(patched, key, record);
    expect(syncStoreOf(patched)).toBeUndefined();
    const later = new MemoryIdempotencyStore();
    const sync = syncStoreOf(later);
    later.claim = async () => ({ status: 'conflict' });
    expect(sync?.usable()).toBe(false);
  });
});
