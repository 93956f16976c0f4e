import { Observable } from 'rxjs';

/**
 * `source`, ended with `error(reason)` when `signal` aborts (`reason`: the signal's reason, an
 * `AbortError` `DOMException` unless the caller gave another); unsubscribing stops listening.
 * Internal: a call's `{ signal }`, which ends the call with an `AbortedError`.
 *
 * @example
 * abortable(client.call$('slow'), AbortSignal.timeout(1_000), (reason) => new AbortedError('slow: aborted', { cause: reason }));
 */
export function abortable<T>(
  source: Observable<T>,
  signal: AbortSignal,
  error: (reason: unknown) => unknown,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const onAbort = () => subscriber.error(error(signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const sub = source.subscribe(subscriber);
    return () => {
      signal.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    };
  });
}
