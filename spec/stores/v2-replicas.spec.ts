// Stateless replicas: two SDK v2 server processes (createMcpHandler, a server per request) behind a
// plain round-robin proxy, no sticky sessions, one shared store (Redis or PostgreSQL). Each request may reach
// either replica; the store alone makes each keyed call run once.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { httpTransport, isOutcomeUnknownError, TxClient, type TxResult } from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import { chaosTransport } from '../../src/testing/index.js';
import { startReplica, type Replica } from '../helpers/replicas.js';
import { SHARED_STORES, type SharedStoreKind } from '../helpers/shared-stores.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { until } from '../helpers/server-fixtures.js';
import { ManualTx } from '../helpers/v2-manual-tx.js';

/** Child processes on a loaded machine: generous. */
const SLOW = 90_000;

const runs = (replicas: Replica[], id: string) =>
  replicas.flatMap((r) => r.executions).filter((e) => e.endsWith(` ${id}`)).length;
const textOf = (content: unknown) => (content as { text: string }[] | undefined)?.[0]?.text;

/** Replicas on SDK v2 behind a round-robin proxy, and the clients a spec made, stopped after it. */
function balancedFleet(kind: SharedStoreKind, name: string, leaseMs: number) {
  let space = '';
  const replicas: Replica[] = [];
  const closers: (() => Promise<void>)[] = [];
  let proxy: RoundRobinProxy | undefined;
  return {
    replicas,
    get proxy(): RoundRobinProxy {
      if (proxy === undefined) throw new Error('start the fleet first');
      return proxy;
    },
    async start(...names: string[]) {
      space = await kind.space(name);
      const store = { url: kind.url, space };
      replicas.push(...(await Promise.all(names.map((n) => startReplica(n, store, leaseMs, 'v2')))));
      proxy = await startRoundRobinProxy(replicas.map((r) => r.url));
    },
    /** A plain v2 Client on the 2026-07-28 protocol, through the proxy. */
    async modernClient() {
      const client = await ManualTx.connect(new StreamableHTTPClientTransport(this.proxy.url));
      closers.push(() => client.close());
      return client;
    },
    /** An SDK v1 TxClient (the initialize era, served statelessly) through the proxy. */
    async v1Client(options: Parameters<typeof TxClient.connect>[1] = {}) {
      const client = await TxClient.connect(() => httpTransport(this.proxy.url), {
        reconnect: false,
        ...options,
      });
      closers.push(() => client.close());
      return client;
    },
    async stop() {
      await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
      await proxy?.close();
      await Promise.all(replicas.splice(0).map((r) => r.stop()));
      if (space !== '') await kind.drop(space);
    },
  };
}

