import type { CallToolRequest, CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { InternalsOf, TapResponse } from '../client-internals.js';
import { TransportTap } from '../v1/transport-tap.js';
import { RPC_CONNECTION_CLOSED } from '../../protocol/constants.js';
import { rpcError } from './sdk-errors.js';
import type { ClientView } from './client-view.js';
import { V2_TASK_KIT } from './task-kit.js';

/**
 * The `ClientInternals` of an SDK v2 client, seen through its view (`client-view.ts`):
 * attempts go through v2's public `callTool` (no checks made outside it: v2 keeps every check of
 * its own), the tap sits on the view's stand-in transport (which sends; it is handed no incoming
 * message), task calls and task requests go through the view (`tasks.ts`, the kit of
 * `task-kit.ts`), and the tools that require a task are those the view saw listed so. Nothing of
 * SDK v1 is loaded: a v2-only app runs `mcp-tx/v2` without it.
 *
 * @example
 * const core = new ClientCore(clientView(sdk), options, viewInternalsOf);
 */
export const viewInternalsOf: InternalsOf = (view, handlers) => ({
  tap: new TransportTap(handlers, () => rpcError(RPC_CONNECTION_CLOSED, 'Connection closed')),
  checks: undefined,
  result: resultOf,
  taskKit: V2_TASK_KIT,
  callTool: (params: CallToolRequest['params'], options) =>
    view.callTool(params, undefined, options) as Promise<CallToolResult>,
  taskRequired: (tool) => (view as unknown as ClientView).isToolTaskRequired(tool),
});

/** A response the tap got: its JSON-RPC error thrown as the core classifies it, else its result. */
function resultOf(_tool: string, { error, result }: TapResponse): CallToolResult {
  if (error !== undefined) throw rpcError(error.code, error.message, error.data);
  return result as CallToolResult;
}
