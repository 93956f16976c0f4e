import { eventBase, type CallContext } from './call-context.js';
import type { TxProgressEvent } from './events.js';
import type { ResolvedPolicy } from './policy.js';

/**
 * How long an attempt's timer runs again after a progress at `now` (`resetTimeoutOnProgress`): a
 * full `timeoutMs`, within what is left of `maxTotalTimeoutMs` since the attempt `startedAt` and
 * of the call's deadline (past it, the deadline ends the call, not this timer). `undefined` when
 * `maxTotalTimeoutMs` has passed: the attempt times out now, as the SDK's request does.
 *
 * @example
 * timeoutAfterProgress({ timeoutMs: 100, maxTotalTimeoutMs: 150 }, 0, undefined, 120); // 30
 */
export function timeoutAfterProgress(
  policy: Pick<ResolvedPolicy, 'timeoutMs' | 'maxTotalTimeoutMs'>,
  startedAt: number,
  deadlineAt: number | undefined,
  now: number,
): number | undefined {
  const { timeoutMs, maxTotalTimeoutMs } = policy;
  let left = timeoutMs;
  if (maxTotalTimeoutMs !== undefined) {
    const total = startedAt + maxTotalTimeoutMs - now;
    if (total <= 0) return undefined;
    left = Math.min(left, total);
  }
  if (deadlineAt !== undefined) left = Math.min(left, Math.max(deadlineAt - now, 0));
  return left;
}

/**
 * The `progress` event of `ctx` for a `notifications/progress` params object, or `undefined`
 * when it carries no numeric `progress` (malformed: ignored, the attempt timeout still bounds it).
 *
 * @example
 * const event = progressEvent(ctx, scheduler.now(), { progressToken: 't', progress: 2, total: 5 });
 */
export function progressEvent(
  ctx: CallContext,
  now: number,
  params: Record<string, unknown>,
): TxProgressEvent | undefined {
  const { progress, total, message } = params;
  if (typeof progress !== 'number') return undefined;
  const event: TxProgressEvent = { type: 'progress', ...eventBase(ctx, now), progress };
  if (typeof total === 'number') event.total = total;
  if (typeof message === 'string') event.message = message;
  return event;
}
