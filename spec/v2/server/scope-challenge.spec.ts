// A tool that requires OAuth scopes still gets its challenge through the decorator: SDK v2's
// server hands its scope resolver to the HTTP transport it connects, and withTxServer passes it on.
import { createMcpHandler, McpServer, requireScopes, type AuthInfo } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { txServerFactory } from '../../../src/v2/server/index.js';

let runs = 0;
const build = () => {
  const server = new McpServer({ name: 'scoped', version: '1.0.0' });
  server.registerTool(
    'pay',
    { inputSchema: z.object({ cents: z.number() }), scopeChallenge: requireScopes('payments') },
    ({ cents }) => {
      runs++;
      return { content: [{ type: 'text', text: `paid ${cents}` }] };
    },
  );
  return server;
};

/** A tools/call of the initialize era, with no session: what the stateless fallback serves. */
function call(id: number): Request {
  return new Request('http://mcp.test/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: 'pay',
        arguments: { cents: 3 },
        _meta: { mcp_tx: { version: '0.2.0', request_id: `r${id}` } },
      },
    }),
  });
}

describe('a tool requiring OAuth scopes behind txServerFactory (the stateless fallback of the initialize era)', () => {
  const handler = createMcpHandler(txServerFactory(build));
  afterAll(() => handler.close());
  const token = (scopes: string[]): AuthInfo => ({ token: 't', clientId: 'alice', scopes });

  it('should answer a caller without the scope with the challenge, the tool not run', async () => {
    const response = await handler.fetch(call(1), { authInfo: token([]) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/insufficient_scope.*payments/);
    expect(runs).toBe(0);
  });

  it('should run the tool for a caller with the scope', async () => {
    const response = await handler.fetch(call(2), { authInfo: token(['payments']) });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('paid 3');
    expect(runs).toBe(1);
  });
});
