import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ClientInternals, ResultChecks, TapHandlers, TapResponse } from '../client-internals.js';
import { RPC_CONNECTION_CLOSED } from '../../protocol/constants.js';
import { TransportTap } from '../v1/transport-tap.js';
import type { ClientView } from './client-view.js';
import { HookedClient } from './hooked-client.js';
import { HookTap } from './hook-tap.js';
import { rpcError } from './sdk-errors.js';
import { V2_TASK_KIT } from './task-kit.js';

/**
 * A response's result, or its JSON-RPC error thrown in the shape the client core classifies.
 * The {@link HookTap} decoded and validated the result already, as SDK v2's request funnel does
 * (or `callTool` did, every check of its own made): the server's error is what is left.
 */
function resultOf(_tool: string, { error, result }: TapResponse): CallToolResult {
  if (error !== undefined) throw rpcError(error.code, error.message, error.data);
  return result as CallToolResult;
}

/** SDK v2's `callTool` refuses no tool for requiring a task: neither does `request` here. */
const HOOKED_CHECKS: ResultChecks = { request: () => undefined, result: resultOf };

/**
 * The `ClientInternals` of the SDK v2 client behind `view` (`client-view.ts`): the client core of
 * `mcp-tx/v2` is built with it. For a {@link HookedClient} (what `TxClient.connect` builds),
 * attempts are written on the connection through v2's protected hooks ({@link HookTap}); for
 * any other SDK v2 `Client` (one the app built, or an SDK without the hooks), they go through
 * v2's public `callTool` (every check of its own made), the tap sitting on the view's stand-in
 * transport (which sends; it is handed no incoming message). Task calls and task requests go
 * through the view (`tasks.ts`, the kit of `task-kit.ts`); the tools that require a task are
 * those the view saw listed so. Nothing of SDK 1.x is loaded: a v2-only app runs `mcp-tx/v2`
 * without it.
 *
 * @example
 * const core = new ClientCore(clientView(sdk), options, viewInternalsOf);
 */
export function viewInternalsOf(sdk: unknown, handlers: TapHandlers): ClientInternals {
  const view = sdk as ClientView;
  const hooked = view.client instanceof HookedClient;
  return {
    tap: hooked
      ? new HookTap(view.client as HookedClient, handlers)
      : new TransportTap(handlers, () => rpcError(RPC_CONNECTION_CLOSED, 'Connection closed')),
    checks: hooked ? HOOKED_CHECKS : undefined,
    result: resultOf,
    taskKit: V2_TASK_KIT,
    callTool: (params, options) => view.callTool(params, undefined, options) as Promise<CallToolResult>,
    taskRequired: (tool) => view.isToolTaskRequired(tool),
  };
}
