/**
 * The spec tool server as a stdio child process:
 * `node --import tsx spec/helpers/stdio-tool-server.ts [--tx retry,ack] [--hangs N]`.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from 'node:util';
import { txCapabilities, type TxFeature } from '../../src/index.js';
import { createToolServer } from './tool-server.js';

const { values } = parseArgs({ options: { tx: { type: 'string' }, hangs: { type: 'string' } } });
const features = values.tx?.split(',') as TxFeature[] | undefined;
const { server } = createToolServer({
  ...(features ? { capabilities: txCapabilities(features) } : {}),
  hangs: Number(values.hangs ?? 2),
});
await server.connect(new StdioServerTransport());
