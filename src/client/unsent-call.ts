import { Observable, type SchedulerLike, type Subject, type Subscriber } from 'rxjs';
import { isTxError } from '../protocol/index.js';
import { callId } from './call-id.js';
import type { CallWatcher } from './call-context.js';
import type { TxEvent, TxResponseEvent, TxResult } from './events.js';
import type { TxMetrics } from './metrics.js';

/**
 * What the accounting of calls that send nothing needs of the client.
 *
 * @example
 * const host: UnsentHost = { recorder, events, scheduler };
 */
export interface UnsentHost {
  readonly recorder: TxMetrics;
  /** The client's event subject (events are built only while it is observed). */
  readonly events: Subject<TxEvent>;
  readonly scheduler: SchedulerLike;
}

/**
 * The metrics outcome of a call that failed with `error`: its code, `INVALID_ARGUMENT` for a `TypeError`/`RangeError`.
 *
 * @example
 * outcomeOf(new RangeError('callOptions.timeoutMs must be ...')); // 'INVALID_ARGUMENT'
 */
export function outcomeOf(error: unknown): string {
  if (isTxError(error)) return error.code;
  return error instanceof TypeError || error instanceof RangeError ? 'INVALID_ARGUMENT' : 'ERROR';
}

/**
 * Fails a call refused before it started (invalid arguments or options, client closed): it counts
 * as a call that failed in 0 ms and shows as a `failure` event, then `subscriber` gets `error`.
 *
 * @example
 * if (!valid) return refuseCall(host, subscriber, name, new TypeError('bad options'));
 */
export function refuseCall(
  host: UnsentHost,
  subscriber: Subscriber<unknown>,
  tool: string,
  error: unknown,
): void {
  const { recorder, scheduler } = host;
  recorder.callStarted(tool);
  recorder.callEnded(tool, outcomeOf(error), 0);
  failureEvent(host, tool, error, scheduler.now());
  subscriber.error(error);
}

/**
 * A call answered without a request of its own: by the dedup window or the result cache (a kept
 * result, or an identical call in flight), or refused there (an idempotency conflict). It counts
 * among the calls like any other and shows on `events$` (and to its watcher) as a `response`
 * carrying the result (`duplicate` or `cached`; the request id is the result's), or as a `failure`.
 *
 * @example
 * const result$ = sent ? started$ : unsentCall$(host, 'search', answered$, undefined);
 */
export function unsentCall$(
  host: UnsentHost,
  tool: string,
  result$: Observable<TxResult>,
  watcher: CallWatcher | undefined,
): Observable<TxResult> {
  return new Observable<TxResult>((subscriber) => {
    const { recorder, events, scheduler } = host;
    const startedAt = scheduler.now();
    let outcome: string | undefined;
    recorder.callStarted(tool);
    const sub = result$.subscribe({
      next: (result) => {
        outcome = 'completed';
        if (events.observed || watcher) {
          const event: TxResponseEvent = {
            type: 'response',
            tool,
            requestId: result.requestId,
            attempt: Math.max(result.attempts - 1, 0),
            time: scheduler.now(),
            result,
          };
          if (events.observed) events.next(event);
          watcher?.(event);
        }
        subscriber.next(result);
      },
      error: (error: unknown) => {
        outcome = outcomeOf(error);
        failureEvent(host, tool, error, scheduler.now());
        subscriber.error(error);
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      sub.unsubscribe();
      recorder.callEnded(tool, outcome ?? 'CANCELLED', scheduler.now() - startedAt);
    };
  });
}

function failureEvent(host: UnsentHost, tool: string, error: unknown, time: number): void {
  if (!host.events.observed) return;
  const info = isTxError(error) && error.info.requestId !== '' ? error.info : undefined;
  const requestId = info?.requestId ?? callId();
  host.events.next({ type: 'failure', tool, requestId, attempt: info?.attempt ?? 0, time, error });
}
