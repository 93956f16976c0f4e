/**
 * Counts the `MaxListenersExceededWarning`s of many HTTP calls in a process of its own (Jest
 * gives specs a copy of `process` that never hears Node's warnings):
 * `node --import tsx spec/helpers/http-warnings.ts --transport sdk|mcp-tx --calls N`
 * prints `{ "warnings": n, "completed": n }`.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseArgs } from 'node:util';
import { httpTransport, TxClient } from '../../src/index.js';
import { startHttpMcpServer } from './http-server.js';
import { createToolServer } from './tool-server.js';

const { values } = parseArgs({ options: { transport: { type: 'string' }, calls: { type: 'string' } } });
const calls = Number(values.calls ?? 3_000);
let warnings = 0;
process.on('warning', (w) => {
  if (w.name === 'MaxListenersExceededWarning') warnings++;
});
const http = await startHttpMcpServer(() => createToolServer().server);
const transport =
  values.transport === 'sdk' ? new StreamableHTTPClientTransport(http.url) : httpTransport(http.url);
const client = await TxClient.connect(transport, { concurrency: 50, maxQueue: calls });
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
await http.close();
process.stdout.write(`${JSON.stringify({ warnings, completed })}\n`);
