import { lazyModule } from '../lazy-module.js';
import type { CallExtras } from './call-extras.js';
import { keyedExtras } from './keyed-extras.js';

const extras = lazyModule<CallExtras>(() =>
  import('./call-extras.js').then((guards) => ({ ...guards, ...keyedExtras })),
);

/**
 * The call extras (result cache, circuit breaker, retry budget, with the keyed extras), once
 * {@link loadCallExtras} brought them in; `undefined` before, in a browser, so that a page whose
 * calls use no cache, breaker nor retry budget does not carry them. Under Node,
 * always in.
 *
 * @example
 * const fp = callExtras()?.fingerprint('search', { q: 'x' });
 */
export function callExtras(): CallExtras | undefined {
  return extras.get();
}

/**
 * Loads them once (a dynamic `import()`); a failed load may be tried again.
 *
 * @example
 * const { fingerprint } = await loadCallExtras();
 */
export function loadCallExtras(): Promise<CallExtras> {
  return extras.load();
}

// Node has them at once, loaded with this module (no wait, and one copy of their classes, whichever
// way the package is run); a browser bundle makes them a chunk of its own, loaded on demand.
if (typeof process === 'object' && typeof process.versions?.node === 'string') {
  await extras.load();
}
