import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SchedulerLike } from 'rxjs';

/** Faults applied to the messages of one direction. */
export interface ChaosFaults {
  /** Probability (0..1) that a message is lost. @default 0 */
  drop?: number;
  /** Probability (0..1) that a message is delivered twice. @default 0 */
  duplicate?: number;
  /** Delay of every message, ms, or a `[min, max]` range drawn uniformly. @default 0 */
  delayMs?: number | readonly [min: number, max: number];
  /** Hold up to this many messages and release them shuffled (0 = off). @default 0 */
  reorderWindow?: number;
  /** Close the transport after this many messages in this direction. @default never */
  disconnectAfter?: number;
}

/** Direction of a message through the chaos transport: sent (`toServer`) or received (`toClient`). */
export type ChaosDirection = 'toServer' | 'toClient';

/** What to do with one message, overriding the random faults. */
export type ChaosAction = 'deliver' | 'drop' | 'duplicate' | 'disconnect' | { delayMs: number };

/** Options of {@link chaosTransport}. Top-level faults apply to both directions. */
export interface ChaosOptions extends ChaosFaults {
  /** Seed of the deterministic PRNG: the same seed and calls give the same faults. @default 1 */
  seed?: number;
  /** Faults of sent messages (client to server when wrapping a client transport); override the top level. */
  toServer?: ChaosFaults;
  /** Faults of received messages; override the top level. */
  toClient?: ChaosFaults;
  /** Exact scenarios: an action for a given message, or `undefined` for the random faults. */
  schedule?: (event: {
    direction: ChaosDirection;
    index: number;
    message: JSONRPCMessage;
  }) => ChaosAction | undefined;
  /** Scheduler of delays and reorder flushes. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** The faults that can be changed at run time with `setFaults`. */
export type ChaosFaultOptions = Omit<ChaosOptions, 'seed' | 'scheduler'>;

/** What the chaos transport did, live counters. */
export interface ChaosStats {
  /** Messages passed to `send`. */
  sent: number;
  /** Messages the inner transport delivered. */
  received: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
  /** Disconnects the transport caused. */
  disconnected: number;
}

const FAULT_KEYS = ['drop', 'duplicate', 'delayMs', 'reorderWindow', 'disconnectAfter'] as const;
const OPTION_KEYS = new Set<string>([...FAULT_KEYS, 'seed', 'toServer', 'toClient', 'schedule', 'scheduler']);

/** Faults of one direction: the direction's own fields over the top-level ones. */
export function resolveFaults(options: ChaosFaultOptions, direction: ChaosDirection): ChaosFaults {
  const own = options[direction] ?? {};
  const merged: ChaosFaults = {};
  for (const key of FAULT_KEYS) {
    const value = own[key] ?? options[key];
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  return merged;
}

/** Throws a `TypeError`/`RangeError` naming the field for invalid or unknown chaos options. */
export function validateChaosOptions(options: ChaosOptions, where = 'chaosTransport options'): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where} must be an object`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`${where}.${key} is not an option`);
  }
  checkFaults(options, where);
  for (const direction of ['toServer', 'toClient'] as const) {
    const faults = options[direction];
    if (faults === undefined) continue;
    for (const key of Object.keys(faults)) {
      if (!(FAULT_KEYS as readonly string[]).includes(key))
        throw new TypeError(`${where}.${direction}.${key} is not an option`);
    }
    checkFaults(faults, `${where}.${direction}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new TypeError(`${where}.seed must be an integer`);
}

function checkFaults(f: ChaosFaults, where: string): void {
  for (const key of ['drop', 'duplicate'] as const) {
    const p = f[key];
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new RangeError(`${where}.${key} must be a probability from 0 to 1, got ${String(p)}`);
    }
  }
  const d = f.delayMs;
  const range = typeof d === 'number' ? [d, d] : d;
  if (
    range !== undefined &&
    !(
      Array.isArray(range) &&
      range.length === 2 &&
      range.every((x) => typeof x === 'number' && x >= 0) &&
      (range[0] as number) <= (range[1] as number)
    )
  ) {
    throw new RangeError(`${where}.delayMs must be a number >= 0 or a [min, max] range`);
  }
  for (const key of ['reorderWindow', 'disconnectAfter'] as const) {
    const n = f[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= 0))
      throw new RangeError(`${where}.${key} must be an integer >= 0`);
  }
}
