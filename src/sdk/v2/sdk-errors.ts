import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { RPC_CONNECTION_CLOSED, RPC_INVALID_PARAMS, RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';

/**
 * A JSON-RPC error in the shape the client core's classifier recognises (`isSdkRpcError`: SDK
 * 1.x's `McpError`, by shape, so that no SDK 1.x need be installed): `name` `McpError`, the code,
 * the message prefixed as SDK 1.x prefixes it, the `data`, and the SDK v2 error it stands for as
 * `cause`.
 *
 * @example
 * throw new RpcError(-32600, 'no such task');
 */
export class RpcError extends Error {
  override readonly name = 'McpError';

  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    options?: ErrorOptions,
  ) {
    super(`MCP error ${code}: ${message}`, options);
  }
}

/** An HTTP failure in the shape the classifier recognises (`isSdkHttpError`), the SDK v2 error as `cause`. */
class HttpError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Streamable HTTP error: ${message}`, options);
  }
}

/**
 * A JSON-RPC error with `code`, `message` (the server's own words) and `data`, in the shape the
 * client core classifies.
 *
 * @example
 * throw rpcError(-32000, 'Connection closed');
 */
export function rpcError(code: number, message: string, data?: unknown, cause?: unknown): Error {
  return new RpcError(code, message, data, cause === undefined ? undefined : { cause });
}

/**
 * An SDK v2 error in the words the client core classifies (the shapes of SDK 1.x's errors, which
 * it recognises by shape; no SDK 1.x is loaded): a JSON-RPC error from the server
 * (`ProtocolError`, a NACK among them) keeps its code, message and data; the SDK's own timeout
 * and closed connection get their JSON-RPC codes; an HTTP status the HTTP shape (a 404 is a
 * session the server forgot); "not connected" the message the core recognises as "nothing was
 * sent". Each keeps the SDK v2 error as its `cause`. Anything else is passed on as it is (an
 * unknown outcome, as the core treats any failure after sending).
 *
 * @example
 * await sdk.callTool(params).catch((e: unknown) => { throw v1Error(e); });
 */
export function v1Error(error: unknown): unknown {
  if (ProtocolError.isInstance(error)) {
    // the shape prefixes "MCP error <code>: " itself: hand it the server's own words
    return rpcError(error.code, stripPrefix(error.message), error.data, error);
  }
  if (SdkHttpError.isInstance(error)) {
    return new HttpError(error.status, error.message, { cause: error });
  }
  if (SdkError.isInstance(error)) {
    switch (error.code) {
      case SdkErrorCode.RequestTimeout:
        return rpcError(RPC_REQUEST_TIMEOUT, error.message, error.data, error);
      case SdkErrorCode.ConnectionClosed:
        return rpcError(RPC_CONNECTION_CLOSED, error.message, error.data, error);
      case SdkErrorCode.NotConnected:
        return new Error('Not connected', { cause: error });
      case SdkErrorCode.InvalidResult:
        return rpcError(RPC_INVALID_PARAMS, error.message, error.data, error);
      default:
        return error;
    }
  }
  return error;
}

function stripPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+: /, '');
}
