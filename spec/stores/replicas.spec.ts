import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { decodeNack, encodeRequestMeta, requestMeta, txCapabilities } from '../../src/protocol/index.js';
import {
  httpTransport,
  isIdempotencyConflictError,
  isNackError,
  isOutcomeUnknownError,
  TxClient,
  type TxResult,
} from '../../src/index.js';
import { chaosTransport } from '../../src/testing/index.js';
import { PrivateRedis, describeRedis, freePort, randomPrefix } from '../helpers/redis.js';
import { clientOf, startReplica, type Replica, type ReplicaStore } from '../helpers/replicas.js';
import { until } from '../helpers/server-fixtures.js';
import { SHARED_STORES } from '../helpers/shared-stores.js';

/** Child processes on a loaded machine: generous. */
const SLOW = 90_000;

const text = (r: TxResult) => (r.result.content[0] as { text: string }).text;
const runs = (replicas: Replica[], id: string) =>
  replicas.flatMap((r) => r.executions).filter((e) => e.endsWith(` ${id}`)).length;

/** Replicas and clients a spec started, stopped after it. */
function fleet() {
  const replicas: Replica[] = [];
  const clients: TxClient[] = [];
  return {
    replicas,
    async replica(name: string, store: ReplicaStore, leaseMs?: number) {
      const r = await startReplica(name, store, leaseMs);
      replicas.push(r);
      return r;
    },
    async client(replica: Replica, options: Parameters<typeof clientOf>[1] = {}) {
      const c = await clientOf(replica, { reconnect: false, ...options });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
      await Promise.all(replicas.splice(0).map((r) => r.stop()));
    },
  };
}

