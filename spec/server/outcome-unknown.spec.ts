import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  isAmbiguousOutcomeError,
  isOutcomeUnknownError,
  OutcomeUnknownError,
  TxClient,
  type TxEvent,
} from '../../src/index.js';
import {
  MemoryIdempotencyStore,
  StoreUnavailableError,
  type ClaimOptions,
  type ClaimResult,
  type IdempotencyStore,
} from '../../src/server/index.js';
import { connectPair, meta, nackOf, txCall, type TxPair } from '../helpers/server-fixtures.js';
import { connectTxPair } from '../helpers/tx-pair.js';

/** A store whose every key's earlier execution lost its claim (as a shared store reports after its owner died). */
function lostStore(): IdempotencyStore & { asked: (boolean | undefined)[] } {
  const inner = new MemoryIdempotencyStore();
  /** `rerunUnknown` of each claim. */
  const asked: (boolean | undefined)[] = [];
  return Object.assign(inner, {
    asked,
    claim: async (
      key: string,
      fp: string,
      requestId: string,
      options?: ClaimOptions,
    ): Promise<ClaimResult> => {
      asked.push(options?.rerunUnknown);
      if (options?.rerunUnknown === true)
        return MemoryIdempotencyStore.prototype.claim.call(inner, key, fp, requestId);
      return { status: 'unknown' };
    },
  });
}

describe('withTxServer when the outcome of a key is unknown', () => {
  let pair: TxPair;
  afterEach(async () => pair?.close());

  it('should NACK outcome_unknown, not retryable, and not run a tool it does not know to be idempotent', async () => {
    const store = lostStore();
    pair = await connectPair({ store });
    const nack = await nackOf(txCall(pair.client, 'counter', { id: 'x' }, meta({ requestId: 'x' })));
    expect(nack).toMatchObject({ code: -32000, reason: 'outcome_unknown', retryable: false });
    expect(nack.retryAfterMs).toBeUndefined();
    expect(nack.message).toMatch(/may have run/);
    expect(pair.log.total).toBe(0);
    expect(store.asked).toEqual([undefined]);
    expect(pair.transport.stats.nacks).toEqual({ outcome_unknown: 1 });
  });

  it('should run again a tool named in idempotentTools', async () => {
    const store = lostStore();
    pair = await connectPair({ store, idempotentTools: ['counter'] });
    const r = await txCall(pair.client, 'counter', { id: 'y' }, meta({ requestId: 'y' }));
    expect(r.text).toBe('y:1');
    expect(store.asked).toEqual([true]);
  });

  it('should run again a tool the server annotates idempotentHint in a tools/list seen on this connection', async () => {
    const store = lostStore();
    pair = await connectPair({ store });
    pair.server.registerTool(
      'lookup',
      { inputSchema: { q: z.string() }, annotations: { idempotentHint: true } },
      async ({ q }) => ({ content: [{ type: 'text', text: `found ${q}` }] }),
    );
    expect(
      (await nackOf(txCall(pair.client, 'lookup', { q: 'a' }, meta({ requestId: 'before' })))).reason,
    ).toBe('outcome_unknown');
    await pair.client.listTools();
    const r = await txCall(pair.client, 'lookup', { q: 'a' }, meta({ requestId: 'after' }));
    expect(r.text).toBe('found a');
    expect(store.asked).toEqual([undefined, true]);
  });

  it('should take retry_after_ms from a StoreUnavailableError', async () => {
    const store = new MemoryIdempotencyStore();
    store.claim = () => Promise.reject(new StoreUnavailableError('recovering', { retryAfterMs: 1_234 }));
    pair = await connectPair({ store });
    const nack = await nackOf(txCall(pair.client, 'counter', { id: 'z' }, meta({ requestId: 'z' })));
    expect(nack).toMatchObject({ reason: 'overloaded', retryable: true, retryAfterMs: 1_234 });
    expect(pair.log.total).toBe(0);
  });

  it('should refuse idempotentTools that is not an array of names', async () => {
    await expect(connectPair({ idempotentTools: 'counter' as never })).rejects.toThrow(
      /idempotentTools must be an array of tool names/,
    );
  });
});

describe('TxClient on an outcome_unknown NACK', () => {
  it('should fail with OutcomeUnknownError (an AmbiguousOutcomeError), without retrying, and show the NACK', async () => {
    const store = lostStore();
    const pair = await connectTxPair({
      server: { store },
      client: { retry: { maxAttempts: 5, baseDelayMs: 1 } },
    });
    const events: TxEvent[] = [];
    const sub = pair.client.events$.subscribe((e) => events.push(e));
    try {
      const error = await pair.client
        .call('charge', { amount: 1 }, { idempotencyKey: 'order-9' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(isOutcomeUnknownError(error)).toBe(true);
      expect(isAmbiguousOutcomeError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, name: 'OutcomeUnknownError' });
      expect(store.asked).toHaveLength(1);
      expect(events.filter((e) => e.type === 'nack')).toMatchObject([
        { reason: 'outcome_unknown', retryable: false },
      ]);
      expect(pair.log.runs.charge ?? 0).toBe(0);
    } finally {
      sub.unsubscribe();
      await pair.close();
    }
  });
});

describe('TxClient on a call the server stopped, its outcome unknown (data.mcp_tx.outcome)', () => {
  it('should fail with OutcomeUnknownError, not retried, and no NACK event', async () => {
    // The low-level Server: a handler's McpError becomes the JSON-RPC error (McpServer would make it a result).
    const server = new Server({ name: 'stops', version: '1.0.0' }, { capabilities: { tools: {} } });
    let runs = 0;
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [{ name: 'stopped', inputSchema: { type: 'object' } }],
    }));
    server.setRequestHandler(CallToolRequestSchema, async () => {
      runs++;
      throw new McpError(-32010, 'mcp_tx: the tool was stopped after 5 ms because its deadline passed', {
        mcp_tx: { ack: true, processed: false, outcome: 'unknown', stopped: 'deadline_exceeded', ran_ms: 5 },
      });
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = await TxClient.connect(clientSide, {
      retry: { maxAttempts: 5, baseDelayMs: 1 },
      tools: { stopped: { idempotent: true } },
    });
    const pair = { client, close: () => client.close() };
    const events: TxEvent[] = [];
    const sub = pair.client.events$.subscribe((e) => events.push(e));
    try {
      const error = await pair.client.call('stopped', {}).catch((e) => e);
      expect(isOutcomeUnknownError(error)).toBe(true);
      expect((error as Error).message).toMatch(/stopped after 5 ms because its deadline passed/);
      expect(runs).toBe(1);
      expect(events.filter((e) => e.type === 'nack')).toEqual([]);
    } finally {
      sub.unsubscribe();
      await pair.close();
    }
  });
});
