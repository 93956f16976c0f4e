/**
 * The spec tool server ({@link clientTools}) as a stdio child process, on an `McpServer` of SDK v1
 * (or v2 with `--major v2`) over that major's `StdioServerTransport`:
 * `node --import tsx spec/helpers/stdio-tool-server.ts [--major v1|v2] [--tx retry,ack] [--hangs N]`.
 */
import { StdioServerTransport as StdioV1 } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as StdioV2 } from '@modelcontextprotocol/server/stdio';
import { parseArgs } from 'node:util';
import { txCapabilities, type TxFeature } from '../../src/index.js';
import { buildServer } from './majors/build-server.js';
import { clientTools, newToolLog } from './tool-server.js';

const { values } = parseArgs({
  options: {
    major: { type: 'string', default: 'v1' },
    tx: { type: 'string' },
    hangs: { type: 'string' },
  },
});
const major = values.major === 'v2' ? 'v2' : 'v1';
const features = values.tx?.split(',') as TxFeature[] | undefined;
const server = buildServer(major, clientTools(newToolLog(), { hangs: Number(values.hangs ?? 2) }), {
  ...(features ? { capabilities: txCapabilities(features) } : {}),
});
await server.connect((major === 'v1' ? new StdioV1() : new StdioV2()) as never);
process.stdin.on('end', () => process.exit(0));
