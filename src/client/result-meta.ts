import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TX_KEY, decodeResultMeta, type TxResultMeta } from '../protocol/index.js';

/**
 * Splits a tool result as it came off the wire into the tool's own result, without the server's
 * `_meta.mcp_tx` (other `_meta` members stay; an emptied `_meta` goes), and that meta decoded:
 * `undefined` from a plain server, or when it is malformed (the client then goes by what it saw).
 *
 * @example
 * const { result, meta } = splitResultMeta(wire); // meta?.duplicate, meta?.attempts
 */
export function splitResultMeta(wire: CallToolResult): {
  result: CallToolResult;
  meta: TxResultMeta | undefined;
} {
  const all = wire._meta;
  if (all === undefined || !(TX_KEY in all)) return { result: wire, meta: undefined };
  const { [TX_KEY]: tx, ...others } = all;
  let meta: TxResultMeta | undefined;
  try {
    meta = decodeResultMeta(tx);
  } catch {
    meta = undefined;
  }
  const { _meta: _all, ...rest } = wire;
  const result: CallToolResult = Object.keys(others).length > 0 ? { ...rest, _meta: others } : rest;
  return { result, meta };
}
