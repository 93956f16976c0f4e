/**
 * The progress (and task) server as a stdio child process, behind `withTxServer` with `--tx`:
 * `node --import tsx spec/helpers/stdio-progress-server.ts [--tx]`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import { txCapabilities } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';
import { createProgressServer } from './progress-server.js';

const { values } = parseArgs({ options: { tx: { type: 'boolean' } } });
const { server } = createProgressServer(values.tx ? { capabilities: txCapabilities() } : {});
const transport = new StdioServerTransport();
await server.connect(values.tx ? withTxServer(transport, { ackDelayMs: 0 }) : transport);
