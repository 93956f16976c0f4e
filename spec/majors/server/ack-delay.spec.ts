import { VirtualTimeScheduler } from 'rxjs';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ACK_METHOD } from '../../../src/protocol/index.js';
import type { TxEvent } from '../../../src/index.js';
import { withTxServer } from '../../../src/server/index.js';
import {
  connectPair,
  fixtureServer,
  gate,
  meta,
  newLog,
  sleep,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer delayed ACK',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should carry the ACK of a keyed call answered within ackDelayMs on its response, with no notification', async () => {
      pair = await connectPair({ ackDelayMs: 50 }, { major });
      const { tx } = await txCall(pair.client, 'counter', { id: 'quick' }, meta({ requestId: 'q' }));
      expect(tx).toMatchObject({ ack: true, processed: true, duplicate: false });
      await sleep(80); // past the delay: the held ACK must not be sent late either
      expect(pair.acks).toEqual([]);
    });

    it('should send the ACK of a keyed call still running after ackDelayMs, before its response', async () => {
      pair = await connectPair({ ackDelayMs: 10 }, { major });
      const g = gate();
      pair.log.gates.set('slow', g);
      const running = txCall(pair.client, 'counter', { id: 'slow' }, meta({ requestId: 's' }));
      await until(() => pair.acks.length === 1);
      expect(pair.acks).toEqual([{ requestId: 's', retryCount: 0 }]);
      g.open();
      expect((await running).tx).toMatchObject({ ack: true });
      expect(pair.acks).toHaveLength(1);
    });

    it('should ACK an unkeyed call at once, since only a key makes a missing ACK safe', async () => {
      pair = await connectPair({ ackDelayMs: 60_000 }, { major });
      const g = gate();
      pair.log.gates.set('unkeyed', g);
      const running = txCall(
        pair.client,
        'counter',
        { id: 'unkeyed' },
        { version: '0.1.0', request_id: 'u', expect_ack: true, retry_count: 0, timeout_ms: 5_000 },
      );
      await until(() => pair.acks.length === 1);
      expect(pair.acks[0]).toMatchObject({ requestId: 'u' });
      g.open();
      await running;
    });

    it('should drop a held ACK and its timer when the connection goes, so no timer outlives it', async () => {
      const scheduler = new VirtualTimeScheduler();
      pair = await connectPair({ ackDelayMs: 60_000, scheduler }, { major });
      const g = gate();
      pair.log.gates.set('held', g);
      const running = txCall(pair.client, 'counter', { id: 'held' }, meta({ requestId: 'h' })).catch(
        () => undefined,
      );
      await until(() => scheduler.actions.some((action) => action.delay === 60_000));
      await pair.close();
      g.open();
      await running;
      await until(() => !scheduler.actions.some((action) => action.delay === 60_000));
      expect(pair.acks).toEqual([]);
    });

    it('should send every ACK at once with ackDelayMs 0', async () => {
      pair = await connectPair({ ackDelayMs: 0 }, { major });
      await txCall(pair.client, 'counter', { id: 'now' }, meta({ requestId: 'n' }));
      await until(() => pair.acks.length === 1);
      expect(pair.acks).toEqual([{ requestId: 'n', retryCount: 0 }]);
    });

    it('should ACK a duplicate waiting for the running execution of its key after the delay', async () => {
      pair = await connectPair({ ackDelayMs: 10 }, { major });
      const g = gate();
      pair.log.gates.set('dup', g);
      const first = txCall(
        pair.client,
        'counter',
        { id: 'dup' },
        meta({ requestId: 'd1', idempotencyKey: 'k' }),
      );
      const second = txCall(
        pair.client,
        'counter',
        { id: 'dup' },
        meta({ requestId: 'd2', idempotencyKey: 'k' }),
      );
      await until(() => pair.acks.length === 2);
      expect(pair.acks.map((a) => a.requestId).sort()).toEqual(['d1', 'd2']);
      g.open();
      expect((await second).tx).toMatchObject({ duplicate: true });
      expect((await first).text).toBe('dup:1');
      expect(pair.log.runs.get('dup')).toBe(1);
    });

    describe('with a TxClient', () => {
      it('should report a piggybacked ACK on acks$ and in the metrics, once per call', async () => {
        const { server } = fixtureServer(newLog(), major);
        const [clientSide, serverSide] = m.linkedPair();
        const notifications: JSONRPCMessage[] = [];
        const send = serverSide.send.bind(serverSide);
        serverSide.send = (message, o) => {
          if ((message as { method?: string }).method === ACK_METHOD) notifications.push(message);
          return send(message, o);
        };
        await server.connect(withTxServer(serverSide, { ackDelayMs: 1_000 }));
        const client = await m.connect(clientSide);
        const events: TxEvent[] = [];
        client.events$.subscribe((e) => events.push(e));
        try {
          const result = await client.call('counter', { id: 'a' });
          expect(result).toMatchObject({ ack: true, attempts: 1 });
          expect(notifications).toEqual([]);
          expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'response']);
          expect(client.metrics().totals.acks).toBe(1);
        } finally {
          await client.close();
        }
      });
    });
  },
  { serverOnly: true },
);
