import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors.js';

/**
 * A commander argument parser for an integer in `[min, max]`; commander turns the thrown
 * `InvalidArgumentError` into a usage error naming the option.
 *
 * @example
 * command.option('--calls <n>', 'calls to make', integer(1, 100_000), 300);
 */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * A commander argument parser for a number in `[min, max]`.
 *
 * @example
 * command.option('--loss <p>', 'message loss', decimal(0, 1), 0.2);
 */
export function decimal(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * Parses a tool's arguments given on the command line: a JSON object, or nothing.
 *
 * @example
 * parseJsonArgs('{"to":"bob","cents":100}') // { to: 'bob', cents: 100 }
 */
export function parseJsonArgs(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`json-args is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    throw new UsageError(`json-args must be a JSON object, got ${kind}`);
  }
  return value as Record<string, unknown>;
}

/**
 * `object` without its `undefined` properties, so that it fits an options type under
 * `exactOptionalPropertyTypes` (commander leaves unset options `undefined`).
 *
 * @example
 * compact({ timeoutMs: undefined, retries: 2 }) // { retries: 2 }
 */
export function compact<T extends object>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
