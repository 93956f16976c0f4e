/**
 * The SDK's error classes, recognised by shape rather than by `instanceof`: an app brings its own
 * copy of `@modelcontextprotocol/sdk` (a peer dependency), and a bundler or a nested install may
 * still leave two copies side by side, whose classes are distinct. `instanceof McpError` is false
 * for the other copy's errors, which were then classified as lost connections. The shapes below
 * are those of every SDK 1.x of the supported range (`McpError` sets its `name`;
 * `StreamableHTTPError` does not, and prefixes its message).
 */

/** A JSON-RPC error answer as the SDK throws it (`McpError`, and its subclasses). */
export interface SdkRpcError extends Error {
  /** The JSON-RPC error code (`ErrorCode`, or the server's own). */
  readonly code: number;
  /** The error's `data` member, as the server sent it. */
  readonly data?: unknown;
}

/** An HTTP error of the SDK's Streamable HTTP client transport (`StreamableHTTPError`). */
export interface SdkHttpError extends Error {
  /** The HTTP status, when there was a response. */
  readonly code: number | undefined;
}

const HTTP_ERROR_PREFIX = 'Streamable HTTP error: ';

/**
 * Whether `error` is an SDK `McpError` (or a subclass), from any copy of the SDK.
 *
 * @example
 * if (isSdkRpcError(e) && e.code === ErrorCode.RequestTimeout) retry();
 */
export function isSdkRpcError(error: unknown): error is SdkRpcError {
  return (
    error instanceof Error &&
    error.name === 'McpError' &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/**
 * Whether `error` is the SDK's `StreamableHTTPError`, from any copy of the SDK.
 *
 * @example
 * if (isSdkHttpError(e) && e.code === 404) reconnect(); // the server forgot the session
 */
export function isSdkHttpError(error: unknown): error is SdkHttpError {
  if (!(error instanceof Error) || !error.message.startsWith(HTTP_ERROR_PREFIX)) return false;
  const { code } = error as { code?: unknown };
  return code === undefined || typeof code === 'number';
}
