import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isCompressionError, type ConnectOptions } from '../../src/index.js';
import { CLIENT_CAPABILITIES_META_KEY, TX_EXTENSION_ID } from '../../src/protocol/extension.js';
import { withTxServer, type TxServerOptions } from '../../src/server/index.js';
import {
  describeEveryPairing,
  type AnyTransport,
  type AnyTxClient,
  type MajorKit,
} from '../helpers/majors/describe-majors.js';
import { defineTool } from '../helpers/majors/neutral-tool.js';
import { clientTools, newToolLog, type ToolLog } from '../helpers/tool-server.js';
import { textOf } from '../helpers/text.js';

/** About 64 KiB of text that compresses well. */
const BIG = Array.from({ length: 1_500 }, (_, i) => `row ${i}: status=ok amount=${i * 7}`).join('\n');
const ROWS = Array.from({ length: 2_000 }, (_, id) => ({ id, label: `item number ${id}` }));

interface Tapped {
  client: AnyTxClient;
  log: ToolLog;
  /** Messages on the wire, each way. */
  toServer: JSONRPCMessage[];
  toClient: JSONRPCMessage[];
  /** The tools/call requests and their responses on the wire. */
  calls(): Record<string, unknown>[];
  results(): Record<string, unknown>[];
}

let client: AnyTxClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** A `report` tool with an output schema: the SDK client checks the structured content it gets. */
const REPORT = defineTool(
  'report',
  {
    input: { n: z.number() },
    output: { rows: z.array(z.object({ id: z.number(), label: z.string() })) },
    annotations: { readOnlyHint: true },
  },
  ({ n }) => ({
    content: [{ type: 'text', text: `${n} rows` }],
    structuredContent: { rows: ROWS.slice(0, n as number) },
  }),
);

/**
 * A TxClient of the kit's client major and the client tools on a server of its server major (behind `withTxServer` unless `server` is `'plain'`) over an
 * in-memory pair with both directions tapped; `corrupt` may rewrite what the server sends.
 */
async function tapped(
  m: MajorKit,
  options: {
    server?: TxServerOptions | 'plain';
    client?: ConnectOptions;
    corrupt?: (m: JSONRPCMessage) => JSONRPCMessage;
  } = {},
): Promise<Tapped> {
  const log = newToolLog();
  const server = m.buildServer([...clientTools(log, { hangs: 0 }), REPORT]);
  const [clientSide, serverSide] = m.linkedPair();
  const toServer: JSONRPCMessage[] = [];
  const toClient: JSONRPCMessage[] = [];
  const sendToClient = serverSide.send.bind(serverSide);
  serverSide.send = (m, o) => {
    const out = options.corrupt ? options.corrupt(m) : m;
    toClient.push(out);
    return sendToClient(out, o);
  };
  const sendToServer = clientSide.send.bind(clientSide);
  clientSide.send = (m, o) => (toServer.push(m), sendToServer(m, o));
  await (server.connect as (t: AnyTransport) => Promise<void>)(
    options.server === 'plain' ? serverSide : withTxServer(serverSide, options.server),
  );
  client = await m.connect(clientSide, {
    dedupWindowMs: 0,
    ...(options.client ?? { compression: true }),
  });
  const calls = () =>
    toServer
      .filter((m) => 'method' in m && m.method === 'tools/call')
      .map((m) => (m as { params: Record<string, unknown> }).params);
  const callIds = () =>
    new Set(
      toServer
        .filter((m) => 'method' in m && m.method === 'tools/call')
        .map((m) => (m as { id: unknown }).id),
    );
  const results = () =>
    toClient
      .filter((m) => 'result' in m && callIds().has((m as { id: unknown }).id))
      .map((m) => (m as { result: Record<string, unknown> }).result);
  return { client, log, toServer, toClient, calls, results };
}

const size = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const txOf = (holder: Record<string, unknown> | undefined): Record<string, unknown> | undefined =>
  (holder?._meta as { mcp_tx?: Record<string, unknown> } | undefined)?.mcp_tx;

/**
 * Every list of mcp-tx features the client asked for, wherever it asked: `initialize`'s
 * capabilities (`experimental.mcp_tx`, and the extension beside it on SDK v2) and the client
 * capabilities a 2026-07-28 request carries in `_meta` (SDK v2's `server/discover` probe, say).
 */
function advertisedFeatures(t: Tapped): unknown[] {
  type Caps = {
    experimental?: { mcp_tx?: { features?: unknown } };
    extensions?: Record<string, { features?: unknown }>;
  };
  const asked: unknown[] = [];
  for (const message of t.toServer) {
    if (!('method' in message)) continue;
    const params = (message.params ?? {}) as { capabilities?: Caps; _meta?: Record<string, Caps> };
    const caps =
      message.method === 'initialize' ? params.capabilities : params._meta?.[CLIENT_CAPABILITIES_META_KEY];
    if (caps?.experimental?.mcp_tx !== undefined) asked.push(caps.experimental.mcp_tx.features);
    if (caps?.extensions?.[TX_EXTENSION_ID] !== undefined)
      asked.push(caps.extensions[TX_EXTENSION_ID].features);
  }
  return asked;
}

