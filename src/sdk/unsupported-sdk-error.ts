/**
 * Thrown when the installed MCP SDK lacks something mcp-tx needs and has no public way around:
 * mcp-tx fails closed with this rather than dropping a check or a safeguard silently. Its
 * message names the SDK feature and what to do (usually: install an SDK of the supported range,
 * README "Dependencies").
 *
 * @example
 * try {
 *   limitMessages(transport, 1 << 20, refuse);
 * } catch (e) {
 *   if (isUnsupportedSdkError(e)) console.error(e.feature, e.message);
 * }
 */
export class UnsupportedSdkError extends Error {
  override readonly name = 'UnsupportedSdkError';
  /** Always `UNSUPPORTED_SDK`. */
  readonly code = 'UNSUPPORTED_SDK';
  /** Never retried: another attempt meets the same SDK. */
  readonly retryable = false;

  /**
   * @param feature - what mcp-tx looked for (`StdioServerTransport read buffer`, `experimental.tasks`, ...)
   * @param detail - why it is needed, and what to do
   */
  constructor(
    readonly feature: string,
    detail: string,
  ) {
    super(`mcp-tx: this @modelcontextprotocol/sdk has no ${feature}: ${detail}`);
  }
}

/**
 * Whether `error` is an {@link UnsupportedSdkError} (by its code, so that two copies of mcp-tx
 * agree).
 *
 * @example
 * if (isUnsupportedSdkError(e)) console.error(`upgrade @modelcontextprotocol/sdk: ${e.message}`);
 */
export function isUnsupportedSdkError(error: unknown): error is UnsupportedSdkError {
  return error instanceof Error && (error as { code?: unknown }).code === 'UNSUPPORTED_SDK';
}
