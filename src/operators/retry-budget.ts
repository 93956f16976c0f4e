import { checkKeys, checkNumber } from '../protocol/config-internals.js';

/** Tokens a retry budget holds when full (gRPC's `maxTokens` default). @default 10 */
export const DEFAULT_RETRY_BUDGET_MAX_TOKENS = 10;
/** Tokens a success gives back to a retry budget (gRPC's `tokenRatio` default). @default 0.1 */
export const DEFAULT_RETRY_BUDGET_TOKEN_RATIO = 0.1;

/**
 * Configuration of a {@link RetryBudget}.
 *
 * @example
 * const config: RetryBudgetConfig = { maxTokens: 20, tokenRatio: 0.2 };
 */
export interface RetryBudgetConfig {
  /** Tokens when full, the budget's start; retries stop at half of it. @default 10, range 1..1_000 */
  maxTokens?: number;
  /** Tokens a success gives back (to 3 decimals). @default 0.1, range 0.001..1_000 */
  tokenRatio?: number;
}

const KEYS = ['maxTokens', 'tokenRatio'];
/** Tokens are counted in thousandths, as gRPC does, so that ten returns of 0.1 make exactly 1. */
const SCALE = 1_000;

/**
 * A retry budget: gRPC's retry throttling (proposal A6,
 * https://github.com/grpc/proposal/blob/master/A6-client-retries.md#throttling-retry-attempts-and-hedged-rpcs).
 * A token bucket starts full at `maxTokens`; each attempt that failed in a way that would be
 * retried takes one token, each success gives `tokenRatio` back (never past `maxTokens`). While
 * the tokens are at or below half of `maxTokens`, failed attempts are not retried: with the
 * defaults, retries go on while failures stay under about one per ten successes, and stop when a
 * server fails most calls, so that retries do not pile onto an overloaded or dead server. First
 * attempts are never held back. Share one instance between the clients of one service (a pool
 * does); `retryWithBudget` applies it to any Observable.
 *
 * @example
 * const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
 * if (!budget.failure()) giveUp(); // an attempt failed: retry only if the budget still allows
 * budget.success(); // an attempt succeeded
 */
export class RetryBudget {
  /** Tokens when full. */
  readonly maxTokens: number;
  /** Tokens a success gives back. */
  readonly tokenRatio: number;
  #milli: number;
  readonly #maxMilli: number;
  readonly #ratioMilli: number;
  /** Retries are allowed while the tokens are above this. */
  readonly #threshold: number;

  constructor(config: RetryBudgetConfig = {}) {
    checkKeys(config, KEYS, 'RetryBudget');
    const { maxTokens = DEFAULT_RETRY_BUDGET_MAX_TOKENS, tokenRatio = DEFAULT_RETRY_BUDGET_TOKEN_RATIO } =
      config;
    checkNumber(maxTokens, 'maxTokens', 1, 1_000);
    checkNumber(tokenRatio, 'tokenRatio', 0.001, 1_000);
    this.maxTokens = maxTokens;
    this.tokenRatio = tokenRatio;
    this.#milli = this.#maxMilli = Math.round(maxTokens * SCALE);
    this.#ratioMilli = Math.round(tokenRatio * SCALE);
    this.#threshold = Math.floor(this.#maxMilli / 2);
  }

  /** The tokens left. */
  get tokens(): number {
    return this.#milli / SCALE;
  }

  /** Whether a failed attempt may be retried now (the tokens are above half of `maxTokens`). */
  get retryAllowed(): boolean {
    return this.#milli > this.#threshold;
  }

  /** An attempt failed in a way that would be retried: takes a token; whether a retry may follow. */
  failure(): boolean {
    const left = this.#milli - SCALE;
    this.#milli = left > 0 ? left : 0;
    return this.#milli > this.#threshold;
  }

  /** An attempt succeeded: gives `tokenRatio` back. */
  success(): void {
    const full = this.#milli + this.#ratioMilli;
    this.#milli = full < this.#maxMilli ? full : this.#maxMilli;
  }
}
