import { Observable, type Subscriber, Subscription, type TeardownLogic } from 'rxjs';
import { failWith } from '../rx-lite.js';
import { AbortedError, ClientClosedError } from '../../protocol/index.js';
import { callId } from '../call/call-id.js';
import type { CallDedup } from '../resilience/call-dedup.js';
import { keyedExtras, type KeyedExtras } from '../resilience/keyed-extras.js';
import { callExtras, loadCallExtras } from '../resilience/call-extras-loader.js';
import type { CallWatcher } from '../call/call-context.js';
import { unsentCall$ } from '../call/unsent-call.js';
import type { TxCallEvent, TxResult } from '../events.js';
import type { CallOptions } from '../options.js';
import { validateCallOptions } from '../validate-options.js';
import { abortable } from '../call/abortable.js';
import { CallPath } from './call-path.js';

/**
 * The call entry points of a client: `call$`, `stream$` and `call` check a call, find it the
 * extras it needs (the dedup window, the cache, a breaker or a budget), and start it on the
 * {@link CallPath}; a promise's common call starts directly, with no Observable.
 *
 * @example
 * const { result } = await client.call('transfer', { to: 'bob', cents: 100 });
 */
export class CallEntry extends CallPath {
  /** The dedup window, made by the first keyed call. */
  #dedup: CallDedup | undefined;

  /**
   * Calls a tool. Cold: nothing is sent until subscribed; emits one {@link TxResult} and
   * completes, or errors with a typed {@link TxError}. Unsubscribing gives the call up: the
   * server gets `notifications/cancelled` (marked `abandoned`, so that `withTxServer` stops the
   * tool, unless you gave the call an `idempotencyKey`, which may come back and must then find
   * the stored outcome; an attempt that times out with a retry to follow is left running too).
   *
   * @example
   * const { result } = await firstValueFrom(client.call$('search', { q: 'mcp' }, { timeoutMs: 2_000 }));
   */
  call$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxResult> {
    return this.#call$(name, args, options, undefined);
  }

