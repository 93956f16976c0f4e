import { Observable } from 'rxjs';

/**
 * `source`, ended with the signal's reason (an `AbortError` `DOMException` unless the caller gave
 * another) when `signal` aborts; unsubscribing stops listening. Internal: a call's `{ signal }`.
 *
 * @example
 * abortable(client.call$('slow'), AbortSignal.timeout(1_000)).subscribe({ error: console.error });
 */
export function abortable<T>(source: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    const onAbort = () => subscriber.error(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const sub = source.subscribe(subscriber);
    return () => {
      signal.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    };
  });
}
