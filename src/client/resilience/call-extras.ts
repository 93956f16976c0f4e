import { fingerprint, CallDedup, type KeyedExtras } from './keyed-extras.js';
import { ResultCache } from './result-cache.js';
import { CircuitBreaker, circuitBreaker } from '../../operators/circuit-breaker.js';
import { spendRetry } from '../call/retry-throttle.js';
import { RetryBudget } from '../../operators/retry-budget.js';

/**
 * What only cached and breaker-guarded calls, and clients with a retry budget, need: the keyed
 * call's extras (`keyed-extras.ts`: the fingerprint, the dedup window), the result cache, the
 * circuit breaker and the retry budget's refusals. A browser bundle makes it a chunk of its own, loaded by the first call that
 * needs it (`call-extras-loader.ts`); Node loads it with the client.
 *
 * @example
 * const { fingerprint, CallDedup } = await import('./call-extras.js');
 */
export { fingerprint, CallDedup, ResultCache, CircuitBreaker, circuitBreaker, RetryBudget, spendRetry };

/** The module's exports, as its loader hands them over. */
export interface CallExtras extends KeyedExtras {
  ResultCache: typeof ResultCache;
  CircuitBreaker: typeof CircuitBreaker;
  circuitBreaker: typeof circuitBreaker;
  RetryBudget: typeof RetryBudget;
  spendRetry: typeof spendRetry;
}