  /**
   * Calls a tool as {@link call$} does (same options; unsubscribing gives the call up), and
   * emits the call's own events as they happen: `request`, `ack`, `nack`, `progress`, `retry`,
   * `throttled`, `timeout`, `task`, then the `response` carrying the {@link TxResult}, and completes; a failed
   * call errors with its {@link TxError}. Cold: each subscription is one call. A `progressToken`
   * goes with each attempt, so the server's progress arrives as `progress` events. A call
   * answered by the dedup window or the result cache emits its `response` alone.
   *
   * @example
   * client.stream$('index', { dir: '.' }).subscribe((e) => {
   *   if (e.type === 'progress') console.log(`${e.progress}/${e.total ?? '?'} ${e.message ?? ''}`);
   *   if (e.type === 'response') console.log('done after', e.result.attempts, 'attempt(s)');
   * });
   */
  stream$(name: string, args?: Record<string, unknown>, options?: CallOptions): Observable<TxCallEvent> {
    return new Observable<TxCallEvent>((subscriber) =>
      this.#call$(name, args, options, (event) => subscriber.next(event)).subscribe({
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /** One call, its events also handed to `stream` (`stream$`). */
  #call$(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    stream: CallWatcher | undefined,
  ): Observable<TxResult> {
    return new Observable<TxResult>((subscriber) => {
      let cached;
      try {
        checkCall(name, args, options);
        if (this.closed) throw new ClientClosedError(`${name}: client is closed`);
        cached = this.resilience.cached(name);
      } catch (error) {
        return unsentCall$(
          this.unsent,
          String(name),
          failWith(() => error),
          undefined,
        ).subscribe(subscriber);
      }
      const onProgress = options?.onProgress;
      // onProgress is called as the SDK calls its onprogress: an error it throws is not caught
      const watcher: CallWatcher | undefined = onProgress
        ? (event) => {
            if (event.type === 'progress') onProgress(event);
            stream?.(event);
          }
        : stream;
      // a cached call, or one with a breaker or a budget, needs the call extras (a chunk of their own
      // in a browser); a keyed call has what it needs from the start (keyed-extras.ts)
      const extras = cached || this.needsExtras ? callExtras() : keyedExtras;
      if (extras) return this.#proceed(subscriber, name, args, options, watcher, cached, extras);
      // a browser, their chunk still loading: the call goes on once it is in
      const waiting = new Subscription();
      loadCallExtras().then(
        (loaded) => {
          if (!waiting.closed)
            waiting.add(this.#proceed(subscriber, name, args, options, watcher, cached, loaded));
        },
        (error: unknown) => {
          if (!waiting.closed) {
            waiting.add(
              unsentCall$(
                this.unsent,
                name,
                failWith(() => error),
                watcher,
              ).subscribe(subscriber),
            );
          }
        },
      );
      return waiting;
    });
  }

  /** A checked call, with the {@link CallExtras} if it needs them. */
  #proceed(
    subscriber: Subscriber<TxResult>,
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    watcher: CallWatcher | undefined,
    cached: boolean,
    keyed: KeyedExtras | undefined,
  ): TeardownLogic {
    const cache = cached ? this.resilience.cache(name) : undefined;
    const key = options?.idempotencyKey;
    const signal = options?.signal;
    // The common call (no key, no signal, no cache) starts directly: no intermediate Observables.
    if (key === undefined && !signal && !cache) {
      return this.start(subscriber, name, args, options, callId(), watcher);
    }
    const id = key ?? callId();
    let sent = false;
    const start = () => {
      sent = true;
      return new Observable<TxResult>((s) => this.start(s, name, args, options, id, watcher));
    };
    const run = () =>
      key !== undefined && keyed && this.dedupWindowMs > 0
        ? (this.#dedup ??= new keyed.CallDedup(
            this.dedupWindowMs,
            this.dedupMaxEntries,
            this.scheduler,
          )).join(key, keyed.fingerprint(name, args), start, () => this.recorder.dedupHit(name))
        : start();
    let result$ =
      cache && keyed
        ? cache.join(keyed.fingerprint(name, args), run, () => this.recorder.cacheHit(name))
        : run();
    // answered (or refused) by the dedup window or the cache: it still counts and shows
    if (!sent) result$ = unsentCall$(this.unsent, name, result$, watcher, key !== undefined);
    if (!signal) return result$.subscribe(subscriber);
    const calledAt = this.scheduler.now();
    const aborted = (reason: unknown) => {
      const why = reason instanceof Error ? `: ${reason.message}` : '';
      const info = { tool: name, requestId: id, attempt: 0, elapsedMs: this.scheduler.now() - calledAt };
      return new AbortedError(`${name}: aborted by its signal${why}`, { info, cause: reason });
    };
    return abortable(result$, signal, aborted).subscribe(subscriber);
  }

  /**
   * Calls a tool and resolves with its {@link TxResult} (`firstValueFrom(client.call$(…))`).
   * Pass `{ signal }` to abort.
   *
   * @example
   * const { result, attempts } = await client.call('transfer', { to: 'bob', cents: 100 }, { idempotencyKey: orderId });
   */
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult> {
    return new Promise((resolve, reject) => {
      // the common call (valid, unkeyed, no signal, no cache, no breaker to load) starts directly:
      // no Observable, no subscriber; any other goes through call$
      if (!this.#startDirect(name, args, options, resolve, reject))
        this.call$(name, args, options).subscribe({ next: resolve, error: reject });
    });
  }

  /** Starts `call`'s common case for a promise; `false` (nothing done) for any other. */
  #startDirect(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions | undefined,
    resolve: (result: TxResult) => void,
    reject: (error: unknown) => void,
  ): boolean {
    if (this.closed || options?.idempotencyKey !== undefined || options?.signal || options?.onProgress)
      return false;
    let cached;
    try {
      checkCall(name, args, options);
      cached = this.resilience.cached(name);
    } catch {
      return false; // call$ reports it
    }
    if (cached || (this.needsExtras && !callExtras())) return false;
    this.start(undefined, name, args, options, callId(), undefined, resolve, reject);
    return true;
  }
}

/** Checks a call's tool name, arguments and options; throws the `TypeError` (or `RangeError`) that says what is wrong. */
function checkCall(
  name: string,
  args: Record<string, unknown> | undefined,
  options: CallOptions | undefined,
): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('tool name must be a non-empty string');
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new TypeError(`arguments of ${name} must be an object`);
  }
  if (options !== undefined) validateCallOptions(options);
}
