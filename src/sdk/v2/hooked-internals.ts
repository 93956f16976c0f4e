import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientInternals, ResultChecks, TapHandlers, TapResponse } from '../client-internals.js';
import { HookedClient } from './hooked-client.js';
import { HookTap } from './hook-tap.js';
import type { ClientView } from './client-view.js';

/**
 * The checks of a result the {@link HookTap} hands on: it decoded and validated it already, as
 * SDK v2's request funnel does (or `callTool` did, every check of its own made), so what is left
 * is the server's error, in the words of SDK v1's `McpError` the client core classifies. SDK v2's
 * `callTool` refuses no tool for requiring a task: neither does {@link ResultChecks.request} here.
 */
const HOOKED_CHECKS: ResultChecks = {
  request: () => undefined,
  result(_tool: string, { result, error }: TapResponse): CallToolResult {
    if (error !== undefined) throw McpError.fromError(error.code, error.message, error.data);
    return result as CallToolResult;
  },
};

/**
 * The {@link ClientInternals} of the SDK v2 client behind `view` when it is a {@link HookedClient}
 * (attempts written on the connection through its hooks, {@link HookTap}); `undefined` for any
 * other SDK v2 `Client` (one the app built), whose attempts keep the public `callTool`.
 *
 * @example
 * const internals = hookedInternalsOf(view, { ack: (p) => attempts.onAck(p), incoming: (m) => m });
 */
export function hookedInternalsOf(view: ClientView, handlers: TapHandlers): ClientInternals | undefined {
  const { client } = view;
  if (!(client instanceof HookedClient)) return undefined;
  return {
    tap: new HookTap(client, handlers),
    checks: HOOKED_CHECKS,
    callTool: (params, options) => view.callTool(params, undefined, options) as Promise<CallToolResult>,
    // as the view's SDK v1 lookup finds: SDK v2's client keeps no such lookup
    taskRequired: () => false,
  };
}
