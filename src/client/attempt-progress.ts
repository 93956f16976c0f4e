import type { ResolvedPolicy } from './policy.js';

/**
 * How long an attempt's timer runs again after a progress at `now` (`resetTimeoutOnProgress`): a
 * full `timeoutMs`, within what is left of `maxTotalTimeoutMs` since the attempt `startedAt` (the
 * call's deadline ends the call on its own). `undefined` when `maxTotalTimeoutMs` has passed: the
 * attempt times out now, as the SDK's request does.
 *
 * @example
 * timeoutAfterProgress({ timeoutMs: 100, maxTotalTimeoutMs: 150 }, 0, 120); // 30
 */
export function timeoutAfterProgress(
  policy: Pick<ResolvedPolicy, 'timeoutMs' | 'maxTotalTimeoutMs'>,
  startedAt: number,
  now: number,
): number | undefined {
  const { timeoutMs, maxTotalTimeoutMs } = policy;
  if (maxTotalTimeoutMs === undefined) return timeoutMs;
  const total = startedAt + maxTotalTimeoutMs - now;
  return total > 0 ? Math.min(timeoutMs, total) : undefined;
}
