import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { encodeRequestMeta } from '../../../src/protocol/index.js';
import {
  MAX_KEY_SCOPE_LENGTH,
  MemoryIdempotencyStore,
  withTxServer,
  type TxServerOptions,
} from '../../../src/server/index.js';
import { storeKey } from '../../../src/server/store-key.js';
import { connectPair, meta, nackOf, newLog, txCall, type TxPair } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

const auth = (clientId: string, extra?: Record<string, unknown>): AuthInfo => ({
  token: `token-${clientId}`,
  clientId,
  scopes: [],
  ...(extra === undefined ? {} : { extra }),
});
const alice = auth('alice', { tenant: 'acme' });
const bob = auth('bob', { tenant: 'globex' });
const carol = auth('carol', { tenant: 'acme' });

describeMajors(
  'withTxServer key scope (one memory store, a connection per caller)',
  (m) => {
    const major = m.server;
    const pairs: TxPair[] = [];
    let store: MemoryIdempotencyStore;
    const log = newLog(); // one ledger of executions across the connections
    beforeEach(() => {
      store = new MemoryIdempotencyStore();
      log.runs.clear();
      log.total = 0;
    });
    afterEach(async () => {
      await Promise.all(pairs.splice(0).map((p) => p.close()));
    });
    const connect = async (authInfo: AuthInfo | undefined, options: TxServerOptions = {}) => {
      const pair = await connectPair(
        { store, ...options },
        { log, major, ...(authInfo ? { authInfo } : {}) },
      );
      pairs.push(pair);
      return pair;
    };
    const pay = (pair: TxPair, id: string, key: string, requestId = `${key}-${Math.random()}`) =>
      txCall(pair.client, 'counter', { id }, meta({ requestId, idempotencyKey: key }));

    describe("by default, the authenticated client ('auth')", () => {
      it("should neither replay alice's key to another caller nor report it as a conflict, and replay it to alice", async () => {
        const [a, b, d, a2] = [
          await connect(alice),
          await connect(bob),
          await connect(auth('dave')),
          await connect(alice),
        ];
        const first = await pay(a, 'order-1', 'k1');
        const otherArgs = await pay(b, 'order-2', 'k1');
        const sameArgs = await pay(d, 'order-1', 'k1');
        const retry = await pay(a2, 'order-1', 'k1');
        expect([first.text, otherArgs.text, sameArgs.text, retry.text]).toEqual([
          'order-1:1',
          'order-2:1',
          'order-1:2',
          'order-1:1',
        ]);
        expect([first, otherArgs, sameArgs, retry].map((r) => r.tx?.duplicate)).toEqual([
          false,
          false,
          false,
          true,
        ]);
        expect(retry.tx?.attempts).toBe(2);
        expect(log.total).toBe(3);
      });

      it("should scope a generated key (the request id) too: bob's request with alice's request id runs his own call", async () => {
        const [a, b] = [await connect(alice), await connect(bob)];
        const requestId = 'rid-known-to-bob';
        const first = await txCall(a.client, 'counter', { id: 'g' }, meta({ requestId }));
        const forged = await txCall(b.client, 'counter', { id: 'g' }, meta({ requestId }));
        const retry = await txCall(a.client, 'counter', { id: 'g' }, meta({ requestId, retryCount: 1 }));
        expect([first.text, forged.text, retry.text]).toEqual(['g:1', 'g:2', 'g:1']);
        expect([forged.tx?.duplicate, retry.tx?.duplicate]).toEqual([false, true]);
      });

      it('should store the key under its scope, and send the caller nothing of the scope', async () => {
        const a = await connect(alice);
        const r = await pay(a, 's', 'k-stored', 'req-s');
        expect(await store.get('k-stored')).toBeUndefined();
        expect(await store.get(storeKey('alice', 'k-stored'))).toMatchObject({ attempts: 1 });
        expect(storeKey('alice', 'k-stored')).toBe('~5:alice:k-stored');
        expect(JSON.stringify(r.result)).not.toMatch(/alice/);
        expect(r.tx).toEqual({
          ack: true,
          processed: true,
          duplicate: false,
          requestId: 'req-s',
          attempts: 1,
        });
      });

      it('should leave keys of calls without authInfo unscoped, as before: shared by every such caller', async () => {
        const [x, y] = [await connect(undefined), await connect(undefined)];
        await pay(x, 'anon', 'k-anon');
        const retry = await pay(y, 'anon', 'k-anon');
        expect(retry.tx?.duplicate).toBe(true);
        expect(await store.get('k-anon')).toBeDefined();
      });

      it("should keep an anonymous caller from alice's keys, even one spelling out her store key", async () => {
        const [a, anon] = [await connect(alice), await connect(undefined)];
        await pay(a, 'forge', 'k-f');
        const forged = await pay(anon, 'forge', storeKey('alice', 'k-f'));
        expect(forged.tx?.duplicate).toBe(false);
        expect(log.runs.get('forge')).toBe(2);
      });

      it('should refuse a call whose authInfo has no client id (invalid_request), the tool not run', async () => {
        const broken = { token: 't', scopes: [] } as unknown as AuthInfo;
        const pair = await connect(broken);
        const nack = await nackOf(pay(pair, 'x', 'k-x'));
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(/key scope must be a string/);
        expect(pair.errors[0]?.message).toMatch(
          /keyScope: the key scope must be a string or undefined, got undefined/,
        );
        expect(log.total).toBe(0);
      });
    });

    describe("'none'", () => {
      it('should share every key between callers, whoever they are', async () => {
        const [a, b] = [await connect(alice, { keyScope: 'none' }), await connect(bob, { keyScope: 'none' })];
        await pay(a, 'n', 'k-n');
        expect((await pay(b, 'n', 'k-n')).tx?.duplicate).toBe(true);
        expect((await nackOf(pay(b, 'other', 'k-n'))).reason).toBe('idempotency_conflict');
      });
    });

    describe("'session'", () => {
      it('should give each connection keys of its own, even the same client', async () => {
        const [a, a2] = [
          await connect(alice, { keyScope: 'session' }),
          await connect(alice, { keyScope: 'session' }),
        ];
        await pay(a, 'sess', 'k-s');
        expect((await pay(a, 'sess', 'k-s')).tx?.duplicate).toBe(true);
        expect((await pay(a2, 'sess', 'k-s')).tx?.duplicate).toBe(false);
        expect(log.runs.get('sess')).toBe(2);
      });
    });

    describe('a function', () => {
      const byTenant: TxServerOptions['keyScope'] = (request, extra) => {
        const tenant = extra?.authInfo?.extra?.tenant;
        if (typeof tenant !== 'string') throw new Error('secret detail: no tenant');
        return `tenant:${tenant}`;
      };

      it('should scope keys by what it returns: one tenant shares them, another does not', async () => {
        const [a, c, b] = [
          await connect(alice, { keyScope: byTenant }),
          await connect(carol, { keyScope: byTenant }),
          await connect(bob, { keyScope: byTenant }),
        ];
        await pay(a, 't', 'k-t');
        expect((await pay(c, 't', 'k-t')).tx?.duplicate).toBe(true);
        expect((await pay(b, 't', 'k-t')).tx?.duplicate).toBe(false);
        expect(await store.get(storeKey('tenant:acme', 'k-t'))).toMatchObject({ attempts: 2 });
      });

      it('should refuse the call when it throws (invalid_request), its message only on onerror', async () => {
        const pair = await connect(auth('dave'), { keyScope: byTenant });
        const nack = await nackOf(pay(pair, 'th', 'k-th'));
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(/could not scope the key/);
        expect(nack.message).not.toMatch(/secret detail/);
        expect(pair.errors.map((e) => e.message)).toEqual(['secret detail: no tenant']);
        expect(log.total).toBe(0);
      });

      it.each([
        ['a number', 42, /must be a string or undefined, got number/],
        ['a lone surrogate', 'tenant-\uD800', /not well-formed Unicode/],
        ['a scope too long', 'x'.repeat(MAX_KEY_SCOPE_LENGTH + 1), /longer than 256 characters/],
      ])('should refuse the call when it returns %s', async (_what, scope, message) => {
        const pair = await connect(alice, { keyScope: () => scope as string });
        const nack = await nackOf(pay(pair, 'bad', 'k-bad'));
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(message);
        expect(log.total).toBe(0);
      });

      it('should not be asked for calls without a key', async () => {
        const asked: string[] = [];
        const pair = await connect(alice, {
          keyScope: (request) => (asked.push(request.method), 'x'),
          features: ['ack', 'retry', 'deadline'],
        });
        const r = await txCall(pair.client, 'counter', { id: 'unkeyed' }, meta({ requestId: 'u' }));
        expect(r.text).toBe('unkeyed:1');
        expect(asked).toEqual([]);
      });
    });

    describe('the option', () => {
      it.each([
        ['tenant', /keyScope must be 'auth', 'session', 'none' or a function .*got "tenant"/],
        [42, /keyScope must be .* got number/],
        [null, /keyScope must be .* got object/],
      ])('should reject %p at construction, naming the field', (keyScope, message) => {
        const [transport] = [
          { start: async () => undefined, send: async () => undefined, close: async () => undefined },
        ];
        expect(() => withTxServer(transport, { keyScope } as unknown as TxServerOptions)).toThrow(
          expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
        );
      });
    });
  },
  { serverOnly: true },
);

