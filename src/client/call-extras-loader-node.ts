import * as module from './call-extras.js';

/**
 * Under the `node` condition, the package's `#call-extras` import resolves here: the fingerprint
 * and dedup window are in at once (no chunk to wait for). Same exports as `call-extras-loader.ts`.
 *
 * @example
 * const fp = callExtras()?.fingerprint('search', { q: 'x' });
 */
export function callExtras(): typeof module | undefined {
  return module;
}

/**
 * Resolves with them at once.
 *
 * @example
 * const { fingerprint } = await loadCallExtras();
 */
export function loadCallExtras(): Promise<typeof module> {
  return Promise.resolve(module);
}
