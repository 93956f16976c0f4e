/**
 * A module loaded on demand: `get()` is it once loaded (`undefined` before), `load()` brings it in
 * once through `importer` (a dynamic `import()`, which a browser bundler makes a chunk of its own);
 * a failed load may be tried again.
 *
 * @example
 * const codec = lazyModule(() => import('../protocol/compressed-messages.js'));
 * await codec.load();
 * codec.get()?.inflateResult(result, 1_024);
 */
export interface LazyModule<T> {
  get(): T | undefined;
  load(): Promise<T>;
}

/** Makes a {@link LazyModule} of `importer`. */
export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    get: () => loaded,
    load() {
      if (loaded) return Promise.resolve(loaded);
      return (loading ??= importer().then(
        (module) => (loaded ??= module),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      ));
    },
  };
}
