import type { GetTaskResult } from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerAction, Subscription } from 'rxjs';
import type { AttemptHost } from './attempt-host.js';
import type { CallContext, CallTask } from './call-context.js';
import type { TaskKit } from './task-call.js';
import type { TapWaiter, WireTap } from '../../sdk/client-internals.js';

/** The statuses a task does not leave. */
const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Emits the `task` event of `ctx`'s task when its status (or status message) is news. A status
 * older than the one known (a poll answered before a status notification that overtook it) or
 * after a terminal one is not news.
 *
 * @example
 * reportTask(TASK_KIT, host, ctx, { status: 'working' });
 */
export function reportTask(
  kit: TaskKit,
  host: AttemptHost,
  ctx: CallContext,
  update: GetTaskResult | undefined,
): void {
  const { watched, eventBase, publish } = kit;
  const task = ctx.task as CallTask;
  if (update !== undefined) {
    if (update.status === task.status && update.statusMessage === task.statusMessage) return;
    if (TERMINAL.has(task.status) || Date.parse(update.lastUpdatedAt) < Date.parse(task.lastUpdatedAt))
      return;
    task.status = update.status;
    task.lastUpdatedAt = update.lastUpdatedAt;
    task.statusMessage = update.statusMessage;
    if (update.pollInterval !== undefined) task.pollInterval = update.pollInterval;
  }
  if (!watched(host.events, ctx)) return;
  const base = eventBase(ctx, host.scheduler.now());
  const { taskId, status, statusMessage } = task;
  publish(
    host.events,
    ctx,
    statusMessage === undefined
      ? { type: 'task', ...base, taskId, status }
      : { type: 'task', ...base, taskId, status, statusMessage },
  );
}

/**
 * What a {@link TaskRun} needs of the runner it belongs to.
 *
 * @example
 * const owner: TaskOwner = runner; // an AttemptRunner
 */
export interface TaskOwner {
  readonly host: AttemptHost;
  /** The server accepted the current attempt of `ctx` (its ACK rode on a response). */
  acknowledge(ctx: CallContext): void;
  /** The runs being followed, by task id: status notifications are routed to them. */
  readonly tasks: Map<string, TaskRun>;
  /** The tap on the SDK client's transport, which sees status notifications. */
  readonly tap: WireTap;
}

/**
 * The task phase of a call (MCP tasks, spec 2025-11-25): polls `tasks/get` at the task's poll
 * interval (scheduler time), reports each new status (also as `notifications/tasks/status` tell
 * it), and once the task is terminal (or needs input) fetches `tasks/result`; each request is
 * bounded by the attempt timeout. A failed request fails the attempt with a retryable error, and
 * the retry resumes the same task by id.
 *
 * @example
 * const run = new TaskRun(runner, ctx, attempt, attempt, TASK_KIT);
 * run.start();
 * // attempt.settle({ result }) or attempt.settle(undefined, error); run.stop() on teardown
 */
export class TaskRun {
  #controller: AbortController | undefined = undefined;
  /** The wait before the next poll, while one runs. */
  #timer: Subscription | undefined = undefined;
  #stopped = false;

  constructor(
    private readonly owner: TaskOwner,
    private readonly ctx: CallContext,
    private readonly waiter: TapWaiter,
    private readonly request: { readonly timeoutMs: number; readonly ackExpected: boolean },
    private readonly kit: TaskKit,
  ) {}

