/**
 * The progress (and task) server as a stdio child process, behind `withTxServer` with `--tx`:
 * `node --import tsx spec/helpers/stdio-progress-server.ts [--major v1] [--tx]`. An SDK v1
 * server only (SDK v2 2.4's `McpServer` creates no tasks): `--major v2` is refused.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import { txCapabilities } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';
import { createProgressServer } from './progress-server.js';

const { values } = parseArgs({
  options: { major: { type: 'string', default: 'v1' }, tx: { type: 'boolean' } },
});
if (values.major !== 'v1')
  throw new Error(`stdio-progress-server: an SDK v1 server only, not ${values.major}`);
const { server } = createProgressServer(values.tx ? { capabilities: txCapabilities() } : {});
const transport = new StdioServerTransport();
await server.connect(values.tx ? withTxServer(transport, { ackDelayMs: 0 }) : transport);
process.stdin.on('end', () => process.exit(0));
