import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MonoTypeOperatorFunction, Observable, SchedulerLike, Subject } from 'rxjs';
import {
  deadline as deadlineOperator,
  retryWithBackoff,
  type CircuitBreaker,
  type CircuitState,
} from '../../operators/index.js';
import { CircuitOpenError, NackError, isTxError, type TxError } from '../../protocol/index.js';
import type { AttemptRunner } from './attempt-runner.js';
import { callExtras } from '../resilience/call-extras-loader.js';
import type { CallExtras } from '../resilience/call-extras.js';
import {
  deadlineError,
  errorInfo,
  eventBase,
  withAttemptErrors,
  type CallContext,
  type CallWatcher,
} from './call-context.js';
import type { Connection } from '../connection/connection.js';
import type { TxEvent } from '../events.js';
import type { TxMetrics } from '../metrics/metrics.js';
import type { ResolvedPolicy } from '../resilience/policy.js';
import type { ToolResilience } from '../resilience/tool-resilience.js';

/** What the pipeline needs of the client it belongs to. */
export interface PipelineHost {
  readonly attempts: AttemptRunner;
  readonly resilience: ToolResilience;
  readonly connection: Connection;
  readonly recorder: TxMetrics;
  /** The client's event subject (events are built only while it is observed). */
  readonly events: Subject<TxEvent>;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
}

/**
 * The attempts of one call, composed: the tool's circuit breaker around each attempt, the
 * policy's retries with backoff over them, and the call's deadline over everything.
 *
 * @example
 * const pipeline = new AttemptPipeline(host);
 * pipeline.attempts$(ctx).subscribe(job);
 */
export class AttemptPipeline {
  /** One retry operator per policy: what it needs of a call it reads from the typed error. */
  readonly #retries = new WeakMap<ResolvedPolicy, MonoTypeOperatorFunction<CallToolResult>>();

  constructor(private readonly host: PipelineHost) {}

  /** The attempts of `ctx`: each subscription to `attempt$` is one attempt; `retry` resubscribes. */
  attempts$(ctx: CallContext): Observable<CallToolResult> {
    const { attempts, resilience, scheduler } = this.host;
    const breaker = resilience.breaker(ctx.tool);
    const attempt$ = breaker
      ? attempts.attempt$(ctx).pipe(this.#guard(ctx, breaker))
      : attempts.attempt$(ctx);
    const retried$ =
      ctx.policy.maxAttempts > 1 ? attempt$.pipe(this.#retryFor(ctx.policy, ctx.watcher)) : attempt$;
    if (ctx.deadlineAt === undefined) return retried$;
    return retried$.pipe(
      deadlineOperator<CallToolResult>({
        at: ctx.deadlineAt,
        scheduler,
        with: () => deadlineError(ctx, scheduler.now()),
      }),
    );
  }

  /**
   * The retry operator of a policy, built once: what it needs of a call it reads from the
   * typed error (`info`), so one operator serves every call of the policy.
   */
  #retryFor(
    policy: ResolvedPolicy,
    watcher: CallWatcher | undefined,
  ): MonoTypeOperatorFunction<CallToolResult> {
    // a call with a watcher of its own (stream$, onProgress) gets an operator of its own
    let retry = watcher ? undefined : this.#retries.get(policy);
    if (!retry) {
      const { connection, events, scheduler, random } = this.host;
      retry = retryWithBackoff<CallToolResult>({
        maxAttempts: policy.maxAttempts,
        backoff: policy.backoff,
        random,
        scheduler,
        shouldRetry: (error) => {
          if (!isTxError(error) || !error.retryable || connection.current === 'closed') return false;
          // An open circuit fails the call at once: waiting out the reset timeout inside the call
          // would hold its concurrency slot and hide the outage from the caller.
          if (error instanceof CircuitOpenError) return false;
          return error instanceof NackError && error.retryAfterMs !== undefined
            ? { retry: true, delayMs: error.retryAfterMs }
            : true;
        },
        onRetry: ({ error, attempt, delayMs }) => {
          const { tool, requestId } = (error as TxError).info;
          if (!events.observed && !watcher) return;
          const event = {
            type: 'retry',
            tool,
            requestId,
            attempt,
            delayMs,
            error,
            time: scheduler.now(),
          } as const;
          if (events.observed) events.next(event);
          watcher?.(event);
        },
        onGiveUp: (errors) => withAttemptErrors(errors[errors.length - 1] as TxError, errors as TxError[]),
      });
      if (!watcher) this.#retries.set(policy, retry);
    }
    return retry;
  }

  /**
   * The tool's circuit breaker around one attempt (inside the retries, so each attempt counts and
   * a retry that meets an open circuit fails fast). A refused attempt counts as an attempt that
   * was not sent, as one refused by the deadline.
   */
  #guard(ctx: CallContext, breaker: CircuitBreaker): MonoTypeOperatorFunction<CallToolResult> {
    const { recorder, events, scheduler } = this.host;
    // in: a call of a tool with a breaker waits for the extras before its first attempt (TxClient)
    const { circuitBreaker } = callExtras() as CallExtras;
    return circuitBreaker<CallToolResult>(breaker, {
      rejectWith: (retryAfterMs) => {
        ctx.attempt++;
        const error = new CircuitOpenError(`${ctx.tool}: circuit open; retry in ${retryAfterMs} ms`, {
          info: errorInfo(ctx, scheduler.now()),
          retryAfterMs,
        });
        ctx.errors.push(error);
        return error;
      },
      onStateChange: (state: CircuitState) => {
        if (state === 'open') recorder.breakerOpened(ctx.tool);
        if (!events.observed) return;
        // half-open is entered by the attempt about to start; open and closed by one that ended
        const attempt = state === 'half-open' ? ctx.attempt + 1 : ctx.attempt;
        events.next({ type: 'breaker', ...eventBase(ctx, scheduler.now()), attempt, state });
      },
    });
  }
}