  /**
   * Starts following the task (`created`: just now, else resumed): polls it now. A task without
   * an id or status fails the attempt.
   */
  start(created: boolean): void {
    const { owner, ctx } = this;
    const { taskId, status, meta } = ctx.task as CallTask;
    if (typeof taskId !== 'string' || typeof status !== 'string') {
      return this.#fail(
        new this.kit.McpError(
          this.kit.ErrorCode.InvalidParams,
          'invalid CreateTaskResult: no taskId or status',
        ),
      );
    }
    if (created) {
      // a withTxServer server's ACK may ride on the CreateTaskResult, as on a quick result
      if (meta !== undefined && !ctx.acked && this.request.ackExpected) owner.acknowledge(ctx);
      reportTask(this.kit, owner.host, ctx, undefined);
    }
    const { tasks, tap } = owner;
    tasks.set(taskId, this);
    tap.onTaskStatus ??= (params) => {
      const id = (params as { taskId?: unknown } | undefined)?.taskId;
      if (typeof id === 'string') tasks.get(id)?.notified(params);
    };
    this.poll();
  }

  /** Stops polling and waiting (the attempt ended or was torn down). */
  stop(): void {
    this.#stopped = true;
    this.#timer?.unsubscribe();
    this.#controller?.abort();
    const { tasks } = this.owner;
    const { taskId } = this.ctx.task as CallTask;
    if (tasks.get(taskId) === this) tasks.delete(taskId);
  }

  /** A `notifications/tasks/status` for the task: reported, and a terminal one polled at once. */
  notified(params: unknown): void {
    const parsed = this.kit.TaskSchema.safeParse(params);
    if (this.#stopped || !parsed.success) return;
    reportTask(this.kit, this.owner.host, this.ctx, parsed.data);
    if (this.#timer !== undefined && TERMINAL.has(parsed.data.status)) {
      this.#timer.unsubscribe();
      this.poll();
    }
  }

  /** One poll of `tasks/get`, then the result or the next poll. */
  poll(): void {
    this.#timer = undefined;
    this.#request('tasks/get', this.request.timeoutMs).then((value) => {
      if (this.#stopped) return;
      reportTask(this.kit, this.owner.host, this.ctx, value as GetTaskResult);
      // the freshest status known (a notification may have brought a newer one than this answer)
      const task = this.ctx.task as CallTask;
      if (task.status === 'cancelled') {
        return this.#fail(
          new this.kit.McpError(this.kit.ErrorCode.InvalidRequest, `task ${task.taskId} was cancelled`),
        );
      }
      if (TERMINAL.has(task.status)) return this.#result(this.request.timeoutMs);
      // input_required: tasks/result delivers the server's requests and waits for the end
      if (task.status === 'input_required') return this.#result(this.kit.MAX_TIMER_MS);
      const wait = Math.max(task.pollInterval ?? this.kit.DEFAULT_TASK_POLL_MS, 0);
      this.#timer = this.owner.host.scheduler.schedule(pollAgain, wait, this);
    }, this.#fail);
  }

  #result(timeoutMs: number): void {
    this.#request('tasks/result', timeoutMs).then((value) => {
      if (!this.#stopped) this.waiter.settle({ result: value });
    }, this.#fail);
  }

  readonly #fail = (error: unknown): void => {
    if (!this.#stopped) this.waiter.settle(undefined, error);
  };

  /** One task request, bounded by `timeoutMs` of scheduler time. */
  #request(method: 'tasks/get' | 'tasks/result', timeoutMs: number): Promise<unknown> {
    const { sdk, scheduler } = this.owner.host;
    const ctx = this.ctx;
    const controller = (this.#controller = new AbortController());
    const schema = method === 'tasks/get' ? this.kit.GetTaskResultSchema : this.kit.CallToolResultSchema;
    const params = { taskId: (ctx.task as CallTask).taskId };
    return new Promise((resolve, reject) => {
      const timer = scheduler.schedule(() => {
        controller.abort();
        reject(
          new this.kit.AttemptTimeoutError(`${ctx.tool}: no answer to ${method} within ${timeoutMs} ms`, {
            info: this.kit.errorInfo(ctx, scheduler.now()),
            acked: true,
          }),
        );
      }, timeoutMs);
      const timeout = Math.min(timeoutMs + 60_000, this.kit.MAX_TIMER_MS); // ours ends it first
      sdk
        .request({ method, params }, schema, { signal: controller.signal, timeout })
        .then(resolve, reject)
        .finally(() => timer.unsubscribe());
    });
  }
}

function pollAgain(this: SchedulerAction<TaskRun>, run?: TaskRun): void {
  run?.poll();
}

/**
 * Asks the server to cancel `ctx`'s task (the call was given up, or its deadline passed), best
 * effort: the answer is not awaited, and an error (a task already ended) is ignored.
 *
 * @example
 * if (!answered && ctx.task) cancelTask(TASK_KIT, host, ctx);
 */
export function cancelTask(kit: TaskKit, host: AttemptHost, ctx: CallContext): void {
  const task = ctx.task;
  if (!task || TERMINAL.has(task.status) || !host.sdk.transport) return;
  kit.cancelTaskOf(host.sdk, task.taskId).catch(() => undefined);
}
