import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolRequest, CallToolResult, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerAction, Subscription, Unsubscribable } from 'rxjs';
import { whenSettled } from '../rx-lite.js';
import {
  ConnectionClosedError,
  AttemptTimeoutError,
  type TxCapability,
  type TxError,
} from '../../protocol/index.js';
import type { AttemptHost } from './attempt-host.js';
import {
  RetryableResult,
  errorInfo,
  eventBase,
  publish,
  type CallContext,
  type CallTask,
} from './call-context.js';
import { timeoutAfterProgress } from './attempt-progress.js';
import type { TxProgressEvent } from '../events.js';
import { classifyFailure, isSessionExpired } from './classify.js';
import { unpackResult } from '../transports/compression.js';
import type { TaskKit } from './task-call.js';
import { loadTaskRun } from './load-task-run.js';
import type { TaskRun } from './task-run.js';
import type {
  ClientInternals,
  ResultChecks,
  TapResponse,
  TapWaiter,
  WireTap,
} from '../../sdk/client-internals.js';
import { MAX_TIMER_MS } from '../../protocol/config-internals.js';
import { endpointOf } from '../../sdk/v1/transport-endpoint.js';

/** What an {@link Attempt} needs of the runner it belongs to. */
export interface AttemptOwner {
  readonly host: AttemptHost;
  readonly tap: WireTap;
  /** The SDK client's internals (the public `callTool` among them). */
  readonly internals: ClientInternals;
  /** `Client.callTool`'s checks, for requests the tap sends; `undefined`: attempts go through `callTool`. */
  readonly checks: ResultChecks | undefined;
  /** Cancel `callTool`'s requests through an AbortSignal each: the tap cannot see them go out. */
  cancelBySignal: boolean;
  /** Send task calls through `callTool` too (SDK v2's client view: the tap sees no answer). */
  readonly tasksThroughSdk: boolean;
  /** The server accepted the current attempt of `ctx` (its ACK rode on a response). */
  acknowledge(ctx: CallContext): void;
  /** The tasks being followed, by task id. */
  readonly tasks: Map<string, TaskRun>;
  /** Counts a failed attempt's timeout or NACK, and emits its event. */
  report(ctx: CallContext, error: TxError): void;
  /**
   * Why an attempt of `ctx` aborted through its signal is cancelled: {@link ABANDONED} when no
   * attempt follows and the key is the client's own (the SDK's `notifications/cancelled` then
   * gets the mark), else {@link CANCELLED}.
   */
  abortReason(ctx: CallContext): string;
  /** Cancels request `id` of `ctx` on the server (`notify`: by a notification of ours). */
  cancelled(ctx: CallContext, transport: Transport | undefined, id: RequestId, notify: boolean): void;
}

/** What an attempt sends, decided by the runner before it starts. */
export interface AttemptRequest {
  readonly params: CallToolRequest['params'];
  readonly timeoutMs: number;
  /** What the server advertised, `undefined` for a plain MCP server. */
  readonly server: TxCapability | undefined;
  /** The server would ACK this attempt. */
  readonly ackExpected: boolean;
  /** The call asks for progress: a `progressToken` goes with the request. */
  readonly withProgress: boolean;
}

/**
 * Hears how the attempts of a call end (the call's run): exactly one of its methods is called per
 * attempt, once.
 */
export interface AttemptSink {
  /** The attempt about to start (before it sends anything). */
  started(attempt: Attempt): void;
  /** The attempt answered with `result`. */
  attemptSucceeded(attempt: Attempt, result: CallToolResult): void;
  /** The attempt failed with `error` (`undefined`: no attempt could start). */
  attemptFailed(attempt: Attempt | undefined, error: TxError): void;
}

/**
 * One attempt of a call: sends the request once connected, bounds it by its timeout (scheduler
 * time), and tells the call's {@link AttemptSink} once, with the checked result or with a
 * classified {@link TxError}. Unsubscribing before the response stops waiting for it and cancels
 * the request on the server. One object holds the attempt's whole state and what it sends (no
 * closure per step), since every call in flight keeps one.
 *
 * @example
 * const attempt = new Attempt(owner, run, params, timeoutMs, server, ackExpected, false);
 * attempt.start();
 * // later, if the call no longer waits for it: attempt.unsubscribe()
 */
