import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { SchedulerLike } from 'rxjs';
import { AttemptTimeoutError } from '../../protocol/errors.js';
import type { TxResult } from '../events.js';
import type { CallOptions } from '../options.js';
import type { WarmupConfig, WarmupReport } from './warmup-config.js';

/** What a warm-up needs of a client. */
export interface WarmupTarget {
  readonly sdk: Client;
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult>;
}

/**
 * Pings the server (and makes `calls`) `rounds` times, so that the first real call does not pay
 * for connection setup: sockets, sessions, the server's lazy start, JIT. Resolves with what it
 * measured; a failed ping or call is reported, not thrown, unless `throwOnFailure`.
 * `TxClient.warmup` and `TxPool.warmup` call it, with a config checked and completed by
 * `resolveWarmup` (up front: this module, a chunk of its own in a browser bundle, then shares no
 * file with the page).
 *
 * @example
 * const { pingMs } = await warmup(client, scheduler, resolveWarmup({ rounds: 3 }));
 */
export async function warmup(
  target: WarmupTarget,
  scheduler: SchedulerLike,
  config: Required<WarmupConfig>,
): Promise<WarmupReport> {
  const { rounds, calls, timeoutMs, throwOnFailure } = config;
  const report: WarmupReport = { pingMs: [], callMs: {}, failures: [], totalMs: 0 };
  const started = scheduler.now();
  const measure = async (what: string, run: () => Promise<unknown>, into: number[]) => {
    const at = scheduler.now();
    try {
      await run();
      into.push(scheduler.now() - at);
    } catch (error) {
      if (throwOnFailure) throw error;
      report.failures.push({ what, error });
    }
  };
  for (let round = 0; round < rounds; round++) {
    await measure('ping', () => ping(target.sdk, timeoutMs, scheduler), report.pingMs);
    for (const { name, args } of calls) {
      const times = (report.callMs[name] ??= []);
      await measure(name, () => warmupCall(target, name, args, timeoutMs), times);
    }
  }
  report.totalMs = scheduler.now() - started;
  return report;
}

/** One warm-up call, retries off; an `isError: true` result counts as a failure too. */
async function warmupCall(
  target: WarmupTarget,
  name: string,
  args: Record<string, unknown> | undefined,
  timeoutMs: number,
): Promise<void> {
  const { result } = await target.call(name, args, { timeoutMs, retry: false });
  if (result.isError) throw new Error(`${name}: the tool returned an error result`, { cause: result });
}

/**
 * One `ping`, bounded by `timeoutMs` on `scheduler`; timing out aborts it (the server is told).
 * By hand rather than `timeout` + `firstValueFrom`, whose RxJS modules a browser page would
 * otherwise fetch up front with the client (bench/fetched-bundle.ts).
 */
function ping(sdk: Client, timeoutMs: number, scheduler: SchedulerLike): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let open = true;
    const timer = scheduler.schedule(() => {
      open = false;
      controller.abort('warm-up ping timed out');
      reject(new AttemptTimeoutError(`ping: no response within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = (): boolean => open && !(open = false) && (timer.unsubscribe(), true);
    sdk.ping({ signal: controller.signal }).then(
      (value) => void (settle() && resolve(value)),
      (error: unknown) => void (settle() && reject(error)),
    );
  });
}
