/**
 * Argument checks shared by every layer (operators, client, server, protocol), kept in the lowest
 * one so that no layer imports upward: each throws a `TypeError` or `RangeError` that names
 * the offending field, at construction time, so a bad config never reaches a running stream.
 */

/** The longest delay a JavaScript timer takes (2^31 - 1 ms); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Throws unless `config` is an object whose own keys are all in `known`. */
export function checkKeys(config: unknown, known: readonly string[], where: string): void {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${where} config must be an object, got ${describe(config)}`);
  }
  for (const name of Object.keys(config)) {
    if (!known.includes(name)) {
      throw new TypeError(`${where}: ${name} is not an option; known options: ${known.join(', ')}`);
    }
  }
}

/** Throws unless `value` is a number in `[min, max]` (an integer when asked; `Infinity` when allowed). */
export function checkNumber(
  value: unknown,
  field: string,
  min: number,
  max: number,
  { integer = false, infinity = false }: { integer?: boolean; infinity?: boolean } = {},
): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${field} must be a number, got ${describe(value)}`);
  }
  if (infinity && value === Infinity) return;
  if ((integer && !Number.isInteger(value)) || !Number.isFinite(value) || value < min || value > max) {
    const range = `from ${min} to ${max}${infinity ? ' or Infinity' : ''}`;
    throw new RangeError(
      `${field} must be ${integer ? 'an integer' : 'a finite number'} ${range}, got ${value}`,
    );
  }
}

/** Throws unless `value` is a function (or `undefined` when `optional`). */
export function checkFunction(value: unknown, field: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'function') throw new TypeError(`${field} must be a function, got ${describe(value)}`);
}

/** Throws unless `value` looks like an RxJS `SchedulerLike` (or is `undefined`). */
export function checkScheduler(value: unknown, field: string): void {
  if (value === undefined) return;
  const s = value as { now?: unknown; schedule?: unknown } | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.now !== 'function' ||
    typeof s.schedule !== 'function'
  ) {
    throw new TypeError(`${field} must be an RxJS SchedulerLike (now and schedule), got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' || typeof value === 'function') return typeof value;
  return String(value);
}
