import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import {
  PROTOCOL_VERSION,
  NACK_CODE,
  NackError,
  OutcomeUnknownError,
  AttemptTimeoutError,
  decodeAck,
  encodeRequestMeta,
  type TxError,
  type TxRequestMeta,
} from '../../protocol/index.js';
import { ABANDONED, Attempt, CANCELLED, type AttemptOwner, type AttemptSink } from './attempt.js';
import { deadlineError, eventBase, publish, watched, type CallContext } from './call-context.js';
import { unpackResponse } from '../transports/compression.js';
import type { AttemptHost } from './attempt-host.js';
import type { ClientInternals, InternalsOf, ResultChecks, WireTap } from '../../sdk/client-internals.js';
import type { TaskKit } from './task-call.js';
import { loadTaskRun } from './load-task-run.js';
import type { TaskRun } from './task-run.js';

/**
 * The attempts of a client's calls: each {@link start} sends one request on
 * the SDK client's transport (checked as `Client.callTool` checks it; through `callTool` itself
 * for an SDK whose checks cannot be made outside it), bounded by the attempt timeout, and fails
 * with a classified `TxError`; ACKs (notifications, or carried on responses) are matched to the
 * attempt they name; cancelling an attempt tells the server whether a retry follows (a call
 * given up for good is marked `abandoned`, so that a `withTxServer` server stops its keyed
 * execution).
 *
 * @example
 * const attempts = new AttemptRunner(host, clientInternalsOf);
 * attempts.start(run); // run.attemptSucceeded(attempt, result) or run.attemptFailed(attempt, error)
 */
export class AttemptRunner implements AttemptOwner {
  /** Calls whose current attempt may still be ACKed, by request id. */
  readonly awaitingAck = new Map<string, CallContext>();
  /** The tasks being followed, by task id (a status notification is routed to its run). */
  readonly tasks = new Map<string, TaskRun>();
  readonly internals: ClientInternals;
  readonly tap: WireTap;
  readonly checks: ResultChecks | undefined;
  cancelBySignal = false;
  tasksThroughSdk = false;

  constructor(
    readonly host: AttemptHost,
    /** Makes the SDK client's internals (its major's), with the runner's handlers. */
    internalsOf: InternalsOf,
  ) {
    const internals = (this.internals = internalsOf(host.sdk, {
      ack: (params) => this.onAck(params),
      incoming: (message) => unpackResponse(message, host.maxInflatedBytes),
    }));
    this.tap = internals.tap;
    this.checks = internals.checks;
  }

  /**
   * Forgets a call that ended: no ACK is expected for it any more, and attempts of it that were
   * left running on the server for a retry are given up if it ended unanswered.
   */
  forget(ctx: CallContext, answered: boolean): void {
    this.awaitingAck.delete(ctx.requestId);
    // given up, or past its deadline: the task is cancelled (its run is loaded by then)
    // (best effort: a failed load is ignored, as a failed cancel is); a call has a task only
    // through an SDK client with a task kit
    if (!answered && ctx.task)
      void loadTaskRun().then(
        (run) => run.cancelTask(this.internals.taskKit as TaskKit, this.host, ctx),
        String,
      );
    if (answered || !ctx.unfinished) return;
    for (const { transport, id } of ctx.unfinished) this.tap.abandon(transport, id, CANCELLED);
  }

  /**
   * Starts the next attempt of `run`: sends the request once connected, bounds it by the attempt
   * timeout (scheduler time), and tells `run` how it ends, with a classified {@link TxError} if it
   * fails. `run` unsubscribes the attempt to stop waiting for it (the request is then cancelled
   * on the server).
   */
  start(run: CallContext & AttemptSink): void {
    const { scheduler } = this.host;
    const number = ++run.attempt;
    run.acked = false;
    const { maxTotalTimeoutMs } = run.policy;
    let timeoutMs = run.policy.timeoutMs;
    if (maxTotalTimeoutMs !== undefined && maxTotalTimeoutMs < timeoutMs) timeoutMs = maxTotalTimeoutMs;
    if (run.deadlineAt !== undefined) {
      const left = run.deadlineAt - scheduler.now();
      if (left <= 0) return run.attemptFailed(undefined, deadlineError(run, scheduler.now()));
      timeoutMs = Math.min(timeoutMs, left);
    }
    const server = this.host.server();
    const ackExpected = server?.features.includes('ack') ?? false;
    let params: CallToolRequest['params'] = { name: run.tool, arguments: run.args };
    let meta: TxRequestMeta | undefined;
    if (server) {
      meta = {
        version: PROTOCOL_VERSION,
        requestId: run.requestId,
        idempotencyKey: run.idempotencyKey,
        expectAck: ackExpected,
        retryCount: number,
        timeoutMs,
        deadline: run.deadlineAt,
      };
      const wire = encodeRequestMeta(meta, server.version);
      const packed = this.host.packer.pack(run, run.args, server);
      params = packed
        ? { name: run.tool, _meta: { mcp_tx: { ...wire, ...packed } } }
        : { name: run.tool, arguments: run.args, _meta: { mcp_tx: wire } };
    }
    if (run.taskRequest) params = { ...params, task: run.taskRequest };
    // the call's trace context rides in `_meta` (traceparent, tracestate), as the OTel MCP conventions say
    if (run.trace !== undefined) run.trace.inject((params._meta ??= {}));
    if (ackExpected && number === 0) this.awaitingAck.set(run.requestId, run);
    // an attempt that resumes the call's task sends no tools/call: its task events tell
    if (run.task === undefined && watched(this.host.events, run)) {
      publish(this.host.events, run, {
        type: 'request',
        ...eventBase(run, scheduler.now()),
        idempotencyKey: run.idempotencyKey,
        meta,
        queuedMs: run.queuedMs,
      });
    }
    // resetTimeoutOnProgress asks for progress too: without it, no progress would reset the timer
    const progress = run.watcher !== undefined || run.policy.resetTimeoutOnProgress;
    const attempt = new Attempt(this, run, params, timeoutMs, server, ackExpected, progress);
    run.started(attempt);
    attempt.start();
  }

