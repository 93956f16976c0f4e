import { Observable, type SchedulerLike } from 'rxjs';
import type { Sink } from '../rx-lite.js';
import { isTxError } from '../../protocol/index.js';
import { callId } from './call-id.js';
import type { CallWatcher } from './call-context.js';
import type { TxEvent, TxResponseEvent, TxResult } from '../events.js';
import type { TxMetrics } from '../metrics/metrics.js';
import type { ClientTelemetry } from '../../telemetry/hooks.js';
import type { DurationClock } from '../metrics/duration-clock.js';

/**
 * What the accounting of calls that send nothing needs of the client.
 *
 * @example
 * const host: UnsentHost = { recorder, events, scheduler, elapsed: durationClock(scheduler) };
 */
export interface UnsentHost {
  readonly recorder: TxMetrics;
  /** The client's event subject (events are built only while it is observed). */
  readonly events: Sink<TxEvent>;
  readonly scheduler: SchedulerLike;
  /** The client's `telemetry` option: such a call has a trace too. */
  readonly telemetry: ClientTelemetry | undefined;
  /** The clock of latencies. */
  readonly elapsed: DurationClock;
}

/**
 * A call that sends no request of its own: answered by the dedup window or the result cache (a
 * kept result, or an identical call in flight), or refused (an idempotency conflict; invalid
 * arguments or options, a closed client: `result$` then fails at once). It counts among the calls
 * like any other (a `TypeError`/`RangeError` under `INVALID_ARGUMENT`), and shows on `events$`
 * (and to its watcher) as a `response` of its own: a request id of its own, marked `deduplicated`
 * or `cached`, `dedupOf` the request id of the call whose result it got (the result's); or as a
 * `failure`. Its `attempt` is 0 (it made none of its own).
 *
 * @example
 * const result$ = sent ? started$ : unsentCall$(host, 'search', answered$, undefined);
 */
export function unsentCall$(
  host: UnsentHost,
  tool: string,
  result$: Observable<TxResult>,
  watcher: CallWatcher | undefined,
  keyed = false,
): Observable<TxResult> {
  return new Observable<TxResult>((subscriber) => {
    const { recorder, events, scheduler, elapsed } = host;
    const startTick = elapsed();
    let outcome = 'CANCELLED';
    recorder.callStarted(tool);
    const trace = host.telemetry?.clientCall({ tool, requestId: undefined, keyed, sent: false });
    // the fields every event carries: it made no attempt of its own
    const base = (requestId: string) => ({ tool, requestId, attempt: 0, time: scheduler.now() });
    const sub = result$.subscribe({
      next: (result) => {
        outcome = 'completed';
        // a call of its own (a UI row of its own), marked, naming the call whose result it got
        const event = {
          type: 'response',
          ...base(callId()),
          result,
          dedupOf: result.requestId,
          [result.cached ? 'cached' : 'deduplicated']: true,
        } as TxResponseEvent;
        if (events.observed) events.next(event);
        watcher?.(event);
        trace?.event(event);
        subscriber.next(result);
      },
      error: (error: unknown) => {
        // not a TxError: a TypeError or RangeError of the arguments or options
        const tx = isTxError(error) ? error : undefined;
        outcome = tx?.code ?? 'INVALID_ARGUMENT';
        if (events.observed || trace !== undefined) {
          const event = { type: 'failure', ...base(tx?.info.requestId || callId()), error } as const;
          if (events.observed) events.next(event);
          trace?.event(event);
        }
        subscriber.error(error);
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      sub.unsubscribe();
      recorder.callEnded(tool, outcome, elapsed() - startTick);
      trace?.end(outcome === 'CANCELLED' ? undefined : outcome);
    };
  });
}
