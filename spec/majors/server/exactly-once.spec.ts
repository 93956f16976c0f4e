// withTxServer's exactly-once, written once and run on an SDK v1 and an SDK v2 McpServer: an SDK
// Client speaks the mcp_tx wire to it by hand (the server's major is what varies).
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { txCapabilities } from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore, withTxServer } from '../../../src/server/index.js';
import {
  connectPair,
  fixtureServer,
  gate,
  meta,
  newLog,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { buildFailingServer } from '../../helpers/majors/build-server.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer exactly-once',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    it('should run a side effect once when a retry arrives while the first attempt runs', async () => {
      pair = await connectPair({}, { major });
      const g = gate();
      pair.log.gates.set('a', g);
      const first = txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'r1' }));
      await until(() => pair.log.runs.get('a') === 1);
      const retry = txCall(pair.client, 'counter', { id: 'a' }, meta({ requestId: 'r1', retryCount: 1 }));
      await until(() => pair.acks.length === 2);
      g.open();
      const [a, b] = await Promise.all([first, retry]);
      expect(pair.log.runs.get('a')).toBe(1);
      expect(a.text).toBe('a:1');
      expect(b.text).toBe('a:1');
      expect(a.tx).toEqual({ ack: true, processed: true, duplicate: false, requestId: 'r1', attempts: 2 });
      expect(b.tx).toEqual({ ack: true, processed: true, duplicate: true, requestId: 'r1', attempts: 2 });
      expect(pair.acks).toEqual([
        { requestId: 'r1', retryCount: 0 },
        { requestId: 'r1', retryCount: 1 },
      ]);

      const later = await txCall(
        pair.client,
        'counter',
        { id: 'a' },
        meta({ requestId: 'r1', retryCount: 2 }),
      );
      expect(later.text).toBe('a:1');
      expect(later.tx).toMatchObject({ duplicate: true, attempts: 3 });
      expect(pair.log.runs.get('a')).toBe(1);
    });

    it('should replay a tool error (isError) without running the tool again', async () => {
      pair = await connectPair({}, { major });
      const m = meta({ requestId: 'f1' });
      const a = await txCall(pair.client, 'fail', { why: 'card declined' }, m);
      const b = await txCall(pair.client, 'fail', { why: 'card declined' }, { ...m, retryCount: 1 });
      expect(a.result.isError).toBe(true);
      expect(b.result).toEqual({
        ...a.result,
        _meta: { mcp_tx: { ...(a.result._meta?.mcp_tx as object), duplicate: true, attempts: 2 } },
      });
      expect(pair.log.total).toBe(1);
    });

    it('should replay a JSON-RPC error without running the tool again', async () => {
      pair = await connectPair({}, { major });
      const m = meta({ requestId: 'e1' });
      const first = await txCall(pair.client, 'rpcError', {}, m).catch((e: unknown) => e);
      const second = await txCall(pair.client, 'rpcError', {}, { ...m, retryCount: 1 }).catch(
        (e: unknown) => e,
      );
      expect(first).toBeInstanceOf(McpError);
      expect(second).toBeInstanceOf(McpError);
      expect((second as McpError).code).toBe(-32042);
      expect((second as McpError).message).toBe((first as McpError).message);
      expect((second as McpError).data).toEqual({ elicitations: [] });
      expect(pair.log.total).toBe(1);
    });

    it("should keep the tool's own _meta next to mcp_tx, on the first answer and on replays", async () => {
      pair = await connectPair({}, { major });
      const m = meta({ requestId: 't1' });
      const first = await txCall(pair.client, 'traced', {}, m);
      const replay = await txCall(pair.client, 'traced', {}, { ...m, retryCount: 1 });
      expect(first.result._meta).toEqual({
        trace: 'abc',
        mcp_tx: expect.objectContaining({ duplicate: false }),
      });
      expect(replay.result._meta).toEqual({
        trace: 'abc',
        mcp_tx: expect.objectContaining({ duplicate: true }),
      });
    });

    it('should work under the low-level Server and replay its JSON-RPC errors (invalid params)', async () => {
      let runs = 0;
      const server = buildFailingServer(major, (rpcError) => {
        runs++;
        return rpcError(ErrorCode.InvalidParams, 'amount must be positive');
      });
      const [clientSide, serverSide] = m.linkedPair();
      await server.connect(withTxServer(serverSide));
      const client = new Client({ name: 'c', version: '1' }, { capabilities: txCapabilities() });
      await client.connect(clientSide);
      try {
        expect(client.getServerCapabilities()?.experimental?.mcp_tx).toBeDefined();
        const m = meta({ requestId: 'low' });
        for (const retryCount of [0, 1, 2]) {
          const error = await txCall(client, 'pay', { cents: -1 }, { ...m, retryCount }).catch(
            (e: unknown) => e,
          );
          expect(error).toMatchObject({
            code: ErrorCode.InvalidParams,
            message: expect.stringMatching(/amount must be positive/),
          });
        }
        expect(runs).toBe(1);
      } finally {
        await client.close();
      }
    });

    it('should stay exactly-once across connections sharing one store', async () => {
      const store = new MemoryIdempotencyStore();
      const log = newLog();
      const g = gate();
      log.gates.set('x', g);
      pair = await connectPair({ store }, { log, major });
      const other = await connectPair({ store }, { log, major });
      try {
        const a = txCall(pair.client, 'counter', { id: 'x' }, meta({ requestId: 'k' }));
        await until(() => log.runs.get('x') === 1);
        const b = txCall(other.client, 'counter', { id: 'x' }, meta({ requestId: 'k', retryCount: 1 }));
        await until(() => other.acks.length === 1);
        g.open();
        const [ra, rb] = await Promise.all([a, b]);
        expect([ra.text, rb.text]).toEqual(['x:1', 'x:1']);
        expect(rb.tx?.duplicate).toBe(true);
        const c = await txCall(other.client, 'counter', { id: 'x' }, meta({ requestId: 'k', retryCount: 2 }));
        expect(c.tx).toMatchObject({ duplicate: true, attempts: 3 });
        expect(log.total).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('should store the outcome of a call whose client disconnected, for the retry on a new connection', async () => {
      const store = new MemoryIdempotencyStore();
      const log = newLog();
      const g = gate();
      log.gates.set('d', g);
      const { server } = fixtureServer(log, major);
      const [c1, s1] = m.linkedPair();
      await server.connect(withTxServer(s1, { store }));
      const client1 = new Client({ name: 'c1', version: '1' }, { capabilities: txCapabilities() });
      await client1.connect(c1);
      const lost = txCall(client1, 'counter', { id: 'd' }, meta({ requestId: 'dk' })).catch(
        (e: unknown) => e,
      );
      await until(() => log.runs.get('d') === 1);
      await client1.close();
      expect(await lost).toBeInstanceOf(Error);
      g.open();
      let stored: unknown;
      await until(() => {
        void store.get('dk').then((r) => (stored = r));
        return stored !== undefined;
      });
      expect(log.aborted).toEqual([]); // the server learnt of the close only after the call finished
      await until(() => !server.isConnected());

      pair = await connectPair({ store }, { log, major });
      const retry = await txCall(
        pair.client,
        'counter',
        { id: 'd' },
        meta({ requestId: 'dk', retryCount: 1 }),
      );
      expect(retry.text).toBe('d:1');
      expect(retry.tx).toMatchObject({ duplicate: true, attempts: 2 });
      expect(log.total).toBe(1);
    });
  },
  { serverOnly: true },
);
