/**
 * Counts the `MaxListenersExceededWarning`s of many HTTP calls in a process of its own (Jest
 * gives specs a copy of `process` that never hears Node's warnings):
 * `node --import tsx spec/helpers/http-warnings.ts --transport sdk|mcp-tx --calls N [--major v1|v2]`
 * prints `{ "warnings": n, "completed": n }`. With `--major v2` the client is `mcp-tx/v2`'s (SDK
 * v2) and the server SDK v2's `createMcpHandler`, on the 2026-07-28 protocol.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPClientTransport as StreamableHttpV2 } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { parseArgs } from 'node:util';
import * as v1 from '../../src/index.js';
import * as v2 from '../../src/v2/index.js';
import { startHttpMcpServer } from './http-server.js';
import { buildServer } from './majors/build-server.js';
import { clientTools, createToolServer, newToolLog } from './tool-server.js';
import { listenV2 } from './v2-http-server.js';

const { values } = parseArgs({
  options: { transport: { type: 'string' }, calls: { type: 'string' }, major: { type: 'string' } },
});
const calls = Number(values.calls ?? 3_000);
const sdk = values.transport === 'sdk';
let warnings = 0;
process.on('warning', (w) => {
  if (w.name === 'MaxListenersExceededWarning') warnings++;
});

/** The server, and a TxClient on it of the major asked for. */
async function connect(): Promise<{ client: v1.TxClient | v2.TxClient; close: () => Promise<void> }> {
  const options = { concurrency: 50, maxQueue: calls };
  if (values.major === 'v2') {
    const handler = createMcpHandler(() => buildServer('v2', clientTools(newToolLog())) as never);
    const http = await listenV2(handler);
    const transport = sdk ? new StreamableHttpV2(http.url) : v2.httpTransport(http.url);
    const client = await v2.TxClient.connect(transport, options);
    return { client, close: () => http.close().then(() => handler.close()) };
  }
  const http = await startHttpMcpServer(() => createToolServer().server);
  const transport = sdk ? new StreamableHTTPClientTransport(http.url) : v1.httpTransport(http.url);
  return { client: await v1.TxClient.connect(transport, options), close: () => http.close() };
}

const { client, close } = await connect();
let completed = 0;
await Promise.all(
  Array.from({ length: calls }, (_, i) =>
    client.call('echo', { text: `m${i}` }).then((r) => {
      if ((r.result.content as unknown as [{ text: string }])[0].text === `m${i}`) completed++;
    }),
  ),
);
await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
await client.close();
await close();
process.stdout.write(`${JSON.stringify({ warnings, completed })}\n`);
