/** The requests in flight on a shared signal, and its one listener. */
interface Bridge {
  readonly aborts: Set<(reason: unknown) => void>;
  readonly onAbort: () => void;
}

const bridges = new WeakMap<AbortSignal, Bridge>();

/**
 * Calls `abort(shared.reason)` when `shared` aborts, until the returned release is called. One
 * listener per shared signal serves every request in flight on it (50 in flight would otherwise
 * be 50 listeners, past the default limit of 10 that warns, and every add walks the growing
 * list); it is removed when none is left. `shared` must not be aborted yet.
 */
export function whileInFlight(shared: AbortSignal, abort: (reason: unknown) => void): () => void {
  let b = bridges.get(shared);
  if (!b) {
    const aborts = new Set<(reason: unknown) => void>();
    const onAbort = (): void => {
      shared.removeEventListener('abort', onAbort);
      const pending = [...aborts];
      aborts.clear();
      for (const f of pending) f(shared.reason);
    };
    b = { aborts, onAbort };
    bridges.set(shared, b);
  }
  const { aborts, onAbort } = b;
  // a fresh function per request: the same callback given twice stays two requests
  const entry = (reason: unknown): void => abort(reason);
  if (aborts.size === 0) shared.addEventListener('abort', onAbort);
  aborts.add(entry);
  return () => {
    if (aborts.delete(entry) && aborts.size === 0) shared.removeEventListener('abort', onAbort);
  };
}
