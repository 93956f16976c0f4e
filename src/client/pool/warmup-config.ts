import { checkKeys, checkNumber, MAX_TIMER_MS } from '../../protocol/config-internals.js';

// What `TxClient` and `TxPool` need of a warm-up up front; the warm-up itself (warmup.ts) is
// loaded when it runs, so that a browser page that never warms up does not carry it.

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

const KNOWN = ['rounds', 'calls', 'timeoutMs', 'throwOnFailure'];

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

/**
 * A warm-up config checked ({@link validateWarmup}) and completed with the defaults: what
 * `warmup.ts` runs.
 *
 * @example
 * resolveWarmup({ rounds: 5 }); // { rounds: 5, calls: [], timeoutMs: 5_000, throwOnFailure: false }
 */
export function resolveWarmup(config: WarmupConfig = {}): Required<WarmupConfig> {
  validateWarmup(config);
  const {
    rounds = DEFAULT_WARMUP_ROUNDS,
    calls = [],
    timeoutMs = DEFAULT_WARMUP_TIMEOUT_MS,
    throwOnFailure = false,
  } = config;
  return { rounds, calls, timeoutMs, throwOnFailure };
}
