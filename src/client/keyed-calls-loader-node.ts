import * as module from './keyed-calls.js';

/**
 * Under the `node` condition, the package's `#keyed-calls` import resolves here: the fingerprint
 * and dedup window are in at once (no chunk to wait for). Same exports as `keyed-calls-loader.ts`.
 *
 * @example
 * const fp = keyedCalls()?.fingerprint('search', { q: 'x' });
 */
export function keyedCalls(): typeof module | undefined {
  return module;
}

/**
 * Resolves with them at once.
 *
 * @example
 * const { fingerprint } = await loadKeyedCalls();
 */
export function loadKeyedCalls(): Promise<typeof module> {
  return Promise.resolve(module);
}
