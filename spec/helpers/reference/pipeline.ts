import {
  EMPTY,
  Observable,
  Subject,
  catchError,
  defer,
  finalize,
  mergeMap,
  race,
  scan,
  share,
  tap,
} from 'rxjs';
import { throwError, timer, type Subscriber } from 'rxjs';
import {
  boundedMergeMap,
  circuitBreaker,
  deadline,
  retryWithBackoff,
  retryWithBudget,
} from 'mcp-tx/operators';
import type { CircuitState } from 'mcp-tx/operators';
import type { DedupEntry, ReferenceCall, ReferenceHost } from './reference-host.js';

/**
 * The client's call path as the design card draws it (DESIGN.md, section 1), built from the
 * exported operators: `call$ ─► dedup window (scan) ─► queue ─► boundedMergeMap(execute$)`, each
 * attempt deferred, timed out, through the tool's circuit breaker, retried with backoff, all
 * within the call's deadline. `TxClient` runs a fused copy of it (`CallRun`); a differential
 * property spec holds the two to the same events and outcomes.
 *
 * @example
 * const call$ = referencePipeline(host);
 * call$({ key: 'k1', fingerprint: 'f1', deadlineAt: Infinity, attempt: -1 }).subscribe(console.log);
 */
export function referencePipeline<R>(host: ReferenceHost<R>): (call: ReferenceCall) => Observable<R> {
  const { scheduler, concurrency, maxQueue, maxAttempts, backoff, random, breaker, budget } = host;

  // one attempt: its timer armed as it starts (before the request goes out: RxJS `timeout`
  // would arm it after), then the request; a failure typed as classify.ts says
  const attempt$ = (call: ReferenceCall): Observable<R> =>
    defer(() => {
      call.attempt++;
      const timedOut$ = timer(host.attemptTimeoutMs(call), scheduler).pipe(
        mergeMap(() => throwError(() => host.timedOut(call))),
      );
      const sent$ = race(
        timedOut$,
        defer(() => host.send$(call)),
      ).pipe(catchError((error: unknown) => throwError(() => host.classify(call, error))));
      if (!breaker) return sent$;
      const onStateChange = (state: CircuitState) => host.breakerMoved(call, state);
      return sent$.pipe(
        circuitBreaker(breaker, { rejectWith: (ms) => host.circuitOpen(call, ms), onStateChange }),
      );
    });

  // the call: its attempts retried with backoff (`retry` with a delay function; against the
  // client's retry budget if it has one), all within its deadline
  const execute$ = (call: ReferenceCall): Observable<R> => {
    const retrying = {
      maxAttempts,
      backoff,
      random,
      scheduler,
      shouldRetry: (error: unknown) => host.shouldRetry(call, error),
      onRetry: ({ error, attempt, delayMs }: { error: unknown; attempt: number; delayMs: number }) =>
        host.retried(call, attempt, error, delayMs),
      onGiveUp: (errors: unknown[]) => host.gaveUp(call, errors),
    };
    return attempt$(call).pipe(
      budget ? retryWithBudget<R>(budget, retrying) : retryWithBackoff<R>(retrying),
      deadline({ at: call.deadlineAt, scheduler, with: () => host.deadlinePassed(call) }),
    );
  };

  // the queue: `concurrency` calls run, `maxQueue` wait, the rest fail at once; a caller that
  // left is torn down (its attempt cancelled, its breaker ticket given back) before its slot is
  // free (`takeUntil` would free the slot first)
  type Queued = { call: ReferenceCall; caller: Subscriber<R>; left$: Subject<void> };
  const queue$ = new Subject<Queued>();
  const failed = (call: ReferenceCall, caller: Subscriber<R>, error: unknown): void => {
    host.failed(call, error);
    caller.error(error);
  };
  queue$
    .pipe(
      boundedMergeMap(
        ({ call, caller, left$ }) =>
          new Observable<never>((slot) => {
            if (caller.closed) return slot.complete();
            const execution = execute$(call).subscribe({
              next: (result) => caller.next(result),
              error: (error: unknown) => (failed(call, caller, error), slot.complete()),
              complete: () => (caller.complete(), slot.complete()),
            });
            const left = left$.subscribe(() => (execution.unsubscribe(), slot.complete()));
            return () => (left.unsubscribe(), execution.unsubscribe());
          }),
        {
          concurrency,
          maxQueue,
          onOverflow: ({ call, caller }) => failed(call, caller, host.queueFull(call)),
        },
      ),
    )
    .subscribe();
  const queued$ = (call: ReferenceCall): Observable<R> =>
    new Observable<R>((caller) => {
      const left$ = new Subject<void>();
      queue$.next({ call, caller, left$ });
      return () => left$.next();
    });

  // the dedup window: a `scan` over arrivals by idempotency key; a duplicate shares the call in
  // flight, or gets its result while the window lasts; a failed or abandoned call is forgotten
  type Arrival = { call: ReferenceCall; answer$?: Observable<R> };
  const arrivals$ = new Subject<Arrival>();
  const remember = (window: Map<string, DedupEntry<R>>, call: ReferenceCall): Observable<R> => {
    const { key, fingerprint } = call;
    const flight = { fingerprint, shared: EMPTY as Observable<R> };
    flight.shared = queued$(call).pipe(
      tap((result) =>
        window.set(key, { fingerprint, result, expiresAt: scheduler.now() + host.dedupWindowMs }),
      ),
      // failed or abandoned: forgotten (`share` tears its source down with the last subscriber)
      finalize(() => window.get(key) === flight && window.delete(key)),
      share(),
    );
    if (host.dedupWindowMs > 0) window.set(key, flight);
    return flight.shared;
  };
  arrivals$
    .pipe(
      scan((window: Map<string, DedupEntry<R>>, arrival: Arrival) => {
        const { call } = arrival;
        const now = scheduler.now();
        for (const [key, entry] of window)
          if ('expiresAt' in entry && entry.expiresAt <= now) window.delete(key);
        const entry = window.get(call.key);
        if (entry === undefined) arrival.answer$ = remember(window, call);
        else if (entry.fingerprint !== call.fingerprint)
          arrival.answer$ = throwError(() => host.conflict(call));
        else if ('result' in entry) arrival.answer$ = defer(() => [host.duplicate(entry.result, true)]);
        else arrival.answer$ = entry.shared.pipe(mergeMap((result) => [host.duplicate(result, false)]));
        return window;
      }, new Map<string, DedupEntry<R>>()),
    )
    .subscribe();

  return (call) =>
    defer(() => {
      const arrival: Arrival = { call };
      arrivals$.next(arrival);
      return arrival.answer$ ?? EMPTY;
    });
}
