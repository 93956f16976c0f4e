import { createClient } from 'redis';
import { recordKey } from '../../src/redis/key-layout.js';
import { RedisIdempotencyStore, type RedisClientLike } from '../../src/redis/index.js';
import { REDIS_URL, deleteKeys, describeRedis, randomPrefix } from '../helpers/redis.js';

/** A client whose Redis answers NOSCRIPT to every script it has not been sent as EVAL yet (as after a restart). */
function forgetfulClient(client: RedisClientLike): { client: RedisClientLike; evals: string[][] } {
  const loaded = new Set<string>();
  const evals: string[][] = [];
  const forgetful: RedisClientLike = Object.create(client) as RedisClientLike;
  forgetful.sendCommand = async (args, options) => {
    if (args[0] === 'EVALSHA' && !loaded.has(args[1] as string))
      throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    if (args[0] === 'EVAL') {
      evals.push(args);
      loaded.add((await client.sendCommand(['SCRIPT', 'LOAD', args[1] as string])) as string);
    }
    return client.sendCommand(args, options);
  };
  return { client: forgetful, evals };
}

describeRedis('RedisIdempotencyStore commands (one script per claim and per completion)', () => {
  let prefix: string;
  let redis: ReturnType<typeof createClient>;
  beforeEach(async () => {
    prefix = randomPrefix('commands');
    redis = createClient({ url: REDIS_URL });
    await redis.connect();
  });
  afterEach(async () => {
    redis.destroy();
    await deleteKeys(prefix);
  });

  it('should send a script Redis does not know once as EVAL, with the same keys and arguments, then by its SHA', async () => {
    const { client, evals } = forgetfulClient(redis as unknown as RedisClientLike);
    const store = new RedisIdempotencyStore({ client, keyPrefix: prefix });
    try {
      expect(await store.claim('k', 'fp', 'r')).toEqual({ status: 'claimed' });
      await store.complete('k', { outcome: { result: { n: 1 } }, fingerprint: 'fp' });
      expect(await store.get('k')).toMatchObject({ outcome: { result: { n: 1 } }, attempts: 1 });
      expect(await store.claim('k', 'fp', 'r')).toMatchObject({
        status: 'completed',
        record: { attempts: 2 },
      });
      expect(evals).toHaveLength(3); // claim, complete, peek: each once
      for (const args of evals) expect(args).toContain(recordKey(prefix, 'k'));
    } finally {
      await store.close();
    }
  });

  it('should answer a completion with the outcome it was given, and replay it from its JSON', async () => {
    const store = new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: prefix });
    try {
      await store.claim('k', 'fp', 'r');
      const outcome = { result: { content: [{ type: 'text', text: 'é\u{1F600}' }], skipped: undefined } };
      const record = await store.complete('k', { outcome, fingerprint: 'fp' });
      expect(record).toMatchObject({ fingerprint: 'fp', attempts: 1 });
      expect(record.outcome).toBe(outcome); // not parsed back from what was just written
      expect(record.completedAt).toBeGreaterThan(0);
      const replay = await store.claim('k', 'fp', 'r');
      expect(replay).toMatchObject({ status: 'completed', record: { attempts: 2 } });
      expect(replay.status === 'completed' && replay.record.outcome).toEqual(
        JSON.parse(JSON.stringify(outcome)),
      );
    } finally {
      await store.close();
    }
  });
});
