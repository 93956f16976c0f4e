import { lazyModule } from '../lazy-module.js';
import type { CallExtras } from './call-extras.js';
import type { KeyedExtras } from './keyed-extras.js';

const extras = lazyModule<CallExtras>(() => import('./call-extras.js'));
const keyed = lazyModule<KeyedExtras>(() => import('./keyed-extras.js'));

/**
 * The call extras (fingerprint, dedup window, result cache, circuit breaker), once
 * {@link loadCallExtras} brought them in; `undefined` before, in a browser, so that a page whose
 * calls carry no idempotency key and use no cache nor breaker does not carry them. Under Node,
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

/**
 * The keyed call's extras (fingerprint, dedup window): the call extras if they are in, else
 * what {@link loadKeyedExtras} brought in; `undefined` before, in a browser.
 *
 * @example
 * const dedup = keyedExtras()?.CallDedup;
 */
export function keyedExtras(): KeyedExtras | undefined {
  return extras.get() ?? keyed.get();
}

/**
 * Loads the keyed call's extras once (a dynamic `import()`, a chunk apart from the call extras:
 * a page whose calls only carry keys fetches no cache, breaker nor budget).
 *
 * @example
 * const { CallDedup } = await loadKeyedExtras();
 */
export function loadKeyedExtras(): Promise<KeyedExtras> {
  return keyed.load();
}

// Node has them at once, loaded with this module (no wait, and one copy of their classes, whichever
// way the package is run); a browser bundle makes them a chunk of its own, loaded on demand.
if (typeof process === 'object' && typeof process.versions?.node === 'string') {
  await Promise.all([extras.load(), keyed.load()]);
}
