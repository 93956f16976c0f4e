/**
 * Where modules load on demand (browsers, workers): the package's `#keyed-calls` import resolves
 * here, and to `keyed-calls-loader-node.ts` under the `node` condition, which has the module at
 * once. Same exports.
 */
import type { KeyedCalls } from './keyed-calls.js';

let loaded: KeyedCalls | undefined;
let loading: Promise<KeyedCalls> | undefined;

/**
 * The fingerprint and dedup window, once {@link loadKeyedCalls} brought them in; `undefined`
 * before, so that a page whose calls carry no idempotency key and hit no cache does not carry them.
 *
 * @example
 * const fp = keyedCalls()?.fingerprint('search', { q: 'x' });
 */
export function keyedCalls(): KeyedCalls | undefined {
  return loaded;
}

/**
 * Loads them once (a dynamic `import()`); a failed load may be tried again.
 *
 * @example
 * const { fingerprint } = await loadKeyedCalls();
 */
export function loadKeyedCalls(): Promise<KeyedCalls> {
  if (loaded) return Promise.resolve(loaded);
  return (loading ??= import('./keyed-calls.js').then(
    (module) => (loaded ??= module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}
