/**
 * A child-process MCP server for the stdio specs: the fixture tools behind
 * `withTxServer(new StdioServerTransport())`, plus `runs { id }` to read how often `counter` ran.
 * On SIGTERM it writes `draining` to stderr and closes the decorator (drain, then exit), as a
 * server under a process manager would.
 * Run with `node --import tsx spec/helpers/server-stdio-fixture.ts [--max-concurrent N] [--max-queue N]`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { withTxServer } from '../../src/server/index.js';
import { fixtureServer } from './server-fixtures.js';

const { values } = parseArgs({
  options: { 'max-concurrent': { type: 'string' }, 'max-queue': { type: 'string' } },
});
const { server, log } = fixtureServer();
server.registerTool('runs', { inputSchema: { id: z.string() } }, async ({ id }) => ({
  content: [{ type: 'text', text: String(log.runs.get(id) ?? 0) }],
}));
const transport = withTxServer(new StdioServerTransport(), {
  maxConcurrent: Number(values['max-concurrent'] ?? 4),
  ...(values['max-queue'] === undefined ? {} : { maxQueue: Number(values['max-queue']) }),
});
await server.connect(transport);
const exit = (): Promise<never> => transport.close().then(() => process.exit(0));
process.stdin.on('end', () => void exit());
process.on('SIGTERM', () => {
  process.stderr.write('draining\n');
  void exit();
});