describe.each(SHARED_STORES)('two server replicas over Streamable HTTP behind one %s', (_name, kind) => {
  kind.describe('sharing one key space', () => {
    const f = fleet();
    let space: string;
    let a: Replica;
    let b: Replica;
    let ca: TxClient;
    let cb: TxClient;

    beforeAll(async () => {
      space = await kind.space('replicas');
      const store = { url: kind.url, space };
      [a, b] = await Promise.all([f.replica('A', store), f.replica('B', store)]);
      [ca, cb] = await Promise.all([f.client(a), f.client(b)]);
    }, SLOW);
    afterAll(async () => {
      await f.stop();
      await kind.drop(space);
    }, SLOW);

    it(
      'should replay on one replica a keyed call that ran on the other',
      async () => {
        const first = await ca.call('charge', { id: 'c1' }, { idempotencyKey: 'order-1' });
        const retry = await cb.call('charge', { id: 'c1' }, { idempotencyKey: 'order-1' });
        expect(text(first)).toBe('charge c1 by A');
        expect(retry.duplicate).toBe(true);
        expect(retry.result.content).toEqual(first.result.content);
        expect(runs([a, b], 'c1')).toBe(1);
      },
      SLOW,
    );

    it(
      'should run the tool once when the same key reaches both replicas at once',
      async () => {
        const both = await Promise.all([
          ca.call('charge', { id: 'c2', ms: 300 }, { idempotencyKey: 'order-2' }),
          cb.call('charge', { id: 'c2', ms: 300 }, { idempotencyKey: 'order-2' }),
        ]);
        expect(text(both[0])).toBe(text(both[1]));
        expect(both.filter((r) => r.duplicate)).toHaveLength(1);
        expect(runs([a, b], 'c2')).toBe(1);
      },
      SLOW,
    );

    it(
      'should refuse another payload under a key used on the other replica as a conflict',
      async () => {
        await ca.call('charge', { id: 'c3' }, { idempotencyKey: 'order-3' });
        const error = await cb
          .call('charge', { id: 'c3-changed' }, { idempotencyKey: 'order-3' })
          .catch((e) => e);
        expect(isIdempotencyConflictError(error)).toBe(true);
        expect(runs([a, b], 'c3-changed')).toBe(0);
      },
      SLOW,
    );

    it(
      'should make a duplicate at the other replica wait within its timeout_ms, then NACK in_progress with retry_after_ms',
      async () => {
        const running = ca.call('charge', { id: 'c4', ms: 2_000 }, { idempotencyKey: 'order-4' });
        await a.executed(a.executions.length + 1);
        const raw = new Client({ name: 'raw', version: '1.0.0' }, { capabilities: txCapabilities() });
        await raw.connect(new StreamableHTTPClientTransport(b.url));
        try {
          const wire = encodeRequestMeta(
            requestMeta({
              requestId: 'raw-1',
              idempotencyKey: 'order-4',
              expectAck: false,
              retryCount: 1,
              timeoutMs: 300,
            }),
          );
          const started = Date.now();
          const error = await raw
            .callTool({ name: 'charge', arguments: { id: 'c4', ms: 2_000 }, _meta: { mcp_tx: wire } })
            .catch((e: unknown) => e);
          expect(Date.now() - started).toBeGreaterThanOrEqual(250);
          const nack = decodeNack((error as McpError).data);
          expect(nack).toMatchObject({ reason: 'in_progress', retryable: true });
          expect(nack?.retryAfterMs).toBeGreaterThanOrEqual(1);
          expect(text(await running)).toBe('charge c4 by A');
          expect(runs([a, b], 'c4')).toBe(1);
        } finally {
          await raw.close();
        }
      },
      SLOW,
    );

    it(
      'should keep executions = calls over two replicas under message loss (chaos soak)',
      async () => {
        const calls = Number(process.env.MCP_TX_REPLICAS_SOAK_CALLS ?? 40); // small in the suite; raise it by hand
        const chaoses = [a, b].map((replica, n) =>
          chaosTransport(httpTransport(replica.url), { seed: 7 + n }),
        );
        const chaotic = await Promise.all(
          chaoses.map(async (chaos) => {
            const client = await TxClient.connect(chaos, {
              reconnect: false,
              timeoutMs: 1_500,
              concurrency: 20,
            });
            chaos.setFaults({ drop: 0.15 }); // once connected: lost calls and lost answers, not a lost handshake
            return client;
          }),
        );
        // A load balancer: each call lands on one replica, and after a failure its retry on the other.
        const call = async (i: number): Promise<TxResult> => {
          for (let round = 0; ; round++) {
            const client = chaotic[(i + round) % 2] as TxClient;
            try {
              return await client.call(
                'charge',
                { id: `soak-${i}` },
                { idempotencyKey: `soak-${i}`, retry: { maxAttempts: 2, baseDelayMs: 20 } },
              );
            } catch (error) {
              if (round >= 20) throw error;
            }
          }
        };
        try {
          const results = await Promise.all(Array.from({ length: calls }, (_, i) => call(i)));
          expect(results.map((r) => text(r).split(' by ')[0])).toEqual(
            Array.from({ length: calls }, (_, i) => `charge soak-${i}`),
          );
          // A replica reports each execution on its stdout, which may reach this process after the
          // call's HTTP answer: wait for every report (a second run would only add more).
          await until(() => a.executions.length + b.executions.length >= calls, 10_000).catch(
            () => undefined,
          );
          for (let i = 0; i < calls; i++) expect(runs([a, b], `soak-${i}`)).toBe(1);
          expect(chaoses.every((c) => c.stats.dropped > 0)).toBe(true);
        } finally {
          await Promise.all(chaotic.map((c) => c.close()));
        }
      },
      SLOW,
    );
  });
});

