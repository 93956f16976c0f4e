import { fingerprint } from '../../protocol/fingerprint.js';
import { CallDedup } from './call-dedup.js';

/**
 * What a keyed call needs and a plain one does not: the arguments' fingerprint (canonical JSON,
 * SHA-256) and the dedup window. A browser bundle makes it a chunk of its own, loaded by the first
 * keyed call (`call-extras-loader.ts`), apart from the cache, the breaker and the retry budget
 * (`call-extras.ts`), which a keyed call does not fetch; Node loads it with the client.
 *
 * @example
 * const { fingerprint, CallDedup } = await import('./keyed-extras.js');
 */
export { fingerprint, CallDedup };

/** The module's exports, as its loader hands them over. */
export interface KeyedExtras {
  fingerprint: typeof fingerprint;
  CallDedup: typeof CallDedup;
}
