import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { MemoryIdempotencyStore, txServerFactory } from '../../../src/v2/server/index.js';
import { v2ToolFactory } from '../../helpers/v2-tool-server.js';

describe('txServerFactory', () => {
  it('should check its options once, at construction, naming the field', () => {
    const build = v2ToolFactory();
    expect(() => txServerFactory(build, { maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => txServerFactory(build, { maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => txServerFactory(build, { stor: new MemoryIdempotencyStore() } as never)).toThrow(
      /stor is not an option/,
    );
    expect(() => txServerFactory('build' as never)).toThrow(TypeError);
  });

  it('should decorate a server once, even when the factory hands it out again', async () => {
    const server = new McpServer({ name: 'one', version: '1.0.0' });
    const factory = txServerFactory(() => server);
    expect(await factory({ era: 'modern' })).toBe(server);
    const connect = server.connect;
    expect(await factory({ era: 'modern' })).toBe(server);
    expect(server.connect).toBe(connect); // not wrapped twice
  });

  it('should refuse, as a server error, a factory that makes no server', async () => {
    const errors: Error[] = [];
    const handler = createMcpHandler(
      txServerFactory(() => ({}) as McpServer),
      {
        onerror: (e) => void errors.push(e),
      },
    );
    const response = await handler.fetch(
      new Request('http://mcp.test/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      }),
    );
    expect(response.status).toBe(500);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('must return an SDK v2 McpServer or Server'),
    ]);
    await handler.close();
  });
});
