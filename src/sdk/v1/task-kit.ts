import {
  CallToolResultSchema,
  ErrorCode,
  GetTaskResultSchema,
  McpError,
  TaskSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MAX_TIMER_MS } from '../../protocol/config-internals.js';
import { AttemptTimeoutError } from '../../protocol/errors.js';
import { DEFAULT_TASK_POLL_MS } from '../../client/defaults.js';
import { errorInfo, eventBase, publish, watched } from '../../client/call/call-context.js';
import { cancelTaskOf } from './tasks.js';

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
