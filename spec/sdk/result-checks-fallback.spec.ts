import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { TxClient, isRequestError } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';

/**
 * `Client.callTool`'s checks, made by mcp-tx for the requests it writes itself, need two private
 * lookups and the private `_options` (strict capabilities). Where `_options` is missing (an SDK
 * that renamed it) or asks for strict capabilities, the calls take the public `Client.callTool`,
 * which makes every check: the check is never dropped, and the call still works. (Missing
 * lookups take the same path: spec/client/direct-attempts.spec.ts, `ToolResultCheck`.)
 */
async function connect(tamper: (sdk: Client) => void) {
  // a low-level server, which (unlike McpServer) lets a result break the tool's output schema
  const server = new Server({ name: 'typed', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      {
        name: 'typed',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      },
      { name: 'echo', inputSchema: { type: 'object' } },
    ],
  }));
  // `typed` promises a number and returns a string: callTool's output-schema check refuses it
  server.setRequestHandler(CallToolRequestSchema, ({ params }) =>
    params.name === 'typed'
      ? { content: [], structuredContent: { n: 'not a number' } }
      : { content: [{ type: 'text', text: 'ok' }] },
  );
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(withTxServer(b));
  const sdk = new Client({ name: 'c', version: '1.0.0' });
  tamper(sdk);
  const callTool = jest.spyOn(sdk, 'callTool');
  await sdk.connect(a);
  const client = new TxClient(sdk, { retry: 1 });
  await sdk.listTools(); // fills the SDK's output validators, as an app's listTools does
  return { client, callTool };
}

const cases: [string, (sdk: Client) => void, boolean][] = [
  ['every internal there (mcp-tx writes the request)', () => undefined, false],
  ['_options missing', (sdk) => void delete (sdk as unknown as Record<string, unknown>)['_options'], true],
  [
    'strict capabilities (a check only callTool makes)',
    (sdk) => ((sdk as unknown as { _options: object })._options = { enforceStrictCapabilities: true }),
    true,
  ],
];

describe.each(cases)('callTool checks with %s', (_name, tamper, publicPath) => {
  it(`should ${publicPath ? 'take the public callTool' : 'write the request itself'} and keep the output-schema check`, async () => {
    const { client, callTool } = await connect(tamper);
    try {
      const error = await client.call('typed', {}).catch((e: unknown) => e);
      expect(isRequestError(error)).toBe(true);
      expect((error as Error).message).toMatch(/output schema/);
      expect((await client.call('echo', {})).result.content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(callTool.mock.calls.length > 0).toBe(publicPath);
    } finally {
      await client.close();
    }
  });
});
