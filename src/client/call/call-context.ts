import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, RequestId, TaskStatus } from '@modelcontextprotocol/sdk/types.js';
import { DeadlineExceededError, TxError, type TxErrorInfo } from '../../protocol/errors.js';
import type { Sink } from '../rx-lite.js';
import type { TxCallEvent, TxEvent } from '../events.js';
import type { ResolvedPolicy } from '../resilience/policy.js';
import type { CallTrace } from '../../telemetry/hooks.js';

/**
 * Hears one call's own events (a `stream$` subscriber, an `onProgress` callback).
 *
 * @example
 * const watcher: CallWatcher = (event) => subscriber.next(event);
 */
export type CallWatcher = (event: TxCallEvent) => void;

/** Everything one logical call carries across its attempts. */
export interface CallContext {
  readonly tool: string;
  readonly args: Record<string, unknown> | undefined;
  readonly policy: ResolvedPolicy;
  readonly requestId: string;
  readonly idempotencyKey: string;
  readonly startedAt: number;
  /** The client's duration clock at the call's start (its latency is measured from it). */
  readonly startTick: number;
  /** Absolute deadline in scheduler time, if any. */
  readonly deadlineAt: number | undefined;
  /** 0-based number of the current attempt (-1 before the first). */
  attempt: number;
  /** How long the call waited for a concurrency slot, ms (scheduler time). */
  queuedMs: number;
  /** The server acknowledged the current attempt. */
  acked: boolean;
  /** When the current attempt was sent, on the client's duration clock (its time to ACK is measured from it). */
  sentAt: number;
  /** Every attempt's typed error, oldest first. */
  readonly errors: TxError[];
  /** The caller gave the call up (unsubscribed, aborted, or closed the client): no retry follows. */
  abandoned: boolean;
  /**
   * Attempts cancelled with a retry to follow (a keyed execution may still run for them on the
   * server), made only when there is one: if the call ends unanswered, each is given up.
   */
  unfinished: { readonly transport: Transport | undefined; readonly id: RequestId }[] | undefined;
  /** What the call asks of a task (`params.task` of its `tools/call`), for a call run as an MCP task. */
  readonly taskRequest: { ttl?: number | undefined } | undefined;
  /** The task the server created for the call, once it did: a retry resumes it by id, never creates another. */
  task: CallTask | undefined;
  /** Hears this call's own events; set for streamed calls and calls given `onProgress` (they ask for progress). */
  readonly watcher: CallWatcher | undefined;
  /** The call's trace, when the client has `telemetry`: it hears every event of the call. */
  readonly trace: CallTrace | undefined;
}

/** What a call is, as `CallRun` is made: the fields of its {@link CallContext} fixed at start. */
export type CallSpec = Pick<
  CallContext,
  | 'tool'
  | 'args'
  | 'policy'
  | 'requestId'
  | 'idempotencyKey'
  | 'startedAt'
  | 'startTick'
  | 'deadlineAt'
  | 'taskRequest'
  | 'watcher'
  | 'trace'
>;

/**
 * A call's MCP task as the server last described it (the wire's `Task`, checked when its run
 * starts), with the `_meta.mcp_tx` of the `CreateTaskResult` (a replay of a keyed call says
 * `duplicate`).
 *
 * @example
 * ctx.task = { ...createTaskResult.task, meta: createTaskResult._meta?.mcp_tx };
 */
export interface CallTask {
  readonly taskId: string;
  status: TaskStatus;
  statusMessage?: string | undefined;
  /** The server's time of the status (ISO 8601): an older one is stale. */
  lastUpdatedAt: string;
  /** How long to wait between two polls of its status, ms (the SDK's default when absent). */
  pollInterval?: number | undefined;
  readonly meta: unknown;
}

/** The `info` of errors raised for `ctx` at `now`. */
export function errorInfo(ctx: CallContext, now: number): TxErrorInfo {
  return {
    tool: ctx.tool,
    requestId: ctx.requestId,
    attempt: Math.max(ctx.attempt, 0),
    elapsedMs: now - ctx.startedAt,
  };
}

/** The `DeadlineExceededError` of `ctx` at `now`, recorded among its errors. */
export function deadlineError(ctx: CallContext, now: number): TxError {
  const error = new DeadlineExceededError(
    `${ctx.tool}: deadline exceeded after ${ctx.attempt + 1} attempt(s)`,
    {
      info: errorInfo(ctx, now),
      cause: ctx.errors[ctx.errors.length - 1],
      attemptErrors: [...ctx.errors],
    },
  );
  ctx.errors.push(error);
  return error;
}

/** Gives the final error of a call the list of every attempt's error. */
export function withAttemptErrors<E extends TxError>(error: E, errors: readonly TxError[]): E {
  if (errors.length > 1 || (errors.length === 1 && errors[0] !== error)) {
    Object.defineProperty(error, 'attemptErrors', { value: [...errors], enumerable: true });
  }
  return error;
}

/**
 * An `isError: true` result that the tool's `retryOnResult` asked to retry; if attempts run
 * out, the call emits the result itself rather than this error.
 */
export class RetryableResult extends TxError {
  override readonly name = 'RetryableResult';
  readonly code = 'RETRYABLE_RESULT';
  readonly retryable = true;
  constructor(
    readonly result: CallToolResult,
    info: TxErrorInfo,
  ) {
    super(`${info.tool}: tool returned an error result`, { info });
  }
}

/**
 * The fields every event of `ctx` carries, at `now`.
 *
 * @example
 * events.next({ type: 'ack', ...eventBase(ctx, scheduler.now()) });
 */
export function eventBase(
  ctx: CallContext,
  now: number,
): { tool: string; requestId: string; attempt: number; time: number } {
  return { tool: ctx.tool, requestId: ctx.requestId, attempt: Math.max(ctx.attempt, 0), time: now };
}

/**
 * Whether an event of `ctx` has anyone to hear it: a subscriber of `events$`, the call's own
 * watcher or its trace. Events are built only then (nothing is allocated while no one listens).
 *
 * @example
 * if (watched(events, ctx)) publish(events, ctx, { type: 'ack', ...eventBase(ctx, now) });
 */
export function watched(events: Sink<TxEvent>, ctx: CallContext): boolean {
  return events.observed || ctx.watcher !== undefined || ctx.trace !== undefined;
}

/**
 * Hands an event of `ctx` to `events$`, to the call's own watcher and to its trace.
 *
 * @example
 * if (watched(events, ctx)) publish(events, ctx, { type: 'ack', ...eventBase(ctx, scheduler.now()) });
 */
export function publish(events: Sink<TxEvent>, ctx: CallContext, event: TxCallEvent): void {
  if (events.observed) events.next(event);
  ctx.watcher?.(event);
  ctx.trace?.event(event);
}
