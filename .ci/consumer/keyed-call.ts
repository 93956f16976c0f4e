// Runs in the consumer app against the packed mcp-tx and the app's own SDK and rxjs: a keyed call
// executes once; a NACK, an attempt timeout and an SDK McpError are classified as mcp-tx's typed
// errors (instanceof, codes), the McpError being the app's own class.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { firstValueFrom, type Observable } from 'rxjs';
import {
  AttemptTimeoutError,
  NackError,
  RequestError,
  TxClient,
  txCapabilities,
  type TxResult,
} from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';
import { scriptedPeer } from 'mcp-tx/testing';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`consumer: ${what}`);
  console.log(`ok: ${what}`);
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('consumer: the call should have failed');
}

let executions = 0;
const server = new McpServer({ name: 'counter', version: '1.0.0' });
server.registerTool('add', { inputSchema: {} }, () => {
  executions++;
  return { content: [{ type: 'text', text: String(executions) }] };
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide));
const sdk = new Client({ name: 'consumer', version: '1.0.0' }, { capabilities: txCapabilities() });
await sdk.connect(clientSide);
const client = new TxClient(sdk, { timeoutMs: 2_000 });

const call$: Observable<TxResult> = client.call$('add', {}, { idempotencyKey: 'order-1' });
const first = await firstValueFrom(call$);
const again = await client.call('add', {}, { idempotencyKey: 'order-1' });
check(first.result.isError !== true && executions === 1, 'a keyed call runs once');
check(again.duplicate === true && executions === 1, 'its repeat is a replay, not a second execution');

await client.close();

const peer = scriptedPeer({
  tools: {
    busy: { nack: 'invalid_request' },
    slow: { lost: true }, // never answered, never ACKed: the attempt times out
    bad: { rpcError: { code: ErrorCode.InvalidParams, message: 'no such order' } },
  },
});
const scripted = await TxClient.connect(peer, { timeoutMs: 50, retry: 1 });
const nack = await failure(scripted.call('busy', {}));
check(nack instanceof NackError && nack.code === 'NACK', 'a NACK is a NackError');
const slow = await failure(scripted.call('slow', {}));
check(
  slow instanceof AttemptTimeoutError && slow.code === 'TIMEOUT',
  'an attempt timeout is an AttemptTimeoutError',
);
const bad = await failure(scripted.call('bad', {}));
check(bad instanceof RequestError && bad.retryable === false, 'an SDK McpError is a RequestError');
check(bad instanceof RequestError && bad.cause instanceof McpError, "its cause is the app's McpError");
check(bad instanceof RequestError && bad.rpcCode === ErrorCode.InvalidParams, 'with its JSON-RPC code');
await scripted.close();
