import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';

/**
 * An SDK v2 error in the words the client core classifies (`classify.ts` reads SDK v1's): a JSON-RPC
 * error from the server (`ProtocolError`, a NACK among them) becomes an `McpError` with the same
 * code, message and data; the SDK's own timeout and closed connection their `McpError` codes; an
 * HTTP status a `StreamableHTTPError` (a 404 is a session the server forgot); "not connected" the
 * message the core recognises as "nothing was sent". Anything else is passed on as it is (an
 * unknown outcome, as the core treats any failure after sending).
 *
 * @example
 * await sdk.callTool(params).catch((e: unknown) => { throw v1Error(e); });
 */
export function v1Error(error: unknown): unknown {
  if (ProtocolError.isInstance(error)) {
    // the v1 class prefixes "MCP error <code>: " itself: hand it the server's own words
    return new McpError(error.code, stripPrefix(error.message), error.data);
  }
  if (SdkHttpError.isInstance(error)) {
    return new StreamableHTTPError(error.status, error.message);
  }
  if (SdkError.isInstance(error)) {
    switch (error.code) {
      case SdkErrorCode.RequestTimeout:
        return new McpError(ErrorCode.RequestTimeout, error.message, error.data);
      case SdkErrorCode.ConnectionClosed:
        return new McpError(ErrorCode.ConnectionClosed, error.message, error.data);
      case SdkErrorCode.NotConnected:
        return new Error('Not connected', { cause: error });
      case SdkErrorCode.InvalidResult:
        return new McpError(ErrorCode.InvalidParams, error.message, error.data);
      default:
        return error;
    }
  }
  return error;
}

function stripPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+: /, '');
}
