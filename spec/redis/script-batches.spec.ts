import { createClient } from 'redis';
import { recordKey } from '../../src/redis/key-layout.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { isMalformedRecordError } from '../../src/server/index.js';
import { REDIS_URL, deleteKeys, describeRedis, randomPrefix } from '../helpers/redis.js';

describeRedis('RedisIdempotencyStore batches (many claims per round trip under load)', () => {
  let prefix: string;
  let store: RedisIdempotencyStore;
  beforeEach(() => {
    prefix = randomPrefix('batches');
    store = new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: prefix });
  });
  afterEach(async () => {
    await store.close();
    await deleteKeys(prefix);
  });

  it('should answer each of 300 claims and completions made at once as if made alone, a bad record failing only its own', async () => {
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    await redis.set(recordKey(prefix, 'bad'), 'not a hash');
    redis.destroy();
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const claims = await Promise.all(
      [...keys, 'bad', 'k0'].map((k) => store.claim(k, 'fp', 'r').catch((e) => e)),
    );
    expect(claims.slice(0, 300)).toEqual(keys.map(() => ({ status: 'claimed' })));
    expect(isMalformedRecordError(claims[300])).toBe(true);
    expect(claims[301]).toMatchObject({ status: 'in_flight' }); // k0, claimed earlier in the same batch
    const records = await Promise.all(
      keys.map((k) => store.complete(k, { outcome: { result: { k } }, fingerprint: 'fp' })),
    );
    expect(records.map((r) => r.outcome)).toEqual(keys.map((k) => ({ result: { k } })));
    expect(await store.claim('k299', 'fp', 'r')).toMatchObject({
      status: 'completed',
      record: { attempts: 2 },
    });
  });
});
