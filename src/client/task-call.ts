import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/**
 * What every call needs of MCP tasks, kept apart from the task run itself (`task-run.ts`), which
 * a page loads only once a call runs as a task (a dynamic `import()`: a browser bundle makes it
 * a chunk of its own).
 */

let loading: Promise<typeof import('./task-run.js')> | undefined;

/**
 * Loads the task run once (a dynamic `import()`); a failed load may be tried again.
 *
 * @example
 * const { TaskRun } = await loadTaskRun();
 */
export function loadTaskRun(): Promise<typeof import('./task-run.js')> {
  return (loading ??= import('./task-run.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}

/**
 * What a call asks of a task (`params.task`): the caller's `task` option, else an empty request
 * for a tool the server listed with `taskSupport: 'required'`; `undefined`: a plain call.
 *
 * @example
 * taskRequestOf(sdk, 'render', { ttlMs: 60_000 }); // { ttl: 60_000 }
 */
export function taskRequestOf(
  sdk: Client,
  tool: string,
  option: { ttlMs?: number } | undefined,
): { ttl?: number } | undefined {
  if (option) return option.ttlMs === undefined ? {} : { ttl: option.ttlMs };
  // a private lookup of the SDK's client, filled by listTools (Client.callTool reads it too)
  const lookup = (sdk as unknown as { isToolTaskRequired?: (tool: string) => boolean }).isToolTaskRequired;
  return typeof lookup === 'function' && lookup.call(sdk, tool) ? {} : undefined;
}
