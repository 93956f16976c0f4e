import type { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { MAX_TIMER_MS } from '../../protocol/config-internals.js';
import { RPC_INVALID_PARAMS, RPC_INVALID_REQUEST } from '../../protocol/constants.js';
import { AttemptTimeoutError } from '../../protocol/errors.js';
import { DEFAULT_TASK_POLL_MS } from '../../client/defaults.js';
import { errorInfo, eventBase, publish, watched } from '../../client/call/call-context.js';
import type { TaskKit } from '../client-internals.js';
import { RpcError } from './sdk-errors.js';
import { ANY_OBJECT, TASK } from './task-schemas.js';

/**
 * Asks the server to cancel task `taskId` through SDK v2's client view, whose `request` sends the
 * task requests with schemas of its own (`tasks.ts`).
 */
function cancelTaskOf(view: ClientV1, taskId: string): Promise<unknown> {
  return view.request({ method: 'tasks/cancel', params: { taskId } }, undefined as never);
}

/**
 * The task run's kit for an SDK v2 client's view (SDK 1.x's is `src/sdk/v1/task-kit.ts`), made
 * of the view's own pieces so that no SDK 1.x is loaded: the 2025-11-25 `Task` schema of
 * `tasks.ts` for `tasks/get` and status notifications, the view's `request` (which checks the
 * task requests' results itself) and JSON-RPC errors in the shape the core classifies.
 *
 * @example
 * const internals = { ...viewInternals, taskKit: V2_TASK_KIT };
 */
export const V2_TASK_KIT = {
  CallToolResultSchema: ANY_OBJECT, // unused: the view's request checks with schemas of its own
  GetTaskResultSchema: TASK,
  TaskSchema: TASK,
  McpError: RpcError,
  ErrorCode: { InvalidParams: RPC_INVALID_PARAMS, InvalidRequest: RPC_INVALID_REQUEST },
  MAX_TIMER_MS,
  DEFAULT_TASK_POLL_MS,
  AttemptTimeoutError,
  errorInfo,
  eventBase,
  publish,
  watched,
  cancelTaskOf,
} as unknown as TaskKit; // the same members, typed by SDK 1.x's kit
