/**
 * mcp-tx/operators: the reliability operators as plain RxJS (backoff, retry with backoff or a
 * budget, deadline, dedup window, bounded merge, circuit breaker), for any Observable; `TxClient`
 * does not need them.
 */
export {
  backoffFor,
  decorrelatedJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
  type BackoffConfig,
  type BackoffStrategy,
  type JitterMode,
  type RandomSource,
} from './backoff.js';
export { boundedMergeMap, type BoundedMergeMapConfig, type QueueGauge } from './bounded-merge-map.js';
export {
  CircuitBreaker,
  circuitBreaker,
  isBreakerFailure,
  type CircuitBreakerConfig,
  type CircuitBreakerOperatorConfig,
  type CircuitState,
} from './circuit-breaker.js';
export { deadline, type DeadlineConfig } from './deadline.js';
export { dedupWindow, type DedupWindowConfig } from './dedup-window.js';
export { retryWithBackoff, type RetryDecision, type RetryWithBackoffConfig } from './retry-with-backoff.js';
export { retryWithBudget } from './retry-with-budget.js';
export {
  RetryBudget,
  DEFAULT_RETRY_BUDGET_MAX_TOKENS,
  DEFAULT_RETRY_BUDGET_TOKEN_RATIO,
  type RetryBudgetConfig,
} from './retry-budget.js';
