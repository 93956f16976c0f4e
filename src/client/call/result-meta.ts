import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TX_KEY, decodeResultMeta, type TxResultMeta } from '../../protocol/index.js';

/**
 * Splits a tool result as it came off the wire into the tool's own result, without the server's
 * `_meta.mcp_tx` (other `_meta` members stay; an emptied `_meta` goes), and that meta decoded:
 * `undefined` from a plain server, or when it is malformed (the client then goes by what it saw).
 * `fallback` is the raw meta to read when the result has none (a task's result: the meta came
 * with the `CreateTaskResult`).
 *
 * @example
 * const { result, meta } = splitResultMeta(wire); // meta?.duplicate, meta?.attempts
 */
export function splitResultMeta(
  wire: CallToolResult,
  fallback?: unknown,
): {
  result: CallToolResult;
  meta: TxResultMeta | undefined;
} {
  const all = wire._meta;
  if (all === undefined || !(TX_KEY in all)) return { result: wire, meta: decode(fallback) };
  const meta = decode(all[TX_KEY]);
  // copied member by member: a rest spread (`{ _meta, ...rest }`) costs several times more, on every call
  let others: Record<string, unknown> | undefined;
  for (const key in all) if (key !== TX_KEY && Object.hasOwn(all, key)) (others ??= {})[key] = all[key];
  const result: Record<string, unknown> = {};
  for (const key in wire) if (key !== '_meta' && Object.hasOwn(wire, key)) result[key] = wire[key];
  if (others !== undefined) result._meta = others;
  return { result: result as CallToolResult, meta };
}

function decode(raw: unknown): TxResultMeta | undefined {
  try {
    return decodeResultMeta(raw);
  } catch {
    return undefined;
  }
}
