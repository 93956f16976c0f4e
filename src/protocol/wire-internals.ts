import { InvalidMetaError } from './errors.js';

/** Longest id or key accepted from a peer; longer ones are rejected, not truncated. */
export const MAX_ID_LENGTH = 256;

/** A plain-object view of `value`, or an {@link InvalidMetaError} naming `what`. */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMetaError(`${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

/** A non-empty string of at most {@link MAX_ID_LENGTH} characters. */
export function id(obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID_LENGTH) {
    throw new InvalidMetaError(`${field} must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  return v;
}

/** An optional id (see {@link id}). */
export function optionalId(obj: Record<string, unknown>, field: string): string | undefined {
  return obj[field] === undefined ? undefined : id(obj, field);
}

/** A non-negative safe integer, or `fallback` when absent. */
export function count(obj: Record<string, unknown>, field: string, fallback?: number): number {
  const v = obj[field];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidMetaError(`${field} must be a non-negative integer`);
  }
  return v;
}

/** An optional finite non-negative number. */
export function optionalMs(obj: Record<string, unknown>, field: string): number | undefined {
  const v = obj[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InvalidMetaError(`${field} must be a finite non-negative number`);
  }
  return v;
}

/** A boolean, or `fallback` when absent. */
export function flag(obj: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const v = obj[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new InvalidMetaError(`${field} must be a boolean`);
  return v;
}

/** The last version string {@link version} parsed, and its numbers: peers send the same one on every message. */
let lastVersion: unknown = Symbol('none yet');
let lastParts: readonly [number, number, number] = [0, 0, 0];

/** A version string `MAJOR.MINOR.PATCH` split into numbers, or an error. */
export function version(obj: Record<string, unknown>, field = 'version'): [number, number, number] {
  const v = obj[field];
  if (v === lastVersion) return [lastParts[0], lastParts[1], lastParts[2]];
  const m = typeof v === 'string' ? /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/.exec(v) : null;
  if (!m) throw new InvalidMetaError(`${field} must be a version like "0.2.0"`);
  const parts: [number, number, number] = [Number(m[1]), Number(m[2]), Number(m[3])];
  lastVersion = v as string;
  lastParts = parts;
  return [parts[0], parts[1], parts[2]];
}
