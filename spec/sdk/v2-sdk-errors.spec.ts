// SDK v2's errors reach the client core in the shapes its classifier reads (SDK 1.x's, by shape),
// made without SDK 1.x, each keeping the SDK v2 error as its cause: what a user of mcp-tx/v2 sees
// in a typed error's cause chain.
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { classifyFailure, isSessionExpired } from '../../src/client/call/classify.js';
import { isSdkHttpError, isSdkRpcError } from '../../src/sdk/v1/sdk-errors.js';
import { v1Error } from '../../src/sdk/v2/sdk-errors.js';
import {
  AmbiguousOutcomeError,
  AttemptTimeoutError,
  ConnectionClosedError,
  NackError,
  RequestError,
} from '../../src/index.js';

const ctx = {
  info: { tool: 't', requestId: 'r', attempt: 0, elapsedMs: 0 },
  acked: false,
  sent: true,
  ackExpected: true,
  replaySafe: false,
};

describe('SDK v2 errors in the classifier’s shapes', () => {
  it('should keep a JSON-RPC error’s code, words and data, with the ProtocolError as cause', () => {
    const original = new ProtocolError(-32602, 'no such order', { field: 'id' });
    const shaped = v1Error(original) as Error & { code: number; data: unknown };
    expect(isSdkRpcError(shaped)).toBe(true);
    expect(shaped).toMatchObject({ name: 'McpError', code: -32602, data: { field: 'id' } });
    expect(shaped.message).toBe('MCP error -32602: no such order');
    expect(shaped.cause).toBe(original);
    const typed = classifyFailure(shaped, ctx);
    expect(typed).toBeInstanceOf(RequestError);
    expect(typed).toMatchObject({ rpcCode: -32602, data: { field: 'id' }, retryable: false });
    expect((typed.cause as Error).cause).toBe(original);
  });

  it('should make a NACK a NackError', () => {
    const data = { mcp_tx: { ack: false, processed: false, reason: 'overloaded', retryable: true } };
    const typed = classifyFailure(v1Error(new ProtocolError(-32000, 'mcp_tx: busy', data)), ctx);
    expect(typed).toBeInstanceOf(NackError);
    expect(typed).toMatchObject({ reason: 'overloaded', retryable: true });
  });

  it.each([
    [SdkErrorCode.RequestTimeout, -32001, AttemptTimeoutError],
    [SdkErrorCode.ConnectionClosed, -32000, ConnectionClosedError],
  ] as const)('should give the SDK’s %s its JSON-RPC code (%d)', (code, rpc, type) => {
    const original = new SdkError(code, 'gone');
    const shaped = v1Error(original) as Error & { code: number };
    expect(isSdkRpcError(shaped)).toBe(true);
    expect(shaped.code).toBe(rpc);
    expect(shaped.cause).toBe(original);
    // sent, ACK expected and none came: the tool did not start, the typed error itself is kept
    expect(classifyFailure(shaped, ctx)).toBeInstanceOf(type);
    expect(classifyFailure(shaped, { ...ctx, acked: true })).toBeInstanceOf(AmbiguousOutcomeError);
  });

  it('should make an HTTP status the HTTP shape, a 404 a lost session', () => {
    const original = new SdkHttpError(
      SdkErrorCode.ClientHttpNotImplemented,
      'Error POSTing to endpoint: gone',
      {
        status: 404,
      },
    );
    const shaped = v1Error(original) as Error & { code: number };
    expect(isSdkHttpError(shaped)).toBe(true);
    expect(shaped.code).toBe(404);
    expect(shaped.cause).toBe(original);
    expect(isSessionExpired(shaped)).toBe(true);
    expect(classifyFailure(shaped, ctx)).toBeInstanceOf(ConnectionClosedError);
  });

  it('should say "Not connected" for a request never sent, and pass anything else on as it is', () => {
    const notConnected = v1Error(new SdkError(SdkErrorCode.NotConnected, 'no transport')) as Error;
    expect(notConnected.message).toBe('Not connected');
    const other = new Error('boom');
    expect(v1Error(other)).toBe(other);
  });
});
