import { fingerprint } from '../../protocol/fingerprint.js';
import { CallDedup } from './call-dedup.js';
import { ResultCache } from './result-cache.js';
import { CircuitBreaker, circuitBreaker } from '../../operators/circuit-breaker.js';

/**
 * What only keyed, cached and breaker-guarded calls need: the arguments' fingerprint (canonical
 * JSON, SHA-256), the dedup window, the result cache and the circuit breaker. A browser bundle makes it a chunk of its own, loaded by the first call that
 * needs it (`call-extras-loader.ts`); Node loads it with the client.
 *
 * @example
 * const { fingerprint, CallDedup } = await import('./call-extras.js');
 */
export { fingerprint, CallDedup, ResultCache, CircuitBreaker, circuitBreaker };

/** The module's exports, as its loader hands them over. */
export interface CallExtras {
  fingerprint: typeof fingerprint;
  CallDedup: typeof CallDedup;
  ResultCache: typeof ResultCache;
  CircuitBreaker: typeof CircuitBreaker;
  circuitBreaker: typeof circuitBreaker;
}
