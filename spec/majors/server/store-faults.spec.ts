import {
  MalformedRecordError,
  MemoryIdempotencyStore,
  isMalformedRecordError,
  type ClaimResult,
  type IdempotencyStore,
  type StoredRecord,
} from '../../../src/server/index.js';
import { connectPair, meta, nackOf, txCall, type TxPair } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

/** A store that answers the claim of key `bad` with `answer()`, and every other key as a memory store. */
function faultyStore(answer: () => unknown, via: 'promise' | 'sync'): IdempotencyStore {
  if (via === 'sync') {
    // claimSync and claim of one class: the decorator takes the synchronous path
    return new (class extends MemoryIdempotencyStore {
      override claim(key: string, fp: string, requestId: string): Promise<ClaimResult> {
        return Promise.resolve(this.claimSync(key, fp, requestId));
      }
      override claimSync(key: string, fp: string, requestId: string): ClaimResult {
        return key === 'bad' ? (answer() as ClaimResult) : super.claimSync(key, fp, requestId);
      }
    })();
  }
  const inner = new MemoryIdempotencyStore();
  return {
    claim: async (key, fp, requestId) =>
      key === 'bad' ? (answer() as ClaimResult) : inner.claim(key, fp, requestId),
    complete: (key, r) => inner.complete(key, r),
    get: (key) => inner.get(key),
    release: (key) => inner.release(key),
  };
}

const record = (fields: Partial<Record<keyof StoredRecord, unknown>>) => ({
  outcome: { result: { content: [] } },
  fingerprint: '',
  attempts: 1,
  completedAt: 0,
  ...fields,
});

const MALFORMED: [string, () => unknown][] = [
  ['null', () => null],
  ['{}', () => ({})],
  ['a string', () => 'claimed'],
  ['an unknown status', () => ({ status: 'bogus' })],
  ['completed without a record', () => ({ status: 'completed' })],
  ['completed with a null record', () => ({ status: 'completed', record: null })],
  ['completed with {} as record', () => ({ status: 'completed', record: {} })],
  ['completed with {} as outcome', () => ({ status: 'completed', record: record({ outcome: {} }) })],
  [
    'completed with an error outcome of no code',
    () => ({ status: 'completed', record: record({ outcome: { error: { message: 'x' } } }) }),
  ],
  ['completed with attempts "2"', () => ({ status: 'completed', record: record({ attempts: '2' }) })],
  ['completed with no fingerprint', () => ({ status: 'completed', record: record({ fingerprint: null }) })],
  ['in_flight without a completion', () => ({ status: 'in_flight' })],
  ['in_flight whose completion is null', () => ({ status: 'in_flight', completion: Promise.resolve(null) })],
  ['in_flight whose completion is {}', () => ({ status: 'in_flight', completion: Promise.resolve({}) })],
];

describeMajors(
  'withTxServer and a faulty store',
  (m) => {
    const major = m.server;

    describe.each(['promise', 'sync'] as const)(
      'withTxServer with a store answering malformed claims (%s)',
      (via) => {
        let pair: TxPair | undefined;
        afterEach(async () => pair?.close());

        it.each(MALFORMED)(
          'should fail closed on a claim answered with %s: retryable NACK naming a malformed record, error reported, tool not run, server alive',
          async (_what, answer) => {
            pair = await connectPair({ store: faultyStore(answer, via) }, { major });
            const bad = meta({ requestId: `r-${Math.random()}`, idempotencyKey: 'bad' });
            const nack = await nackOf(txCall(pair.client, 'counter', { id: 'bad' }, bad));
            expect(nack).toMatchObject({ reason: 'overloaded', retryable: true, retryAfterMs: 1_000 });
            expect(nack.message).toMatch(/idempotency store returned a malformed record/);
            expect(pair.errors).toHaveLength(1);
            expect(pair.errors[0]).toBeInstanceOf(MalformedRecordError);
            expect(pair.errors[0]).toMatchObject({
              code: 'STORE_MALFORMED_RECORD',
              retryable: true,
              info: { key: 'bad' },
            });
            expect(pair.log.total).toBe(0);
            const next = await txCall(pair.client, 'counter', { id: 'good' }, meta({ requestId: 'good' }));
            expect(next.text).toBe('good:1');
          },
        );
      },
    );

    describe('withTxServer with a store that breaks its contract otherwise', () => {
      let pair: TxPair | undefined;
      afterEach(async () => pair?.close());

      it('should take a claim answered without a promise (adopted as one)', async () => {
        const inner = new MemoryIdempotencyStore();
        const store: IdempotencyStore = {
          claim: ((key: string, fp: string, requestId: string) =>
            inner.claimSync(key, fp, requestId)) as never,
          complete: (key, r) => inner.complete(key, r),
          get: (key) => inner.get(key),
          release: (key) => inner.release(key),
        };
        pair = await connectPair({ store }, { major });
        const r = await txCall(pair.client, 'counter', { id: 'p' }, meta({ requestId: 'p' }));
        expect(r.text).toBe('p:1');
      });

      it('should fail closed on a claim answered with a thenable whose then throws', async () => {
        const store = new MemoryIdempotencyStore();
        store.claim = (() => ({
          then() {
            throw new Error('broken thenable');
          },
        })) as never;
        pair = await connectPair({ store }, { major });
        const nack = await nackOf(txCall(pair.client, 'counter', { id: 't' }, meta({ requestId: 't' })));
        expect(nack).toMatchObject({ reason: 'overloaded', retryable: true });
        expect(pair.errors.map((e) => e.message)).toEqual(['broken thenable']);
      });

      it.each([
        ['null', null],
        ['{}', {}],
        ['attempts "3"', record({ attempts: '3' })],
      ])(
        'should answer the call that ran when complete returns %s, attempts 1, error reported',
        async (_what, value) => {
          const store = new MemoryIdempotencyStore();
          const complete = store.complete.bind(store);
          store.complete = async (key, r) => (await complete(key, r), value as StoredRecord);
          pair = await connectPair({ store }, { major });
          const r = await txCall(pair.client, 'counter', { id: 'c' }, meta({ requestId: 'c' }));
          expect(r.text).toBe('c:1');
          expect(r.tx).toMatchObject({ duplicate: false, attempts: 1 });
          expect(pair.errors).toHaveLength(1);
          expect(isMalformedRecordError(pair.errors[0])).toBe(true);
        },
      );
    });
  },
  { serverOnly: true },
);
