import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerAction, Subscriber, Subscription, Unsubscribable } from 'rxjs';
import type { CircuitBreaker } from '../../operators/index.js';
import { isTxError, type TxError } from '../../protocol/index.js';
import type { Attempt, AttemptSink } from './attempt.js';
import type { AttemptRunner } from './attempt-runner.js';
import {
  RetryableResult,
  deadlineError,
  withAttemptErrors,
  type CallContext,
  type CallSpec,
  type CallTask,
  type CallWatcher,
} from './call-context.js';
import type { QueuedCall } from './call-queue.js';
import { enterBreaker, reportBreaker, reportRetry, retryDelay, type RetryHost } from './call-retry.js';
import { callExtras } from '../resilience/call-extras-loader.js';
import type { CallExtras } from '../resilience/call-extras.js';
import type { TxResult } from '../events.js';
import type { ResolvedPolicy } from '../resilience/policy.js';
import type { ToolResilience } from '../resilience/tool-resilience.js';
import type { CallTrace } from '../../telemetry/hooks.js';

/** What a {@link CallRun} needs of the client it belongs to. */
export interface RunHost extends RetryHost {
  readonly attempts: AttemptRunner;
  readonly resilience: ToolResilience;
  /** The caller's result for the answer `result` of `run` (which it stamps with {@link CallRun.answeredTick}). */
  toTxResult(run: CallRun, result: CallToolResult): TxResult;
  /** The call of `ctx` failed for good with `error` (before its caller hears of it). */
  failed(ctx: CallContext, error: unknown): void;
  /** The call of `run` ended, however (its caller is done or gone). */
  ended(run: CallRun): void;
  /** `run` gives its concurrency slot back. */
  release(run: CallRun): void;
}

/**
 * One call from the caller's subscription (or promise) to its end, fused into one object: its
 * context, its place in the queue, its attempts with the tool's circuit breaker around each,
 * retries with backoff over them and the call's deadline over everything, all timed on the
 * client's scheduler. It does what `boundedMergeMap`, `retryWithBackoff`, `deadline` and
 * `circuitBreaker` do for a call, in the same order and on the same scheduler actions (the same
 * specs pass), without a subscriber, a closure and a teardown array per operator per call.
 *
 * @example
 * const run = new CallRun(host, spec, subscriber);
 * queue.add(run);  // run.run(closed) once a slot is free
 * return run;      // the caller's teardown
 */
export class CallRun implements CallContext, AttemptSink, QueuedCall, Unsubscribable {
  readonly tool: string;
  readonly args: Record<string, unknown> | undefined;
  readonly policy: ResolvedPolicy;
  readonly requestId: string;
  readonly idempotencyKey: string;
  readonly startedAt: number;
  readonly startTick: number;
  readonly deadlineAt: number | undefined;
  readonly taskRequest: { ttl?: number | undefined } | undefined;
  readonly watcher: CallWatcher | undefined;
  readonly trace: CallTrace | undefined;
  attempt = -1;
  queuedMs = 0;
  acked = false;
  sentAt: number;
  readonly errors: TxError[] = [];
  abandoned = false;
  unfinished: { readonly transport: Transport | undefined; readonly id: RequestId }[] | undefined = undefined;
  task: CallTask | undefined = undefined;
  /** How the call ended, for metrics: `completed`, an error code, or `undefined` (given up). */
  outcome: string | undefined = undefined;
  /** The caller's subscription has ended. */
  done = false;
  /** When the call got its answer (on the client's duration clock), once it did. */
  answeredTick: number | undefined = undefined;

  /** The attempt running now. */
  #current: Attempt | undefined = undefined;
  /** The retry delay, or the deadline, pending. */
  #retryTimer: Subscription | undefined = undefined;
  #deadlineTimer: Subscription | undefined = undefined;
  #slot = false;
  /** Attempts failed so far, and the delay before the last retry (the backoff's inputs). */
  #failures = 0;
  #previousDelayMs = 0;
  #breaker: CircuitBreaker | undefined = undefined;
  /** The breaker's ticket of the current attempt; -1 once settled. */
  #ticket = -1;

