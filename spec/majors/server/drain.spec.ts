import { MemoryIdempotencyStore, OUTCOME_UNKNOWN_CODE } from '../../../src/server/index.js';
import {
  connectPair,
  gate,
  meta,
  nackOf,
  newLog,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer close and drain',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should NACK new calls shutting_down while in-flight calls finish, then close', async () => {
      pair = await connectPair({}, { major });
      const g = gate();
      pair.log.gates.set('f', g);
      const inFlight = txCall(pair.client, 'counter', { id: 'f' }, meta({ requestId: 'f' }));
      await until(() => pair.log.total === 1);
      let closed = false;
      const closing = pair.transport.close().then(() => (closed = true));
      const refused = await nackOf(txCall(pair.client, 'echo', { v: 'new' }, meta({ requestId: 'n' })));
      expect(refused).toMatchObject({ reason: 'shutting_down', retryable: true });
      const plain = await nackOf(pair.client.callTool({ name: 'echo', arguments: { v: 'plain' } }));
      expect(plain.reason).toBe('shutting_down');
      expect(closed).toBe(false);
      g.open();
      expect((await inFlight).text).toBe('f:1');
      await closing;
      expect(pair.server.isConnected()).toBe(false);
    });

    it('should NACK queued calls shutting_down at once and give their keys back', async () => {
      const store = new MemoryIdempotencyStore();
      pair = await connectPair({ maxConcurrent: 1, store }, { major });
      const g = gate();
      pair.log.gates.set('run', g);
      const running = txCall(pair.client, 'counter', { id: 'run' }, meta({ requestId: 'r' }));
      await until(() => pair.log.total === 1);
      const queued = nackOf(txCall(pair.client, 'counter', { id: 'wait' }, meta({ requestId: 'w' })));
      await until(() => pair.transport.activeCalls === 2);
      const drained = pair.transport.drain();
      expect((await queued).reason).toBe('shutting_down');
      g.open();
      await running;
      await drained;
      expect(store.size).toBe(1); // only the completed call; the queued one's claim was released
      expect(await store.get('w')).toBeUndefined();
    });

    it('should keep the transport open after drain() for other requests', async () => {
      pair = await connectPair({}, { major });
      await pair.transport.drain();
      await expect(pair.client.listTools()).resolves.toBeDefined();
    });

    it('should close after gracePeriodMs when a call does not finish, recording its outcome as unknown, never releasing its key', async () => {
      const store = new MemoryIdempotencyStore();
      const log = newLog();
      log.gates.set('hung', gate()); // a tool that ignores its abort signal: it may still take effect
      pair = await connectPair({ store, gracePeriodMs: 20 }, { log, major });
      const hung = txCall(pair.client, 'counter', { id: 'hung' }, meta({ requestId: 'h' })).catch(
        (e: unknown) => e,
      );
      await until(() => log.total === 1);
      await pair.transport.close();
      expect(await hung).toBeInstanceOf(Error); // connection closed
      expect(log.aborted).toEqual(['hung']);
      expect(pair.transport.stats.stopped).toBe(1);
      const next = await connectPair({ store }, { log, major });
      try {
        const retry = txCall(next.client, 'counter', { id: 'hung' }, meta({ requestId: 'h', retryCount: 1 }));
        await expect(retry).rejects.toMatchObject({
          code: OUTCOME_UNKNOWN_CODE,
          message: expect.stringMatching(/stopped after \d+ ms because the server shut down/),
          data: { mcp_tx: { ack: true, processed: false, outcome: 'unknown', stopped: 'shutting_down' } },
        });
        expect(log.runs.get('hung')).toBe(1);
      } finally {
        await next.close();
      }
    });
  },
  { serverOnly: true },
);
