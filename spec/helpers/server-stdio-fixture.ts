/**
 * A child-process MCP server for the stdio specs: the fixture tools on an `McpServer` of SDK v1
 * (or v2 with `--major v2`) behind `withTxServer(new StdioServerTransport())` of that major, plus
 * `runs { id }` to read how often `counter` ran. On SIGTERM it writes `draining` to stderr and
 * closes the decorator (drain, then exit), as a server under a process manager would.
 * Run with `node --import tsx spec/helpers/server-stdio-fixture.ts [--major v1|v2] [--max-concurrent N] [--max-queue N]`.
 */
import { StdioServerTransport as StdioV1 } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as StdioV2 } from '@modelcontextprotocol/server/stdio';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { withTxServer } from '../../src/server/index.js';
import { registerTools } from './majors/build-server.js';
import { answer, defineTool } from './majors/neutral-tool.js';
import { fixtureServer, newLog } from './server-fixtures.js';

const { values } = parseArgs({
  options: {
    major: { type: 'string', default: 'v1' },
    'max-concurrent': { type: 'string' },
    'max-queue': { type: 'string' },
  },
});
const major = values.major === 'v2' ? 'v2' : 'v1';
const { server, log } = fixtureServer(newLog(), major);
registerTools(server, [
  defineTool('runs', { input: { id: z.string() } }, ({ id }) => answer(String(log.runs.get(id) ?? 0))),
]);
const transport = withTxServer(major === 'v1' ? new StdioV1() : new StdioV2(), {
  maxConcurrent: Number(values['max-concurrent'] ?? 4),
  ...(values['max-queue'] === undefined ? {} : { maxQueue: Number(values['max-queue']) }),
});
await server.connect(transport as never);
const exit = (): Promise<never> => transport.close().then(() => process.exit(0));
process.stdin.on('end', () => void exit());
process.on('SIGTERM', () => {
  process.stderr.write('draining\n');
  void exit();
});
