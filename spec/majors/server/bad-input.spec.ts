import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { encodeRequestMeta } from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore } from '../../../src/server/index.js';
import {
  connectPair,
  connectRaw,
  gate,
  meta,
  sleep,
  txCall,
  until,
  type RawPair,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

function toolCall(id: string | number, name: string, args: unknown, mcpTx?: unknown): JSONRPCMessage {
  const params: Record<string, unknown> = { name, arguments: args };
  if (mcpTx !== undefined) params._meta = { mcp_tx: mcpTx };
  return { jsonrpc: '2.0', id, method: 'tools/call', params };
}

const nackReason = (m: JSONRPCMessage): unknown =>
  (m as { error?: { data?: { mcp_tx?: { reason?: unknown } } } }).error?.data?.mcp_tx?.reason;

describeMajors(
  'withTxServer with bad input',
  (m) => {
    const major = m.server;
    let raw: RawPair | undefined;
    let pair: TxPair | undefined;
    afterEach(async () => {
      await raw?.close();
      await pair?.close();
      raw = pair = undefined;
    });

    describe('a request reusing the JSON-RPC id of a tools/call in flight', () => {
      it('should answer another call or a ping with an Invalid Request error, report it, and never run it', async () => {
        const store = new MemoryIdempotencyStore();
        raw = await connectRaw({ store }, major);
        const g = gate();
        raw.log.gates.set('one', g);
        await raw.send(toolCall(7, 'counter', { id: 'one' }, encodeRequestMeta(meta({ requestId: 'a' }))));
        await until(() => raw!.log.total === 1);
        const responses = (): JSONRPCMessage[] => raw!.received.filter((m) => !('method' in m));
        await raw.send(toolCall(7, 'counter', { id: 'two' }, encodeRequestMeta(meta({ requestId: 'b' }))));
        await raw.send({ jsonrpc: '2.0', id: 7, method: 'ping' });
        await until(() => responses().length === 2);
        for (const refused of responses()) {
          expect(refused).toMatchObject({
            id: 7,
            error: { code: -32600, message: expect.stringMatching(/id 7 is in use/) },
          });
        }
        expect(raw.errors.map((e) => e.message)).toEqual([
          expect.stringMatching(/tools\/call reused the id 7/),
          expect.stringMatching(/ping reused the id 7/),
        ]);
        g.open();
        await until(() => responses().length === 3);
        expect(raw.log.runs.get('two')).toBeUndefined();
        expect((responses()[2] as { result?: { content?: unknown } }).result?.content).toEqual([
          { type: 'text', text: 'one:1' },
        ]);
        expect(await store.get('b')).toBeUndefined();
      });

      it('should drop a copy of that very request (a duplicated message), reporting it', async () => {
        raw = await connectRaw({}, major);
        const g = gate();
        raw.log.gates.set('dup', g);
        const call = toolCall(8, 'counter', { id: 'dup' }, encodeRequestMeta(meta({ requestId: 'd' })));
        await raw.send(call);
        await until(() => raw!.log.total === 1);
        await raw.send(structuredClone(call));
        await until(() => raw!.errors.length === 1);
        expect(raw.errors[0]?.message).toMatch(/dropped a copy of request 8/);
        g.open();
        await raw.response(8);
        await sleep(10);
        expect(raw.received.filter((m) => !('method' in m))).toHaveLength(1);
        expect(raw.log.total).toBe(1);
      });
    });

    it('should pass a response for an unknown id through untouched', async () => {
      raw = await connectRaw({}, major);
      const stray: JSONRPCMessage = { jsonrpc: '2.0', id: 'nobody', result: { x: 1 } };
      await raw.transport.send(stray);
      expect(raw.received).toEqual([stray]);
      expect(raw.received[0]).toBe(stray);
    });

    it('should not crash on cancellations, calls and meta of the wrong shape', async () => {
      const store = new MemoryIdempotencyStore();
      raw = await connectRaw({ store }, major);
      const junk: JSONRPCMessage[] = [
        { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: { not: 'an id' } } },
        { jsonrpc: '2.0', method: 'notifications/cancelled' },
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: 'nonsense' } as unknown as JSONRPCMessage,
        { jsonrpc: '2.0', id: 2, method: 'tools/call' },
        toolCall(3, 'echo', { v: 'x' }, null),
        toolCall(4, 'echo', { v: 'x' }, []),
        {
          jsonrpc: '2.0',
          id: 5,
          method: 'tools/call',
          params: { _meta: { mcp_tx: { version: '0.2.0', request_id: 'r' } } },
        },
        toolCall(6, 'echo', { v: 'x' }, { version: '0.2.0', request_id: 'x'.repeat(257) }),
      ];
      for (const m of junk) await raw.send(m);
      for (const id of [2, 3, 4, 5, 6]) await raw.response(id);
      // The SDK drops id 1 (params not an object) as an unknown message: it must not hold a slot.
      const byId = (id: number) => raw!.received.find((m) => 'id' in m && m.id === id) as JSONRPCMessage;
      expect([3, 4, 5, 6].map((id) => nackReason(byId(id)))).toEqual(Array(4).fill('invalid_request'));
      expect(raw.log.total).toBe(0);
      expect(store.size).toBe(0);
      expect(raw.transport.activeCalls).toBe(0);
    });

    it('should refuse arguments too deep to fingerprint', async () => {
      raw = await connectRaw({}, major);
      let deep: unknown = 'bottom';
      for (let i = 0; i < 600; i++) deep = [deep];
      const wire = { version: '0.2.0', request_id: 'deep', idempotency_key: 'caller-key' };
      await raw.send(toolCall(1, 'echo', { v: deep }, wire));
      expect(nackReason(await raw.response(1))).toBe('invalid_request');
    });

    describe('a result that is not JSON', () => {
      it.each(['bigint', 'cycle'])(
        '(%s) should answer an internal error, store nothing and give the key back',
        async (kind) => {
          const store = new MemoryIdempotencyStore();
          pair = await connectPair({ store }, { major });
          const m = meta({ requestId: kind });
          await expect(txCall(pair.client, 'unserialisable', { kind }, m)).rejects.toMatchObject({
            code: -32603,
          });
          expect(await store.get(kind)).toBeUndefined();
          await expect(
            txCall(pair.client, 'unserialisable', { kind }, { ...m, retryCount: 1 }),
          ).rejects.toMatchObject({ code: -32603 });
          expect(pair.log.total).toBe(2);
          expect(store.size).toBe(0);
        },
      );
    });
  },
  { serverOnly: true },
);