describeMajors(
  'withTxServer idempotency keys',
  (m) => {
    const major = m.server;
    let pair: TxPair | undefined;
    afterEach(async () => pair?.close());

    it.each([
      ['a lone high surrogate', 'pay-\uD800'],
      ['a lone low surrogate', '\uDC00-pay'],
      ['a reversed pair', 'pay-\uDC00\uD800'],
    ])(
      "should refuse a caller's key with %s (invalid_request, not retryable), the store untouched",
      async (_what, key) => {
        const store = new MemoryIdempotencyStore();
        pair = await connectPair({ store }, { major });
        const nack = await nackOf(pay2(pair, key));
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(/not well-formed Unicode/);
        expect(store.size).toBe(0);
        expect(pair.log.total).toBe(0);
      },
    );

    it('should refuse a generated key (request id) with a lone surrogate the same way', async () => {
      pair = await connectPair({}, { major });
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'g' }, meta({ requestId: 'r-\uD801' })));
      expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
    });

    it('should take a key with a well-formed pair (an emoji) and keep two such keys apart', async () => {
      pair = await connectPair({}, { major });
      const a = await pay2(pair, 'pay-\uD83D\uDE00');
      const b = await pay2(pair, 'pay-\uD83D\uDE01');
      expect([a.tx?.duplicate, b.tx?.duplicate]).toEqual([false, false]);
    });

    it('should refuse a key longer than MAX_KEY_LENGTH (256)', async () => {
      pair = await connectPair({}, { major });
      const wire = { ...encodeRequestMeta(meta({ requestId: 'long' })), idempotency_key: 'k'.repeat(257) };
      const nack = await nackOf(txCall(pair.client, 'counter', { id: 'l' }, wire));
      expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
      expect(nack.message).toMatch(/1 to 256 characters/);
    });
  },
  { serverOnly: true },
);

function pay2(pair: TxPair, key: string) {
  return txCall(
    pair.client,
    'counter',
    { id: `id-${key.length}-${key.charCodeAt(key.length - 1)}` },
    meta({ requestId: `r-${Math.random()}`, idempotencyKey: key }),
  );
}