  /** Counts a failed attempt's timeout or NACK, and emits its event when someone listens. */
  report(ctx: CallContext, error: TxError): void {
    const { recorder, events, scheduler } = this.host;
    if (error instanceof AttemptTimeoutError || error.cause instanceof AttemptTimeoutError) {
      recorder.timedOut(ctx.tool);
      if (watched(events, ctx))
        publish(events, ctx, { type: 'timeout', ...eventBase(ctx, scheduler.now()), acked: ctx.acked });
    } else if (error instanceof NackError || (error instanceof OutcomeUnknownError && isNack(error.cause))) {
      // an outcome_unknown NACK is typed apart (the tool may have run), but it is a NACK all the same
      const { reason, retryable, retryAfterMs } =
        error instanceof NackError
          ? error
          : { reason: 'outcome_unknown' as const, retryable: false, retryAfterMs: undefined };
      recorder.nacked(ctx.tool, reason);
      if (!watched(events, ctx)) return;
      const base = eventBase(ctx, scheduler.now());
      publish(events, ctx, { type: 'nack', ...base, reason, retryable, retryAfterMs });
    }
  }

  /**
   * Takes an ACK notification's params: acknowledges the attempt it names, if it is the current
   * one. `false` when it names no call of this client (another client on the same SDK client
   * may be waiting for it).
   */
  onAck(params: unknown): boolean {
    let ack;
    try {
      ack = decodeAck(params);
    } catch {
      return true; // malformed ACK: ignore it, the attempt timeout still bounds the call
    }
    const ctx = this.awaitingAck.get(ack.requestId);
    if (!ctx) return false;
    if (!ctx.acked && ack.retryCount === ctx.attempt) this.acknowledge(ctx); // else late or duplicate
    return true;
  }

  /**
   * The server accepted the current attempt of `ctx`, by notification or on its response (`tick`:
   * the duration clock's reading, if the caller has one).
   */
  acknowledge(ctx: CallContext, tick = this.host.elapsed()): void {
    ctx.acked = true;
    const { recorder, events, scheduler } = this.host;
    recorder.acked(ctx.tool, tick - ctx.sentAt);
    if (watched(events, ctx)) publish(events, ctx, { type: 'ack', ...eventBase(ctx, scheduler.now()) });
  }

  abortReason(ctx: CallContext): string {
    return ctx.idempotencyKey === ctx.requestId && this.#isFinal(ctx) ? ABANDONED : CANCELLED;
  }

  /**
   * Cancels (`notify`: by a notification of ours; else the SDK did, unmarked) attempt `id` of
   * `ctx`. When no attempt follows, the server is told the call is given up, so that it stops a
   * keyed execution; otherwise the attempt is remembered, to be given up if the call ends
   * unanswered.
   */
  cancelled(ctx: CallContext, transport: Transport | undefined, id: RequestId, notify: boolean): void {
    // Only a key of the client's own can be given up: a caller's key may come back in a later
    // call, which must then get the stored outcome, not run the tool again.
    const own = ctx.idempotencyKey === ctx.requestId;
    const final = own && this.#isFinal(ctx);
    if (notify) this.tap.cancel(transport, id, CANCELLED, final);
    else if (final) this.tap.abandon(transport, id, CANCELLED);
    if (own && !final) (ctx.unfinished ??= []).push({ transport, id });
  }

  /**
   * Whether no attempt will follow the one being cancelled: the caller gave the call up, its
   * deadline has passed, its attempts are spent, or its last error is not retried. Such a cancel
   * tells the server so (`ABANDONED_META`), and it may abort even a keyed call.
   */
  #isFinal(ctx: CallContext): boolean {
    if (ctx.abandoned || this.host.isClosed() || ctx.attempt + 1 >= ctx.policy.maxAttempts) return true;
    if (ctx.deadlineAt !== undefined && this.host.scheduler.now() >= ctx.deadlineAt) return true;
    const last = ctx.errors[ctx.errors.length - 1];
    return last !== undefined && !last.retryable;
  }
}

/** Whether `cause` is a NACK as it arrived (JSON-RPC error code -32000). */
function isNack(cause: unknown): boolean {
  return (cause as { code?: unknown } | undefined)?.code === NACK_CODE;
}
