import { fingerprint } from '../../protocol/fingerprint.js';
import { CallDedup } from './call-dedup.js';

/** What a keyed call needs and a plain one does not. */
export interface KeyedExtras {
  fingerprint: typeof fingerprint;
  CallDedup: typeof CallDedup;
}

/**
 * The arguments' fingerprint (canonical JSON, SHA-256) and the dedup window: on the client's
 * up-front path, not in a chunk of their own. Keyed calls are what most pages make, and fetched
 * lazily they cost such a page more (a file of their own, and a chunk of what they share with
 * the page: 586 B more with esbuild's code splitting, 869 B more with Vite, gzipped;
 * bench/fetched-bundle.ts) than the 1.9 KiB they add up front to a page that makes none.
 *
 * @example
 * const fp = keyedExtras.fingerprint('charge', { cents: 5 });
 */
export const keyedExtras: KeyedExtras = { fingerprint, CallDedup };