describeEveryPairing('TxClient compression', (m) => {
  describe('with a decorated server', () => {
    it('should send large arguments and receive large results compressed, and hand back the originals', async () => {
      const t = await tapped(m);
      const result = await t.client.call('echo', { text: BIG });

      expect(textOf(result)).toBe(BIG);
      expect(result.result._meta).toBeUndefined(); // neither the payload nor the rest of mcp_tx
      expect(result).toMatchObject({ ack: true, duplicate: false, attempts: 1 });
      const [request] = t.calls();
      expect(request?.arguments).toBeUndefined();
      expect(txOf(request)).toMatchObject({ encoding: 'gzip', payload: expect.any(String) });
      expect(size(request)).toBeLessThan(size({ text: BIG }) / 4);
      const [response] = t.results();
      expect(response?.content).toEqual([]);
      expect(txOf(response)).toMatchObject({ encoding: 'gzip', payload: expect.any(String) });
      expect(size(response)).toBeLessThan(size(result.result) / 4);
      // the tool saw the original arguments and an mcp_tx meta without the payload
      expect(t.log.metas.echo?.[0]).toEqual(expect.not.objectContaining({ payload: expect.anything() }));
    });

    it('should leave small arguments and results alone', async () => {
      const t = await tapped(m);
      const result = await t.client.call('echo', { text: 'hi' });
      expect(textOf(result)).toBe('hi');
      expect(t.calls()[0]).toMatchObject({ arguments: { text: 'hi' } });
      expect(txOf(t.calls()[0])?.payload).toBeUndefined();
      expect(t.results()[0]?.content).toEqual([{ type: 'text', text: 'hi' }]);
    });

    it('should inflate before the SDK checks a tool output schema', async () => {
      const t = await tapped(m);
      const { result } = await t.client.call('report', { n: 2_000 });
      expect(result.structuredContent).toEqual({ rows: ROWS });
      expect(txOf(t.results()[0])?.encoding).toBe('gzip');
    });

    it('should receive the replay of a duplicate compressed and hand back the original', async () => {
      const t = await tapped(m);
      const first = await t.client.call('echo', { text: BIG }, { idempotencyKey: 'k1' });
      const again = await t.client.call('echo', { text: BIG }, { idempotencyKey: 'k1' });
      expect(again).toMatchObject({ duplicate: true });
      expect(again.result.content).toEqual(first.result.content);
      expect(again).toMatchObject({ attempts: 1, serverAttempts: 2 });
      expect(again.result._meta).toBeUndefined();
      expect(t.log.runs.echo).toBe(1);
      expect(t.results().map((r) => txOf(r)?.encoding)).toEqual(['gzip', 'gzip']);
    });

    it('should fail the call with a CompressionError, not retried, when a result does not inflate', async () => {
      const corrupt = (m: JSONRPCMessage): JSONRPCMessage => {
        const tx = txOf((m as { result?: Record<string, unknown> }).result);
        if (tx?.payload !== undefined) tx.payload = 'AAAA'; // base64, but not gzip
        return m;
      };
      const t = await tapped(m, { corrupt });
      const error = await t.client.call('echo', { text: BIG }).catch((e: unknown) => e);
      expect(isCompressionError(error) && error.reason).toBe('malformed');
      expect(error).toMatchObject({
        retryable: false,
        code: 'INVALID_META',
        info: { tool: 'echo', attempt: 0 },
      });
      expect(t.calls()).toHaveLength(1);
    });

    it('should refuse a result that inflates past maxInflatedBytes', async () => {
      const t = await tapped(m, { client: { compression: { maxInflatedBytes: 10_000 } } });
      const error = await t.client.call('report', { n: 2_000 }).catch((e: unknown) => e);
      expect(isCompressionError(error) && error.reason).toBe('too_large');
    });

    it('should send arguments as they are to a server with compression off', async () => {
      const t = await tapped(m, { server: { compression: false } });
      expect(t.client.server?.features.includes('compression')).toBe(false);
      expect(textOf(await t.client.call('echo', { text: BIG }))).toBe(BIG);
      expect(t.calls()[0]).toMatchObject({ arguments: { text: BIG } });
      expect(txOf(t.results()[0])?.payload).toBeUndefined();
    });
  });

  describe('by default', () => {
    it('should not advertise compression, so a large result comes back as it is', async () => {
      const t = await tapped(m, { client: {} });
      expect(t.client.server?.features.includes('compression')).toBe(false);
      expect(textOf(await t.client.call('echo', { text: BIG }))).toBe(BIG);
      expect(t.calls()).toEqual([expect.objectContaining({ name: 'echo', arguments: { text: BIG } })]);
      expect(txOf(t.results()[0])?.payload).toBeUndefined();
    });
  });

  describe('with compression: false', () => {
    it('should not advertise compression, and send and receive everything as it is', async () => {
      const t = await tapped(m, { client: { compression: false } });
      expect(textOf(await t.client.call('echo', { text: BIG }))).toBe(BIG);
      const asked = advertisedFeatures(t);
      expect(asked.length).toBeGreaterThan(0);
      for (const features of asked) expect(features).toEqual(['ack', 'retry', 'idempotency', 'deadline']);
      expect(t.calls()[0]).toMatchObject({ arguments: { text: BIG } });
      expect(t.results()[0]?.content).toEqual([{ type: 'text', text: BIG }]);
    });
  });

  describe('with a plain MCP server', () => {
    it('should never send compressed arguments', async () => {
      const t = await tapped(m, { server: 'plain' });
      expect(t.client.server).toBeUndefined();
      expect(textOf(await t.client.call('echo', { text: BIG }))).toBe(BIG);
      expect(t.calls()).toEqual([{ name: 'echo', arguments: { text: BIG } }]);
    });
  });
});
