import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';
import { isSdkRpcError } from '../../sdk/v1/sdk-errors.js';

/**
 * Reads the server's tool list, page by page, and tells for each tool whether it is annotated
 * `readOnlyHint` or `idempotentHint` (safe to retry after an unknown outcome). Each page's
 * request is bounded by `timeoutMs` and, timed out (lost, or its answer lost), sent again at
 * once, up to `maxAttempts` requests (listing is read-only): a lost response costs one timeout,
 * not the SDK's 60 s default.
 *
 * @example
 * const safe = await readToolSafety(sdk, 5_000, 3); // Map { 'search' => true, 'charge' => false }
 */
export async function readToolSafety(
  sdk: Client,
  timeoutMs: number,
  maxAttempts: number,
): Promise<Map<string, boolean>> {
  const safe = new Map<string, boolean>();
  let cursor: string | undefined;
  do {
    const params = cursor === undefined ? undefined : { cursor };
    let page;
    for (let attempt = 1; !page; attempt++) {
      try {
        page = await sdk.listTools(params, { timeout: timeoutMs });
      } catch (error) {
        // a JSON-RPC error or a closed connection is an answer; only a timeout is worth another request
        const timedOut = isSdkRpcError(error) && error.code === RPC_REQUEST_TIMEOUT;
        if (!timedOut || attempt >= maxAttempts) throw error;
      }
    }
    for (const tool of page.tools) {
      const { readOnlyHint, idempotentHint } = tool.annotations ?? {};
      safe.set(tool.name, readOnlyHint === true || idempotentHint === true);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return safe;
}
