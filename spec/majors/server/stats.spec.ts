import {
  connectPair,
  gate,
  meta,
  nackOf,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'TxServerTransport stats',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should count executions, replays, ACK notifications and NACKs by reason', async () => {
      pair = await connectPair({ ackDelayMs: 0, maxConcurrent: 1, maxQueue: 0 }, { major });
      expect(pair.transport.stats).toEqual({
        executed: 0,
        replayed: 0,
        stopped: 0,
        acks: 0,
        nacks: {},
        lateRenewals: 0,
      });
      await txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'r1', idempotencyKey: 'k' }));
      const again = await txCall(
        pair.client,
        'counter',
        { id: 'a' },
        meta({ requestId: 'r2', idempotencyKey: 'k' }),
      );
      expect(again.tx).toMatchObject({ duplicate: true });
      const g = gate();
      pair.log.gates.set('busy', g);
      const busy = txCall(pair.client, 'counter', { id: 'busy' }, meta({ requestId: 'r3' }));
      await until(() => pair.log.total === 2);
      expect(
        (await nackOf(txCall(pair.client, 'counter', { id: 'x' }, meta({ requestId: 'r4' })))).reason,
      ).toBe('overloaded');
      g.open();
      await busy;
      const stats = pair.transport.stats;
      expect(stats).toEqual({
        executed: 2,
        replayed: 1,
        stopped: 0,
        acks: 3,
        nacks: { overloaded: 1 },
        lateRenewals: 0,
      });
      expect(pair.log.total).toBe(stats.executed);
      stats.executed = 99; // a copy: the transport's own counters are not touched
      expect(pair.transport.stats.executed).toBe(2);
    });
  },
  { serverOnly: true },
);
