import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  McpError,
  type CallToolRequest,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { ClientInternals, TapHandlers } from '../client-internals.js';
import { TASK_KIT } from './task-kit.js';
import { ToolResultCheck, checkedResult } from './tool-result-check.js';
import { TransportTap } from './transport-tap.js';

/**
 * The {@link ClientInternals} of an SDK 1.x `Client`, detected once per TxClient (before it
 * connects: the members looked for are the client's own, set when it is built): the wire tap,
 * `callTool`'s checks when this SDK lets them be made outside it (else `undefined`, and attempts
 * take the public `callTool`), the public `callTool` in its 1.x form, and the task lookup.
 *
 * @example
 * const internals = clientInternalsOf(sdk, { ack: (params) => onAck(params), incoming: (m) => m });
 */
export function clientInternalsOf(sdk: Client, handlers: TapHandlers): ClientInternals {
  const checks = ToolResultCheck.of(sdk);
  return {
    tap: new TransportTap(handlers, () => new McpError(ErrorCode.ConnectionClosed, 'Connection closed')),
    checks,
    result: (tool, response) => checkedResult(checks, tool, response),
    taskKit: TASK_KIT,
    // SDK 1.x: (params, resultSchema, options); the default schema is CallToolResultSchema
    callTool: (params: CallToolRequest['params'], options: RequestOptions) =>
      sdk.callTool(params, undefined, options) as Promise<CallToolResult>,
    taskRequired: (tool: string) => isTaskRequired(sdk, tool),
  };
}

/**
 * Whether `tool` was listed with `execution.taskSupport: 'required'`, from the SDK client's own
 * cache filled by `listTools` (a private lookup `Client.callTool` reads too). `false` when this
 * SDK has no such lookup: the call then goes out plain, and a server that requires a task refuses
 * it with its own error (nothing is dropped: the server makes the check).
 *
 * @example
 * const task = isTaskRequired(sdk, 'render') ? {} : undefined;
 */
export function isTaskRequired(sdk: Client, tool: string): boolean {
  const lookup = (sdk as unknown as { isToolTaskRequired?: unknown }).isToolTaskRequired;
  return typeof lookup === 'function' && (lookup as (tool: string) => unknown).call(sdk, tool) === true;
}
