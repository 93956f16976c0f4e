import { RedisIdempotencyStore, isStoreUnavailableError } from '../../src/redis/index.js';
import type { ClaimResult } from '../../src/server/index.js';
import {
  REDIS_URL,
  countingRelay,
  deleteKeys,
  describeRedis,
  randomPrefix,
  type CountingRelay,
} from '../helpers/redis.js';

/**
 * close() leaves no connection open, even one still being opened: node-redis opens the socket of a
 * connect() under way when destroy() is called all the same, and a socket left open keeps the
 * process (a server shutting down, a test worker) alive. A relay between the store and Redis sees
 * every connection the store makes close.
 */
describeRedis('RedisIdempotencyStore close()', () => {
  let relay: CountingRelay;
  let prefix: string;

  beforeEach(async () => {
    relay = await countingRelay();
    prefix = randomPrefix('close');
  });
  afterEach(async () => {
    await relay.close();
    await deleteKeys(prefix);
  });

  it('should close its connection when closed while the connection is being opened', async () => {
    const store = new RedisIdempotencyStore({ url: relay.url, keyPrefix: prefix });
    const claim = store.claim('k', 'fp', 'r1').catch((e: unknown) => e); // opens the connection
    await store.close();
    expect(isStoreUnavailableError(await claim)).toBe(true);
    await relay.drained(1);
  });

  it('should close its pub/sub connection when closed while that connection is being opened', async () => {
    const owner = new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: prefix });
    const store = new RedisIdempotencyStore({ url: relay.url, keyPrefix: prefix });
    try {
      await owner.claim('k', 'fp', 'r1');
      // A duplicate waits for the owner's outcome: the store subscribes on a second connection.
      const duplicate = (await store.claim('k', 'fp', 'r2')) as Extract<ClaimResult, { status: 'in_flight' }>;
      expect(duplicate.status).toBe('in_flight');
      await store.close();
      expect(isStoreUnavailableError(await duplicate.completion.catch((e: unknown) => e))).toBe(true);
      await relay.drained(2);
    } finally {
      await owner.close();
    }
  });
});
