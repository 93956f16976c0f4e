/**
 * The `handleRequest` method of a transport that serves HTTP (the SDK's
 * `StreamableHTTPServerTransport` and `WebStandardStreamableHTTPServerTransport`), as
 * `TxServerTransport` forwards it; `never` for a transport without one.
 *
 * @example
 * type Handle = HandleRequestOf<StreamableHTTPServerTransport>; // (req, res, parsedBody?) => Promise<void>
 */
export type HandleRequestOf<T> = T extends { handleRequest(...args: infer A): infer R }
  ? (...args: A) => R
  : never;

/** Calls `inner.handleRequest(...args)`; a `TypeError` when `inner` has none (it does not serve HTTP). */
export function forwardHandleRequest<T>(inner: T, args: unknown[]): ReturnType<HandleRequestOf<T>> {
  const handle = (inner as { handleRequest?: unknown }).handleRequest;
  if (typeof handle !== 'function')
    throw new TypeError(
      'handleRequest: the decorated transport does not serve HTTP (it has no handleRequest)',
    );
  return handle.apply(inner, args) as ReturnType<HandleRequestOf<T>>;
}
