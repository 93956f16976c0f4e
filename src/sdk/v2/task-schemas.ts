import type { StandardSchemaV1 } from '@modelcontextprotocol/client';

/** A task as `tasks/get` describes it (spec 2025-11-25's `Task`; SDK v2 2.4 registers no schema for it). */
export interface Task {
  readonly taskId: string;
  readonly status: 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
  readonly createdAt: string;
  readonly lastUpdatedAt: string;
  readonly ttl?: number | null;
  readonly pollInterval?: number;
  readonly statusMessage?: string;
}

/** A Standard Schema SDK v2's `request` takes, which the task run may also `safeParse`. */
export interface CheckedSchema<T> extends StandardSchemaV1<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

const STATUSES = new Set(['working', 'input_required', 'completed', 'failed', 'cancelled']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with `value` as a {@link Task}, or `undefined`. */
function taskIssue(value: unknown): string | undefined {
  if (!isObject(value)) return 'a task must be an object';
  const { taskId, status, createdAt, lastUpdatedAt, ttl, pollInterval, statusMessage } = value;
  if (typeof taskId !== 'string') return 'taskId must be a string';
  if (typeof status !== 'string' || !STATUSES.has(status))
    return `status ${String(status)} is not a task status`;
  if (typeof createdAt !== 'string' || typeof lastUpdatedAt !== 'string')
    return 'createdAt and lastUpdatedAt must be strings';
  if (ttl !== undefined && ttl !== null && typeof ttl !== 'number') return 'ttl must be a number or null';
  if (pollInterval !== undefined && typeof pollInterval !== 'number') return 'pollInterval must be a number';
  if (statusMessage !== undefined && typeof statusMessage !== 'string')
    return 'statusMessage must be a string';
  return undefined;
}

function checked<T>(issue: (value: unknown) => string | undefined): CheckedSchema<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-tx',
      validate: (value: unknown) => {
        const message = issue(value);
        return message === undefined ? { value: value as T } : { issues: [{ message }] };
      },
    },
    safeParse: (value: unknown) =>
      issue(value) === undefined ? { success: true, data: value as T } : { success: false },
  };
}

/**
 * The task schemas of mcp-tx/v2's task requests, written out as Standard Schemas rather than with
 * zod: importing zod's `z` brings every locale into a browser page (`any-value.ts`). `TASK`
 * checks a 2025-11-25 `Task` (unknown members kept); `ANY_OBJECT` any JSON object (a
 * `CreateTaskResult`, a tool's result, checked further by the client core).
 *
 * @example
 * const task = await client.request({ method: 'tasks/get', params: { taskId } }, TASK);
 */
export const TASK: CheckedSchema<Task> = checked<Task>(taskIssue);

/** @see {@link TASK} */
export const ANY_OBJECT: CheckedSchema<Record<string, unknown>> = checked((value) =>
  isObject(value) ? undefined : 'expected an object',
);
