import { Observable, Subscription, type Subscriber, type Unsubscribable } from 'rxjs';

/*
 * The few RxJS pieces the client's hot path needs, written on `Observable` and `Subscription`
 * alone. `from`, `of`, `share`, `takeUntil`, `defer`, `switchMap` and `retry` each bring in RxJS's
 * `innerFrom` (every ObservableInput: arrays, iterables, async iterables, readable streams) and
 * tslib's async helpers with it, about 3 KiB gzipped that a browser page fetches for nothing
 * (bench/fetched-bundle.ts). The exported operators keep using RxJS itself.
 */

/**
 * Calls `next` with the promise's value, or `error` with its reason, unless unsubscribed first:
 * `from(promise).subscribe({ next, error })` without `from`.
 *
 * @example
 * const waiting = whenSettled(codec.load(), () => send(), (e) => fail(e));
 * waiting.unsubscribe(); // neither is called
 */
export function whenSettled<T>(
  promise: PromiseLike<T>,
  next: (value: T) => void,
  error: (reason: unknown) => void,
): Unsubscribable {
  let open = true;
  promise.then(
    (value) => void (open && next(value)),
    (reason: unknown) => void (open && error(reason)),
  );
  return { unsubscribe: () => void (open = false) };
}

/**
 * One value, then complete: `of(value)` without `of`.
 *
 * @example
 * just(cached).subscribe((result) => show(result));
 */
export function just<T>(value: T): Observable<T> {
  return new Observable<T>((subscriber) => {
    subscriber.next(value);
    subscriber.complete();
  });
}

/**
 * `source.pipe(tap(onValue), finalize(onEnd))` without either: `onValue` sees each value before
 * the subscriber does, `onEnd` runs once the subscription ends (completed, failed or unsubscribed).
 *
 * @example
 * const run$ = watch(call$, (result) => remember(result), () => forget());
 */
export function watch<T>(
  source: Observable<T>,
  onValue: (value: T) => void,
  onEnd: () => void,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const inner = source.subscribe({
      next: (value) => {
        onValue(value);
        subscriber.next(value);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      inner.unsubscribe();
      onEnd();
    };
  });
}

/**
 * `source.pipe(takeUntil(closing), share())` without either (`share()` alone without `closing`):
 * one subscription to `source` shared by every subscriber, made by the first and ended with the
 * last (a later one starts it again), and every subscriber completed when `closing` emits.
 *
 * @example
 * const metrics$ = shareUntil(interval(1_000).pipe(map(snapshot)), closing$);
 */
export function shareUntil<T>(source: Observable<T>, closing?: Observable<unknown>): Observable<T> {
  const subscribers = new Set<Subscriber<T>>();
  let connection: Subscription | undefined;
  const each = (deliver: (subscriber: Subscriber<T>) => void): void => [...subscribers].forEach(deliver);
  const reset = (end: (subscriber: Subscriber<T>) => void): void => {
    connection?.unsubscribe();
    connection = undefined;
    const ended = [...subscribers];
    subscribers.clear();
    ended.forEach(end);
  };
  return new Observable<T>((subscriber) => {
    subscribers.add(subscriber);
    if (!connection) {
      const made = (connection = new Subscription());
      if (closing) made.add(closing.subscribe(() => reset((s) => s.complete())));
      if (!made.closed) {
        made.add(
          source.subscribe({
            next: (value) => each((s) => s.next(value)),
            error: (error: unknown) => reset((s) => s.error(error)),
            complete: () => reset((s) => s.complete()),
          }),
        );
      }
    }
    return () => {
      subscribers.delete(subscriber);
      if (subscribers.size === 0) {
        connection?.unsubscribe();
        connection = undefined;
      }
    };
  });
}
