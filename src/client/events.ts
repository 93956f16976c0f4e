import type { CallToolResult, TaskStatus } from '../protocol/mcp-types.js';
import type { CircuitState } from '../operators/index.js';
import type { NackReason, TxRequestMeta } from '../protocol/index.js';

/** The value a call emits: the tool's result plus what the reliability layer knows about it. */
export interface TxResult {
  /** One id per logical call, kept across retries. */
  requestId: string;
  /** The key the server deduplicated by. */
  idempotencyKey: string;
  /** The tool's `CallToolResult` (check `result.isError`), without the server's `_meta.mcp_tx`. */
  result: CallToolResult;
  /** The server acknowledged the request (from its `_meta.mcp_tx`; `false` against a plain server). */
  ack: boolean;
  /** The tool ran (now or, for a duplicate, earlier). */
  processed: boolean;
  /** The result is a replay of an earlier execution with the same idempotency key. */
  duplicate: boolean;
  /** The result came from the tool's result cache (or a concurrent identical call): no request was sent for it. */
  cached: boolean;
  /** Attempts this call made, the first included (a call answered from the client's cache or dedup window: those of the call it reused). */
  attempts: number;
  /**
   * Requests the server has received for this idempotency key so far, every call's attempts
   * included (its `_meta.mcp_tx.attempts`); absent from a plain server.
   */
  serverAttempts?: number;
  /**
   * Milliseconds from the call's start to its result: monotonic and sub-millisecond with the
   * default scheduler (`performance.now()`), the scheduler's time with any other (virtual time in tests).
   */
  latencyMs: number;
}

interface EventBase {
  /** Tool name. */
  tool: string;
  /** Request id of the logical call. */
  requestId: string;
  /** 0-based attempt. */
  attempt: number;
  /** Scheduler time of the event. */
  time: number;
}

/**
 * An attempt was sent. `meta` is undefined in fallback mode (plain MCP server).
 *
 * @example
 * client.requests$.subscribe((e) => e.queuedMs > 1_000 && console.warn(`${e.tool} waited ${e.queuedMs} ms for a slot`));
 */
export interface TxRequestEvent extends EventBase {
  type: 'request';
  idempotencyKey: string;
  meta: TxRequestMeta | undefined;
  /**
   * Milliseconds the call waited in the client's queue for a concurrency slot before its first
   * attempt (scheduler time; the same on every attempt of the call): time its deadline spent
   * before anything was sent.
   */
  queuedMs: number;
}

/** The server acknowledged an attempt. */
export interface TxAckEvent extends EventBase {
  type: 'ack';
}

/** The server refused an attempt without running the tool. */
export interface TxNackEvent extends EventBase {
  type: 'nack';
  reason: NackReason;
  retryable: boolean;
  retryAfterMs: number | undefined;
}

/**
 * A call got its result. A call answered without a request of its own (the dedup window, the
 * result cache) is a call of its own all the same: its own `requestId`, marked `deduplicated` or
 * `cached`, and `dedupOf` naming the call whose result it got (`result.requestId`), so that a
 * table of calls keyed by request id shows it as a row of its own.
 *
 * @example
 * client.responses$.subscribe((e) => rows.set(e.requestId, e.dedupOf ? `same as ${e.dedupOf}` : 'ran'));
 */
export interface TxResponseEvent extends EventBase {
  type: 'response';
  result: TxResult;
  /** Answered by the client's dedup window: a duplicate of a keyed call in flight or recently completed. */
  deduplicated?: true;
  /** Answered by the tool's result cache (a kept result, or an identical call in flight). */
  cached?: true;
  /** For a `deduplicated` or `cached` call: the request id of the call whose result it got. */
  dedupOf?: string;
}

/**
 * An attempt failed and another one is scheduled after `delayMs`. Its `attempt` is the 0-based
 * number of that next attempt (the one whose `request` event follows), so the attempt that failed
 * is `attempt - 1`, and `error` is its error.
 *
 * @example
 * client.events$.subscribe((e) => e.type === 'retry' && log(`attempt ${e.attempt + 1} in ${e.delayMs} ms`));
 */
export interface TxRetryEvent extends EventBase {
  type: 'retry';
  delayMs: number;
  error: unknown;
}

/**
 * The client's retry budget refused to retry the attempt that just failed (`attempt`): its tokens
 * were at or below half of `maxTokens`, most recent attempts having failed. The call fails now
 * with a `RetryBudgetExhaustedError` (an `isError` result that `retryOnResult` wanted retried is
 * returned instead), and no `retry` event follows.
 *
 * @example
 * client.events$.subscribe((e) => e.type === 'throttled' && log.warn(`${e.tool}: retries shed, ${e.tokens} tokens`));
 */
export interface TxThrottledEvent extends EventBase {
  type: 'throttled';
  /** The failed attempt's error, which a retry would have followed. */
  error: unknown;
  /** Tokens left in the budget. */
  tokens: number;
}

/** An attempt timed out. */
export interface TxTimeoutEvent extends EventBase {
  type: 'timeout';
  acked: boolean;
}

/**
 * The server reported progress of the call's current attempt (MCP `notifications/progress`). Sent
 * only for calls that ask for it: streamed ({@link TxClient.stream$}) or given `onProgress`.
 *
 * @example
 * client.stream$('index', {}).subscribe((e) => e.type === 'progress' && bar.update(e.progress));
 */
export interface TxProgressEvent extends EventBase {
  type: 'progress';
  /** Progress so far; increases with each notification. */
  progress: number;
  /** The total, when the server knows it. */
  total?: number;
  /** A human-readable status, when the server gives one. */
  message?: string;
}

/**
 * The call runs as an MCP task (spec 2025-11-25): the task was created, or its status changed.
 *
 * @example
 * client.stream$('render', {}).subscribe((e) => e.type === 'task' && console.log(e.taskId, e.status));
 */
export interface TxTaskEvent extends EventBase {
  type: 'task';
  /** The task's id on the server. */
  taskId: string;
  /** `working`, `input_required`, `completed`, `failed` or `cancelled`. */
  status: TaskStatus;
  /** The server's description of the status, if any. */
  statusMessage?: string;
}

/** A call failed for good. */
export interface TxFailureEvent extends EventBase {
  type: 'failure';
  error: unknown;
}

/**
 * The tool's circuit breaker changed state, caused by this call's attempt (`open` after a failure,
 * `half-open` when a call arrives after the reset timeout, `closed` after a probe's success).
 *
 * @example
 * client.events$.subscribe((e) => e.type === 'breaker' && alert(`${e.tool} circuit ${e.state}`));
 */
export interface TxBreakerEvent extends EventBase {
  type: 'breaker';
  state: CircuitState;
}

/**
 * One call's own events, as {@link TxClient.stream$} emits them: a tagged union that ends with
 * the `response` (a failed call errors the stream with its `TxError` instead).
 *
 * @example
 * client.stream$('index', {}).subscribe((e) => {
 *   if (e.type === 'progress') bar.update(e.progress);
 *   else if (e.type === 'response') bar.stop();
 * });
 */
export type TxCallEvent =
  | TxRequestEvent
  | TxAckEvent
  | TxNackEvent
  | TxProgressEvent
  | TxRetryEvent
  | TxThrottledEvent
  | TxTimeoutEvent
  | TxTaskEvent
  | TxResponseEvent;

/** Everything that happens to calls, as one tagged union (`client.events$`). */
export type TxEvent = TxCallEvent | TxFailureEvent | TxBreakerEvent;