  /**
   * `caller` is the caller's subscriber; for a promise (`TxClient.call`), `resolve` and `reject`
   * instead (the run then ends itself, as the subscriber's teardown would).
   */
  constructor(
    private readonly host: RunHost,
    spec: CallSpec,
    private readonly caller: Subscriber<TxResult> | undefined,
    private readonly resolve?: (result: TxResult) => void,
    private readonly reject?: (error: unknown) => void,
  ) {
    this.tool = spec.tool;
    this.args = spec.args;
    this.policy = spec.policy;
    this.requestId = spec.requestId;
    this.idempotencyKey = spec.idempotencyKey;
    this.startedAt = spec.startedAt;
    this.startTick = spec.startTick;
    this.deadlineAt = spec.deadlineAt;
    this.taskRequest = spec.taskRequest;
    this.watcher = spec.watcher;
    this.trace = spec.trace;
    this.sentAt = spec.startTick;
  }

  /** Runs the call in the concurrency slot just given to it; skipped if the caller left meanwhile. */
  run(closed: boolean): void {
    this.#slot = true;
    if (this.done || closed) return this.#release();
    try {
      const { scheduler, resilience } = this.host;
      this.queuedMs = scheduler.now() - this.startedAt;
      this.#breaker = resilience.breaker(this.tool);
      let remainingMs = Infinity;
      if (this.deadlineAt !== undefined) {
        remainingMs = this.deadlineAt - scheduler.now();
        if (remainingMs <= 0) return this.#failed(deadlineError(this, scheduler.now()));
      }
      this.#attempt();
      // after the first attempt started, as `deadline` subscribes its source before its timer
      if (remainingMs !== Infinity && !this.done && this.outcome === undefined)
        this.#deadlineTimer = scheduler.schedule(deadlinePassed, remainingMs, this);
    } catch (error) {
      this.#failed(error); // this call fails alone; the queue and every other call go on
    }
  }

  /** Fails the call with `error` (the queue is full, or the client closed). */
  fail(outcome: string, error: unknown): void {
    this.outcome = outcome;
    this.host.failed(this, error);
    this.#error(error);
  }

