import {
  CallToolResultSchema,
  ErrorCode,
  GetTaskResultSchema,
  McpError,
  TaskSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MAX_TIMER_MS } from '../../protocol/config-internals.js';
import { AttemptTimeoutError } from '../../protocol/errors.js';
import { DEFAULT_TASK_POLL_MS } from '../defaults.js';
import { errorInfo, eventBase, publish, watched } from './call-context.js';
import type { ClientInternals } from '../../sdk/client-internals.js';
import { cancelTaskOf } from '../../sdk/v1/tasks.js';

/**
 * What every call needs of MCP tasks, kept apart from the task run itself (`task-run.ts`), which
 * a page loads only once a call runs as a task (a dynamic `import()`, in `load-task-run.ts`: a
 * browser bundle makes it a chunk of its own).
 */

/**
 * What the task run takes from the modules a page has loaded already, handed to it rather than
 * imported: a bundler makes a shared chunk of every module that the page and a lazy chunk both
 * import, fetched up front on its own (the SDK's schemas and zod among them), and files
 * compressed apart weigh more than one (bench/fetched-bundle.ts).
 *
 * @example
 * new TaskRun(runner, ctx, attempt, attempt, TASK_KIT);
 */
export const TASK_KIT = {
  CallToolResultSchema,
  GetTaskResultSchema,
  TaskSchema,
  McpError,
  ErrorCode,
  MAX_TIMER_MS,
  DEFAULT_TASK_POLL_MS,
  AttemptTimeoutError,
  errorInfo,
  eventBase,
  publish,
  watched,
  cancelTaskOf,
};

/** {@link TASK_KIT}'s type. */
export type TaskKit = typeof TASK_KIT;

/**
 * What a call asks of a task (`params.task`): the caller's `task` option, else an empty request
 * for a tool the server listed with `taskSupport: 'required'`; `undefined`: a plain call.
 *
 * @example
 * taskRequestOf(internals, 'render', { ttlMs: 60_000 }); // { ttl: 60_000 }
 */
export function taskRequestOf(
  internals: ClientInternals,
  tool: string,
  option: { ttlMs?: number } | undefined,
): { ttl?: number | undefined } | undefined {
  if (option) return { ttl: option.ttlMs }; // undefined: the server's default (not sent)
  return internals.taskRequired(tool) ? {} : undefined;
}
