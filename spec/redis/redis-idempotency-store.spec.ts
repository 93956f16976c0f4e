import { createClient } from 'redis';
import {
  RedisIdempotencyStore,
  isOutcomeTooLargeError,
  isStoreUnavailableError,
  type RedisClientLike,
} from '../../src/redis/index.js';
import { isClaimReleasedError, type ClaimResult, type TxOutcome } from '../../src/server/index.js';
import { epochKey, recordKey, tagOf } from '../../src/redis/key-layout.js';
import { REDIS_URL, deleteKeys, describeRedis, freePort, randomPrefix } from '../helpers/redis.js';

const OUTCOME: TxOutcome = { result: { content: [{ type: 'text', text: 'charged' }] } };

describe('RedisIdempotencyStore options', () => {
  it('should take a URL, a client or an options object', async () => {
    const client = createClient({ url: REDIS_URL });
    const stores = [
      new RedisIdempotencyStore(REDIS_URL),
      new RedisIdempotencyStore(client as RedisClientLike),
      new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: 'x:', ttlMs: 1_000, leaseMs: 500 }),
      new RedisIdempotencyStore({ cluster: { rootNodes: [{ url: REDIS_URL }] }, keyPrefix: 'x:' }),
    ];
    await Promise.all(stores.map((s) => s.close()));
  });

  it.each([
    [{}, TypeError, /exactly one of url, client and cluster/],
    [{ url: REDIS_URL, client: createClient() }, TypeError, /exactly one of url, client and cluster/],
    [{ url: REDIS_URL, cluster: { rootNodes: [{ url: REDIS_URL }] } }, TypeError, /exactly one of/],
    [{ cluster: { rootNodes: [] } }, TypeError, /cluster.rootNodes must be a non-empty array/],
    [{ cluster: { rootNodes: [{ url: 'http://x' }] } }, TypeError, /url must be a redis:\/\//],
    [{ cluster: { rootNodes: [{ url: REDIS_URL }], nodes: 3 } }, TypeError, /nodes is not an option/],
    [{ url: REDIS_URL, keyPrefix: 'app{1}:' }, TypeError, /keyPrefix must be .* without \{ or \}/],
    [{ url: REDIS_URL, keyPrefix: 'app\uD800:' }, TypeError, /keyPrefix must be well-formed Unicode/],
    [{ url: 'http://example.com' }, TypeError, /url must be a redis:\/\//],
    [{ client: {} }, TypeError, /client must be a node-redis client/],
    [{ url: REDIS_URL, keyPrefix: '' }, TypeError, /keyPrefix/],
    [{ url: REDIS_URL, leaseMs: 50 }, RangeError, /leaseMs must be .* from 100/],
    [{ url: REDIS_URL, ttlMs: 0 }, RangeError, /ttlMs/],
    [{ url: REDIS_URL, maxOutcomeBytes: 1.5 }, RangeError, /maxOutcomeBytes must be an integer/],
    [{ url: REDIS_URL, commandTimeoutMs: 'soon' }, TypeError, /commandTimeoutMs must be a number/],
    [{ url: REDIS_URL, lease: 5 }, TypeError, /lease is not an option/],
  ])('should refuse %p', (options, type, message) => {
    expect(() => new RedisIdempotencyStore(options as never)).toThrow(type);
    expect(() => new RedisIdempotencyStore(options as never)).toThrow(message);
  });
});

