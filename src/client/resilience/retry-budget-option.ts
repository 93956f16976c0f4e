import { RetryBudget } from '../../operators/retry-budget.js';
import type { TxClientOptions } from '../options.js';

/**
 * The retry budget a (validated) `retryBudget` option stands for: none when off, a new one for
 * `true` or a config, or the very instance given, to share.
 *
 * @example
 * const shared = retryBudgetOf(options.retryBudget); // one for every member of a pool
 */
export function retryBudgetOf(option: TxClientOptions['retryBudget']): RetryBudget | undefined {
  if (option === undefined || option === false) return undefined;
  if (option instanceof RetryBudget) return option;
  return new RetryBudget(option === true ? {} : option);
}
