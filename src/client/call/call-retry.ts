import type { SchedulerLike } from 'rxjs';
import type { CircuitBreaker, CircuitState, RetryBudget } from '../../operators/index.js';
import { CircuitOpenError, NackError, isTxError, type TxError } from '../../protocol/index.js';
import { errorInfo, eventBase, publish, watched, type CallContext } from './call-context.js';
import type { Connection } from '../connection/connection.js';
import type { TxEvent } from '../events.js';
import type { TxMetrics } from '../metrics/metrics.js';
import type { DurationClock } from '../metrics/duration-clock.js';
import type { Sink } from '../rx-lite.js';

/** What the retry and breaker decisions of a call need of the client. */
export interface RetryHost {
  readonly connection: Connection;
  readonly recorder: TxMetrics;
  /** The client's event subject (events are built only while it is observed). */
  readonly events: Sink<TxEvent>;
  readonly scheduler: SchedulerLike;
  /** The clock of latencies (sub-millisecond under a real-time scheduler). */
  readonly elapsed: DurationClock;
  readonly random: () => number;
  /** The client's retry budget (shared with a pool's other members), if it has one, once made. */
  budget: RetryBudget | undefined;
}

/**
 * The delay before retrying `ctx` after its `failures`-th failed attempt ended with `error`
 * (`previousDelayMs`: the delay before the previous retry), or `undefined` when the call gives
 * up: its attempts are spent, the error is not retryable, the connection is closed, or the
 * circuit is open (waiting out the reset timeout inside the call would hold its concurrency slot
 * and hide the outage from the caller). A NACK's `retry_after_ms` replaces the backoff.
 * `retryWithBackoff`'s decision, as the client configures it, for the client's fused call path.
 */
export function retryDelay(
  host: RetryHost,
  ctx: CallContext,
  error: unknown,
  failures: number,
  previousDelayMs: number,
): number | undefined {
  const { policy } = ctx;
  if (failures >= policy.maxAttempts) return undefined;
  if (!isTxError(error) || !error.retryable || host.connection.current === 'closed') return undefined;
  if (error instanceof CircuitOpenError) return undefined;
  const delayMs =
    error instanceof NackError && error.retryAfterMs !== undefined
      ? error.retryAfterMs
      : policy.backoff(failures, previousDelayMs, host.random);
  // a negative or NaN delay means "now"; timers cannot go back in time
  return delayMs > 0 ? delayMs : 0;
}

/** Emits the `retry` event of `ctx` (attempt `failures`, 1-based, failed with `error`), if anyone listens. */
export function reportRetry(
  host: RetryHost,
  ctx: CallContext,
  error: TxError,
  failures: number,
  delayMs: number,
): void {
  const { events, scheduler } = host;
  if (!watched(events, ctx)) return;
  const { tool, requestId } = error.info;
  const event = {
    type: 'retry',
    tool,
    requestId,
    attempt: failures,
    delayMs,
    error,
    time: scheduler.now(),
  } as const;
  publish(events, ctx, event);
}

/**
 * Asks the tool's breaker to let the next attempt of `ctx` through: its ticket, or the
 * `CircuitOpenError` of a refused attempt (counted as an attempt that was not sent, and recorded
 * among the call's errors), as the `circuitBreaker` operator with the client's `rejectWith`.
 */
export function enterBreaker(
  host: RetryHost,
  ctx: CallContext,
  breaker: CircuitBreaker,
): number | CircuitOpenError {
  const before = breaker.state;
  const ticket = breaker.enter();
  reportBreaker(host, ctx, breaker, before);
  if (ticket >= 0) return ticket;
  const retryAfterMs = breaker.retryAfterMs();
  ctx.attempt++;
  const error = new CircuitOpenError(`${ctx.tool}: circuit open; retry in ${retryAfterMs} ms`, {
    info: errorInfo(ctx, host.scheduler.now()),
    retryAfterMs,
  });
  ctx.errors.push(error);
  return error;
}

/** Reports the breaker's move since `before`, if it moved: metrics, and a `breaker` event. */
export function reportBreaker(
  host: RetryHost,
  ctx: CallContext,
  breaker: CircuitBreaker,
  before: CircuitState,
): void {
  const state = breaker.state;
  if (state === before) return;
  const { recorder, events, scheduler } = host;
  if (state === 'open') recorder.breakerOpened(ctx.tool);
  if (!events.observed && ctx.trace === undefined) return;
  // half-open is entered by the attempt about to start; open and closed by one that ended
  const attempt = state === 'half-open' ? ctx.attempt + 1 : ctx.attempt;
  const event = { type: 'breaker', ...eventBase(ctx, scheduler.now()), attempt, state } as const;
  if (events.observed) events.next(event);
  ctx.trace?.event(event);
}
