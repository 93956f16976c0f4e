import {
  Observable,
  Subscription,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscriber,
  type Unsubscribable,
} from 'rxjs';

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

/**
 * An operator on `Observable` alone: `step(subscriber)` makes, for each subscription, what a
 * source value does; a throw fails the subscriber (as RxJS's operators do). RxJS's own `map`,
 * `filter`, `take` and `distinctUntilChanged` bring in its `OperatorSubscriber` and `lift`.
 */
function operate<T, R>(step: (subscriber: Subscriber<R>) => (value: T) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const next = step(subscriber);
      return source.subscribe({
        next: (value) => {
          try {
            next(value);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/**
 * RxJS's `map`, without its `OperatorSubscriber`.
 *
 * @example
 * status$.pipe(map((s) => s === 'connected'));
 */
export function map<T, R>(project: (value: T) => R): OperatorFunction<T, R> {
  return operate((subscriber) => (value) => subscriber.next(project(value)));
}

/**
 * RxJS's `filter`, without its `OperatorSubscriber`.
 *
 * @example
 * events$.pipe(filter((e): e is TxAckEvent => e.type === 'ack'));
 */
export function filter<T, S extends T>(keep: (value: T) => value is S): OperatorFunction<T, S>;
export function filter<T>(keep: (value: T) => boolean): MonoTypeOperatorFunction<T>;
export function filter<T>(keep: (value: T) => boolean): MonoTypeOperatorFunction<T> {
  return operate((subscriber) => (value) => {
    if (keep(value)) subscriber.next(value);
  });
}

/**
 * The first value, then complete: RxJS's `take(1)`.
 *
 * @example
 * status$.pipe(first()).subscribe(show);
 */
export function first<T>(): MonoTypeOperatorFunction<T> {
  return operate((subscriber) => (value) => {
    subscriber.next(value);
    subscriber.complete();
  });
}

/**
 * RxJS's `distinctUntilChanged()` (compared with `===`).
 *
 * @example
 * status.pipe(distinct());
 */
export function distinct<T>(): MonoTypeOperatorFunction<T> {
  return operate((subscriber) => {
    let seen = false;
    let last: T;
    return (value) => {
      if (seen && value === last) return;
      seen = true;
      last = value;
      subscriber.next(value);
    };
  });
}

/**
 * Fails each subscriber with `error()`: RxJS's `throwError(error)`.
 *
 * @example
 * failWith(() => new QueueFullError('queue full', info));
 */
export function failWith(error: () => unknown): Observable<never> {
  return new Observable<never>((subscriber) => subscriber.error(error()));
}

/**
 * `value()` every `periodMs` on `scheduler`: RxJS's `interval(periodMs, scheduler).pipe(map(value))`.
 *
 * @example
 * every(1_000, asyncScheduler, () => metrics.snapshot());
 */
export function every<T>(periodMs: number, scheduler: SchedulerLike, value: () => T): Observable<T> {
  return new Observable<T>((subscriber) =>
    scheduler.schedule(function (this: SchedulerAction<undefined>) {
      let next: T;
      try {
        next = value();
      } catch (error) {
        subscriber.error(error);
        return;
      }
      subscriber.next(next);
      this.schedule(undefined, periodMs);
    }, periodMs),
  );
}

/**
 * RxJS's `BehaviorSubject` on {@link Multicast}: `value` is the latest value given to `next`, and
 * `value$` gives each subscriber the latest value first, then the ones after it (only the end,
 * once completed).
 *
 * @example
 * const status = new Latest('connecting');
 * status.value$.subscribe(show); // 'connecting'
 * status.next('connected'); // 'connected'
 */
export class Latest<T> {
  readonly #changes = new Multicast<T>();
  /** The latest value, from subscription on. */
  readonly value$ = new Observable<T>((subscriber) => {
    this.#changes.value$.subscribe(subscriber);
    if (!subscriber.closed) subscriber.next(this.value);
  });

  constructor(public value: T) {}

  next(value: T): void {
    this.value = value;
    this.#changes.next(value);
  }

  complete(): void {
    this.#changes.complete();
  }
}

/**
 * What a call publishes its events to: a {@link Multicast} (or an RxJS `Subject`).
 *
 * @example
 * if (events.observed) events.next(event);
 */
export interface Sink<T> {
  /** Someone subscribed (events are built only then). */
  readonly observed: boolean;
  next(value: T): void;
}

/**
 * RxJS's `Subject` without its `AnonymousSubject`, `lift` and error state: `value$` gives each
 * subscriber the values `next` gets from then on, and completes them with `complete()` (a later
 * subscriber at once); `next` reaches the subscribers there were when it was called.
 *
 * @example
 * const events = new Multicast<TxEvent>();
 * events.value$.subscribe(show);
 * events.next(event);
 */
export class Multicast<T> implements Sink<T> {
  #observers: readonly Subscriber<T>[] = [];
  #stopped = false;
  /** The values from subscription on. */
  readonly value$ = new Observable<T>((subscriber) => {
    if (this.#stopped) return subscriber.complete();
    this.#observers = [...this.#observers, subscriber];
    return () => {
      this.#observers = this.#observers.filter((o) => o !== subscriber);
    };
  });

  get observed(): boolean {
    return this.#observers.length > 0;
  }

  next(value: T): void {
    if (!this.#stopped) for (const observer of this.#observers) observer.next(value);
  }

  complete(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const observers = this.#observers;
    this.#observers = [];
    for (const observer of observers) observer.complete();
  }
}
