import { fingerprint } from '../protocol/fingerprint.js';
import { CallDedup } from './call-dedup.js';

/**
 * What only keyed and cached calls need: the arguments' fingerprint (canonical JSON, SHA-256) and
 * the dedup window. A browser bundle makes it a chunk of its own, loaded by the first call that
 * needs it (see `keyed-calls-loader.ts`); Node loads it with the client.
 *
 * @example
 * const { fingerprint, CallDedup } = await import('./keyed-calls.js');
 */
export { fingerprint, CallDedup };

/** The module's exports, as its loader hands them over. */
export interface KeyedCalls {
  fingerprint: typeof fingerprint;
  CallDedup: typeof CallDedup;
}