describe.each(SHARED_STORES)('SDK v2 replicas behind a round-robin proxy sharing a %s', (_name, kind) => {
  kind.describe('two replicas', () => {
    const fleet = balancedFleet(kind, 'v2-balanced', 10_000);
    beforeAll(() => fleet.start('A', 'B'), SLOW);
    afterAll(() => fleet.stop(), SLOW);

    it(
      'should run each keyed call once while its retry reaches the other replica',
      async () => {
        const client = await fleet.modernClient();
        for (let i = 0; i < 6; i++) {
          // One request more every other round, so that first attempts land on both replicas in turn.
          if (i % 2 === 1) await client.client.listTools();
          const first = await client.call('charge', { id: `p${i}` }, { requestId: `pay-${i}` });
          const retry = await client.call(
            'charge',
            { id: `p${i}` },
            { requestId: `pay-${i}`, retryCount: 1 },
          );
          expect(retry.meta).toMatchObject({ duplicate: true, attempts: 2 });
          expect(textOf(retry.result?.content)).toBe(textOf(first.result?.content));
          expect(runs(fleet.replicas, `p${i}`)).toBe(1);
        }
        // Both replicas ran calls, and each retry was answered by the replica that did not run it.
        expect(fleet.replicas.map((r) => r.executions.length)).toEqual([3, 3]);
        expect(fleet.proxy.hits.every((n) => n >= 6)).toBe(true);
      },
      SLOW,
    );

    it(
      'should make a retry that reaches the other replica while the call runs wait for its outcome',
      async () => {
        const client = await fleet.modernClient();
        const running = client.call('charge', { id: 'slow', ms: 800 }, { requestId: 'slow-1' });
        await until(() => runs(fleet.replicas, 'slow') === 1);
        const retry = await client.call(
          'charge',
          { id: 'slow', ms: 800 },
          { requestId: 'slow-1', retryCount: 1 },
        );
        const first = await running;
        expect(retry.meta).toMatchObject({ duplicate: true });
        expect(textOf(retry.result?.content)).toBe(textOf(first.result?.content));
        expect(runs(fleet.replicas, 'slow')).toBe(1);
      },
      SLOW,
    );

    it(
      'should run the keyed calls of an SDK v1 TxClient (initialize era) once each, at 20 % message loss, every request on the next replica',
      async () => {
        const client = await fleet.v1Client();
        let link: ReturnType<typeof chaosTransport> | undefined;
        const lossy = await TxClient.connect(
          () => (link = chaosTransport(httpTransport(fleet.proxy.url), { seed: 22 })),
          { reconnect: false, timeoutMs: 1_000, retry: { maxAttempts: 30, baseDelayMs: 5, maxDelayMs: 50 } },
        );
        link?.setFaults({ drop: 0.2 }); // once connected: each way, a message in five is lost
        const calls = Array.from({ length: 20 }, (_, i) =>
          lossy.call('charge', { id: `v1-${i}` }, { idempotencyKey: `v1-order-${i}` }),
        );
        const results: TxResult[] = await Promise.all(calls);
        const again = await client.call('charge', { id: 'v1-0' }, { idempotencyKey: 'v1-order-0' });
        expect(link?.stats.dropped).toBeGreaterThan(0);
        await lossy.close();
        expect(results.map((r) => textOf(r.result.content)?.split(' by ')[0])).toEqual(
          Array.from({ length: 20 }, (_, i) => `charge v1-${i}`),
        );
        expect(again.duplicate).toBe(true);
        for (let i = 0; i < 20; i++) expect(runs(fleet.replicas, `v1-${i}`)).toBe(1);
      },
      SLOW,
    );
    it(
      'should run the keyed calls of an SDK v2 TxClient (the stateless protocol) once each, at 20 % message loss, every request on the next replica',
      async () => {
        let link: ReturnType<typeof chaosTransport> | undefined;
        const lossy = await v2.TxClient.connect(
          () => {
            const transport = v2.httpTransport(fleet.proxy.url);
            link = chaosTransport(transport as unknown as Parameters<typeof chaosTransport>[0], { seed: 23 });
            return link as unknown as typeof transport;
          },
          { reconnect: false, timeoutMs: 1_000, retry: { maxAttempts: 30, baseDelayMs: 5, maxDelayMs: 50 } },
        );
        expect(lossy.sdk.getProtocolEra()).toBe('modern');
        link?.setFaults({ drop: 0.2 }); // once connected: each way, a message in five is lost
        const calls = Array.from({ length: 20 }, (_, i) =>
          lossy.call('charge', { id: `v2-${i}` }, { idempotencyKey: `v2-order-${i}` }),
        );
        const results: TxResult[] = await Promise.all(calls);
        expect(link?.stats.dropped).toBeGreaterThan(0);
        link?.setFaults({ drop: 0 });
        const again = await lossy.call('charge', { id: 'v2-0' }, { idempotencyKey: 'v2-order-0' });
        await lossy.close();
        expect(results.map((r) => textOf(r.result.content)?.split(' by ')[0])).toEqual(
          Array.from({ length: 20 }, (_, i) => `charge v2-${i}`),
        );
        expect(again.duplicate).toBe(true);
        for (let i = 0; i < 20; i++) expect(runs(fleet.replicas, `v2-${i}`)).toBe(1);
      },
      SLOW,
    );
  });

  kind.describe('a replica killed (SIGKILL) behind the proxy while it runs a keyed call', () => {
    const fleet = balancedFleet(kind, 'v2-kill', 1_000);
    beforeAll(() => fleet.start('C', 'D'), SLOW);
    afterAll(() => fleet.stop(), SLOW);

    /** Starts `tool` on whichever replica the proxy picks, kills that replica, and retries through the proxy. */
    async function killMidRun(tool: string, id: string) {
      const client = await fleet.modernClient();
      const lost = client
        .call(tool, { id, ms: 5_000 }, { requestId: `${tool}-${id}` })
        .catch((e: unknown) => e);
      await until(() => runs(fleet.replicas, id) === 1);
      const dying = fleet.replicas.find((r) => r.executions.some((e) => e.endsWith(` ${id}`))) as Replica;
      await dying.kill();
      void lost; // its HTTP exchange fails with the process
      const retry = await client.call(tool, { id, ms: 0 }, { requestId: `${tool}-${id}`, retryCount: 1 });
      return { dying, retry };
    }

    it(
      'should answer the retry outcome_unknown for a tool that is not idempotent, never running it again',
      async () => {
        const { retry } = await killMidRun('charge', 'k1');
        expect(retry.error?.nack).toMatchObject({ reason: 'outcome_unknown', retryable: false });
        expect(runs(fleet.replicas, 'k1')).toBe(1);
      },
      SLOW,
    );
  });

  kind.describe(
    'a replica killed (SIGKILL) behind the proxy while an SDK v2 TxClient waits for its keyed call',
    () => {
      const fleet = balancedFleet(kind, 'v2-kill-tx', 1_000);
      beforeAll(() => fleet.start('E', 'F'), SLOW);
      afterAll(() => fleet.stop(), SLOW);

      it(
        'should fail the keyed call of an SDK v2 TxClient with a typed outcome-unknown error, never a second run',
        async () => {
          const client = await v2.TxClient.connect(() => v2.httpTransport(fleet.proxy.url), {
            reconnect: false,
            timeoutMs: 1_500,
            retry: { maxAttempts: 20, baseDelayMs: 10, maxDelayMs: 100 },
          });
          try {
            const call = client
              .call('charge', { id: 'k2', ms: 5_000 }, { idempotencyKey: 'kill-k2' })
              .catch((e: unknown) => e);
            await until(() => runs(fleet.replicas, 'k2') === 1);
            const dying = fleet.replicas.find((r) => r.executions.some((e) => e.endsWith(' k2'))) as Replica;
            await dying.kill();
            const error = await call;
            expect(isOutcomeUnknownError(error)).toBe(true);
            expect(runs(fleet.replicas, 'k2')).toBe(1);
          } finally {
            await client.close();
          }
        },
        SLOW,
      );
    },
  );
});
