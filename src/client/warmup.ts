import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Observable, type SchedulerLike, firstValueFrom, throwError, timeout } from 'rxjs';
import { checkKeys, checkNumber, MAX_TIMER_MS } from '../protocol/config-internals.js';
import { AttemptTimeoutError } from '../protocol/index.js';
import type { TxResult } from './events.js';
import type { CallOptions } from './options.js';

/** Warm-up rounds. @default 3 */
export const DEFAULT_WARMUP_ROUNDS = 3;
/** Time bound of each warm-up ping and call. @default 5_000 ms */
export const DEFAULT_WARMUP_TIMEOUT_MS = 5_000;

/** A tool call to make while warming up: pick a cheap one that is safe to run (read-only). */
export interface WarmupCall {
  /** Tool name. */
  name: string;
  /** Its arguments. @default none */
  args?: Record<string, unknown>;
}

/**
 * How {@link TxClient.warmup} warms a connection up.
 *
 * @example
 * await client.warmup({ rounds: 5, timeoutMs: 1_000, calls: [{ name: 'health' }] });
 */
export interface WarmupConfig {
  /** Rounds, one after the other; each sends one `ping`, then makes each of `calls` once. @default 3, range 1..1_000 */
  rounds?: number;
  /** Tool calls to make in every round, after the ping (through the client, retries off; they count in its metrics). @default none */
  calls?: readonly WarmupCall[];
  /** Time bound of each ping and each call, ms (scheduler time). @default 5_000, range 1..2_147_483_647 */
  timeoutMs?: number;
  /** Reject with the first failure instead of reporting it in `failures`. @default false */
  throwOnFailure?: boolean;
}

/** What a warm-up measured. */
export interface WarmupReport {
  /** Round-trip ms of each ping that answered, in order (scheduler time). */
  pingMs: number[];
  /** Ms of each warm-up call that answered, by tool name. */
  callMs: Record<string, number[]>;
  /**
   * Each ping (`what: 'ping'`) or call (`what`: its tool name) that failed, with the error; a
   * call whose result is `isError: true` fails with an `Error` whose `cause` is that result.
   */
  failures: { what: string; error: unknown }[];
  /** Ms the whole warm-up took. */
  totalMs: number;
}

/** What a warm-up needs of a client. */
export interface WarmupTarget {
  readonly sdk: Client;
  call(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<TxResult>;
}

const KNOWN = ['rounds', 'calls', 'timeoutMs', 'throwOnFailure'];

/**
 * Pings the server (and makes `calls`) `rounds` times, so that the first real call does not pay
 * for connection setup: sockets, sessions, the server's lazy start, JIT. Resolves with what it
 * measured; a failed ping or call is reported, not thrown, unless `throwOnFailure`.
 * `TxClient.warmup` and `TxPool.warmup` call it.
 *
 * @example
 * const { pingMs } = await warmup(client, scheduler, { rounds: 3 });
 */
export async function warmup(
  target: WarmupTarget,
  scheduler: SchedulerLike,
  config: WarmupConfig = {},
): Promise<WarmupReport> {
  validateWarmup(config);
  const {
    rounds = DEFAULT_WARMUP_ROUNDS,
    calls = [],
    timeoutMs = DEFAULT_WARMUP_TIMEOUT_MS,
    throwOnFailure = false,
  } = config;
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

/** One `ping`, bounded by `timeoutMs` on `scheduler`; timing out aborts it (the server is told). */
function ping(sdk: Client, timeoutMs: number, scheduler: SchedulerLike): Promise<unknown> {
  const ping$ = new Observable<unknown>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    sdk.ping({ signal: controller.signal }).then(
      (value) => {
        settled = true;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) controller.abort('warm-up ping timed out');
    };
  });
  return firstValueFrom(
    ping$.pipe(
      timeout({
        first: timeoutMs,
        scheduler,
        with: () => throwError(() => new AttemptTimeoutError(`ping: no response within ${timeoutMs} ms`)),
      }),
    ),
  );
}

/** Throws a `TypeError`/`RangeError` naming the field when a warm-up config is invalid or unknown. */
export function validateWarmup(config: unknown, where = 'warmup'): asserts config is WarmupConfig {
  checkKeys(config, KNOWN, where);
  const { rounds, calls, timeoutMs, throwOnFailure } = config as Record<string, unknown>;
  if (rounds !== undefined) checkNumber(rounds, `${where}.rounds`, 1, 1_000, { integer: true });
  if (timeoutMs !== undefined) checkNumber(timeoutMs, `${where}.timeoutMs`, 1, MAX_TIMER_MS);
  if (throwOnFailure !== undefined && typeof throwOnFailure !== 'boolean') {
    throw new TypeError(`${where}.throwOnFailure must be a boolean, got ${typeof throwOnFailure}`);
  }
  if (calls === undefined) return;
  if (!Array.isArray(calls)) throw new TypeError(`${where}.calls must be an array, got ${typeof calls}`);
  calls.forEach((call: unknown, i) => {
    const field = `${where}.calls[${i}]`;
    checkKeys(call, ['name', 'args'], field);
    const { name, args } = call as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`${field}.name must be a non-empty string`);
    }
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      throw new TypeError(`${field}.args must be an object`);
    }
  });
}
