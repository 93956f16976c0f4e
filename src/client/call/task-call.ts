import type { ClientInternals, TaskKit } from '../../sdk/client-internals.js';

/**
 * What every call needs of MCP tasks, kept apart from the task run itself (`task-run.ts`), which
 * a page loads only once a call runs as a task (a dynamic `import()`, in `load-task-run.ts`: a
 * browser bundle makes it a chunk of its own). The task run's kit comes with the SDK client's
 * internals (SDK 1.x's: `src/sdk/v1/task-kit.ts`).
 */

export type { TaskKit };

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
