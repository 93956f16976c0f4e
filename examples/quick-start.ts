/**
 * Quick start: a TxClient calling tools on an McpServer in the same process.
 * Run with `npm run example`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { firstValueFrom } from 'rxjs';
import { z } from 'zod';
import { TxClient, isTxError } from 'mcp-tx';

const server = new McpServer({ name: 'quick-start', version: '1.0.0' });
server.registerTool(
  'greet',
  { inputSchema: { name: z.string() }, annotations: { readOnlyHint: true } },
  ({ name }) => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }),
);
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);

const client = await TxClient.connect(clientTransport, { timeoutMs: 2_000, retry: { maxAttempts: 3 } });

// Every request, ACK, NACK, retry, timeout and response, as one stream.
const events = client.events$.subscribe((e) =>
  console.log(`event: ${e.type} ${e.tool} attempt ${e.attempt}`),
);

// An Observable: cold, one value, then complete.
const first = await firstValueFrom(client.call$('greet', { name: 'Observable' }));
console.log(first.result.content, `in ${first.latencyMs} ms`);

// A Promise, with an idempotency key: a second call with the same key is answered from the dedup window.
const second = await client.call('greet', { name: 'Promise' }, { idempotencyKey: 'greet-1' });
const again = await client.call('greet', { name: 'Promise' }, { idempotencyKey: 'greet-1' });
console.log(second.result.content, 'duplicate:', again.duplicate);

// Bad input is refused at once, with a RangeError or TypeError naming the field...
await client.call('greet', { name: 'x' }, { timeoutMs: -1 }).catch((e: unknown) => {
  console.log('bad input:', String(e));
});
// ...and a call that fails rejects with a typed TxError: code, retryable, info { tool, requestId, attempt, elapsedMs }.
await client.call('greet', { name: 'late' }, { deadline: Date.now() - 1 }).catch((e: unknown) => {
  if (isTxError(e)) console.log('failed call:', e.code, 'retryable:', e.retryable, e.info);
});

events.unsubscribe();
await client.close();