export class Attempt implements TapWaiter, Unsubscribable, AttemptRequest {
  #sent = false;
  #settled = false;
  /** The request is sent and has not answered. */
  #inFlight = false;
  #controller: AbortController | undefined = undefined;
  /** The transport the request went out on, and its JSON-RPC id there. */
  #sentOn: Transport | undefined = undefined;
  #sentId: RequestId | undefined = undefined;
  #timer: Subscription | undefined = undefined;
  /** When the attempt started, on the duration clock (progress may restart its timer, within `maxTotalTimeoutMs`). */
  #startedAt = 0;
  #waiting: Unsubscribable | undefined = undefined;
  /** The call's MCP task being followed, once created (or resumed). */
  #task: TaskRun | undefined = undefined;
  /** The attempt follows the call's task (its run may still be loading). */
  #following = false;

  constructor(
    private readonly owner: AttemptOwner,
    private readonly ctx: CallContext & AttemptSink,
    readonly params: CallToolRequest['params'],
    readonly timeoutMs: number,
    readonly server: TxCapability | undefined,
    readonly ackExpected: boolean,
    readonly withProgress: boolean,
  ) {}

  /** Starts the timeout, and sends now or once the connection is back (and the codec in, if loading). */
  start(): void {
    const { scheduler, packer, elapsed } = this.owner.host;
    this.#startedAt = elapsed();
    this.#timer = scheduler.schedule(timedOut, this.timeoutMs, this);
    // compression on and its codec still loading (`new TxClient` in a browser): send once it is in
    if (packer.ready)
      this.#waiting = whenSettled(
        packer.ready,
        () => this.#sendWhenConnected(),
        (error: unknown) => this.#fail(error),
      );
    else this.#sendWhenConnected(this.#startedAt);
  }

  /** Sends now (at `tick` of the duration clock, if it is still the time read) or once connected. */
  #sendWhenConnected(tick?: number): void {
    const { connection } = this.owner.host;
    const status = connection.current;
    if (status === 'connecting' || status === 'reconnecting') {
      this.#waiting = connection.whenConnected().subscribe({
        next: () => this.#send(),
        error: () => this.#failNotSent(),
      });
    } else {
      this.#send(tick);
    }
  }

  /**
   * The response to the request the tap sent, or why none will come (called by the tap); for a
   * task, its result or why the task phase failed (called by the task run: a retry resumes it).
   */
  settle(response: TapResponse | undefined, failure?: unknown): void {
    this.#inFlight = false;
    if (this.#settled) return;
    if (response === undefined) return this.#fail(failure);
    let result: CallToolResult;
    const created = this.ctx.taskRequest && (response.result as { task?: unknown } | undefined)?.task;
    if (typeof created === 'object' && created !== null) {
      // a CreateTaskResult: the call runs as a task (a copy of it, duplicated on the way, is not news)
      if (this.#following) return;
      const meta = (response.result as { _meta?: { mcp_tx?: unknown } })._meta?.mcp_tx;
      return this.#followTask({ ...(created as CallTask), meta });
    }
    try {
      result = this.owner.internals.result(this.ctx.tool, response);
    } catch (error) {
      return this.#fail(error);
    }
    this.#succeed(result);
  }

  /**
   * A progress notification of this attempt (called by the tap, or by `callTool`'s `onprogress`):
   * restarts the timeout if the policy says so (past `maxTotalTimeoutMs` the attempt times out
   * instead, as the SDK's request does), and becomes a `progress` event.
   */
  progress(params: Record<string, unknown>): void {
    const { progress, total, message } = params;
    // malformed (no numeric progress): ignored, the attempt timeout still bounds the attempt
    if (this.#settled || typeof progress !== 'number') return;
    const { ctx, owner } = this;
    const { scheduler, events } = owner.host;
    const now = scheduler.now();
    // a task's run is bounded per task request, not by this timer
    if (ctx.policy.resetTimeoutOnProgress && !this.#following) {
      const left = timeoutAfterProgress(ctx.policy, this.#startedAt, owner.host.elapsed());
      this.#timer?.unsubscribe();
      if (left === undefined) return this.timeout();
      this.#timer = scheduler.schedule(timedOut, left, this);
    }
    const event: TxProgressEvent = { type: 'progress', ...eventBase(ctx, now), progress };
    if (typeof total === 'number') event.total = total;
    if (typeof message === 'string') event.message = message;
    publish(events, ctx, event);
  }

  /** The attempt timeout passed without an answer. */
  timeout(): void {
    if (this.#settled) return;
    const { ctx } = this;
    this.#fail(
      new AttemptTimeoutError(`${ctx.tool}: no response within ${this.timeoutMs} ms`, {
        info: errorInfo(ctx, this.owner.host.scheduler.now()),
        acked: ctx.acked,
      }),
    );
  }

  /** Teardown: stops the timer and any wait, and cancels a request still in flight. */
  unsubscribe(): void {
    this.#timer?.unsubscribe();
    this.#waiting?.unsubscribe();
    if (this.#following) {
      this.#task?.stop(); // the task itself is cancelled when the call ends unanswered
      if (this.#sentId !== undefined) this.owner.tap.unfollow(this.#sentId);
    }
    if (!this.#inFlight) return;
    this.#settled = true; // cancelled by the caller, a deadline, a timeout or a retry
    this.#inFlight = false;
    if (this.#controller) this.#controller.abort(this.owner.abortReason(this.ctx));
    else if (this.#sentId !== undefined) this.owner.cancelled(this.ctx, this.#sentOn, this.#sentId, true);
  }

  #send(tick?: number): void {
    const { owner, ctx } = this;
    const { host, tap, checks } = owner;
    const transport = host.sdk.transport;
    // Nothing can be sent (the connection is gone): the call fails as never sent, at once.
    if (!transport) return this.#failNotSent();
    this.#sent = true;
    ctx.sentAt = tick ?? host.elapsed();
    host.recorder.attemptSent(ctx.tool, ctx.attempt);
    if (ctx.task) return this.#followTask(); // resumed by id: no second task
    this.#sentOn = transport;
    tap.attach(transport);
    // a task call goes through the tap whatever its checks: callTool would refuse or not follow
    // it (but SDK v2's client view sends it, and the task's requests, through tasks of its own)
    if (ctx.taskRequest ? owner.tasksThroughSdk : !checks) return this.#sendThroughSdk();
    try {
      if (!ctx.taskRequest) checks?.request(ctx.tool);
    } catch (error) {
      return this.#fail(error);
    }
    this.#inFlight = true;
    this.#sentId = tap.request(this.params, this, this.withProgress);
    ctx.trace?.sent(this.#sentId, transport.sessionId);
  }

  /**
   * Follows the call's task (just created, or resumed after a failed attempt): the attempt
   * timeout now bounds each task request instead of the whole run, which may take far longer.
   */
  #followTask(created?: CallTask): void {
    const { ctx, owner } = this;
    this.#timer?.unsubscribe();
    this.#following = true;
    if (created) {
      ctx.task = created;
      // the server may report progress of the task under this attempt's token, and a lost
      // connection ends the wait at once
      if (this.#sentId !== undefined) owner.tap.follow(this.#sentId, this);
    }
    // the task run is loaded on first use (in a browser bundle, a chunk of its own)
    this.#waiting = whenSettled(
      loadTaskRun(),
      ({ TaskRun }) => {
        // only an SDK client with a task kit is answered with a task: the tap of one without (SDK v2's
        // view) never hands a response back
        this.#task = new TaskRun(owner, ctx, this, this, owner.internals.taskKit as TaskKit);
        this.#task.start(created !== undefined);
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** Through `Client.callTool`: its timer is set past the attempt timeout, which ends the attempt first. */
  #sendThroughSdk(): void {
    const { owner } = this;
    this.#inFlight = true;
    const { timeoutMs, withProgress: progress } = this;
    // progress may restart our timer: the SDK's is then set past any restart
    const timeout = progress ? MAX_TIMER_MS : Math.min(timeoutMs + 60_000, MAX_TIMER_MS);
    if (owner.cancelBySignal) this.#controller = new AbortController();
    const options = { signal: this.#controller?.signal, timeout } as RequestOptions;
    if (progress) options.onprogress = (p) => this.progress(p);
    owner.internals.callTool(this.params, options).then(
      (value) => {
        if (this.ctx.taskRequest) return this.settle({ result: value } as TapResponse);
        this.#inFlight = false;
        this.#succeed(value);
      },
      (error: unknown) => {
        this.#inFlight = false;
        this.#fail(error);
      },
    );
    this.#sentId = owner.tap.takeSentId();
    if (this.#sentId !== undefined) this.ctx.trace?.sent(this.#sentId, owner.host.sdk.transport?.sessionId);
    // The request went out without passing the tap (another transport wrapper?): cancel
    // through AbortSignals from now on.
    if (!this.#controller && this.#inFlight && this.#sentId === undefined) owner.cancelBySignal = true;
  }

  /** Nothing was (or can be) sent: the connection is gone; the error says why it closed. */
  #failNotSent(): void {
    const { ctx, owner } = this;
    const { connection, scheduler } = owner.host;
    const info = errorInfo(ctx, scheduler.now());
    const { message, cause } =
      connection.current === 'closed'
        ? connection.closedReason
        : { message: 'not connected', cause: undefined };
    this.#fail(new ConnectionClosedError(`${ctx.tool}: ${message}`, { info, cause }));
  }

  #succeed(value: CallToolResult): void {
    if (this.#settled) return;
    const { ctx, owner } = this;
    const { scheduler, maxInflatedBytes } = owner.host;
    let result: CallToolResult;
    try {
      result = unpackResult(value, maxInflatedBytes, () => errorInfo(ctx, scheduler.now()));
    } catch (error) {
      return this.#fail(error);
    }
    if (result.isError && ctx.policy.retryOnResult?.(result)) {
      return this.#fail(new RetryableResult(result, errorInfo(ctx, scheduler.now())));
    }
    this.#settled = true;
    this.ctx.attemptSucceeded(this, result);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    const { ctx, owner } = this;
    const { host } = owner;
    const typed =
      error instanceof RetryableResult
        ? error
        : classifyFailure(error, {
            info: errorInfo(ctx, host.scheduler.now()),
            acked: ctx.acked,
            sent: this.#sent,
            ackExpected: this.ackExpected,
            // once the task exists, a retry resumes it: it cannot run the tool twice
            replaySafe: ctx.task !== undefined || host.replaySafe(ctx, this.server),
            endpoint: endpointOf(this.#sentOn),
          });
    // the session is lost (a 404, or a gateway's 502-504): a new one, before the retry is scheduled;
    // a transport without a session (the stateless protocols) has none to lose, and stays as it is
    if (isSessionExpired(error) && (this.#sentOn ?? host.sdk.transport)?.sessionId)
      host.connection.restart(typed);
    ctx.errors.push(typed);
    owner.report(ctx, typed);
    ctx.attemptFailed(this, typed);
  }
}

/** The reason given to the server for every cancel of an attempt. */
export const CANCELLED = 'cancelled by mcp-tx (timeout, deadline or unsubscribe)';

/**
 * The reason an attempt's `AbortSignal` is aborted with when the call is given up for good (its
 * key the client's own): the SDK v2 room marks the `notifications/cancelled` that carries it.
 */
export const ABANDONED = 'abandoned by mcp-tx';

/** The attempt timer's work (a plain function, so that scheduling it allocates no closure). */
function timedOut(this: SchedulerAction<Attempt>, attempt?: Attempt): void {
  attempt?.timeout();
}
