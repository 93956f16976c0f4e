/**
 * Streams: a tiny live "UI" over the client's Observables. The server runs one call at a time
 * and queues none, so of three calls at once two are refused (NACK `overloaded`) and retried.
 * Run with `node --import tsx examples/streams.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { merge, map } from 'rxjs';
import { z } from 'zod';
import { TxClient } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

const server = new McpServer({ name: 'streams', version: '1.0.0' });
server.registerTool('render', { inputSchema: { page: z.number() } }, async ({ page }) => {
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { content: [{ type: 'text', text: `page ${page}` }] };
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide, { maxConcurrent: 1, maxQueue: 0 }));

const client = await TxClient.connect(clientSide, { retry: { maxAttempts: 10, baseDelayMs: 20 } });
const t0 = Date.now();
const line = (text: string): void => console.log(`${String(Date.now() - t0).padStart(4)} ms  ${text}`);

// status$ replays the current status first, then every change (connected ... closed).
const ui = merge(
  client.status$.pipe(map((s) => `status  ${s}`)),
  client.acks$.pipe(map((a) => `ack     ${a.tool} ${a.requestId.slice(0, 6)} attempt ${a.attempt}`)),
  client.nacks$.pipe(
    map(
      (n) =>
        `nack    ${n.tool} ${n.requestId.slice(0, 6)} ${n.reason}, retry after ${n.retryAfterMs ?? '-'} ms`,
    ),
  ),
  // events$ has everything; here only what the streams above do not show.
  client.events$.pipe(
    map((e) =>
      e.type === 'retry'
        ? `retry   ${e.tool} ${e.requestId.slice(0, 6)} in ${Math.round(e.delayMs)} ms`
        : e.type === 'response'
          ? `done    ${e.tool} ${e.requestId.slice(0, 6)} after ${e.result.attempts} attempt(s)`
          : undefined,
    ),
  ),
).subscribe((text) => text && line(text));

await Promise.all([1, 2, 3].map((page) => client.call('render', { page })));
await client.close(); // status$ shows `closed`, then the streams complete
ui.unsubscribe();
