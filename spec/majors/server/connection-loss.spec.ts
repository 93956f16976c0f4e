import { MemoryIdempotencyStore } from '../../../src/server/index.js';
import {
  connectPair,
  gate,
  meta,
  nackOf,
  newLog,
  sleep,
  txCall,
  until,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer and a lost connection',
  (m) => {
    const major = m.server;
    describe('withTxServer when the connection drops while a keyed call runs', () => {
      it('should keep the key until the tool finishes, past gracePeriodMs, and store its outcome for the retry', async () => {
        const store = new MemoryIdempotencyStore();
        const log = newLog();
        const g = gate();
        log.gates.set('slow', g);
        const first = await connectPair({ store, gracePeriodMs: 20 }, { log, major });
        const lost = txCall(
          first.client,
          'counter',
          { id: 'slow' },
          meta({ requestId: 'r', idempotencyKey: 'pay-1' }),
        ).catch((e: unknown) => e);
        await until(() => log.total === 1);
        await first.close(); // the connection drops; the tool goes on
        await lost;
        await sleep(60); // well past the grace period
        expect(log.aborted).toEqual([]);
        const second = await connectPair({ store }, { log, major });
        try {
          // meanwhile a retry with a short bound is told the execution still runs
          const early = await nackOf(
            txCall(
              second.client,
              'counter',
              { id: 'slow' },
              meta({ requestId: 'r', idempotencyKey: 'pay-1', retryCount: 1, timeoutMs: 30 }),
            ),
          );
          expect(early).toMatchObject({ reason: 'in_progress', retryable: true });
          expect(early.retryAfterMs).toBeGreaterThanOrEqual(1);
          // a retry that may wait joins the execution and gets its outcome
          const retry = txCall(
            second.client,
            'counter',
            { id: 'slow' },
            meta({ requestId: 'r', idempotencyKey: 'pay-1', retryCount: 2 }),
          );
          await sleep(20);
          g.open();
          expect((await retry).text).toBe('slow:1');
          expect((await retry).tx).toMatchObject({ duplicate: true });
          expect(log.runs.get('slow')).toBe(1);
          expect(await store.get('pay-1')).toMatchObject({
            outcome: { result: { content: [{ text: 'slow:1' }] } },
          });
          await until(() => first.transport.activeCalls === 0);
        } finally {
          await second.close();
        }
      });

      it('should tell the server of the close only once the keyed call answered', async () => {
        const log = newLog();
        const g = gate();
        log.gates.set('late', g);
        const pair = await connectPair({ gracePeriodMs: 10 }, { log, major });
        void txCall(pair.client, 'counter', { id: 'late' }, meta({ requestId: 'l' })).catch(() => undefined);
        await until(() => log.total === 1);
        await pair.close();
        await sleep(40);
        expect(pair.server.isConnected()).toBe(true); // the SDK would abort the tool and drop its outcome
        g.open();
        await until(() => !pair.server.isConnected());
        expect(log.aborted).toEqual([]);
      });
    });

    describe('withTxServer admission of a duplicate of a running keyed call', () => {
      it('should join the running execution without a slot or queue room, never NACK overloaded', async () => {
        const pair = await connectPair({ maxConcurrent: 1, maxQueue: 0 }, { major });
        try {
          const g = gate();
          pair.log.gates.set('order', g);
          const original = txCall(pair.client, 'counter', { id: 'order' }, meta({ requestId: 'o' }));
          await until(() => pair.log.total === 1);
          const duplicates = [1, 2, 3].map((retryCount) =>
            txCall(pair.client, 'counter', { id: 'order' }, meta({ requestId: 'o', retryCount })),
          );
          await until(() => pair.transport.activeCalls === 4);
          // a different call still meets the bounds
          expect(
            (await nackOf(txCall(pair.client, 'echo', { v: 'x' }, meta({ requestId: 'x' })))).reason,
          ).toBe('overloaded');
          g.open();
          expect((await original).text).toBe('order:1');
          for (const d of await Promise.all(duplicates))
            expect(d).toMatchObject({ text: 'order:1', tx: { duplicate: true } });
          expect(pair.log.runs.get('order')).toBe(1);
          expect(pair.transport.stats.nacks).toEqual({ overloaded: 1 });
        } finally {
          await pair.close();
        }
      });
    });

    describe('withTxServer close() after the connection dropped', () => {
      it('should stop a keyed call still running once the grace period is over, recording its outcome as unknown', async () => {
        const store = new MemoryIdempotencyStore();
        const log = newLog();
        log.gates.set('stuck', gate());
        const pair = await connectPair({ store, gracePeriodMs: 20 }, { log, major });
        void txCall(pair.client, 'counter', { id: 'stuck' }, meta({ requestId: 's' })).catch(() => undefined);
        await until(() => log.total === 1);
        await pair.close(); // the connection drops: the call goes on
        expect(pair.server.isConnected()).toBe(true);
        await pair.transport.close(); // the server shuts down: after 20 ms the call is stopped
        expect(pair.server.isConnected()).toBe(false);
        expect(log.aborted).toEqual(['stuck']);
        await until(() => store.size === 1);
        expect(await store.get('s')).toMatchObject({
          outcome: { error: { data: { mcp_tx: { stopped: 'shutting_down' } } } },
        });
      });
    });
  },
  { serverOnly: true },
);
