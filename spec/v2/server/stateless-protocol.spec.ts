// What the stateless protocol (2026-07-28) adds: mcp-tx only for requests that ask for the
// extension, resultType on every reply, compression asked per request, input_required rounds,
// and one store serving both eras behind one createMcpHandler.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  createMcpHandler,
  inputRequired,
  McpServer,
  type McpHttpHandler,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { inflateResult } from '../../../src/protocol/compressed-messages.js';
import { TX_KEY } from '../../../src/protocol/index.js';
import { txServerFactory, type TxServerFactory } from '../../../src/v2/server/index.js';
import { ManualTx, type ManualTxOptions } from '../../helpers/v2-manual-tx.js';
import { v2ToolFactory, v2ToolLog, type V2ToolLog } from '../../helpers/v2-tool-server.js';

let log: V2ToolLog;
let factory: TxServerFactory;
let handler: McpHttpHandler;
/** Every response body the handler sent, as text. */
let bodies: string[];
const clients: ManualTx[] = [];

/** A client of the handler, in process, recording the response bodies. */
async function connect(options: ManualTxOptions = {}): Promise<ManualTx> {
  const transport = new StreamableHTTPClientTransport(new URL('http://mcp.test/mcp'), {
    fetch: async (url, init) => {
      const response = await handler.fetch(new Request(url, init));
      bodies.push(await response.clone().text());
      return response;
    },
  });
  const client = await ManualTx.connect(transport, options);
  clients.push(client);
  return client;
}

beforeEach(() => {
  log = v2ToolLog();
  bodies = [];
  factory = txServerFactory(v2ToolFactory(log));
  handler = createMcpHandler(factory);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await handler.close();
});

describe('mcp-tx on the stateless protocol (2026-07-28)', () => {
  it('should give plain MCP to a request that does not ask for the extension, whatever _meta.mcp_tx it sends', async () => {
    const plain = await connect({ features: false });
    const first = await plain.call('charge', { cents: 1, ms: 100 }, { requestId: 'r1' });
    const again = await plain.call('charge', { cents: 1 }, { requestId: 'r1', retryCount: 1 });
    expect(log.runs.charge).toBe(2);
    expect([first.meta, again.meta, first.acks]).toEqual([undefined, undefined, []]);
    expect(first.result?.content).toEqual([{ type: 'text', text: 'charged 1' }]);
  });

  it('should replay across eras, with resultType on the stateless protocol and without it in the initialize era', async () => {
    const legacy = await connect({ era: 'legacy' });
    const modern = await connect();
    await legacy.call('charge', { cents: 2 }, { requestId: 'cross-1' });
    // A result stored from the initialize era has no resultType: a v2 client on the stateless protocol refuses one without.
    const replayed = await modern.call('charge', { cents: 2 }, { requestId: 'cross-1', retryCount: 1 });
    expect(replayed.meta).toMatchObject({ duplicate: true, attempts: 2 });
    await modern.call('charge', { cents: 3 }, { requestId: 'cross-2' });
    const before = bodies.length;
    const back = await legacy.call('charge', { cents: 3 }, { requestId: 'cross-2', retryCount: 1 });
    expect(back.meta).toMatchObject({ duplicate: true, attempts: 2 });
    expect(bodies.slice(before).join()).toContain('"duplicate":true');
    expect(bodies.slice(before).join()).not.toContain('resultType');
    expect(log.runs.charge).toBe(2);
    expect(log.eras).toEqual(expect.arrayContaining(['legacy', 'modern']));
  });

  it('should compress a large result when the request asks for compression in its extension settings', async () => {
    const compressing = await connect({ features: ['ack', 'idempotency', 'compression'] });
    const outcome = await compressing.call('big', { size: 20_000 }, { requestId: 'big-1' });
    const tx = (outcome.result?._meta as Record<string, Record<string, unknown>>)[TX_KEY];
    expect(outcome.result?.content).toEqual([]);
    expect(tx?.encoding).toBe('gzip');
    const inflated = inflateResult(outcome.result ?? {}, 1 << 20) as { content: { text: string }[] };
    expect(inflated.content[0]?.text).toHaveLength(20_000);
    const plain = await connect();
    const whole = await plain.call('big', { size: 20_000 }, { requestId: 'big-2' });
    expect(whole.result?.content).toHaveLength(1);
  });

  it('should count every request it served in its stats', async () => {
    const client = await connect();
    await client.call('charge', { cents: 4 }, { requestId: 'stats-1' });
    await client.call('charge', { cents: 4 }, { requestId: 'stats-1', retryCount: 1 });
    await client.call('charge', { cents: 5 }, { requestId: 'stats-2', key: 'stats-1' });
    expect(factory.stats).toEqual({
      executed: 1,
      replayed: 1,
      stopped: 0,
      acks: 0,
      nacks: { idempotency_conflict: 1 },
      lateRenewals: 0,
    });
  });
});

describe('an input_required round (the stateless protocol asking the client for input)', () => {
  it('should be no outcome: the key is released, the call comes back with the answer, runs, and is stored', async () => {
    let rounds = 0;
    let paid = 0;
    const build = () => {
      const server = new McpServer({ name: 'confirming', version: '1.0.0' });
      server.registerTool(
        'pay',
        { inputSchema: z.object({ cents: z.number() }) },
        ({ cents }, { mcpReq }) => {
          rounds++;
          if (mcpReq.inputResponses?.confirm === undefined) {
            const requestedSchema = {
              type: 'object' as const,
              properties: { ok: { type: 'boolean' as const } },
            };
            return inputRequired({
              inputRequests: { confirm: inputRequired.elicit({ message: 'Pay?', requestedSchema }) },
            });
          }
          paid++;
          return { content: [{ type: 'text', text: `paid ${cents}` }] };
        },
      );
      return server;
    };
    handler = createMcpHandler(txServerFactory(build));
    const client = await connect({
      capabilities: { elicitation: { form: {} } },
      prepare: (sdk) =>
        sdk.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { ok: true } })),
    });
    const first = await client.call('pay', { cents: 9 }, { requestId: 'pay-9' });
    const retry = await client.call('pay', { cents: 9 }, { requestId: 'pay-9', retryCount: 1 });
    expect(first.result?.content).toEqual([{ type: 'text', text: 'paid 9' }]);
    expect(retry.meta).toMatchObject({ duplicate: true });
    expect([rounds, paid]).toEqual([2, 1]);
  });
});
