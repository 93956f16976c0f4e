import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { withTxServer } from '../../../src/server/index.js';
import { connectPair, fixtureServer, newLog, txCall, type TxPair } from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer capability and pass-through',
  (m) => {
    const major = m.server;
    let pair: TxPair | undefined;
    afterEach(async () => pair?.close());

    describe('with a plain MCP client', () => {
      it('should forward the very same message objects both ways and add nothing', async () => {
        const { server } = fixtureServer(newLog(), major);
        const [clientSide, serverSide] = m.linkedPair();
        const transport = withTxServer(serverSide);
        await server.connect(transport);
        const fromClient: JSONRPCMessage[] = [];
        const toServer: JSONRPCMessage[] = [];
        const fromServer: JSONRPCMessage[] = [];
        const toClient: JSONRPCMessage[] = [];
        const receive = serverSide.onmessage!;
        serverSide.onmessage = (m, e) => (fromClient.push(m), receive(m, e));
        const deliver = transport.onmessage!;
        transport.onmessage = (m, e) => (toServer.push(m), deliver(m, e));
        const send = transport.send.bind(transport);
        transport.send = (m, o) => (fromServer.push(m), send(m, o));
        const innerSend = serverSide.send.bind(serverSide);
        serverSide.send = (m, o) => (toClient.push(m), innerSend(m, o));

        const client = new Client({ name: 'plain', version: '1' });
        await client.connect(clientSide);
        const result = await client.callTool({ name: 'echo', arguments: { v: 'hi' } });
        await client.listTools();

        expect(result).toEqual({ content: [{ type: 'text', text: 'hi' }] });
        expect(client.getServerCapabilities()?.experimental).toBeUndefined();
        expect(toServer.length).toBeGreaterThanOrEqual(4);
        expect(toServer).toHaveLength(fromClient.length);
        toServer.forEach((m, i) => expect(m).toBe(fromClient[i]));
        expect(toClient).toHaveLength(fromServer.length);
        toClient.forEach((m, i) => expect(m).toBe(fromServer[i]));
        await client.close();
      });
    });

    describe('with an mcp_tx client', () => {
      it('should echo the features both sides support', async () => {
        pair = await connectPair({}, { major });
        expect(pair.client.getServerCapabilities()?.experimental).toEqual({
          mcp_tx: { version: '0.2.0', features: ['ack', 'retry', 'idempotency', 'deadline'] },
        });
        const own = (pair.server.server as unknown as { _capabilities: { experimental?: unknown } })
          ._capabilities;
        expect(own.experimental).toBeUndefined(); // the server's capabilities object is not mutated
      });

      it('should offer only the configured features', async () => {
        pair = await connectPair({ features: ['ack', 'idempotency'] }, { major });
        expect(pair.client.getServerCapabilities()?.experimental?.mcp_tx).toEqual({
          version: '0.2.0',
          features: ['ack', 'idempotency'],
        });
      });

      it('should not ACK when the ack feature is off', async () => {
        pair = await connectPair({ features: ['idempotency'] }, { major });
        const r = await txCall(
          pair.client,
          'echo',
          { v: 'x' },
          { version: '0.2.0', request_id: 'q', expect_ack: true },
        );
        expect(r.tx?.duplicate).toBe(false);
        expect(pair.acks).toEqual([]);
      });

      it('should not deduplicate when the idempotency feature is off', async () => {
        pair = await connectPair({ features: ['ack'] }, { major });
        const m = { version: '0.2.0', request_id: 'same', expect_ack: true };
        await txCall(pair.client, 'counter', { id: 'n' }, m);
        const again = await txCall(pair.client, 'counter', { id: 'n' }, { ...m, retry_count: 1 });
        expect(again.text).toBe('n:2');
        expect(again.tx).toMatchObject({ duplicate: false, attempts: 1 });
      });
    });

    describe('with an MCP-Tx 0.1 client', () => {
      async function connect01(): Promise<{
        client: Client;
        close: () => Promise<void>;
        runs: Map<string, number>;
      }> {
        const { server, log } = fixtureServer(newLog(), major);
        const [clientSide, serverSide] = m.linkedPair();
        await server.connect(withTxServer(serverSide));
        const client = new Client(
          { name: 'py', version: '0.1' },
          { capabilities: { experimental: { mcp_tx: { version: '0.1.3' } } } },
        );
        await client.connect(clientSide);
        return { client, close: () => client.close(), runs: log.runs };
      }

      it('should echo ack and retry to a 0.1 client that lists no features', async () => {
        const c = await connect01();
        expect(c.client.getServerCapabilities()?.experimental?.mcp_tx).toEqual({
          version: '0.2.0',
          features: ['ack', 'retry'],
        });
        await c.close();
      });

      it('should treat a 0.1 request without idempotency_key as unkeyed, still ACKed and annotated', async () => {
        const c = await connect01();
        const acks: unknown[] = [];
        c.client.fallbackNotificationHandler = async (n) => void acks.push(n);
        const m = {
          version: '0.1.0',
          request_id: 'old',
          expect_ack: true,
          retry_count: 0,
          timestamp: '2024-01-01T00:00:00Z',
        };
        const a = await txCall(c.client, 'counter', { id: 'p' }, m);
        const b = await txCall(c.client, 'counter', { id: 'p' }, { ...m, retry_count: 1 });
        expect([a.text, b.text]).toEqual(['p:1', 'p:2']);
        expect(b.tx).toEqual({ ack: true, processed: true, duplicate: false, requestId: 'old', attempts: 1 });
        expect(acks).toEqual([
          {
            method: 'notifications/mcp_tx/ack',
            params: { request_id: 'old', retry_count: 0 },
            jsonrpc: '2.0',
          },
          {
            method: 'notifications/mcp_tx/ack',
            params: { request_id: 'old', retry_count: 1 },
            jsonrpc: '2.0',
          },
        ]);
        await c.close();
      });

      it('should deduplicate a 0.1 request that carries an idempotency_key', async () => {
        const c = await connect01();
        const m = { version: '0.1.0', request_id: 'r', idempotency_key: 'k01', retry_count: 0 };
        await txCall(c.client, 'counter', { id: 'q' }, m);
        const b = await txCall(c.client, 'counter', { id: 'q' }, { ...m, retry_count: 1 });
        expect(b.text).toBe('q:1');
        expect(b.tx?.duplicate).toBe(true);
        await c.close();
      });
    });
  },
  { serverOnly: true },
);
