/**
 * Handlers on the SDK's single-slot callback properties (`onclose`, `onerror`, ...), added
 * beside the one already there instead of over it: a user's handler, or the SDK's own, keeps
 * running (first), and the listener added here runs after it.
 */

/**
 * Adds `listener` to `target[slot]`, after the handler already there (which keeps its `this`
 * and arguments).
 *
 * @example
 * listen(transport, 'onerror', (e: Error) => log(e.message));
 */
export function listen<K extends string, A extends unknown[]>(
  target: { [P in K]?: ((...args: A) => void) | undefined },
  slot: K,
  listener: (...args: A) => void,
): void {
  const previous = target[slot];
  target[slot] = function (this: unknown, ...args: A) {
    previous?.apply(this, args);
    listener(...args);
  } as (typeof target)[K];
}

/**
 * Runs `listener` when `target` (an SDK `Client` or a transport) closes, after its `onclose`.
 *
 * @example
 * onClosed(sdk, () => reconnect());
 */
export function onClosed(target: { onclose?: (() => void) | undefined }, listener: () => void): void {
  listen(target, 'onclose', listener);
}
