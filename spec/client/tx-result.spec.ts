import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { TxClient } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';

/** A server with a tool that returns `_meta` of its own and a side-effecting one; `tx`: behind withTxServer. */
async function connect(tx: boolean): Promise<{ client: TxClient; runs: () => number }> {
  const server = new McpServer({ name: 'results', version: '1.0.0' });
  let runs = 0;
  server.registerTool('tagged', { inputSchema: {} }, () => ({
    content: [{ type: 'text', text: 'tagged' }],
    _meta: { trace: 'abc' },
  }));
  server.registerTool('charge', { inputSchema: { cents: z.number() } }, ({ cents }) => {
    runs++;
    return { content: [{ type: 'text', text: `charged ${cents}` }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(tx ? withTxServer(serverSide) : serverSide);
  // the client's own dedup window off, so that every call with the key reaches the server's store
  const client = await TxClient.connect(clientSide, { dedupWindowMs: 0 });
  return { client, runs: () => runs };
}

describe('TxResult', () => {
  let client: TxClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it("should give the tool's result without the server's _meta.mcp_tx, its other _meta kept", async () => {
    const t = await connect(true);
    client = t.client;
    const tagged = await client.call('tagged', {});
    expect(tagged.result).toEqual({ content: [{ type: 'text', text: 'tagged' }], _meta: { trace: 'abc' } });
    const charged = await client.call('charge', { cents: 5 });
    expect(charged.result).toEqual({ content: [{ type: 'text', text: 'charged 5' }] });
    expect(charged).toMatchObject({ ack: true, processed: true, duplicate: false });
  });

  it("should count this call's attempts, and the key's requests at the server apart", async () => {
    const t = await connect(true);
    client = t.client;
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await client.call('charge', { cents: 5 }, { idempotencyKey: 'k' }));
    expect(t.runs()).toBe(1);
    expect(results.map((r) => [r.attempts, r.serverAttempts, r.duplicate])).toEqual([
      [1, 1, false],
      [1, 2, true],
      [1, 3, true],
      [1, 4, true],
    ]);
    expect(results.every((r) => r.result._meta === undefined)).toBe(true);
  });

  it('should leave serverAttempts out and the result as it is against a plain MCP server', async () => {
    const t = await connect(false);
    client = t.client;
    const tagged = await client.call('tagged', {});
    expect(tagged.result._meta).toEqual({ trace: 'abc' });
    expect(tagged.attempts).toBe(1);
    expect('serverAttempts' in tagged).toBe(false);
  });
});
