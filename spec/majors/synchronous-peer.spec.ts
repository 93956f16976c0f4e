// The TxClient of both SDK majors against a peer that answers inside the client's own send (the
// hand-written peer is no SDK's server: only the client's major varies).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { TxEvent } from '../../src/index.js';
import {
  ACK_METHOD,
  PROTOCOL_VERSION,
  TX_KEY,
  decodeRequestMeta,
  encodeAck,
  encodeResultMeta,
} from '../../src/protocol/index.js';
import { nackResponse } from '../../src/server/nack.js';
import { describeMajors, type MajorKit } from '../helpers/majors/describe-majors.js';

type Reply = 'ack+result' | 'ack' | 'nack' | 'result';
type Request = { id: string | number; method: string; params?: Record<string, unknown> };

/**
 * An mcp_tx server that answers inside the client's own `send`, before `send` returns (as a
 * synchronous server over InMemoryTransport does): `replies[n]` says what the n-th `tools/call`
 * gets there; an ACKed call left unanswered there is answered by `answerLater()`.
 */
function synchronousPeer(replies: Reply[]) {
  const later: (() => void)[] = [];
  let calls = 0;
  const transport: Transport = {
    async start() {},
    async close() {
      transport.onclose?.();
    },
    async send(message: JSONRPCMessage) {
      const { id, method, params } = message as Partial<Request>;
      const deliver = (m: JSONRPCMessage) => transport.onmessage?.(m);
      if (id === undefined || method === undefined) return;
      if (method === 'initialize') {
        const capabilities = {
          tools: {},
          experimental: { [TX_KEY]: { version: PROTOCOL_VERSION, features: ['ack', 'retry'] } },
        };
        const serverInfo = { name: 'sync', version: '1.0.0' };
        return deliver({
          jsonrpc: '2.0',
          id,
          result: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities, serverInfo },
        });
      }
      if (method !== 'tools/call') return deliver({ jsonrpc: '2.0', id, result: { tools: [] } });
      const meta = decodeRequestMeta((params?._meta as Record<string, unknown>)[TX_KEY]);
      const { requestId, retryCount } = meta;
      const reply = replies[calls++] ?? 'result';
      const result = () =>
        deliver({
          jsonrpc: '2.0',
          id,
          result: {
            content: [{ type: 'text', text: `attempt ${retryCount}` }],
            _meta: { [TX_KEY]: encodeResultMeta({ duplicate: false, requestId, attempts: retryCount + 1 }) },
          },
        });
      if (reply === 'nack') return deliver(nackResponse(id, 'overloaded', { retryAfterMs: 1 }));
      if (reply !== 'result')
        deliver({ jsonrpc: '2.0', method: ACK_METHOD, params: encodeAck({ requestId, retryCount }) });
      if (reply === 'ack') later.push(result);
      else result();
    },
  };
  return { transport, answerLater: () => later.splice(0).forEach((answer) => answer()) };
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

async function connect(m: MajorKit, replies: Reply[]) {
  const peer = synchronousPeer(replies);
  const client = await m.connect(peer.transport, { retry: { baseDelayMs: 1, jitter: 'none' } });
  const events: TxEvent[] = [];
  client.events$.subscribe((e) => events.push(e));
  return { client, events, peer };
}

describeMajors(
  'TxClient against a peer that answers inside send',
  (m) => {
    it('should take an ACK and a response that arrive before send returns', async () => {
      const { client, events } = await connect(m, ['ack+result']);
      const result = await client.call('echo', {});
      expect(result).toMatchObject({ ack: true, attempts: 1, result: { content: [{ text: 'attempt 0' }] } });
      expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'response']);
      expect(client.metrics().totals).toMatchObject({ completed: 1, acks: 1, timeouts: 0 });
      await client.close();
    });

    it('should keep an ACK that arrived inside send for the response that comes later', async () => {
      const { client, events, peer } = await connect(m, ['ack']);
      const pending = client.call('echo', {});
      if (m.client === 'v1') {
        // before the call's promise is even awaited
        expect(events.map((e) => e.type)).toEqual(['request', 'ack']);
      } else {
        // SDK v2's Client puts the request on the transport a few microtasks after the call: the
        // ACK still arrives inside that send, before it returns, but after the call's own frame
        expect(events.map((e) => e.type)).toEqual(['request']);
        await nextMacrotask();
        expect(events.map((e) => e.type)).toEqual(['request', 'ack']);
      }
      peer.answerLater();
      expect(await pending).toMatchObject({ ack: true, attempts: 1 });
      expect(events.map((e) => e.type)).toEqual(['request', 'ack', 'response']);
      await client.close();
    });

    it('should retry a NACK that arrived inside send, and take the retry answered inside send', async () => {
      const { client, events } = await connect(m, ['nack', 'ack+result']);
      const result = await client.call('echo', {});
      expect(result).toMatchObject({ ack: true, attempts: 2, result: { content: [{ text: 'attempt 1' }] } });
      expect(events.map((e) => e.type)).toEqual(['request', 'nack', 'retry', 'request', 'ack', 'response']);
      await client.close();
    });

    it('should end a call$ answered inside its own subscribe, and free its slot', async () => {
      const { client } = await connect(m, ['ack+result', 'ack+result']);
      const values: string[] = [];
      let completed = 0;
      for (let i = 0; i < 2; i++) {
        client.call$('echo', {}).subscribe({
          next: (r) => values.push(String((r.result.content[0] as { text: string }).text)),
          complete: () => completed++,
        });
      }
      if (m.client === 'v2') {
        // SDK v2's Client sends a few microtasks after the call and validates a result against its
        // schema asynchronously: the answer given inside send reaches the call$ after its subscribe
        expect(values).toEqual([]);
        await nextMacrotask();
      }
      expect(values).toEqual(['attempt 0', 'attempt 0']);
      expect(completed).toBe(2);
      expect(client.metrics().queue).toEqual({ active: 0, queued: 0 });
      await client.close();
    });
  },
  { clientOnly: true },
);
