import { type TxError } from '../../protocol/errors.js';
import { RetryBudgetExhaustedError } from '../../protocol/retry-budget-error.js';
import {
  RetryableResult,
  errorInfo,
  eventBase,
  publish,
  watched,
  withAttemptErrors,
  type CallContext,
} from './call-context.js';
import type { RetryHost } from './call-retry.js';

// One of the call extras (a chunk of its own in a browser bundle): only a client with a retry
// budget weighs its failures, and only a spent budget builds this error.

/**
 * Weighs attempt `error` of `ctx` (`sent`: an attempt was made, not refused before it started)
 * against the client's retry budget: an attempt that failed retryably takes a token, the last one
 * too (gRPC's rule); if the budget then refuses the retry `delayMs` would schedule, the refusal is
 * counted and shown (a `throttled` event), and the call's final error is returned (the attempt's
 * result itself for an `isError` result `retryOnResult` wanted retried); else `undefined`.
 *
 * @example
 * const refused = spendRetry(host, run, error, attempt !== undefined, delayMs);
 * if (refused) return fail(refused);
 */
export function spendRetry(
  host: RetryHost,
  ctx: CallContext,
  error: TxError,
  sent: boolean,
  delayMs: number | undefined,
): TxError | undefined {
  const { budget } = host;
  if (budget === undefined || !sent || !error.retryable || budget.failure() || delayMs === undefined)
    return undefined;
  const { recorder, events, scheduler } = host;
  const { tokens, maxTokens } = budget;
  recorder.retryThrottled(ctx.tool);
  const now = scheduler.now();
  if (watched(events, ctx))
    publish(events, ctx, { type: 'throttled', ...eventBase(ctx, now), error, tokens });
  if (error instanceof RetryableResult) return error;
  const cause = ctx.policy.maxAttempts > 1 ? withAttemptErrors(error, ctx.errors) : error;
  const why = `not retried, the retry budget is spent (${tokens} of ${maxTokens} tokens left)`;
  return new RetryBudgetExhaustedError(`${ctx.tool}: ${why}: ${error.message}`, {
    info: errorInfo(ctx, now),
    cause,
    attemptErrors: [...ctx.errors],
    tokens,
  });
}
