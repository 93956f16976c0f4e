import { nanoid } from 'nanoid';
import { TestScheduler } from 'rxjs/testing';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';

describe('setup', () => {
  it('loads ESM deps', async () => {
    expect(nanoid()).toHaveLength(21);
    expect(TestScheduler).toBeDefined();
    const server = new McpServer({ name: 's', version: '1' });
    server.registerTool('echo', { inputSchema: { v: z.string() } }, ({ v }) => ({ content: [{ type: 'text', text: v }] }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: 'c', version: '1' });
    await client.connect(a);
    const r = await client.callTool({ name: 'echo', arguments: { v: 'hi' } });
    expect(r.content).toEqual([{ type: 'text', text: 'hi' }]);
  });
});
