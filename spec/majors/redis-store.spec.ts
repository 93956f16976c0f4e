// One Redis store under two servers, written once and run on both SDK majors and across them: two
// McpServers of the server's major behind withTxServer share a RedisIdempotencyStore, TxClients of
// the client's major reach them in memory; and an SDK v1 server beside an SDK v2 one on one store
// (a rolling upgrade). Exactly once across servers, whichever one a retry reaches.
import { withTxServer, type IdempotencyStore } from '../../src/server/index.js';
import { RedisIdempotencyStore } from '../../src/redis/index.js';
import { chaosTransport, type ChaosTransport } from '../../src/testing/index.js';
import { isIdempotencyConflictError } from '../../src/index.js';
import { buildServer, type Major } from '../helpers/majors/build-server.js';
import {
  describeMajors,
  majorKit,
  type AnyTxClient,
  type MajorKit,
} from '../helpers/majors/describe-majors.js';
import { REDIS_URL, deleteKeys, describeRedis, randomPrefix } from '../helpers/redis.js';
import { fixtureTools, gate, newLog, until } from '../helpers/server-fixtures.js';
import { textOf } from '../helpers/text.js';

/** Two servers (of `majors`) on one Redis key space, one ledger of executions, and the clients made. */
function twoServers(m: MajorKit, majors: readonly [Major, Major] = [m.server, m.server]) {
  const prefix = randomPrefix('majors');
  const stores: RedisIdempotencyStore[] = [];
  const clients: AnyTxClient[] = [];
  const log = newLog();
  const store = () => {
    const s = new RedisIdempotencyStore({ url: REDIS_URL, keyPrefix: prefix });
    stores.push(s);
    return s;
  };
  const [storeA, storeB] = [store(), store()]; // a store (and connection) per server, as replicas have
  /** A client transport to a fresh server of `major` on `shared` (a server per connection). */
  const transportTo = async (major: Major, shared: IdempotencyStore) => {
    const [clientEnd, serverEnd] = m.linkedPair();
    await buildServer(major, fixtureTools(log)).connect(withTxServer(serverEnd, { store: shared }) as never);
    return clientEnd;
  };
  return {
    log,
    /** A transport to server A (`0`) or B (`1`). */
    transport: (which: 0 | 1) => transportTo(majors[which], which === 0 ? storeA : storeB),
    /** A TxClient of the kit's major to server A or B. */
    async client(which: 0 | 1, options: Parameters<MajorKit['connect']>[1] = {}) {
      const client = await m.connect(await transportTo(majors[which], which === 0 ? storeA : storeB), {
        reconnect: false,
        ...options,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(stores.map((s) => s.close()));
      await deleteKeys(prefix);
    },
  };
}

type World = ReturnType<typeof twoServers>;

describeRedis('a Redis store shared by two servers', () => {
  describeMajors(
    'exactly once across the servers',
    (m) => {
      let world: World;
      beforeEach(() => {
        world = twoServers(m);
      });
      afterEach(() => world.close());

      it('should replay on one server a keyed call that ran on the other', async () => {
        const [a, b] = [await world.client(0), await world.client(1)];
        const first = await a.call('counter', { id: 'c1' }, { idempotencyKey: 'order-1' });
        const retry = await b.call('counter', { id: 'c1' }, { idempotencyKey: 'order-1' });
        expect([textOf(first), textOf(retry)]).toEqual(['c1:1', 'c1:1']);
        expect([first.duplicate, retry.duplicate]).toEqual([false, true]);
        expect(world.log.total).toBe(1);
      });

      it('should run the tool once when the same key reaches both servers at once', async () => {
        const [a, b] = [await world.client(0), await world.client(1)];
        const running = gate();
        world.log.gates.set('c2', running);
        const both = [
          a.call('counter', { id: 'c2' }, { idempotencyKey: 'order-2' }),
          b.call('counter', { id: 'c2' }, { idempotencyKey: 'order-2' }),
        ];
        await until(() => world.log.total === 1);
        running.open();
        const results = await Promise.all(both);
        expect(results.map(textOf)).toEqual(['c2:1', 'c2:1']);
        expect(results.filter((r) => r.duplicate)).toHaveLength(1);
        expect(world.log.total).toBe(1);
      });

      it("should refuse another payload under a key used on the other server, the server's NACK", async () => {
        const [a, b] = [await world.client(0), await world.client(1)];
        await a.call('counter', { id: 'c3' }, { idempotencyKey: 'order-3' });
        const error = await b
          .call('counter', { id: 'changed' }, { idempotencyKey: 'order-3' })
          .catch((e) => e);
        expect(isIdempotencyConflictError(error)).toBe(true);
        expect(world.log.runs.get('changed')).toBeUndefined();
      });

      it('should run 20 keyed calls once each through a pool of both servers at 20 % message loss', async () => {
        const links: ChaosTransport[] = [];
        const lossy = (which: 0 | 1) => async () => {
          const link = chaosTransport(await world.transport(which), { seed: 7 + which });
          links.push(link);
          return link;
        };
        const pool = await m.pool([lossy(0), lossy(1)] as never, {
          reconnect: false,
          strategy: 'round-robin',
          timeoutMs: 300,
          deadlineMs: 20_000,
          retry: { maxAttempts: 50, baseDelayMs: 2, maxDelayMs: 40 },
        });
        try {
          for (const link of links) link.setFaults({ drop: 0.2 });
          const keys = Array.from({ length: 20 }, (_, i) => `lossy-${i}`);
          const first = await Promise.all(
            keys.map((key) => pool.call('counter', { id: key }, { idempotencyKey: key })),
          );
          for (const link of links) link.setFaults({ drop: 0 });
          const again = await Promise.all(
            keys.map((key) => pool.call('counter', { id: key }, { idempotencyKey: key })),
          );
          expect(links.reduce((n, l) => n + l.stats.dropped, 0)).toBeGreaterThan(0);
          expect(first.map(textOf)).toEqual(keys.map((key) => `${key}:1`));
          expect(again.every((r) => r.duplicate)).toBe(true);
          expect(world.log.total).toBe(20);
        } finally {
          await pool.close();
        }
      }, 30_000);
    },
    { mixed: true },
  );

  describe('an SDK v1 server and an SDK v2 server on one store (a rolling upgrade)', () => {
    let world: World;
    afterEach(() => world.close());

    it.each(['v1', 'v2'] as const)(
      'should replay to a %s client on the v2 server what ran on the v1 server',
      async (client) => {
        world = twoServers(majorKit(client, 'v1'), ['v1', 'v2']);
        const [onV1, onV2] = [await world.client(0), await world.client(1)];
        const first = await onV1.call('counter', { id: 'u1' }, { idempotencyKey: 'upgrade-1' });
        const retry = await onV2.call('counter', { id: 'u1' }, { idempotencyKey: 'upgrade-1' });
        expect([textOf(first), textOf(retry), retry.duplicate]).toEqual(['u1:1', 'u1:1', true]);
        expect(world.log.total).toBe(1);
      },
    );
  });
});
