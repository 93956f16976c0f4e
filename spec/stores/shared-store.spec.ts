import {
  isClaimReleasedError,
  isOutcomeTooLargeError,
  type ClaimResult,
  type TxOutcome,
} from '../../src/server/index.js';
import { SHARED_STORES, type SharedStore, type SharedStoreOptions } from '../helpers/shared-stores.js';

const OUTCOME: TxOutcome = { result: { content: [{ type: 'text', text: 'charged' }] } };
type InFlight = Extract<ClaimResult, { status: 'in_flight' }>;

describe.each(SHARED_STORES)('%s (shared-store contract)', (_name, kind) => {
  kind.describe('over one key space', () => {
    let space: string;
    const stores: SharedStore[] = [];
    const store = (options: SharedStoreOptions = {}) => {
      const s = kind.store(space, options);
      stores.push(s);
      return s;
    };

    beforeEach(async () => {
      space = await kind.space('contract');
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await kind.drop(space);
    });

    it('should let one replica claim a key and replay its outcome to the others, counting attempts', async () => {
      const [a, b] = [store(), store()];
      expect(await a.claim('k', 'fp', 'r1')).toEqual({ status: 'claimed' });
      const stored = await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
      expect(stored).toMatchObject({ outcome: OUTCOME, fingerprint: 'fp', attempts: 1 });
      expect(await b.claim('k', 'fp', 'r2')).toEqual({
        status: 'completed',
        record: { ...stored, attempts: 2 },
      });
      expect(await b.get('k')).toEqual({ ...stored, attempts: 2 });
      expect(await b.get('other')).toBeUndefined();
    });

    it('should report a conflict for the same key with another fingerprint, running or done', async () => {
      const [a, b] = [store(), store()];
      await a.claim('k', 'fp', 'r1');
      expect(await b.claim('k', 'other', 'r2')).toEqual({ status: 'conflict' });
      await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
      expect(await b.claim('k', 'other', 'r3')).toEqual({ status: 'conflict' });
    });

    it('should keep distinct keys distinct, whatever characters they hold', async () => {
      const a = store();
      const keys = [
        'a',
        'a\0',
        'a\\u0000',
        'a\\',
        'é',
        'e\u0301',
        `${'x'.repeat(3_000)}1`,
        `${'x'.repeat(3_000)}2`,
      ];
      for (const key of keys) expect(await a.claim(key, 'fp', key)).toEqual({ status: 'claimed' });
      for (const [i, key] of keys.entries())
        await a.complete(key, { outcome: { result: { n: i } }, fingerprint: 'fp' });
      for (const [i, key] of keys.entries())
        expect((await a.get(key))?.outcome).toEqual({ result: { n: i } });
    });

    it('should wake a duplicate waiting at another replica long before the lease would', async () => {
      const [a, b] = [store({ leaseMs: 30_000 }), store({ leaseMs: 30_000 })];
      await a.claim('k', 'fp', 'r1');
      const duplicate = (await b.claim('k', 'fp', 'r2')) as InFlight;
      expect(duplicate.status).toBe('in_flight');
      const started = Date.now();
      const [record] = await Promise.all([
        duplicate.completion,
        a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' }),
      ]);
      expect(record).toMatchObject({ outcome: OUTCOME, attempts: 2 });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('should tell a waiting duplicate when the claim is released, so that it may claim the key', async () => {
      const [a, b] = [store({ leaseMs: 30_000 }), store({ leaseMs: 30_000 })];
      await a.claim('k', 'fp', 'r1');
      const duplicate = (await b.claim('k', 'fp', 'r2')) as InFlight;
      await a.release('k');
      expect(isClaimReleasedError(await duplicate.completion.catch((e: unknown) => e))).toBe(true);
      expect(await b.claim('k', 'fp', 'r3')).toEqual({ status: 'claimed' });
    });

    it('should keep a claim alive while its owner renews it, past several leases', async () => {
      const [a, b] = [store({ leaseMs: 300 }), store({ leaseMs: 300 })];
      await a.claim('k', 'fp', 'r1');
      await new Promise((r) => setTimeout(r, 1_200));
      expect((await b.claim('k', 'fp', 'r2')).status).toBe('in_flight');
      expect(a.claimsHeld).toBe(1);
    });

    it('should report an unknown outcome once the owner stops renewing, and rerun only when asked', async () => {
      const [a, b] = [store({ leaseMs: 300 }), store({ leaseMs: 300 })];
      await a.claim('k', 'fp', 'r1');
      await a.close(); // as a dead replica: no renewal, no release
      const duplicate = (await b.claim('k', 'fp', 'r2')) as InFlight;
      expect(isClaimReleasedError(await duplicate.completion.catch((e: unknown) => e))).toBe(true);
      expect(await b.claim('k', 'fp', 'r3')).toEqual({ status: 'unknown' });
      expect(await b.claim('k', 'fp', 'r4')).toEqual({ status: 'unknown' });
      expect(await b.claim('k', 'fp', 'r5', { rerunUnknown: true })).toEqual({ status: 'claimed' });
      expect((await b.complete('k', { outcome: OUTCOME, fingerprint: 'fp' })).attempts).toBe(5);
    });

    it('should keep the first outcome: a late second complete gets the stored record back', async () => {
      const [a, b] = [store(), store()];
      await a.claim('k', 'fp', 'r1');
      const first = await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
      const late: TxOutcome = { error: { code: -32603, message: 'late' } };
      expect(await b.complete('k', { outcome: late, fingerprint: 'fp' })).toEqual(first);
    });

    it('should refuse an outcome over maxOutcomeBytes with a typed error, storing none of it', async () => {
      const [a, b] = [store({ maxOutcomeBytes: 100 }), store({ maxOutcomeBytes: 100 })];
      await a.claim('k', 'fp', 'r1');
      const big: TxOutcome = { result: { content: [{ type: 'text', text: 'x'.repeat(200) }] } };
      const error = await a.complete('k', { outcome: big, fingerprint: 'fp' }).catch((e: unknown) => e);
      expect(isOutcomeTooLargeError(error)).toBe(true);
      expect(error).toMatchObject({ key: 'k', maxBytes: 100 });
      for (let i = 0; i < 100 && (await b.claim('k', 'fp', 'r')).status !== 'unknown'; i++) {
        await new Promise((r) => setTimeout(r, 20)); // the "lose" step is on its way
      }
      expect(await b.claim('k', 'fp', 'r2')).toEqual({ status: 'unknown' });
      expect(await b.get('k')).toBeUndefined();
    });

    it('should forget a record after ttlMs: the key is free again', async () => {
      const a = store({ ttlMs: 200 });
      await a.claim('k', 'fp', 'r1');
      await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
      await new Promise((r) => setTimeout(r, 400));
      expect(await a.get('k')).toBeUndefined();
      expect(await a.claim('k', 'other', 'r2')).toEqual({ status: 'claimed' });
    });
  });
});
