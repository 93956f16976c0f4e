import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { InMemoryTransport as InMemoryV2 } from '@modelcontextprotocol/server';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { gzipSync } from 'node:zlib';
import { compressArguments, inflateResult } from '../../../src/protocol/compressed-messages.js';
import {
  encodeRequestMeta,
  TX_FEATURES,
  txCapabilities,
  type TxFeature,
} from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore, withTxServer, type TxServerOptions } from '../../../src/server/index.js';
import { fixtureServer, newLog, meta, nackOf, txCall, type ToolLog } from '../../helpers/server-fixtures.js';
import { describeMajors, type Major } from '../../helpers/majors/describe-majors.js';

/** About 64 KiB of text that compresses well, as a tool result or argument. */
const BIG = Array.from({ length: 1_500 }, (_, i) => `row ${i}: status=ok amount=${i * 7}`).join('\n');

interface Wired {
  client: Client;
  log: ToolLog;
  store: MemoryIdempotencyStore;
  /** Every message the decorated server put on the wire, in order. */
  sent: JSONRPCMessage[];
  /** The response on the wire to the last tools/call. */
  lastResult(): Record<string, unknown>;
}

let open: Client[] = [];
afterEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  open = [];
});

/** An SDK v1 client (advertising `capabilities`, none when `null`) and the fixture server of `major` behind `withTxServer`, the wire tapped. */
async function wired(
  major: Major,
  options: TxServerOptions = {},
  capabilities: Record<string, unknown> | null = txCapabilities(TX_FEATURES),
): Promise<Wired> {
  const { server, log } = fixtureServer(newLog(), major);
  const store = new MemoryIdempotencyStore();
  const [clientSide, serverSide] = (
    major === 'v1' ? InMemoryTransport.createLinkedPair() : InMemoryV2.createLinkedPair()
  ) as [InMemoryTransport, InMemoryTransport];
  const sent: JSONRPCMessage[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (m, o) => (sent.push(m), send(m, o));
  await server.connect(withTxServer(serverSide, { store, ...options }));
  const client = new Client({ name: 'spec', version: '1.0.0' }, capabilities ? { capabilities } : {});
  await client.connect(clientSide);
  open.push(client);
  const lastResult = (): Record<string, unknown> => {
    const response = [...sent].reverse().find((m) => 'result' in m && !('serverInfo' in m.result));
    return (response as { result: Record<string, unknown> }).result;
  };
  return { client, log, store, sent, lastResult };
}

const wireSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const txOf = (result: Record<string, unknown>): Record<string, unknown> =>
  (result._meta as { mcp_tx: Record<string, unknown> }).mcp_tx;

/** A tools/call whose arguments travel compressed in `_meta.mcp_tx`. */
function compressedCall(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  requestId: string,
  idempotencyKey = requestId,
) {
  const packed = compressArguments(args, 0);
  if (!packed) throw new Error('arguments did not compress');
  const mcp_tx = { ...encodeRequestMeta(meta({ requestId, idempotencyKey })), ...packed };
  return client.callTool({ name, _meta: { mcp_tx } }) as Promise<CallToolResult>;
}

describeMajors(
  'withTxServer compression',
  (m) => {
    const major = m.server;
    describe('results', () => {
      it('should compress a large result for a client that advertised compression, and echo the feature', async () => {
        const w = await wired(major);
        expect(w.client.getServerCapabilities()?.experimental?.mcp_tx).toMatchObject({
          features: expect.arrayContaining(['compression']),
        });
        const { result } = await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'r1' }));

        const onWire = w.lastResult();
        expect(onWire.content).toEqual([]);
        expect(txOf(onWire)).toMatchObject({ request_id: 'r1', duplicate: false, encoding: 'gzip' });
        expect(wireSize(onWire)).toBeLessThan(wireSize({ content: [{ type: 'text', text: BIG }] }) / 4);
        expect(result).toEqual(onWire); // a bare SDK client sees the compressed form: it asked for it
        const inflated = inflateResult(onWire, 1 << 20);
        expect(inflated.content).toEqual([{ type: 'text', text: BIG }]);
        expect(txOf(inflated)).toEqual({
          ack: true,
          processed: true,
          duplicate: false,
          request_id: 'r1',
          attempts: 1,
        });
      });

      it('should send a result at or below thresholdBytes as it is', async () => {
        const w = await wired(major, { compression: { thresholdBytes: 100_000 } });
        const { result, text } = await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'r1' }));
        expect(text).toBe(BIG);
        expect(txOf(result).payload).toBeUndefined();
        const small = await txCall(w.client, 'echo', { v: 'hi' }, meta({ requestId: 'r2' }));
        expect(small.result.content).toEqual([{ type: 'text', text: 'hi' }]);
      });

      it('should compress the replay of a stored result to a duplicate, and store it uncompressed', async () => {
        const w = await wired(major);
        await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'k' }));
        const first = w.lastResult();
        await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'k', retryCount: 1 }));
        const replay = w.lastResult();

        expect(w.log.total).toBe(1);
        expect(replay).not.toBe(first);
        expect(txOf(replay)).toMatchObject({ duplicate: true, encoding: 'gzip' });
        expect(inflateResult(replay, 1 << 20).content).toEqual([{ type: 'text', text: BIG }]);
        const stored = await w.store.get('k');
        expect(stored?.outcome).toEqual({ result: { content: [{ type: 'text', text: BIG }] } });
      });

      it.each([
        ['a plain MCP client', null],
        ['an mcp_tx client without the compression feature', txCapabilities(['ack', 'idempotency'])],
        [
          'an mcp_tx 0.1 client listing compression (another payload format)',
          { experimental: { mcp_tx: { version: '0.1.3', features: ['ack', 'compression'] } } },
        ],
      ])('should never compress for %s', async (_who, capabilities) => {
        const w = await wired(major, {}, capabilities);
        const echoed = (w.client.getServerCapabilities()?.experimental?.mcp_tx as { features?: TxFeature[] })
          ?.features;
        expect(echoed ?? []).not.toContain('compression');
        const result = (await w.client.callTool({ name: 'echo', arguments: { v: BIG } })) as CallToolResult;
        expect(result.content).toEqual([{ type: 'text', text: BIG }]);
        if (capabilities) await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'r1' }));
        for (const m of w.sent) expect(JSON.stringify(m)).not.toContain('"payload"');
      });

      it.each([
        ['compression: false', { compression: false } as const],
        ['features without compression', { features: ['ack', 'idempotency'] } as TxServerOptions],
      ])('should neither offer nor apply compression with %s', async (_what, options) => {
        const w = await wired(major, options);
        expect(w.client.getServerCapabilities()?.experimental?.mcp_tx).toMatchObject({
          features: expect.not.arrayContaining(['compression']),
        });
        const { text, result } = await txCall(w.client, 'echo', { v: BIG }, meta({ requestId: 'r1' }));
        expect(text).toBe(BIG);
        expect(txOf(result).payload).toBeUndefined();
      });
    });

    describe('arguments', () => {
      it('should inflate compressed arguments before the server validates and runs the tool', async () => {
        const w = await wired(major);
        const result = await compressedCall(w.client, 'echo', { v: BIG }, 'a1');
        expect(inflateResult(result, 1 << 20).content).toEqual([{ type: 'text', text: BIG }]);
        expect(w.log.total).toBe(1);
      });

      it('should fingerprint the inflated arguments: the same call sent uncompressed is its duplicate', async () => {
        const w = await wired(major);
        await compressedCall(w.client, 'counter', { id: 'x', pad: BIG } as never, 'r1', 'same');
        const again = await txCall(
          w.client,
          'counter',
          { id: 'x', pad: BIG },
          meta({ requestId: 'r2', idempotencyKey: 'same' }),
        );
        expect(again.tx?.duplicate).toBe(true);
        expect(w.log.runs.get('x')).toBe(1);
        const conflict = await nackOf(
          txCall(
            w.client,
            'counter',
            { id: 'y', pad: BIG },
            meta({ requestId: 'r3', idempotencyKey: 'same' }),
          ),
        );
        expect(conflict.reason).toBe('idempotency_conflict');
      });

      it.each([
        ['not base64', { encoding: 'gzip', payload: '!!!!' }, /not base64/],
        ['an unknown encoding', { encoding: 'br', payload: 'AAAA' }, /unknown encoding "br"/],
        [
          'gzip of something that is not JSON',
          { encoding: 'gzip', payload: gzipSync('nope').toString('base64') },
          /not JSON/,
        ],
        [
          'gzip of JSON that is not an object',
          { encoding: 'gzip', payload: gzipSync('[1]').toString('base64') },
          /JSON object/,
        ],
      ])(
        'should NACK invalid_request for a payload that is %s, without running the tool',
        async (_what, body, message) => {
          const w = await wired(major);
          const mcp_tx = { ...encodeRequestMeta(meta({ requestId: 'bad' })), ...body };
          const nack = await nackOf(w.client.callTool({ name: 'counter', _meta: { mcp_tx } }));
          expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
          expect(nack.message).toMatch(message);
          expect(w.log.total).toBe(0);
          expect(await w.store.get('bad')).toBeUndefined();
        },
      );

      it('should NACK invalid_request for arguments that inflate past maxInflatedBytes', async () => {
        const w = await wired(major, { compression: { maxInflatedBytes: 10_000 } });
        const nack = await nackOf(compressedCall(w.client, 'echo', { v: BIG }, 'bomb'));
        expect(nack.reason).toBe('invalid_request');
        expect(nack.message).toMatch(/maxInflatedBytes \(10000\)/);
        expect(w.log.total).toBe(0);
      });

      it('should NACK compressed arguments when compression is off', async () => {
        const w = await wired(major, { compression: false });
        const nack = await nackOf(compressedCall(w.client, 'echo', { v: BIG }, 'off'));
        expect(nack.reason).toBe('invalid_request');
        expect(nack.message).toMatch(/compression is off/);
        expect(w.log.total).toBe(0);
      });
    });
  },
  { serverOnly: true },
);
