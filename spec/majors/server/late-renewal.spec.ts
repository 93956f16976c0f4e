import { LateRenewalError, isLateRenewalError, type TxServerEvent } from '../../../src/server/index.js';
import { LeasedMemoryStore } from '../../helpers/leased-store.js';
import { connectPair, meta, newLog, txCall, type TxPair } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

/**
 * A tool that blocks the event loop longer than a lease: the store's renewal runs late, and the
 * server counts it, shows it on events$ and says it once on onerror. Real time: the blocked loop
 * is the point (a few hundred ms).
 */
describeMajors(
  'withTxServer when the store reports a late lease renewal',
  (m) => {
    const major = m.server;
    const pairs: TxPair[] = [];
    afterEach(async () => {
      await Promise.all(pairs.splice(0).map((p) => p.close()));
    });
    const connect = async (store: LeasedMemoryStore) => {
      const pair = await connectPair({ store }, { log: newLog(), major });
      pairs.push(pair);
      return pair;
    };

    it('should count it, show it on events$ with the tool and request id, and report it once on onerror', async () => {
      const store = new LeasedMemoryStore(150);
      const pair = await connect(store);
      const events: TxServerEvent[] = [];
      pair.transport.events$.subscribe((e) => events.push(e));
      const r = await txCall(pair.client, 'spin', { ms: 400 }, meta({ requestId: 'spin-1' }));
      expect(r.text).toBe('spun 400 ms');
      // One late renewal at least (a loaded machine may make a later one late too): each counted and shown.
      expect(pair.transport.stats.lateRenewals).toBeGreaterThanOrEqual(1);
      expect(events).toHaveLength(pair.transport.stats.lateRenewals);
      expect(events[0]).toEqual({
        type: 'late_renewal',
        key: 'spin-1',
        tool: 'spin',
        requestId: 'spin-1',
        leaseMs: 150,
        lapsed: true,
        lateByMs: expect.any(Number),
        time: expect.any(Number),
      });
      expect((events[0] as TxServerEvent).lateByMs).toBeGreaterThanOrEqual(300);
      expect(pair.errors).toHaveLength(1);
      const [error] = pair.errors;
      expect(error).toBeInstanceOf(LateRenewalError);
      expect(error).toMatchObject({
        code: 'LATE_RENEWAL',
        info: { tool: 'spin', lapsed: true, leaseMs: 150 },
      });
      expect(error?.message).toMatch(/ms late \(lease 150 ms, which had lapsed\) while tool "spin" ran/);
      expect(error?.message).toMatch(/worker_threads|leaseMs/);
      expect(store.held).toBe(0);
    });

    it('should count every late renewal but log only the first one of a store, whatever the connection', async () => {
      const store = new LeasedMemoryStore(150);
      const [a, b] = [await connect(store), await connect(store)];
      await txCall(a.client, 'spin', { ms: 300 }, meta({ requestId: 'a-1' }));
      await txCall(a.client, 'spin', { ms: 300 }, meta({ requestId: 'a-2' }));
      await txCall(b.client, 'spin', { ms: 300 }, meta({ requestId: 'b-1' }));
      expect(a.transport.stats.lateRenewals).toBeGreaterThanOrEqual(2);
      expect(b.transport.stats.lateRenewals).toBeGreaterThanOrEqual(1);
      expect(a.errors.filter(isLateRenewalError)).toHaveLength(1);
      expect(b.errors).toEqual([]);
    });

    it('should see no late renewal while a tool waits without blocking', async () => {
      const store = new LeasedMemoryStore(600);
      const pair = await connect(store);
      await txCall(pair.client, 'counter', { id: 'w', delayMs: 450 }, meta({ requestId: 'wait-1' }));
      expect(pair.transport.stats.lateRenewals).toBe(0);
      expect(pair.errors).toEqual([]);
    });

    it('should hand every claim one options object per transport, the hook included (no allocation per call)', async () => {
      const store = new LeasedMemoryStore(60_000);
      const pair = await connect(store);
      await txCall(pair.client, 'echo', { v: '1' }, meta({ requestId: 'o-1' }));
      await txCall(pair.client, 'echo', { v: '2' }, meta({ requestId: 'o-2' }));
      const [first, second] = store.options;
      expect(first).toBe(second);
      expect(first?.onLateRenewal).toEqual(expect.any(Function));
      expect(first?.rerunUnknown).toBeUndefined();
    });

    it('should complete events$ when the transport closes', async () => {
      const pair = await connect(new LeasedMemoryStore(60_000));
      let completed = false;
      pair.transport.events$.subscribe({ complete: () => (completed = true) });
      await pair.transport.close();
      expect(completed).toBe(true);
    });
  },
  { serverOnly: true },
);
