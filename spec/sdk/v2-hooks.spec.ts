import { Client, InMemoryTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import { inputRequired } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { firstValueFrom, filter, toArray } from 'rxjs';
import { z } from 'zod';
import { TX_EXTENSION_ID } from '../../src/protocol/index.js';
import { hasClientHooks, HookedClient } from '../../src/sdk/v2/hooked-client.js';
import { TxClient, txCapabilities, txExtension } from '../../src/v2/index.js';
import { txServerFactory, withTxServer } from '../../src/v2/server/index.js';
import { v2ToolFactory, v2ToolLog, type V2ToolLog } from '../helpers/v2-tool-server.js';

/**
 * mcp-tx/v2's fast path: `TxClient.connect` builds a HookedClient whose protected hooks carry the
 * attempts (written under the tap's own string ids, the SDK's request machinery skipped), on the
 * stateless protocol (`serveStdio` over an in-memory pair) and on the `initialize` era (a
 * decorated in-memory pair). The SDK's numeric ids mark a request sent through `callTool`.
 */
type Era = 'modern' | 'legacy';

/**
 * The spec's tools, beside v2ToolFactory's: `shaped` (with an output schema), and `pay` (on the
 * stateless protocol, asks the client to confirm before it runs: an `input_required` round).
 */
function factory(log: V2ToolLog): () => McpServer {
  const tools = v2ToolFactory(log);
  return () => {
    const server = tools();
    server.registerTool(
      'shaped',
      { inputSchema: z.object({}), outputSchema: z.object({ n: z.number() }) },
      () => ({ content: [], structuredContent: { n: 1 } }),
    );
    server.registerTool('pay', { inputSchema: z.object({ cents: z.number() }) }, ({ cents }, { mcpReq }) => {
      if (mcpReq.inputResponses?.confirm === undefined) {
        const requestedSchema = { type: 'object' as const, properties: { ok: { type: 'boolean' as const } } };
        return inputRequired({
          inputRequests: { confirm: inputRequired.elicit({ message: 'Pay?', requestedSchema }) },
        });
      }
      log.runs.pay = (log.runs.pay ?? 0) + 1;
      return { content: [{ type: 'text', text: `paid ${cents}` }] };
    });
    return server;
  };
}

interface Wire {
  /** Every message the client wrote, in order. */
  sent: JSONRPCMessage[];
  /** Closes the server end of the current connection (the client sees it close). */
  drop(): Promise<void>;
  log: V2ToolLog;
}

/** A transport factory serving `era`, fresh pair per connection, recording what the client writes. */
function serving(era: Era): { wire: Wire; make: () => InMemoryTransport } {
  const log = v2ToolLog();
  const build = factory(log);
  let close: () => Promise<void> = async () => undefined;
  const wire: Wire = { sent: [], drop: () => close(), log };
  const make = () => {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    if (era === 'modern') {
      serveStdio(txServerFactory(build), { transport: serverEnd as never, legacy: 'reject' });
    } else {
      void build().connect(withTxServer(serverEnd as never) as never);
    }
    close = () => serverEnd.close();
    const send = clientEnd.send.bind(clientEnd);
    clientEnd.send = (message, options) => {
      wire.sent.push(message);
      return send(message, options);
    };
    return clientEnd;
  };
  return { wire, make };
}

const toolCalls = (wire: Wire) =>
  wire.sent.filter((m) => (m as { method?: string }).method === 'tools/call') as unknown as {
    id: string | number;
    params: { name: string; _meta?: Record<string, unknown> };
  }[];

describe.each<Era>(['modern', 'legacy'])('mcp-tx/v2 through the hooks of its client (%s)', (era) => {
  let client: TxClient;
  let wire: Wire;

  beforeEach(async () => {
    const s = serving(era);
    wire = s.wire;
    client = await TxClient.connect(s.make, {
      reconnect: { baseDelayMs: 1, maxDelayMs: 200 },
      dedupWindowMs: 0, // every call goes to the server: a replay or a NACK is the server's
      capabilities: { elicitation: { form: {} } },
    });
    client.sdk.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { ok: true } }));
  });
  afterEach(() => client.close());

  it('should build a hooked client speaking the expected era', () => {
    expect(client.sdk).toBeInstanceOf(HookedClient);
    expect(client.sdk.getProtocolEra()).toBe(era);
  });

  it('should write a listed tool call under an id of its own and answer it, exactly once', async () => {
    const { result, processed } = await client.call('charge', { cents: 5 }, { idempotencyKey: 'k1' });
    expect(result.content).toEqual([{ type: 'text', text: 'charged 5' }]);
    expect(processed).toBe(true);
    const [call] = toolCalls(wire);
    expect(typeof call?.id).toBe('string');
    const again = await client.call('charge', { cents: 5 }, { idempotencyKey: 'k1' });
    expect(again.duplicate).toBe(true);
    expect(wire.log.runs.charge).toBe(1);
  });

  it('should carry the per-request envelope, asking for mcp-tx, on the stateless protocol only', async () => {
    await client.call('charge', { cents: 1 });
    const meta = toolCalls(wire)[0]?.params._meta ?? {};
    if (era === 'modern') {
      expect(meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
      const capabilities = meta['io.modelcontextprotocol/clientCapabilities'] as {
        extensions?: Record<string, unknown>;
      };
      expect(capabilities.extensions?.[TX_EXTENSION_ID]).toBeDefined();
    } else {
      expect(Object.keys(meta)).toEqual(['mcp_tx']);
    }
  });

  it("should hand on the server's NACK (an error response) as a typed error, never retried", async () => {
    await client.call('charge', { cents: 1 }, { idempotencyKey: 'same' });
    await expect(client.call('charge', { cents: 2 }, { idempotencyKey: 'same' })).rejects.toMatchObject({
      reason: 'idempotency_conflict',
    });
    expect(toolCalls(wire).map((m) => typeof m.id)).toEqual(['string', 'string']);
  });

  it('should take the server ACK off the hooks', async () => {
    const acks = firstValueFrom(client.acks$);
    const { ack } = await client.call('charge', { cents: 2, ms: 20 }, { idempotencyKey: 'k2' });
    expect(ack).toBe(true);
    await expect(acks).resolves.toMatchObject({ type: 'ack', tool: 'charge' });
  });

  it("should hand the call's progress to its stream", async () => {
    const events = await firstValueFrom(client.stream$('progress', { steps: 3 }).pipe(toArray()));
    const progress = events
      .filter((e) => e.type === 'progress')
      .map((e) => (e as { progress: number }).progress);
    expect(progress).toEqual([1, 2, 3]);
    expect(events.at(-1)?.type).toBe('response');
  });

  it('should tell the server when a call is given up (its own id, marked abandoned)', async () => {
    const subscription = client.call$('charge', { cents: 3, ms: 300 }).subscribe({ error: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    const id = toolCalls(wire)[0]?.id;
    await new Promise((resolve) => setTimeout(resolve, 10));
    const cancel = wire.sent.find((m) => (m as { method?: string }).method === 'notifications/cancelled') as
      { params: { requestId: unknown; _meta?: Record<string, unknown> } } | undefined;
    expect(cancel?.params.requestId).toBe(id);
    expect(cancel?.params._meta?.mcp_tx).toEqual({ abandoned: true });
  });

  it('should call a tool with an output schema through callTool (which validates it), as SDK v2 does', async () => {
    await expect(client.call('shaped', {})).resolves.toMatchObject({
      result: { structuredContent: { n: 1 } },
    });
    expect(toolCalls(wire).map((m) => typeof m.id)).toEqual(['number']);
  });

  // only the stateless protocol has input_required answers
  if (era === 'modern')
    it("should resolve an input_required answer through SDK v2's multi-round-trip engine", async () => {
      const { result } = await client.call('pay', { cents: 9 });
      expect(result.content).toEqual([{ type: 'text', text: 'paid 9' }]);
      // the first leg through the hooks, the leg with the answer through v2's request
      expect(toolCalls(wire).map((m) => typeof m.id)).toEqual(['string', 'number']);
      expect(wire.log.runs.pay).toBe(1);
    });

  it('should call a tool it never listed through callTool', async () => {
    await expect(client.call('nowhere', {})).rejects.toThrow();
    expect(typeof toolCalls(wire)[0]?.id).toBe('number');
  });

  it('should fail a call in flight when the connection drops, and write the next on the new one', async () => {
    const inFlight = client.call('charge', { cents: 4, ms: 500 }, { retry: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const connected = firstValueFrom(
      client.status$.pipe(filter((s) => s === 'reconnecting' || s === 'connected')),
    );
    await wire.drop();
    await expect(inFlight).rejects.toMatchObject({ name: expect.stringMatching(/Error$/) });
    await connected;
    await firstValueFrom(client.status$.pipe(filter((s) => s === 'connected')));
    const { result } = await client.call('charge', { cents: 6 });
    expect(result.content).toEqual([{ type: 'text', text: 'charged 6' }]);
    expect(typeof toolCalls(wire).at(-1)?.id).toBe('string');
    expect(client.sdk.getProtocolEra()).toBe(era);
  });
});

describe("a result checked by SDK v2's wire codec", () => {
  const sdk = new HookedClient({ name: 'app', version: '1.0.0' });

  it('should take a well-formed tools/call result', () => {
    const result = { content: [{ type: 'text', text: 'ok' }] };
    expect(sdk.decodeToolResult(result)).toEqual({ kind: 'complete', result });
  });

  it('should refuse a malformed one with an InvalidResult SdkError, as SDK v2 request does', () => {
    const decoded = sdk.decodeToolResult({ content: 'not a list' });
    expect(decoded.kind).toBe('invalid');
    expect((decoded as { error: Error }).error.message).toMatch(/^Invalid result for tools\/call/);
  });
});

describe('mcp-tx/v2 without the hooks', () => {
  it('should find every hook on SDK v2 Client, and miss one on a prototype without it', () => {
    expect(hasClientHooks()).toBe(true);
    const { _onresponse: _gone, ...rest } = Object.fromEntries(
      [
        '_onresponse',
        '_onnotification',
        '_onclose',
        '_outboundMetaEnvelope',
        '_wireCodec',
        '_resolveNonCompleteResult',
      ].map((hook) => [hook, () => undefined]),
    );
    expect(hasClientHooks(rest)).toBe(false);
  });

  it("should send through callTool on a Client the app built (no hooks of mcp-tx's)", async () => {
    const { wire, make } = serving('legacy');
    const sdk = new Client(
      { name: 'app', version: '1.0.0' },
      { capabilities: { ...txCapabilities(), extensions: txExtension() as never } },
    );
    await sdk.connect(make());
    const client = new TxClient(sdk);
    try {
      await client.refreshTools();
      const { result } = await client.call('charge', { cents: 7 });
      expect(result.content).toEqual([{ type: 'text', text: 'charged 7' }]);
      expect(typeof toolCalls(wire)[0]?.id).toBe('number');
    } finally {
      await client.close();
    }
  });
});