describe.each(SHARED_STORES)(
  'a replica killed (SIGKILL) while it runs a keyed call, on %s',
  (_name, kind) => {
    kind.describe('sharing one key space', () => {
      const f = fleet();
      let store: ReplicaStore;
      beforeAll(async () => {
        store = { url: kind.url, space: await kind.space('kill') };
      }, SLOW);
      afterAll(async () => {
        await f.stop();
        await kind.drop(store.space);
      }, SLOW);

      it(
        'should give the retry at another replica OutcomeUnknownError for a tool that is not idempotent, and run it nowhere again',
        async () => {
          const [dying, other] = await Promise.all([
            f.replica('dying', store, 1_000),
            f.replica('other', store, 1_000),
          ]);
          const [cd, co] = await Promise.all([f.client(dying, { retry: false }), f.client(other)]);
          const lost = cd
            .call('charge', { id: 'k1', ms: 3_000 }, { idempotencyKey: 'order-k1' })
            .catch((e) => e);
          await dying.executed(1);
          await dying.kill();
          void lost; // the client of the dead replica learns of it in its own time
          const error = await co
            .call('charge', { id: 'k1', ms: 3_000 }, { idempotencyKey: 'order-k1' })
            .catch((e) => e);
          expect(String(error)).toMatch(/OutcomeUnknownError/);
          expect(isOutcomeUnknownError(error)).toBe(true);
          expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
          expect(runs([dying, other], 'k1')).toBe(1);
        },
        SLOW,
      );

      it(
        'should run a tool annotated idempotentHint again at the other replica',
        async () => {
          const [dying, other] = await Promise.all([
            f.replica('dying2', store, 1_000),
            f.replica('other2', store, 1_000),
          ]);
          const [cd, co] = await Promise.all([f.client(dying, { retry: false }), f.client(other)]);
          // Slow on the dying replica only: killed mid-run however loaded the machine, while the
          // rerun of the same arguments (the same fingerprint) at the other answers at once.
          const args = { id: 'k2', ms: 30_000, slowOn: 'dying2' };
          const lost = cd.call('lookup', args, { idempotencyKey: 'look-k2' }).catch((e) => e);
          await dying.executed(1);
          await dying.kill();
          void lost; // the client of the dead replica learns of it in its own time
          const rerun = await co.call('lookup', args, { idempotencyKey: 'look-k2' });
          expect(text(rerun)).toBe('lookup k2 by other2');
          expect(other.executions).toEqual(['lookup k2']);
        },
        SLOW,
      );
    });
  },
);

describeRedis('Redis restarted (memory lost) while a keyed call runs', () => {
  const f = fleet();
  const prefix = randomPrefix('restart');
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
  }, SLOW);
  afterAll(async () => {
    await f.stop();
    await redis.kill();
  }, SLOW);

  it(
    'should never run the tool twice: the owner re-asserts its claim, and the retry replays its outcome',
    async () => {
      const [one, two] = await Promise.all([
        f.replica('one', { url: redis.url, space: prefix }, 2_000),
        f.replica('two', { url: redis.url, space: prefix }, 2_000),
      ]);
      const [c1, c2] = await Promise.all([f.client(one), f.client(two)]);
      const first = c1.call('charge', { id: 'r1', ms: 4_000 }, { idempotencyKey: 'order-r1' });
      await one.executed(1);
      await redis.kill();
      await redis.start(); // an empty Redis: the claim is gone
      const retry = await c2.call(
        'charge',
        { id: 'r1', ms: 4_000 },
        { idempotencyKey: 'order-r1', retry: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 500 } },
      );
      expect(text(await first)).toBe('charge r1 by one');
      expect(retry).toMatchObject({ duplicate: true });
      expect(text(retry)).toBe('charge r1 by one');
      expect(runs([one, two], 'r1')).toBe(1);
    },
    SLOW,
  );

  it(
    'should fail closed while Redis is down: a retryable NACK, and no execution',
    async () => {
      const [three] = await Promise.all([f.replica('three', { url: redis.url, space: prefix }, 2_000)]);
      const c3 = await f.client(three, { retry: false });
      await redis.kill();
      try {
        const error = await c3.call('charge', { id: 'd1' }, { idempotencyKey: 'order-d1' }).catch((e) => e);
        expect(isNackError(error)).toBe(true);
        expect(error).toMatchObject({ reason: 'overloaded', retryable: true });
        expect(three.executions).toEqual([]);
      } finally {
        await redis.start();
      }
    },
    SLOW,
  );
});
