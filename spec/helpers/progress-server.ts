import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { registerTools } from './majors/build-server.js';
import { answer, defineTool, type NeutralTool } from './majors/neutral-tool.js';

/** What the progress server's tools observed. */
export interface ProgressLog {
  /** The `progressToken` of each `index` run, in order (`undefined`: none was sent). */
  tokens: unknown[];
  /** Runs per tool (for task tools: tasks created). */
  runs: Record<string, number>;
  /** Ids of the tasks created, in order. */
  tasks: string[];
  /** Ids of the tasks whose work saw them cancelled. */
  cancelled: string[];
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A wait that does not keep the process alive (a task's background work outlives its test). */
const idle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A fresh, empty {@link ProgressLog}. */
export const newProgressLog = (): ProgressLog => ({ tokens: [], runs: {}, tasks: [], cancelled: [] });

/**
 * `index { steps, delayMs }`, described once for a server of either SDK major: `steps` progress
 * notifications (`progress: i, total: steps, message: 'run R step i'`), one every `delayMs`, then
 * answers `indexed steps (run R)`. It goes on after a cancel (a `withTxServer` execution left
 * running for a retry keeps reporting).
 */
export function indexTool(log: ProgressLog): NeutralTool {
  return defineTool(
    'index',
    { input: { steps: z.number(), delayMs: z.number() } },
    async ({ steps, delayMs }, ctx) => {
      const run = (log.runs.index = (log.runs.index ?? 0) + 1);
      log.tokens.push(ctx.meta?.progressToken);
      for (let i = 1; i <= steps; i++) {
        await wait(delayMs);
        await ctx.progress(i, steps, `run ${run} step ${i}`);
      }
      return answer(`indexed ${steps} (run ${run})`);
    },
  );
}

/**
 * An SDK v1 McpServer whose tools report progress, as MCP tools do:
 * - {@link indexTool};
 * - `render { ms, steps? }` (`taskSupport: 'required'`) and `convert { ms, steps? }` (`'optional'`):
 *   task tools registered with the SDK's experimental tasks API over its `InMemoryTaskStore`: each
 *   creates a task (poll interval 20 ms), works `ms` in the background (reporting `steps` progress
 *   notifications on the way when given a token), and stores `rendered|converted (task N)`.
 */
export function createProgressServer(
  options: { capabilities?: ServerCapabilities; taskStore?: InMemoryTaskStore; log?: ProgressLog } = {},
): {
  server: McpServer;
  log: ProgressLog;
  /** The server's task store (its `cleanup()` clears the timer it keeps per task). */
  taskStore: InMemoryTaskStore;
} {
  const taskStore = options.taskStore ?? new InMemoryTaskStore();
  const log: ProgressLog = options.log ?? newProgressLog();
  const server = new McpServer(
    { name: 'progress-server', version: '1.0.0' },
    {
      capabilities: {
        ...options.capabilities,
        tasks: { requests: { tools: { call: {} } }, cancel: {}, list: {} },
      },
      taskStore,
    },
  );
  registerTools(server, [indexTool(log)]);
  for (const [name, taskSupport, verb] of [
    ['render', 'required', 'rendered'],
    ['convert', 'optional', 'converted'],
  ] as const) {
    server.experimental.tasks.registerToolTask(
      name,
      { inputSchema: { ms: z.number(), steps: z.number().optional() }, execution: { taskSupport } },
      {
        createTask: async ({ ms, steps = 0 }, { taskStore, taskRequestedTtl, _meta, sendNotification }) => {
          const n = (log.runs[name] = (log.runs[name] ?? 0) + 1);
          const task = await taskStore.createTask({ ttl: taskRequestedTtl ?? 60_000, pollInterval: 20 });
          log.tasks.push(task.taskId);
          const progressToken = _meta?.progressToken;
          void (async () => {
            // progress of the task's work, under the token of the request that created it
            for (let i = 1; i <= steps; i++) {
              await idle(ms / (steps + 1));
              if (progressToken !== undefined) {
                const params = { progressToken, progress: i, total: steps };
                await sendNotification({ method: 'notifications/progress', params });
              }
            }
            await idle(steps > 0 ? ms / (steps + 1) : ms);
            const now = await taskStore.getTask(task.taskId);
            if (now.status === 'cancelled') return void log.cancelled.push(task.taskId);
            await taskStore.storeTaskResult(task.taskId, 'completed', {
              content: [{ type: 'text', text: `${verb} (task ${n})` }],
            });
          })().catch(() => undefined);
          return { task };
        },
        getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
        getTaskResult: async (_args, { taskId, taskStore }) =>
          (await taskStore.getTaskResult(taskId)) as { content: [] },
      },
    );
  }
  return { server, log, taskStore };
}
