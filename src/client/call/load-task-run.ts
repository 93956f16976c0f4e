import type * as TaskRunModule from './task-run.js';

// Apart from task-call.ts: the task run imports its TaskKit, so that task-call.ts and the task run
// would import each other if the loader sat there.

/**
 * Loads the task run (a dynamic `import()`; the module loader keeps it once loaded, and tries a
 * failed load again).
 *
 * @example
 * const { TaskRun } = await loadTaskRun();
 */
export function loadTaskRun(): Promise<typeof TaskRunModule> {
  return import('./task-run.js');
}
