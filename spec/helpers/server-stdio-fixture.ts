/**
 * A child-process MCP server for the stdio specs: the fixture tools behind
 * `withTxServer(new StdioServerTransport())`, plus `runs { id }` to read how often `counter` ran.
 * Run with `node --import tsx spec/helpers/server-stdio-fixture.ts`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { withTxServer } from '../../src/server/index.js';
import { fixtureServer } from './server-fixtures.js';

const { server, log } = fixtureServer();
server.registerTool('runs', { inputSchema: { id: z.string() } }, async ({ id }) => ({
  content: [{ type: 'text', text: String(log.runs.get(id) ?? 0) }],
}));
const transport = withTxServer(new StdioServerTransport(), { maxConcurrent: 4 });
await server.connect(transport);
process.stdin.on('end', () => void transport.close().then(() => process.exit(0)));
