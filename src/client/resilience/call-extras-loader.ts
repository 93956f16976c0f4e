import type { CallExtras } from './call-extras.js';

let loaded: CallExtras | undefined;
let loading: Promise<CallExtras> | undefined;

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
  return loaded;
}

/**
 * Loads them once (a dynamic `import()`); a failed load may be tried again.
 *
 * @example
 * const { fingerprint } = await loadCallExtras();
 */
export function loadCallExtras(): Promise<CallExtras> {
  if (loaded) return Promise.resolve(loaded);
  return (loading ??= import('./call-extras.js').then(
    (module) => (loaded ??= module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

// Node has them at once, loaded with this module (no wait, and one copy of their classes, whichever
// way the package is run); a browser bundle makes them a chunk of its own, loaded on demand.
if (typeof process === 'object' && typeof process.versions?.node === 'string') {
  loaded = await import('./call-extras.js');
}
