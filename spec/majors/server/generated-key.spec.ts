import { fingerprint } from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore, type ClaimResult } from '../../../src/server/index.js';
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

/** A memory store that notes the fingerprint of every claim. */
class NotingStore extends MemoryIdempotencyStore {
  readonly claims: { key: string; fingerprint: string }[] = [];
  override claimSync(key: string, fingerprint: string, requestId: string): ClaimResult {
    this.claims.push({ key, fingerprint });
    return super.claimSync(key, fingerprint, requestId);
  }
}

/** Meta with a caller's key: `idempotency_key` on the wire, beside a request id of its own. */
const callerKey = (requestId: string, idempotencyKey: string) => meta({ requestId, idempotencyKey });

describeMajors(
  'withTxServer fingerprints: a key the client generated vs a caller’s key',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should claim a generated key (no idempotency_key on the wire) with an empty fingerprint, a caller’s key with the arguments’', async () => {
      const store = new NotingStore();
      pair = await connectPair({ store }, { major });
      await txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'gen-1' }));
      await txCall(pair.client, 'counter', { id: 'b' }, callerKey('req-2', 'order-2'));
      expect(store.claims).toEqual([
        { key: 'gen-1', fingerprint: '' },
        { key: 'order-2', fingerprint: fingerprint('counter', { id: 'b' }) },
      ]);
      expect((await store.get('gen-1'))?.fingerprint).toBe('');
    });

    it('should replay a retry of a generated key, and wait for it while it runs, without a second run', async () => {
      pair = await connectPair({}, { major });
      const g = gate();
      pair.log.gates.set('a', g);
      const first = txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'gen' }));
      await until(() => pair.log.total === 1);
      const waiting = txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'gen', retryCount: 1 }));
      await until(() => pair.acks.length === 2);
      g.open();
      expect((await first).tx).toMatchObject({ duplicate: false, attempts: 2 });
      expect((await waiting).tx).toMatchObject({ duplicate: true, attempts: 2 });
      const later = await txCall(
        pair.client,
        'counter',
        { id: 'a' },
        meta({ requestId: 'gen', retryCount: 2 }),
      );
      expect(later).toMatchObject({ text: 'a:1', tx: { duplicate: true, attempts: 3 } });
      expect(pair.log.runs.get('a')).toBe(1);
    });

    it('should answer a request id sent again with other arguments from the store: one call, never run twice', async () => {
      // A request id names one logical call; its client never sends it with other arguments. A
      // peer that does gets that call's outcome, as for any retry, never a second execution.
      pair = await connectPair({}, { major });
      await txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'gen' }));
      const again = await txCall(
        pair.client,
        'counter',
        { id: 'b' },
        meta({ requestId: 'gen', retryCount: 1 }),
      );
      expect(again).toMatchObject({ text: 'a:1', tx: { duplicate: true, attempts: 2 } });
      expect(pair.log.runs.get('b')).toBeUndefined();
    });

    it('should refuse a caller’s key equal to an earlier generated request id, whatever its arguments', async () => {
      pair = await connectPair({}, { major });
      await txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'shared' }));
      for (const args of [{ id: 'b' }, { id: 'a' }]) {
        const nack = await nackOf(txCall(pair.client, 'counter', args, callerKey('other', 'shared')));
        expect(nack).toMatchObject({ reason: 'idempotency_conflict', retryable: false });
      }
      expect(pair.log.runs.get('a')).toBe(1);
      expect(pair.log.runs.get('b')).toBeUndefined();
    });

    it('should refuse a caller’s key equal to a generated request id still running', async () => {
      pair = await connectPair({}, { major });
      const g = gate();
      pair.log.gates.set('a', g);
      const first = txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'shared' }));
      await until(() => pair.log.total === 1);
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'a' }, callerKey('other', 'shared')));
      expect(nack.reason).toBe('idempotency_conflict');
      g.open();
      expect((await first).text).toBe('a:1');
    });

    it('should refuse a generated request id equal to an earlier caller’s key, whatever its arguments', async () => {
      pair = await connectPair({}, { major });
      await txCall(pair.client, 'counter', { id: 'a' }, callerKey('r1', 'order-1'));
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'order-1' })));
      expect(nack).toMatchObject({ reason: 'idempotency_conflict', retryable: false });
      expect(pair.log.runs.get('a')).toBe(1);
    });

    it('should fingerprint a key spelled out equal to the request id (a 0.1 peer always spells it out)', async () => {
      pair = await connectPair({}, { major });
      const v01 = { version: '0.1.0', request_id: 'k', idempotency_key: 'k', expect_ack: true };
      await txCall(pair.client, 'counter', { id: 'a' }, v01);
      expect((await txCall(pair.client, 'counter', { id: 'a' }, v01)).tx?.duplicate).toBe(true);
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'b' }, v01));
      expect(nack.reason).toBe('idempotency_conflict');
      expect(pair.log.runs.get('b')).toBeUndefined();
    });

    it('should still cross-check a fingerprint sent with a generated key', async () => {
      pair = await connectPair({}, { major });
      const sent = fingerprint('counter', { id: 'original' });
      const nack = await nackOf(
        txCall(pair.client, 'counter', { id: 'altered' }, meta({ requestId: 'g', fingerprint: sent })),
      );
      expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
      const ok = await txCall(
        pair.client,
        'counter',
        { id: 'original' },
        meta({ requestId: 'g', fingerprint: sent }),
      );
      expect(ok.text).toBe('original:1');
      // its entry is a generated key's all the same: a retry without the fingerprint is its duplicate
      const retry = await txCall(
        pair.client,
        'counter',
        { id: 'original' },
        meta({ requestId: 'g', retryCount: 1 }),
      );
      expect(retry.tx?.duplicate).toBe(true);
    });
  },
  { serverOnly: true },
);
