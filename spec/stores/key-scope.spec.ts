import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { txCapabilities } from '../../src/protocol/index.js';
import { httpTransport, TxClient, type TxResult } from '../../src/index.js';
import { startReplica, type Replica } from '../helpers/replicas.js';
import { SHARED_STORES } from '../helpers/shared-stores.js';
import { meta, nackOf, txCall } from '../helpers/server-fixtures.js';

/** Child processes on a loaded machine: generous. */
const SLOW = 90_000;

const text = (r: TxResult) => (r.result.content[0] as { text: string }).text;
const runs = (replicas: Replica[], id: string) =>
  replicas.flatMap((r) => r.executions).filter((e) => e.endsWith(` ${id}`)).length;
const bearer = (who: string) => ({ Authorization: `Bearer token-${who}` });

/**
 * Two bearer identities on two replicas sharing one key space (each replica authenticates the
 * bearer token into `req.auth`, which the SDK hands the decorator as `authInfo`): a key belongs to
 * the client that used it, whatever the shared store.
 */
describe.each(SHARED_STORES)(
  'keys scoped to the authenticated client, two replicas on one %s',
  (_name, kind) => {
    kind.describe('scoped by authInfo', () => {
      let space: string;
      let a: Replica;
      let b: Replica;
      const tx: TxClient[] = [];
      const raw: Client[] = [];
      const client = async (replica: Replica, who: string) => {
        const c = await TxClient.connect(
          () => httpTransport(replica.url, { requestInit: { headers: bearer(who) } }),
          {
            reconnect: false,
          },
        );
        tx.push(c);
        return c;
      };
      /** An SDK client speaking mcp_tx by hand, to send a request id of its choosing. */
      const rawClient = async (replica: Replica, who: string) => {
        const c = new Client({ name: `raw-${who}`, version: '1.0.0' }, { capabilities: txCapabilities() });
        await c.connect(
          new StreamableHTTPClientTransport(replica.url, { requestInit: { headers: bearer(who) } }),
        );
        raw.push(c);
        return c;
      };

      beforeAll(async () => {
        space = await kind.space('key-scope');
        const store = { url: kind.url, space };
        [a, b] = await Promise.all([startReplica('A', store), startReplica('B', store)]);
      }, SLOW);
      afterAll(async () => {
        await Promise.all([...tx.splice(0), ...raw.splice(0)].map((c) => c.close().catch(() => undefined)));
        await Promise.all([a?.stop(), b?.stop()]);
        await kind.drop(space);
      }, SLOW);

      it(
        "should give bob, sending alice's key on the other replica, neither her result nor a conflict, and alice her replay",
        async () => {
          const [aliceA, bobB, aliceB] = [
            await client(a, 'alice'),
            await client(b, 'bob'),
            await client(b, 'alice'),
          ];
          const first = await aliceA.call('charge', { id: 'k1' }, { idempotencyKey: 'order-1' });
          await aliceA.call('charge', { id: 'k2' }, { idempotencyKey: 'order-2' });
          const sameArgs = await bobB.call('charge', { id: 'k1' }, { idempotencyKey: 'order-1' });
          const otherArgs = await bobB.call('charge', { id: 'k3' }, { idempotencyKey: 'order-2' });
          const retry = await aliceB.call('charge', { id: 'k1' }, { idempotencyKey: 'order-1' });
          expect([text(first), text(sameArgs), text(otherArgs), text(retry)]).toEqual([
            'charge k1 by A',
            'charge k1 by B',
            'charge k3 by B',
            'charge k1 by A',
          ]);
          expect([sameArgs.duplicate, otherArgs.duplicate, retry.duplicate]).toEqual([false, false, true]);
          expect([runs([a, b], 'k1'), runs([a, b], 'k2'), runs([a, b], 'k3')]).toEqual([2, 1, 1]);
        },
        SLOW,
      );

      it(
        "should scope a generated key (the request id) too: bob's request with alice's request id runs his own call",
        async () => {
          const [aliceA, bobB, aliceB] = [
            await rawClient(a, 'alice'),
            await rawClient(b, 'bob'),
            await rawClient(b, 'alice'),
          ];
          const requestId = 'rid-alice-1'; // in every result, in logs: bob may learn it
          const first = await txCall(aliceA, 'charge', { id: 'g1' }, meta({ requestId }));
          const forged = await txCall(bobB, 'charge', { id: 'g1' }, meta({ requestId }));
          const retry = await txCall(aliceB, 'charge', { id: 'g1' }, meta({ requestId, retryCount: 1 }));
          expect([first.text, forged.text, retry.text]).toEqual([
            'charge g1 by A',
            'charge g1 by B',
            'charge g1 by A',
          ]);
          expect([forged.tx?.duplicate, retry.tx?.duplicate]).toEqual([false, true]);
          expect(runs([a, b], 'g1')).toBe(2);
        },
        SLOW,
      );

      it(
        'should refuse a key with a lone surrogate (invalid_request), as the memory store does, rather than merge it with another',
        async () => {
          const aliceA = await rawClient(a, 'alice');
          const key = (high: string) =>
            meta({ requestId: `ls-${high.charCodeAt(0)}`, idempotencyKey: `pay-${high}` });
          const nack = await nackOf(txCall(aliceA, 'charge', { id: 'ls' }, key('\uD800')));
          expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
          expect(nack.message).toMatch(/not well-formed Unicode/);
          expect(runs([a, b], 'ls')).toBe(0);
        },
        SLOW,
      );
    });
  },
);