describe('RedisIdempotencyStore when Redis is unreachable', () => {
  it('should fail closed: every claim rejects with a retryable StoreUnavailableError, promptly', async () => {
    const store = new RedisIdempotencyStore({
      url: `redis://127.0.0.1:${await freePort()}`,
      commandTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await store.claim('k', 'fp', 'r').catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close();
  });
});

describeRedis('RedisIdempotencyStore', () => {
  let prefix: string;
  const stores: RedisIdempotencyStore[] = [];
  const store = (options: { leaseMs?: number; maxOutcomeBytes?: number } = {}) => {
    const s = new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: prefix, ...options });
    stores.push(s);
    return s;
  };

  beforeEach(() => {
    prefix = randomPrefix('store');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await deleteKeys(prefix);
  });

  it('should let one replica claim a key and replay its outcome to the others, counting attempts', async () => {
    const [a, b] = [store(), store()];
    expect(await a.claim('k', 'fp', 'r1')).toEqual({ status: 'claimed' });
    const stored = await a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
    expect(stored).toMatchObject({ outcome: OUTCOME, fingerprint: 'fp', attempts: 1 });
    const replay = await b.claim('k', 'fp', 'r2');
    expect(replay).toEqual({ status: 'completed', record: { ...stored, attempts: 2 } });
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

  it("should keep a generated key's empty fingerprint: its retries replay or wait, a caller's fingerprint conflicts", async () => {
    const [a, b] = [store({ leaseMs: 30_000 }), store({ leaseMs: 30_000 })];
    await a.claim('gen', '', 'gen');
    expect(await b.claim('gen', 'fp', 'r2')).toEqual({ status: 'conflict' });
    const waiting = await b.claim('gen', '', 'gen');
    expect(waiting.status).toBe('in_flight');
    const stored = await a.complete('gen', { outcome: OUTCOME, fingerprint: '' });
    expect(stored).toMatchObject({ fingerprint: '', attempts: 2 });
    await expect(
      (waiting as Extract<ClaimResult, { status: 'in_flight' }>).completion,
    ).resolves.toMatchObject({
      outcome: OUTCOME,
    });
    expect(await b.claim('gen', '', 'gen')).toEqual({
      status: 'completed',
      record: { ...stored, attempts: 3 },
    });
    expect(await b.claim('gen', 'fp', 'r3')).toEqual({ status: 'conflict' });
    expect((await a.get('gen'))?.fingerprint).toBe('');
  });

  it('should wake a duplicate waiting at another replica by pub/sub, long before the lease would', async () => {
    const [a, b] = [store({ leaseMs: 30_000 }), store({ leaseMs: 30_000 })];
    await a.claim('k', 'fp', 'r1');
    const duplicate = await b.claim('k', 'fp', 'r2');
    expect(duplicate.status).toBe('in_flight');
    const started = Date.now();
    const [record] = await Promise.all([
      (duplicate as Extract<ClaimResult, { status: 'in_flight' }>).completion,
      a.complete('k', { outcome: OUTCOME, fingerprint: 'fp' }),
    ]);
    expect(record).toMatchObject({ outcome: OUTCOME, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('should tell a waiting duplicate when the claim is released, so that it may claim the key', async () => {
    const [a, b] = [store({ leaseMs: 30_000 }), store({ leaseMs: 30_000 })];
    await a.claim('k', 'fp', 'r1');
    const duplicate = (await b.claim('k', 'fp', 'r2')) as Extract<ClaimResult, { status: 'in_flight' }>;
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
    const duplicate = (await b.claim('k', 'fp', 'r2')) as Extract<ClaimResult, { status: 'in_flight' }>;
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
    expect((error as { bytes: number }).bytes).toBeGreaterThan(200);
    for (let i = 0; i < 100 && (await b.claim('k', 'fp', 'r')).status !== 'unknown'; i++) {
      await new Promise((r) => setTimeout(r, 20)); // the "lose" script is on its way
    }
    expect(await b.claim('k', 'fp', 'r2')).toEqual({ status: 'unknown' });
    expect(await b.get('k')).toBeUndefined();
  });

  it('should keep a claim whose release failed alive, and release it at the next renewal', async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    let failures = 0;
    const flaky: RedisClientLike = {
      sendCommand: (args, options) =>
        failures-- > 0 ? Promise.reject(new Error('connection reset')) : client.sendCommand(args, options),
      duplicate: () => client.duplicate() as RedisClientLike,
      connect: () => client.connect(),
      subscribe: (channel, listener) => client.subscribe(channel, listener),
      destroy: () => client.destroy(),
      on: (event, listener) => client.on(event, listener),
      get isReady() {
        return client.isReady;
      },
    };
    const a = new RedisIdempotencyStore({ client: flaky, keyPrefix: prefix, leaseMs: 300 });
    stores.push(a);
    const b = store({ leaseMs: 300 });
    await a.claim('k', 'fp', 'r1');
    failures = 1;
    expect(isStoreUnavailableError(await a.release('k').catch((e: unknown) => e))).toBe(true);
    const duplicate = (await b.claim('k', 'fp', 'r2')) as Extract<ClaimResult, { status: 'in_flight' }>;
    expect(duplicate.status).toBe('in_flight');
    expect(isClaimReleasedError(await duplicate.completion.catch((e: unknown) => e))).toBe(true);
    expect(await b.claim('k', 'fp', 'r3')).toEqual({ status: 'claimed' });
    await a.close();
    client.destroy();
  });

  it('should use a connected client it was given, and leave it open on close', async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const s = new RedisIdempotencyStore({ client: client as RedisClientLike, keyPrefix: prefix });
    expect(await s.claim('k', 'fp', 'r1')).toEqual({ status: 'claimed' });
    await s.complete('k', { outcome: OUTCOME, fingerprint: 'fp' });
    await s.close();
    expect(await client.exists(recordKey(prefix, 'k'))).toBe(1);
    client.destroy();
  });

  it('should refuse keys without a record while the key space recovers from a memory loss', async () => {
    const s = store();
    // As after a restart without persistence: the epoch key says "recovering" for a while.
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const until = Number(((await client.sendCommand(['TIME'])) as string[])[0]) * 1_000 + 60_000;
    await client.set(epochKey(prefix, tagOf('k')), String(until));
    client.destroy();
    const error = await s.claim('k', 'fp', 'r1').catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
  });
});
