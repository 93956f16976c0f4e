import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CancelTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * Asks the server to cancel task `taskId`: through `client.experimental.tasks.cancelTask` where
 * this SDK has it, else through the public `Client.request` with the same `tasks/cancel` request
 * and result schema (what `cancelTask` sends in every SDK 1.x of the range).
 *
 * @example
 * await cancelTaskOf(sdk, task.taskId).catch(() => undefined); // best effort
 */
export function cancelTaskOf(sdk: Client, taskId: string): Promise<unknown> {
  const tasks = (sdk as { experimental?: { tasks?: { cancelTask?: unknown } } }).experimental?.tasks;
  if (typeof tasks?.cancelTask === 'function') {
    return (tasks.cancelTask as (id: string) => Promise<unknown>).call(tasks, taskId);
  }
  return sdk.request({ method: 'tasks/cancel', params: { taskId } }, CancelTaskResultSchema);
}
