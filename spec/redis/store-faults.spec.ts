import { createClient } from 'redis';
import { fingerprint } from '../../src/protocol/fingerprint.js';
import { epochKey, recordKey, tagOf } from '../../src/redis/key-layout.js';
import { RedisIdempotencyStore, isStoreUnavailableError } from '../../src/redis/index.js';
import { batchedScript } from '../../src/redis/script-batches.js';
import { CLAIM } from '../../src/redis/scripts.js';
import {
  isClaimReleasedError,
  isMalformedRecordError,
  type ClaimResult,
  type TxOutcome,
} from '../../src/server/index.js';
import {
  REDIS_URL,
  deleteKeys,
  describeRedis,
  randomPrefix,
  replyDropRelay,
  type ReplyDropRelay,
} from '../helpers/redis.js';
import { connectPair, meta, nackOf, txCall } from '../helpers/server-fixtures.js';

const OUTCOME: TxOutcome = { result: { content: [{ type: 'text', text: 'charged' }] } };
const CLAIM_SHA = batchedScript(CLAIM).sha;
type InFlight = Extract<ClaimResult, { status: 'in_flight' }>;

/** Claims until the store answers (its connection reconnects after the reset). */
async function claimWhenBack(store: RedisIdempotencyStore, key: string, fp: string): Promise<ClaimResult> {
  for (let i = 0; ; i++) {
    try {
      return await store.claim(key, fp, `retry-${i}`);
    } catch (e) {
      if (!isStoreUnavailableError(e) || i > 100) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describeRedis('RedisIdempotencyStore faults', () => {
  let prefix: string;
  let relay: ReplyDropRelay;
  let redis: ReturnType<typeof createClient>;
  const stores: RedisIdempotencyStore[] = [];
  const store = (url: string, leaseMs = 1_000) => {
    const s = new RedisIdempotencyStore({ url, keyPrefix: prefix, leaseMs, commandTimeoutMs: 1_000 });
    stores.push(s);
    return s;
  };

  beforeEach(async () => {
    prefix = randomPrefix('faults');
    relay = await replyDropRelay();
    redis = createClient({ url: REDIS_URL });
    await redis.connect();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await relay.close();
    redis.destroy();
    await deleteKeys(prefix);
  });

  describe('a claim whose reply was lost', () => {
    it("should fail the claim retryably, and be taken over by the owner's next claim of the key", async () => {
      const owner = store(relay.url, 30_000); // its give-back is tried again only in 10 s
      const other = store(REDIS_URL, 30_000);
      await owner.claim('warm', 'fp', 'w'); // connected, scripts loaded
      relay.arm(CLAIM_SHA);
      const error = await owner.claim('k', 'fp', 'r1').catch((e: unknown) => e);
      expect(isStoreUnavailableError(error)).toBe(true);
      expect(relay.dropped).toBe(1);
      const lost = await redis.hGetAll(recordKey(prefix, 'k'));
      expect(lost).toMatchObject({ s: 'r', f: 'fp' }); // the claim ran in Redis
      expect(await claimWhenBack(owner, 'k', 'fp')).toEqual({ status: 'claimed' });
      expect((await redis.hGetAll(recordKey(prefix, 'k'))).o).not.toBe(lost.o);
      expect((await other.claim('k', 'fp', 'r2')).status).toBe('in_flight');
      await owner.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
      expect(await other.claim('k', 'fp', 'r3')).toMatchObject({ status: 'completed' });
    });

    it('should be given back, tried again until Redis answers, so that a duplicate elsewhere may claim the key', async () => {
      const owner = store(relay.url, 300);
      const other = store(REDIS_URL, 300);
      await owner.claim('warm', 'fp', 'w');
      relay.arm(CLAIM_SHA);
      expect(isStoreUnavailableError(await owner.claim('k', 'fp', 'r1').catch((e: unknown) => e))).toBe(true);
      const duplicate = (await other.claim('k', 'fp', 'r2')) as InFlight;
      expect(duplicate.status).toBe('in_flight');
      expect(isClaimReleasedError(await duplicate.completion.catch((e: unknown) => e))).toBe(true);
      expect(await other.claim('k', 'fp', 'r3')).toEqual({ status: 'claimed' });
    });

    it('should give a lapsed lost claim back too: later retries run the tool, never outcome_unknown for 24 h', async () => {
      const owner = store(relay.url, 300);
      await owner.claim('warm', 'fp', 'w');
      relay.arm(CLAIM_SHA);
      await owner.claim('k', 'fp', 'r1').catch(() => undefined);
      // Found lapsed before the owner's give-back went through: marked lost...
      await redis.hSet(recordKey(prefix, 'k'), { s: 'l' });
      // ...and the owner's give-back (tried again at each renewal) clears it all the same.
      const deadline = Date.now() + 5_000;
      while ((await redis.exists(recordKey(prefix, 'k'))) === 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await redis.exists(recordKey(prefix, 'k'))).toBe(0);
    });

    it('should answer the call with a retryable NACK; its retry runs the tool once', async () => {
      const s = store(relay.url, 30_000);
      const pair = await connectPair({ store: s });
      try {
        await txCall(pair.client, 'echo', { v: 'warm' }, meta({ requestId: 'warm' }));
        relay.arm(CLAIM_SHA);
        const m = meta({ requestId: 'r1', idempotencyKey: 'pay-1' });
        const nack = await nackOf(txCall(pair.client, 'counter', { id: 'pay' }, m));
        expect(nack).toMatchObject({ reason: 'overloaded', retryable: true });
        let result: Awaited<ReturnType<typeof txCall>> | undefined;
        for (let attempt = 1; result === undefined && attempt < 100; attempt++) {
          const retry = meta({ requestId: 'r1', idempotencyKey: 'pay-1', retryCount: attempt });
          result = await txCall(pair.client, 'counter', { id: 'pay' }, retry).catch(async () => {
            await new Promise((r) => setTimeout(r, 20));
            return undefined;
          });
        }
        expect(result?.text).toBe('pay:1');
        const again = await txCall(
          pair.client,
          'counter',
          { id: 'pay' },
          meta({ requestId: 'r2', idempotencyKey: 'pay-1' }),
        );
        expect(again.text).toBe('pay:1');
        expect(again.tx?.duplicate).toBe(true);
        expect(pair.log.runs.get('pay')).toBe(1);
      } finally {
        await pair.close();
      }
    });
  });

  describe('a malformed record', () => {
    const fp = 'fp';
    const hash = (fields: Record<string, string>) => async (rkey: string) =>
      void (await redis.hSet(rkey, fields));
    it.each([
      ['an outcome that is null', hash({ s: 'd', f: fp, v: 'null', a: '1', t: '1' })],
      ['an outcome that is {}', hash({ s: 'd', f: fp, v: '{}', a: '1', t: '1' })],
      ['an outcome that is not JSON', hash({ s: 'd', f: fp, v: 'garbage{', a: '1', t: '1' })],
      ['no outcome', hash({ s: 'd', f: fp, a: '1', t: '1' })],
      ['attempts that are not a number', hash({ s: 'd', f: fp, v: JSON.stringify(OUTCOME), a: 'x', t: '1' })],
      ['an unknown state', hash({ s: 'x', f: fp })],
      ['no fingerprint', hash({ s: 'd', v: JSON.stringify(OUTCOME) })],
      ['a running claim without a lease', hash({ s: 'r', f: fp, o: 'someone' })],
      ['a string instead of a hash', async (rkey: string) => void (await redis.set(rkey, 'garbage'))],
    ])(
      'should make %s a MalformedRecordError of claim, get and complete, never a crash',
      async (_what, seed) => {
        const s = store(REDIS_URL);
        await seed(recordKey(prefix, 'k'));
        for (const attempt of [
          () => s.claim('k', fp, 'r1'),
          () => s.get('k'),
          () => s.complete('k', { outcome: OUTCOME, fingerprint: fp }),
        ]) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          if (attempt.toString().includes('complete') && error === undefined) continue; // an outcome may repair some
          expect(isMalformedRecordError(error)).toBe(true);
          expect((error as Error).message).toMatch(/malformed record for key/);
        }
      },
    );

    it('should fail a duplicate waiting for the key with a MalformedRecordError when the record it wakes to is malformed', async () => {
      const [a, b] = [store(REDIS_URL), store(REDIS_URL)];
      await a.claim('k', fp, 'r1');
      const waiting = (await b.claim('k', fp, 'r2')) as InFlight;
      expect(waiting.status).toBe('in_flight');
      const rkey = recordKey(prefix, 'k');
      await redis.hSet(rkey, { s: 'd', v: 'null', t: '1' });
      await redis.publish(`${prefix}done`, rkey);
      expect(isMalformedRecordError(await waiting.completion.catch((e: unknown) => e))).toBe(true);
    });

    it('should answer a call on such a key with a retryable NACK naming it, and go on serving', async () => {
      const s = store(REDIS_URL);
      const pair = await connectPair({ store: s });
      try {
        await redis.hSet(recordKey(prefix, 'bad'), {
          s: 'd',
          f: fingerprint('echo', { v: 'x' }),
          v: 'null',
          a: '1',
          t: '1',
        });
        const nack = await nackOf(
          txCall(pair.client, 'echo', { v: 'x' }, meta({ requestId: 'r', idempotencyKey: 'bad' })),
        );
        expect(nack).toMatchObject({ reason: 'overloaded', retryable: true });
        expect(nack.message).toMatch(/malformed record/);
        expect((await txCall(pair.client, 'echo', { v: 'ok' }, meta({ requestId: 'ok' }))).text).toBe('ok');
      } finally {
        await pair.close();
      }
    });
  });

  it('should keep keys that differ only in lone surrogates apart, as the memory store does', async () => {
    const s = store(REDIS_URL);
    const keys = ['pay-\uD800', 'pay-\uD801', 'pay-\uFFFD', 'pay-\uDC00\uD800'];
    for (const key of keys) expect(await s.claim(key, 'fp', 'r')).toEqual({ status: 'claimed' });
    for (const key of keys) await s.complete(key, { outcome: { result: { key } }, fingerprint: 'fp' });
    for (const key of keys) expect((await s.get(key))?.outcome).toEqual({ result: { key } });
  });

  it('should keep the epoch of each hash tag beside its records', () => {
    expect(recordKey('p:', 'k').startsWith(epochKey('p:', tagOf('k')).replace(/epoch$/, ''))).toBe(true);
  });

  it('should report a renewal held back by a blocked event loop through the server (stats, events$), once per store on onerror', async () => {
    const s = store(REDIS_URL, 300);
    const pair = await connectPair({ store: s });
    try {
      const events: { type: string; lapsed?: boolean; tool?: string }[] = [];
      pair.transport.events$.subscribe((e) => events.push(e as never));
      const r = await txCall(pair.client, 'spin', { ms: 500 }, meta({ requestId: 'spin-1' }));
      expect(r.text).toBe('spun 500 ms');
      expect(pair.transport.stats.lateRenewals).toBeGreaterThanOrEqual(1);
      expect(events.filter((e) => e.type === 'late_renewal')[0]).toMatchObject({
        tool: 'spin',
        lapsed: true,
      });
      expect(pair.errors.filter((e) => e.name === 'LateRenewalError')).toHaveLength(1);
    } finally {
      await pair.close();
    }
  });
});
