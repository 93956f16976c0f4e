// Runs in the v2-only consumer app (no @modelcontextprotocol/sdk installed) against the packed
// mcp-tx and the app's own SDK v2 and rxjs: a keyed call executes once; a NACK, an attempt timeout
// and an SDK protocol error are classified as mcp-tx's typed errors (instanceof, codes), the
// protocol error keeping the app's own SDK v2 error in its cause chain.
import { InMemoryTransport, ProtocolError } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { firstValueFrom, timer, type Observable } from 'rxjs';
import { z } from 'zod';
import { AttemptTimeoutError, NackError, RequestError, TxClient, type TxResult } from 'mcp-tx/v2';
import { withTxServer } from 'mcp-tx/v2/server';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`consumer v2: ${what}`);
  console.log(`ok: ${what}`);
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('consumer v2: the call should have failed');
}

let executions = 0;
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
const server = new McpServer({ name: 'counter', version: '1.0.0' });
server.registerTool('add', { inputSchema: z.object({}) }, () => {
  executions++;
  return { content: [{ type: 'text', text: String(executions) }] };
});
server.registerTool('hold', { inputSchema: z.object({}) }, async () => {
  await held; // keeps the one slot busy: the next call is refused (NACK overloaded)
  return { content: [{ type: 'text', text: 'released' }] };
});
server.registerTool('slow', { inputSchema: z.object({}) }, async () => {
  await firstValueFrom(timer(300));
  return { content: [{ type: 'text', text: 'late' }] };
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide, { maxConcurrent: 1, maxQueue: 0 }));
const client = await TxClient.connect(clientSide, { timeoutMs: 2_000 });

const call$: Observable<TxResult> = client.call$('add', {}, { idempotencyKey: 'order-1' });
const first = await firstValueFrom(call$);
const again = await client.call('add', {}, { idempotencyKey: 'order-1' });
check(first.result.isError !== true && executions === 1, 'a keyed call runs once');
// The result's type resolves without SDK 1.x (mcp-tx's own MCP shapes; an unresolved SDK 1.x type
// would let anything through), and its content narrows on `type`.
// @ts-expect-error a number is not a tool result
export const notAResult: TxResult['result'] = 1;
const block = first.result.content[0];
const text: string | undefined = block?.type === 'text' ? block.text : undefined;
check(text === '1', 'the result is typed without SDK 1.x and its content narrows on type');
check(again.duplicate === true && executions === 1, 'its repeat is a replay, not a second execution');

const holding = client.call('hold', {});
const nack = await failure(client.call('add', {}, { retry: 1 }));
check(
  nack instanceof NackError && nack.code === 'NACK' && nack.reason === 'overloaded',
  'a NACK is a NackError',
);
release();
await holding;

const bad = await failure(client.call('nope', {}, { retry: 1 }));
check(bad instanceof RequestError && bad.retryable === false, 'an SDK protocol error is a RequestError');
const cause = bad instanceof RequestError ? bad.cause : undefined;
check(
  cause instanceof Error && ProtocolError.isInstance(cause.cause),
  "its cause keeps the app's SDK v2 ProtocolError",
);
check(
  bad instanceof RequestError && typeof bad.rpcCode === 'number' && bad.rpcCode < 0,
  'with its JSON-RPC code',
);

// last: the slow tool keeps the one slot busy after the attempt gave up on it
const slow = await failure(client.call('slow', {}, { timeoutMs: 50, retry: 1 }));
check(
  slow instanceof AttemptTimeoutError && slow.code === 'TIMEOUT',
  'an attempt timeout is an AttemptTimeoutError',
);

await client.close();
await server.close();
