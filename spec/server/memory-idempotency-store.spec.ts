import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_STORE_ENTRIES,
  MemoryIdempotencyStore,
  isClaimReleasedError,
  type StoredRecord,
  type TxOutcome,
} from '../../src/server/index.js';

const ok = (text: string): TxOutcome => ({ result: { content: [{ type: 'text', text }] } });

function clock(): { scheduler: VirtualTimeScheduler; advance: (ms: number) => void } {
  const scheduler = new VirtualTimeScheduler();
  return {
    scheduler,
    advance: (ms) => {
      scheduler.schedule(() => undefined, ms);
      scheduler.flush();
    },
  };
}

describe('MemoryIdempotencyStore', () => {
  it('should default to a 24 h TTL and 10,000 entries', () => {
    expect(DEFAULT_IDEMPOTENCY_TTL_MS).toBe(86_400_000);
    expect(DEFAULT_MAX_STORE_ENTRIES).toBe(10_000);
  });

  describe('claims', () => {
    it('should claim a free key, make duplicates wait, and resolve them with the record', async () => {
      const { scheduler, advance } = clock();
      const store = new MemoryIdempotencyStore({ scheduler });
      expect(await store.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
      const dup = await store.claim('k', 'fp', 'r');
      expect(dup.status).toBe('in_flight');
      advance(5);
      const record = await store.complete('k', { outcome: ok('done'), fingerprint: 'fp' });
      expect(record).toEqual({ outcome: ok('done'), fingerprint: 'fp', attempts: 2, completedAt: 5 });
      await expect((dup as { completion: Promise<StoredRecord> }).completion).resolves.toBe(record);
      expect(await store.claim('k', 'fp', 'r')).toEqual({
        status: 'completed',
        record: { ...record, attempts: 3 },
      });
      expect(await store.get('k')).toEqual({ ...record, attempts: 3 });
    });

    it('should report a conflict for another fingerprint, in flight or completed, without counting it', async () => {
      const store = new MemoryIdempotencyStore();
      await store.claim('k', 'fp', 'r');
      expect(await store.claim('k', 'other', 'r')).toEqual({ status: 'conflict' });
      await store.complete('k', { outcome: ok('x'), fingerprint: 'fp' });
      expect(await store.claim('k', 'other', 'r')).toEqual({ status: 'conflict' });
      expect((await store.get('k'))?.attempts).toBe(1);
    });

    it('should reject waiters with ClaimReleasedError on release and free the key', async () => {
      const store = new MemoryIdempotencyStore();
      await store.claim('k', 'fp', 'r');
      const dup = (await store.claim('k', 'fp', 'r')) as { completion: Promise<StoredRecord> };
      await store.release('k');
      const reason = await dup.completion.catch((e: unknown) => e);
      expect(isClaimReleasedError(reason)).toBe(true);
      expect(reason).toMatchObject({ name: 'ClaimReleasedError', key: 'k' });
      expect(await store.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
    });

    it('should leave a completed record alone on release, and keep the first of two outcomes', async () => {
      const store = new MemoryIdempotencyStore();
      await store.complete('k', { outcome: ok('first'), fingerprint: 'fp' });
      await store.complete('k', { outcome: ok('second'), fingerprint: 'fp' });
      await store.release('k');
      expect((await store.get('k'))?.outcome).toEqual(ok('first'));
    });

    it('should keep JSON-RPC errors as outcomes', async () => {
      const store = new MemoryIdempotencyStore();
      await store.claim('k', 'fp', 'r');
      const error = { error: { code: -32602, message: 'bad params', data: { field: 'x' } } };
      await store.complete('k', { outcome: error, fingerprint: 'fp' });
      expect(await store.claim('k', 'fp', 'r')).toMatchObject({
        status: 'completed',
        record: { outcome: error },
      });
    });
  });

  describe('TTL (virtual time)', () => {
    it('should expire a record ttlMs after completion, however often it was read', async () => {
      const { scheduler, advance } = clock();
      const store = new MemoryIdempotencyStore({ ttlMs: 1_000, scheduler });
      await store.claim('k', 'fp', 'r');
      advance(100);
      await store.complete('k', { outcome: ok('x'), fingerprint: 'fp' });
      advance(999);
      expect((await store.claim('k', 'fp', 'r')).status).toBe('completed');
      expect(await store.get('k')).toBeDefined();
      advance(1);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
    });

    it('should sweep expired records from time to time as others complete', async () => {
      const { scheduler, advance } = clock();
      const store = new MemoryIdempotencyStore({ ttlMs: 10, scheduler });
      await store.complete('a', { outcome: ok('a'), fingerprint: 'fp' });
      await store.complete('b', { outcome: ok('b'), fingerprint: 'fp' });
      advance(10);
      for (let i = 0; i < 1_022; i++) await store.complete(`c${i}`, { outcome: ok('c'), fingerprint: 'fp' });
      expect(store.size).toBe(1_022);
    });

    it('should never expire an in-flight claim', async () => {
      const { scheduler, advance } = clock();
      const store = new MemoryIdempotencyStore({ ttlMs: 10, scheduler });
      await store.claim('k', 'fp', 'r');
      advance(1_000);
      expect((await store.claim('k', 'fp', 'r')).status).toBe('in_flight');
    });
  });

  describe('LRU bound', () => {
    it('should evict the least recently used completed record past maxEntries', async () => {
      const store = new MemoryIdempotencyStore({ maxEntries: 2 });
      await store.complete('a', { outcome: ok('a'), fingerprint: 'fp' });
      await store.complete('b', { outcome: ok('b'), fingerprint: 'fp' });
      expect((await store.claim('a', 'fp', 'r')).status).toBe('completed'); // a is now the most recent
      await store.complete('c', { outcome: ok('c'), fingerprint: 'fp' });
      expect(await store.get('b')).toBeUndefined();
      expect(await store.get('a')).toBeDefined();
      expect(await store.get('c')).toBeDefined();
    });

    it('should never evict an in-flight claim, nor count it', async () => {
      const store = new MemoryIdempotencyStore({ maxEntries: 1 });
      await store.claim('running', 'fp', 'r');
      for (const k of ['a', 'b', 'c']) await store.complete(k, { outcome: ok(k), fingerprint: 'fp' });
      expect(store.size).toBe(2);
      expect((await store.claim('running', 'fp', 'r')).status).toBe('in_flight');
      await store.complete('running', { outcome: ok('r'), fingerprint: 'fp' });
      expect((await store.get('running'))?.attempts).toBe(2);
      expect(await store.get('c')).toBeUndefined();
    });
  });

  describe('LRU order (property)', () => {
    it('should keep exactly the maxEntries most recently used keys, like a reference LRU', async () => {
      const op = fc.record({
        kind: fc.constantFrom('complete', 'claim', 'get'),
        key: fc.integer({ min: 0, max: 7 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(op, { maxLength: 200 }),
          async (max, ops) => {
            const store = new MemoryIdempotencyStore({ maxEntries: max });
            let model: string[] = []; // least recently used first
            for (const { kind, key } of ops) {
              const k = `k${key}`;
              const present = model.includes(k);
              if (kind === 'complete') {
                await store
                  .claim(k, 'fp', 'r')
                  .then(() => store.complete(k, { outcome: ok(k), fingerprint: 'fp' }));
                if (!present) model.push(k);
              } else if (kind === 'claim') {
                const claim = await store.claim(k, 'fp', 'r');
                expect(claim.status).toBe(present ? 'completed' : 'claimed');
                if (!present) await store.release(k);
              } else {
                expect((await store.get(k)) !== undefined).toBe(present);
              }
              if (present) model = [...model.filter((m) => m !== k), k];
              model = model.slice(Math.max(0, model.length - max));
            }
            expect(store.size).toBe(model.length);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('options', () => {
    it.each([
      [{ ttlMs: 0 }, RangeError, /ttlMs/],
      [{ ttlMs: Infinity }, RangeError, /ttlMs/],
      [{ maxEntries: 1.5 }, RangeError, /maxEntries/],
      [{ maxEntries: '10' }, TypeError, /maxEntries/],
      [{ scheduler: {} }, TypeError, /scheduler/],
      [{ ttl: 5 }, TypeError, /ttl is not an option/],
    ])('should reject %p', (options, type, message) => {
      expect(() => new MemoryIdempotencyStore(options as never)).toThrow(type);
      expect(() => new MemoryIdempotencyStore(options as never)).toThrow(message);
    });
  });
});
