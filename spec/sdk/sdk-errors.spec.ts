import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { classifyFailure, isSessionExpired } from '../../src/client/call/classify.js';
import { isSdkHttpError, isSdkRpcError } from '../../src/sdk/v1/sdk-errors.js';
import { RequestError, ConnectionClosedError } from '../../src/index.js';

/**
 * An app's copy of the SDK has classes of its own: `instanceof McpError` is false for its errors.
 * These are stand-ins of that other copy's classes (same shape, other constructors).
 */
class OtherMcpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`MCP error ${code}: ${message}`);
    this.name = 'McpError';
  }
}
class OtherStreamableHTTPError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(`Streamable HTTP error: ${message}`);
  }
}

const ctx = {
  info: { tool: 't', requestId: 'r', attempt: 1, elapsedMs: 0 },
  acked: false,
  sent: true,
  ackExpected: true,
  replaySafe: false,
};

describe('SDK errors from any copy of the SDK', () => {
  it.each([
    ['this copy', new McpError(ErrorCode.InvalidParams, 'bad')],
    ['another copy', new OtherMcpError(ErrorCode.InvalidParams, 'bad')],
  ])("should classify an McpError of %s as the server's answer (RequestError)", (_copy, error) => {
    expect(isSdkRpcError(error)).toBe(true);
    const classified = classifyFailure(error, ctx);
    expect(classified).toBeInstanceOf(RequestError);
    expect(classified).toMatchObject({ rpcCode: ErrorCode.InvalidParams, retryable: false });
  });

  it.each([
    ['this copy', new StreamableHTTPError(404, 'Session not found')],
    ['another copy', new OtherStreamableHTTPError(404, 'Session not found')],
  ])('should see an expired HTTP session in a StreamableHTTPError of %s', (_copy, error) => {
    expect(isSdkHttpError(error)).toBe(true);
    expect(isSessionExpired(error)).toBe(true);
    expect(classifyFailure(error, ctx)).toBeInstanceOf(ConnectionClosedError);
  });

  it('should not take other errors for SDK errors', () => {
    const plain = Object.assign(new Error('MCP error -32602: bad'), { code: -32602 });
    expect(isSdkRpcError(plain)).toBe(false);
    expect(isSdkRpcError({ name: 'McpError', code: 1, message: 'x' })).toBe(false); // not an Error
    expect(isSdkHttpError(new Error('HTTP error: 404'))).toBe(false);
    expect(isSdkHttpError(Object.assign(new Error('Streamable HTTP error: x'), { code: '404' }))).toBe(false);
  });
});
