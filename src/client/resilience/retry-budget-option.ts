import type { RetryBudget, RetryBudgetConfig } from '../../operators/retry-budget.js';
import type { TxClientOptions } from '../options.js';

/**
 * Whether `value` is a `RetryBudget` (told from a config by its methods, so that the class, one
 * of the call extras, need not be in a bundle that never uses it).
 *
 * @example
 * if (isRetryBudget(options.retryBudget)) share(options.retryBudget);
 */
export function isRetryBudget(value: unknown): value is RetryBudget {
  const budget = value as Partial<RetryBudget> | null;
  return typeof budget?.failure === 'function' && typeof budget.success === 'function';
}

/**
 * The retry budget a (validated) `retryBudget` option stands for: none when off, the very
 * instance given (to share), or one that `make` makes for `true` or a config.
 *
 * @example
 * const shared = retryBudgetOf(options.retryBudget, (config) => new RetryBudget(config));
 */
export function retryBudgetOf(
  option: TxClientOptions['retryBudget'],
  make: (config: RetryBudgetConfig) => RetryBudget,
): RetryBudget | undefined {
  if (option === undefined || option === false) return undefined;
  if (isRetryBudget(option)) return option;
  return make(option === true ? {} : option);
}
