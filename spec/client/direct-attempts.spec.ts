import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { TxClient, type TxError } from '../../src/index.js';
import { withTxServer } from '../../src/server/index.js';
import { textOf } from '../helpers/text.js';
import { createToolServer } from '../helpers/tool-server.js';
import { ToolResultCheck } from '../../src/sdk/v1/tool-result-check.js';

/** A `tools/call` the peer received, with a way to answer it. */
interface PeerCall {
  readonly id: RequestId;
  readonly params: { name: string; arguments?: Record<string, unknown> };
  reply(result: unknown): void;
}

/**
 * A server driven by hand at the JSON-RPC level: it answers `initialize`, `ping` and `tools/list` (one
 * `typed` tool with an output schema, one plain `echo`), records cancels, and hands every
 * `tools/call` to the test, which answers when and how it likes (or never). An SDK server would
 * not answer a cancelled request; this one can.
 */
async function handPeer() {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const calls: PeerCall[] = [];
  const cancelled: RequestId[] = [];
  const answer = (message: JSONRPCMessage) => void serverSide.send(message);
  serverSide.onmessage = (message) => {
    const { id, method, params } = message as { id?: RequestId; method?: string; params?: never };
    if (method === 'initialize' && id !== undefined) {
      answer({
        jsonrpc: '2.0',
        id,
        result: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: { tools: {} },
          serverInfo: { name: 'hand', version: '1.0.0' },
        },
      });
    } else if (method === 'tools/list' && id !== undefined) {
      answer({
        jsonrpc: '2.0',
        id,
        result: {
          tools: [
            {
              name: 'typed',
              inputSchema: { type: 'object' },
              outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
            },
            { name: 'echo', inputSchema: { type: 'object' } },
          ],
        },
      });
    } else if (method === 'ping' && id !== undefined) {
      answer({ jsonrpc: '2.0', id, result: {} });
    } else if (method === 'tools/call' && id !== undefined) {
      calls.push({
        id,
        params: params as unknown as PeerCall['params'],
        reply: (result) => answer({ jsonrpc: '2.0', id, result } as JSONRPCMessage),
      });
    } else if (method === 'notifications/cancelled') {
      cancelled.push((params as unknown as { requestId: RequestId }).requestId);
    }
  };
  await serverSide.start();
  return { clientSide, serverSide, calls, cancelled };
}

/** The error `call` fails with; a call that succeeds fails the test. */
const failure = (call: Promise<unknown>): Promise<TxError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: TxError) => e,
  );

const nextCall = async (calls: PeerCall[], n: number): Promise<PeerCall> => {
  while (calls.length < n) await new Promise((r) => setImmediate(r));
  return calls[n - 1] as PeerCall;
};

