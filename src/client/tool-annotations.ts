import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type SchedulerLike, defer, lastValueFrom } from 'rxjs';
import { retryWithBackoff, type BackoffStrategy } from '../operators/index.js';

/** How {@link readToolSafety} bounds and retries each `tools/list` page. */
export interface ToolListConfig {
  /** Longest wait for one page, ms (the SDK's own default is 60 s). */
  readonly timeoutMs: number;
  /** Requests per page at most, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffStrategy;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
}

/**
 * Reads the server's tool list, page by page, and tells for each tool whether it is annotated
 * `readOnlyHint` or `idempotentHint` (safe to retry after an unknown outcome). Each page's
 * request is bounded by `timeoutMs` and, lost or timed out, sent again (listing is read-only):
 * a lost response costs one timeout, not the SDK's 60 s default.
 *
 * @example
 * const safe = await readToolSafety(sdk, { timeoutMs: 5_000, maxAttempts: 3, backoff, random: Math.random, scheduler });
 */
export async function readToolSafety(sdk: Client, config: ToolListConfig): Promise<Map<string, boolean>> {
  const { timeoutMs, maxAttempts, backoff, random, scheduler } = config;
  const safe = new Map<string, boolean>();
  let cursor: string | undefined;
  do {
    const params = cursor === undefined ? undefined : { cursor };
    const page = await lastValueFrom(
      defer(() => sdk.listTools(params, { timeout: timeoutMs })).pipe(
        retryWithBackoff({ maxAttempts, backoff, random, scheduler, shouldRetry: isTransient }),
      ),
    );
    for (const tool of page.tools) {
      const { readOnlyHint, idempotentHint } = tool.annotations ?? {};
      safe.set(tool.name, readOnlyHint === true || idempotentHint === true);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return safe;
}

/** A timeout is worth another request; a JSON-RPC error or a closed connection is not. */
function isTransient(error: unknown): boolean {
  return error instanceof McpError && error.code === ErrorCode.RequestTimeout;
}
