import type { KeyedExtras } from './keyed-extras.js';
import { ResultCache } from './result-cache.js';
import { CircuitBreaker } from '../../operators/circuit-breaker.js';
import { spendRetry } from '../call/retry-throttle.js';
import { RetryBudget } from '../../operators/retry-budget.js';

/**
 * What only cached and breaker-guarded calls, and clients with a retry budget, need: the result
 * cache, the circuit breaker and the retry budget's refusals. A browser bundle makes it a chunk of
 * its own, loaded by the first call that needs it (`call-extras-loader.ts`, which hands it over
 * with the keyed extras, up front: this module does not import them, so that no bundler makes a
 * shared chunk of them); Node loads it with the client.
 *
 * @example
 * const { ResultCache, CircuitBreaker } = await import('./call-extras.js');
 */
export { ResultCache, CircuitBreaker, RetryBudget, spendRetry };

/** The module's own exports. */
export interface GuardExtras {
  ResultCache: typeof ResultCache;
  CircuitBreaker: typeof CircuitBreaker;
  RetryBudget: typeof RetryBudget;
  spendRetry: typeof spendRetry;
}

/** What the loader hands over: this module's exports with the keyed extras. */
export type CallExtras = GuardExtras & KeyedExtras;
