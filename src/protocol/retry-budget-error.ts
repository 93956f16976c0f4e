import { TxError, type TxErrorOptions } from './errors.js';

/**
 * An attempt failed in a way that would have been retried, but the retry budget was spent (its
 * tokens at or below half: most recent attempts failed), so the call failed at once instead of
 * adding a retry to the load of a struggling server. The attempt's error (the one a call without
 * a budget would have ended with, `attemptErrors` and all) is the `cause`. Retryable, but not by
 * mcp-tx itself: call again once the server recovers.
 *
 * @example
 * catch (e) { if (isRetryBudgetExhaustedError(e) && isNackError(e.cause)) console.warn(e.cause.reason); }
 */
export class RetryBudgetExhaustedError extends TxError {
  override readonly name = 'RetryBudgetExhaustedError';
  readonly code = 'RETRY_BUDGET_EXHAUSTED';
  readonly retryable = true;
  /** The tokens left in the budget when it refused the retry. */
  readonly tokens: number;
  constructor(message: string, options: TxErrorOptions & { tokens: number }) {
    super(message, options);
    this.tokens = options.tokens;
  }
}

/**
 * Whether `e` is a {@link RetryBudgetExhaustedError}: the retry budget stopped a call's retries.
 *
 * @example
 * if (isRetryBudgetExhaustedError(e)) metrics.increment('shed');
 */
export const isRetryBudgetExhaustedError = (e: unknown): e is RetryBudgetExhaustedError =>
  e instanceof RetryBudgetExhaustedError;