describe('TxClient attempts sent by the transport tap', () => {
  it('should check structured content against the output schema as Client.callTool does', async () => {
    const peer = await handPeer();
    const client = await TxClient.connect(peer.clientSide);
    const good = client.call('typed', {});
    (await nextCall(peer.calls, 1)).reply({ content: [], structuredContent: { n: 1 } });
    expect((await good).result.structuredContent).toEqual({ n: 1 });

    const mismatched = failure(client.call('typed', {}));
    (await nextCall(peer.calls, 2)).reply({ content: [], structuredContent: { n: 'one' } });
    expect(await mismatched).toMatchObject({ code: 'REQUEST_FAILED', rpcCode: ErrorCode.InvalidParams });
    expect((await mismatched).message).toMatch(/does not match the tool's output schema/);

    const missing = failure(client.call('typed', {}));
    (await nextCall(peer.calls, 3)).reply({ content: [] });
    expect(await missing).toMatchObject({ code: 'REQUEST_FAILED', rpcCode: ErrorCode.InvalidRequest });

    // an error result needs no structured content
    const failed = client.call('typed', {});
    (await nextCall(peer.calls, 4)).reply({ content: [], isError: true });
    expect((await failed).result.isError).toBe(true);
    await client.close();
  });

  it("should keep every member of the result's _meta but mcp_tx, and read the mcp_tx one", async () => {
    const peer = await handPeer();
    const client = await TxClient.connect(peer.clientSide);
    const call = client.call('echo', {});
    const mcp_tx = { ack: true, processed: true, duplicate: true, request_id: 'r-1', attempts: 2 };
    (await nextCall(peer.calls, 1)).reply({ content: [], _meta: { 'example.com/trace': 't-9', mcp_tx } });
    const { result, duplicate, attempts, serverAttempts } = await call;
    expect(result._meta).toEqual({ 'example.com/trace': 't-9' });
    expect({ duplicate, attempts, serverAttempts }).toEqual({
      duplicate: true,
      attempts: 1,
      serverAttempts: 2,
    });
    await client.close();
  });

  it('should refuse a result that is not a CallToolResult instead of passing it on', async () => {
    const peer = await handPeer();
    const client = await TxClient.connect(peer.clientSide, { retry: false });
    const call = failure(client.call('echo', {}));
    (await nextCall(peer.calls, 1)).reply({ content: 'not an array' });
    const error = await call;
    expect(error).toMatchObject({ retryable: false });
    expect(error.cause).toBeInstanceOf(Error);
    await client.close();
  });

  it("should use ids the SDK's never are, and drop an answer that comes after the timeout", async () => {
    const peer = await handPeer();
    const client = await TxClient.connect(peer.clientSide, { retry: false, timeoutMs: 30 });
    const sdkErrors: Error[] = [];
    client.sdk.onerror = (e) => sdkErrors.push(e);
    const late = failure(client.call('echo', {}));
    const call = await nextCall(peer.calls, 1);
    expect(call.id).toEqual(expect.stringMatching(/^tx[\w-]{4}:\d+$/));
    // not idempotent, plain server: a timeout after sending leaves the outcome unknown
    expect(await late).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
    expect(peer.cancelled).toEqual([call.id]);
    call.reply({ content: [{ type: 'text', text: 'too late' }] });
    await new Promise((r) => setTimeout(r, 10));
    expect(sdkErrors).toEqual([]); // the SDK was never handed an answer to a request it did not send
    await client.sdk.ping();
    await client.close();
  });

  it('should fail a call in flight when the transport closes, as a closed connection', async () => {
    const peer = await handPeer();
    const client = await TxClient.connect(peer.clientSide, { retry: false });
    const call = failure(client.call('echo', {}));
    await nextCall(peer.calls, 1);
    await peer.serverSide.close();
    const error = await call;
    expect(error).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
    expect(error.cause).toMatchObject({ code: 'CONNECTION_CLOSED' });
    await client.close();
  });

  it('should fail a call whose send fails, without waiting for its timeout', async () => {
    const peer = await handPeer();
    const send = peer.clientSide.send.bind(peer.clientSide);
    peer.clientSide.send = (message, options) =>
      (message as { method?: string }).method === 'tools/call'
        ? Promise.reject(new Error('pipe broken'))
        : send(message, options);
    const client = await TxClient.connect(peer.clientSide, { retry: false, timeoutMs: 60_000 });
    const error = await failure(client.call('echo', {}));
    expect(error).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' }); // it may have been written
    expect((error.cause as Error).message).toMatch(/pipe broken/);
    await client.close();
  });

  it('should go through Client.callTool, checks and cancels included, when the SDK hides its lookups', async () => {
    const peer = await handPeer();
    const real = new Client({ name: 'old-sdk', version: '1.0.0' });
    await real.connect(peer.clientSide);
    await real.listTools(); // the SDK caches the output validators itself
    // an SDK client without the lookup (its own methods still work: they run on the real client)
    const sdk = new Proxy(real, {
      get(target, property) {
        if (property === 'getToolOutputValidator') return undefined;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const client = new TxClient(sdk, { retry: false, timeoutMs: 30 });

    const mismatched = failure(client.call('typed', {}, { timeoutMs: 5_000 })); // answered long before that
    const first = await nextCall(peer.calls, 1);
    expect(typeof first.id).toBe('number'); // the SDK's own request
    first.reply({ content: [], structuredContent: { n: 'one' } });
    expect(await mismatched).toMatchObject({ code: 'REQUEST_FAILED', rpcCode: ErrorCode.InvalidParams });

    const timedOut = failure(client.call('echo', {}));
    const second = await nextCall(peer.calls, 2);
    expect(await timedOut).toMatchObject({ code: 'AMBIGUOUS_OUTCOME' });
    expect(peer.cancelled).toEqual([second.id]);
    await client.close();
  });
});

describe('two TxClients wrapping one SDK client', () => {
  it('should each get the answers and ACKs of their own calls', async () => {
    const { server, log } = createToolServer({ hangs: 0 });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(withTxServer(serverSide, { ackDelayMs: 0 }));
    const first = await TxClient.connect(clientSide);
    const second = new TxClient(first.sdk);
    const acks: string[] = [];
    first.acks$.subscribe(() => acks.push('first'));
    second.acks$.subscribe(() => acks.push('second'));
    const [a, b] = await Promise.all([
      first.call('echo', { text: 'a' }, { timeoutMs: 2_000 }),
      second.call('echo', { text: 'b' }, { timeoutMs: 2_000 }),
    ]);
    expect([textOf(a), textOf(b)]).toEqual(['a', 'b']);
    expect(acks.sort()).toEqual(['first', 'second']);
    expect(log.runs.echo).toBe(2);
    await second.close();
  });
});

describe('ToolResultCheck', () => {
  it('should refuse a tool that requires task-based execution, as Client.callTool does', () => {
    const sdk = {
      _options: undefined,
      isToolTaskRequired: () => true,
      getToolOutputValidator: () => undefined,
    };
    const check = ToolResultCheck.of(sdk as unknown as Client);
    expect(() => check?.request('long')).toThrow(McpError);
    expect(() => check?.request('long')).toThrow(/requires task-based execution/);
  });

  it('should be unavailable when the SDK client lacks either lookup', () => {
    expect(ToolResultCheck.of({} as Client)).toBeUndefined();
    expect(ToolResultCheck.of({ isToolTaskRequired: () => false } as unknown as Client)).toBeUndefined();
  });

  it('should leave a client that enforces strict capabilities to Client.callTool', () => {
    const strict = new Client({ name: 'strict', version: '1.0.0' }, { enforceStrictCapabilities: true });
    expect(ToolResultCheck.of(strict)).toBeUndefined();
    expect(ToolResultCheck.of(new Client({ name: 'loose', version: '1.0.0' }))).toBeInstanceOf(
      ToolResultCheck,
    );
  });

  it("should turn an error response into the SDK's McpError", () => {
    const sdk = {
      _options: undefined,
      isToolTaskRequired: () => false,
      getToolOutputValidator: () => undefined,
    };
    const check = ToolResultCheck.of(sdk as unknown as Client) as ToolResultCheck;
    const error = { code: ErrorCode.InvalidParams, message: 'bad', data: { field: 'x' } };
    expect(() => check.result('t', { error })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidParams, data: { field: 'x' } }) as Error,
    );
  });
});