  /** The attempt `attempt` answered: the caller gets its {@link TxResult}, and the call ends. */
  attemptSucceeded(attempt: Attempt, result: CallToolResult): void {
    if (attempt !== this.#current || this.done) return;
    this.outcome = 'completed';
    // an ACK riding on the response is told first: the server accepted the attempt before it answered
    const value = this.host.toTxResult(this, result);
    this.#settleBreaker(true, undefined);
    this.host.budget?.success();
    this.#answer(value);
    if (this.done) return; // the caller left on the value
    this.#release();
    this.#complete();
  }

  /**
   * Attempt `attempt` failed with `error` (`undefined`: none could start, the deadline had
   * passed): a retry after the backoff, or the call fails.
   */
  attemptFailed(attempt: Attempt | undefined, error: TxError): void {
    if (attempt !== this.#current || this.done) return;
    this.#settleBreaker(false, error);
    const failures = ++this.#failures;
    const delayMs = retryDelay(this.host, this, error, failures, this.#previousDelayMs);
    // a client with a budget runs its calls once the extras are in (TxClient)
    const refused =
      this.host.budget &&
      (callExtras() as CallExtras).spendRetry(this.host, this, error, attempt !== undefined, delayMs);
    if (refused) return this.#failed(refused);
    if (delayMs === undefined) {
      // the attempt is torn down with the call (as `retry`'s give-up runs before its teardown)
      const final = this.policy.maxAttempts > 1 ? withAttemptErrors(error, this.errors) : error;
      return this.#failed(final);
    }
    this.#previousDelayMs = delayMs;
    reportRetry(this.host, this, error, failures, delayMs);
    this.#retryTimer = this.host.scheduler.schedule(retryNow, delayMs, this);
    this.#current = undefined;
    attempt?.unsubscribe();
  }

  /** The caller's teardown: stops the attempts and timers, frees the slot, and tells the client the call ended. */
  unsubscribe(): void {
    if (this.done) return;
    this.done = true;
    this.abandoned = this.outcome === undefined; // unsubscribed (or aborted) before it ended
    this.#stopAttempts();
    this.#deadlineTimer?.unsubscribe();
    this.#release();
    this.host.ended(this);
  }

  /** The retry delay passed: the next attempt. */
  retry(): void {
    this.#retryTimer = undefined;
    if (!this.done) this.#attempt();
  }

  /** The deadline passed: the attempt running is cancelled and the call fails. */
  deadlinePassed(): void {
    this.#deadlineTimer = undefined;
    if (this.done) return;
    this.#stopAttempts();
    let error: unknown;
    try {
      error = deadlineError(this, this.host.scheduler.now());
    } catch (thrown) {
      error = thrown;
    }
    this.#failed(error);
  }

  /** One attempt, through the tool's breaker if it has one. */
  #attempt(): void {
    const breaker = this.#breaker;
    if (breaker) {
      const ticket = enterBreaker(this.host, this, breaker);
      if (typeof ticket !== 'number') return this.attemptFailed(undefined, ticket);
      this.#ticket = ticket;
    }
    this.host.attempts.start(this);
  }

  /** The attempt about to start (called by the runner before it sends anything). */
  started(attempt: Attempt): void {
    this.#current = attempt;
  }

  /** Stops the pending retry or the attempt running (its request cancelled), and frees its breaker ticket. */
  #stopAttempts(): void {
    this.#retryTimer?.unsubscribe();
    this.#retryTimer = undefined;
    const attempt = this.#current;
    this.#current = undefined;
    attempt?.unsubscribe();
    if (this.#ticket >= 0) {
      const breaker = this.#breaker as CircuitBreaker;
      const before = breaker.state;
      breaker.release(this.#ticket);
      this.#ticket = -1;
      reportBreaker(this.host, this, breaker, before);
    }
  }

  #settleBreaker(success: boolean, error: unknown): void {
    if (this.#ticket < 0) return;
    const breaker = this.#breaker as CircuitBreaker;
    const before = breaker.state;
    if (success) breaker.success(this.#ticket);
    else breaker.failure(this.#ticket, error);
    this.#ticket = -1;
    reportBreaker(this.host, this, breaker, before);
  }

  /** The attempts failed for good (or `retryOnResult` ran out: the last result is the answer). */
  #failed(error: unknown): void {
    this.#release();
    if (error instanceof RetryableResult) {
      this.outcome = 'completed';
      this.#answer(this.host.toTxResult(this, error.result));
      return this.#complete();
    }
    this.outcome = isTxError(error) ? error.code : 'ERROR';
    this.host.failed(this, error);
    this.#error(error);
  }

  #release(): void {
    if (!this.#slot) return;
    this.#slot = false;
    this.host.release(this);
  }

  /** Hands the caller its result (the subscriber's, or the promise's). */
  #answer(value: TxResult): void {
    if (this.caller) this.caller.next(value);
    else this.resolve?.(value);
  }

  #complete(): void {
    if (this.caller) this.caller.complete();
    else this.unsubscribe();
  }

  #error(error: unknown): void {
    if (this.caller) return this.caller.error(error);
    if (this.done) return;
    this.reject?.(error);
    this.unsubscribe();
  }
}

/** The retry timer's work (a plain function: scheduling it allocates no closure). */
function retryNow(this: SchedulerAction<CallRun>, run?: CallRun): void {
  run?.retry();
}

/** The deadline timer's work. */
function deadlinePassed(this: SchedulerAction<CallRun>, run?: CallRun): void {
  run?.deadlinePassed();
}
