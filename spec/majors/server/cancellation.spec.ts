import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ABANDONED_META, encodeRequestMeta } from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore, type ClaimResult } from '../../../src/server/index.js';
import {
  connectPair,
  connectRaw,
  gate,
  meta,
  sleep,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer cancellation',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    let clientErrors: Error[];
    afterEach(async () => pair?.close());

    async function connect(...args: Parameters<typeof connectPair>): Promise<TxPair> {
      const [options, how] = args;
      pair = await connectPair(options, { ...how, major });
      clientErrors = [];
      pair.client.onerror = (e) => clientErrors.push(e);
      return pair;
    }

    describe('of a keyed call that was ACKed (default)', () => {
      it('should swallow the cancellation, finish the tool, store its result for the retry, and send nothing back', async () => {
        await connect();
        const g = gate();
        pair.log.gates.set('c', g);
        const abort = new AbortController();
        const cancelled = txCall(pair.client, 'counter', { id: 'c' }, meta({ requestId: 'rc' }), {
          signal: abort.signal,
        });
        await until(() => pair.acks.length === 1);
        abort.abort('attempt timeout');
        await expect(cancelled).rejects.toBeDefined();
        g.open();
        await until(() => pair.transport.activeCalls === 0);
        expect(pair.log.aborted).toEqual([]);
        const retry = await txCall(
          pair.client,
          'counter',
          { id: 'c' },
          meta({ requestId: 'rc', retryCount: 1 }),
        );
        expect(retry.text).toBe('c:1');
        expect(retry.tx).toMatchObject({ duplicate: true, attempts: 2 });
        expect(pair.log.total).toBe(1);
        expect(clientErrors).toEqual([]); // no response for the cancelled request reached the client
      });
    });

    describe('marked abandoned by the client (no retry follows)', () => {
      it('should forward the cancellation of a keyed call to the tool and give its key back', async () => {
        const raw = await connectRaw({}, major);
        try {
          const g = gate();
          raw.log.gates.set('ab', g);
          const call = (id: number, retryCount: number): JSONRPCMessage => ({
            jsonrpc: '2.0',
            id,
            method: 'tools/call',
            params: {
              name: 'counter',
              arguments: { id: 'ab' },
              _meta: { mcp_tx: encodeRequestMeta(meta({ requestId: 'ra', retryCount })) },
            },
          });
          await raw.send(call(7, 0));
          await until(() => raw.log.total === 1);
          await raw.send({
            jsonrpc: '2.0',
            method: 'notifications/cancelled',
            params: { requestId: 7, reason: 'the caller gave up', _meta: { mcp_tx: ABANDONED_META } },
          });
          await until(() => raw.log.aborted.length === 1);
          expect(raw.transport.activeCalls).toBe(0);
          g.open();
          raw.log.gates.delete('ab');
          await raw.send(call(8, 1)); // the key was given back: it runs again
          const again = (await raw.response(8)) as unknown as { result: { content: [{ text: string }] } };
          expect(again.result.content[0].text).toBe('ab:2');
        } finally {
          await raw.close();
        }
      });
    });

    describe('marked abandoned, for a key of the caller (not the request id)', () => {
      it('should still finish the tool and store its outcome, since the key may come back', async () => {
        await connect();
        const g = gate();
        pair.log.gates.set('own', g);
        const m = meta({ requestId: 'r-own', idempotencyKey: 'order-7' });
        const abort = new AbortController();
        const cancelled = txCall(pair.client, 'counter', { id: 'own' }, m, { signal: abort.signal });
        await until(() => pair.log.total === 1);
        // what the SDK's abort sends, plus the client's "given up" mark
        await pair.client.notification({
          method: 'notifications/cancelled',
          params: { requestId: 1, reason: 'gave up', _meta: { mcp_tx: ABANDONED_META } },
        });
        abort.abort();
        await expect(cancelled).rejects.toBeDefined();
        g.open();
        await until(() => pair.transport.activeCalls === 0);
        expect(pair.log.aborted).toEqual([]);
        const later = await txCall(pair.client, 'counter', { id: 'own' }, { ...m, retryCount: 1 });
        expect(later.tx).toMatchObject({ duplicate: true });
        expect(pair.log.runs.get('own')).toBe(1);
      });
    });

    describe('with propagateCancellation', () => {
      it('should forward the cancellation to the tool and give the key back, so the retry runs', async () => {
        await connect({ propagateCancellation: true });
        const g = gate();
        pair.log.gates.set('p', g);
        const abort = new AbortController();
        const cancelled = txCall(pair.client, 'counter', { id: 'p' }, meta({ requestId: 'rp' }), {
          signal: abort.signal,
        });
        await until(() => pair.acks.length === 1);
        abort.abort();
        await expect(cancelled).rejects.toBeDefined();
        await until(() => pair.log.aborted.length === 1);
        expect(pair.transport.activeCalls).toBe(0);
        g.open();
        pair.log.gates.delete('p');
        const retry = await txCall(
          pair.client,
          'counter',
          { id: 'p' },
          meta({ requestId: 'rp', retryCount: 1 }),
        );
        expect(retry.text).toBe('p:2');
        expect(retry.tx).toMatchObject({ duplicate: false });
      });
    });

    describe('of an unkeyed or plain call', () => {
      it('should forward it as usual and free the slot', async () => {
        await connect({ maxConcurrent: 1 });
        const g = gate();
        pair.log.gates.set('u', g);
        const abort = new AbortController();
        const unkeyed = { version: '0.1.0', request_id: 'u', expect_ack: true };
        const cancelled = txCall(pair.client, 'counter', { id: 'u' }, unkeyed, { signal: abort.signal });
        await until(() => pair.acks.length === 1);
        abort.abort();
        await expect(cancelled).rejects.toBeDefined();
        await until(() => pair.log.aborted.length === 1);
        // the slot is free although the server never answered the cancelled call
        expect((await txCall(pair.client, 'echo', { v: 'next' }, meta({ requestId: 'n' }))).text).toBe(
          'next',
        );

        const plainAbort = new AbortController();
        pair.log.gates.set('plain', gate());
        const plain = pair.client.callTool({ name: 'counter', arguments: { id: 'plain' } }, undefined, {
          signal: plainAbort.signal,
        });
        await until(() => pair.log.runs.get('plain') === 1);
        plainAbort.abort();
        await expect(plain).rejects.toBeDefined();
        await until(() => pair.log.aborted.includes('plain'));
        g.open();
      });
    });

    describe('arriving before the request reached the server', () => {
      it('should drop a call cancelled while its claim is pending and give its key back', async () => {
        const store = new MemoryIdempotencyStore();
        const claimGate = gate();
        const claim = store.claim.bind(store);
        store.claim = async (...args): Promise<ClaimResult> => {
          await claimGate.opened;
          return claim(...args);
        };
        await connect({ store });
        const abort = new AbortController();
        const call = txCall(pair.client, 'counter', { id: 'early' }, meta({ requestId: 'e' }), {
          signal: abort.signal,
        });
        await sleep(1);
        abort.abort();
        await expect(call).rejects.toBeDefined();
        claimGate.open();
        await until(() => pair.transport.activeCalls === 0);
        expect(pair.log.total).toBe(0);
        expect(pair.acks).toEqual([]);
        const again = await txCall(
          pair.client,
          'counter',
          { id: 'early' },
          meta({ requestId: 'e', retryCount: 1 }),
        );
        expect(again.text).toBe('early:1');
        expect(clientErrors).toEqual([]);
      });

      it('should drop a queued call and give its key back', async () => {
        await connect({ maxConcurrent: 1 });
        const g = gate();
        pair.log.gates.set('first', g);
        const first = txCall(pair.client, 'counter', { id: 'first' }, meta({ requestId: 'a' }));
        await until(() => pair.log.total === 1);
        const abort = new AbortController();
        const queued = txCall(pair.client, 'counter', { id: 'queued' }, meta({ requestId: 'b' }), {
          signal: abort.signal,
        });
        await until(() => pair.transport.activeCalls === 2);
        abort.abort();
        await expect(queued).rejects.toBeDefined();
        await until(() => pair.transport.activeCalls === 1);
        g.open();
        await first;
        expect(pair.log.runs.get('queued')).toBeUndefined();
        expect((await txCall(pair.client, 'counter', { id: 'queued' }, meta({ requestId: 'b' }))).text).toBe(
          'queued:1',
        );
      });

      it('should stop a waiting duplicate without disturbing the running execution', async () => {
        await connect();
        const g = gate();
        pair.log.gates.set('o', g);
        const original = txCall(pair.client, 'counter', { id: 'o' }, meta({ requestId: 'o' }));
        await until(() => pair.log.total === 1);
        const abort = new AbortController();
        const dup = txCall(pair.client, 'counter', { id: 'o' }, meta({ requestId: 'o', retryCount: 1 }), {
          signal: abort.signal,
        });
        await until(() => pair.acks.length === 2);
        abort.abort();
        await expect(dup).rejects.toBeDefined();
        g.open();
        expect((await original).text).toBe('o:1');
        expect(pair.log.aborted).toEqual([]);
        expect(clientErrors).toEqual([]);
      });
    });
  },
  { serverOnly: true },
);
