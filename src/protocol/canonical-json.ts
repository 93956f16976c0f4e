/** Deepest nesting {@link canonicalJson} accepts; deeper input is rejected, not overflowed. */
export const MAX_CANONICAL_DEPTH = 512;

/**
 * Serialises a JSON value with object keys sorted (by UTF-16 code units) and no whitespace,
 * so equal values give equal strings whatever their key order (after RFC 8785, JCS).
 * Follows `JSON.stringify` for everything else: `undefined` properties are dropped,
 * non-finite numbers become `null`, `toJSON` is honoured.
 * Throws `TypeError` for cycles and BigInt, `RangeError` past {@link MAX_CANONICAL_DEPTH}.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0, { ancestors: [], budget: SMALL_VALUES }) ?? 'null';
  } catch (e) {
    if (e !== NOT_SMALL) throw e;
  }
  const shape = survey(value);
  if (shape === undefined) return write(value, 0, { ancestors: [], budget: Infinity }) ?? 'null';
  // Plain data: the native serialiser, told the key order when some object's own order is not it.
  return (shape.sorted ? JSON.stringify(value) : JSON.stringify(value, shape.keys)) ?? 'null';
}

/**
 * Values (of any kind) the writer serialises by itself before a value counts as large: below it
 * the writer is fastest; above it a survey and one native pass are (measured on records and
 * arrays, see the report of issue 16).
 */
const SMALL_VALUES = 2_048;

/**
 * Whether the JSON text of `value` is longer than `maxChars` characters, found without building
 * it and stopping as soon as it is. Strings count their characters plus quotes (escapes are not
 * counted), integers their digits, other numbers 3: a lower bound that costs a fraction of `JSON.stringify`. Values
 * that are not JSON (cycles, BigInt, too deep) are left to {@link canonicalJson} to reject.
 *
 * @example
 * if (jsonLengthExceeds(args, 4 << 20)) refuse('arguments too large to fingerprint');
 */
export function jsonLengthExceeds(value: unknown, maxChars: number): boolean {
  // Objects wait on an explicit stack (a cycle only makes the count grow, so it ends too).
  const pending: object[] = [];
  let length = primitiveLength(value, pending);
  while (length <= maxChars) {
    const v = pending.pop();
    if (v === undefined) return false;
    if (Array.isArray(v)) {
      length += v.length + 1;
      for (let i = 0; i < v.length && length <= maxChars; i++) length += primitiveLength(v[i], pending);
    } else {
      const keys = Object.keys(v);
      length += 1; // braces, less the comma the first key does not need
      for (let i = 0; i < keys.length && length <= maxChars; i++) {
        const key = keys[i] as string;
        length += key.length + 4 + primitiveLength((v as Record<string, unknown>)[key], pending);
      }
    }
  }
  return true;
}

/** The length of a primitive's JSON text (an object's own is counted once popped from `pending`). */
function primitiveLength(v: unknown, pending: object[]): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return Number.isSafeInteger(v) ? integerLength(v) : 3; // no finite non-integer prints shorter than "0.5"
    case 'boolean':
      return 4;
    case 'object':
      if (v === null) return 4;
      pending.push(v);
      return 0;
    default:
      return 0; // undefined, functions and symbols: left out (or null in an array, counted as its comma)
  }
}

/** Characters of a safe integer as `String` prints it. */
function integerLength(n: number): number {
  const a = n < 0 ? -n : n;
  const digits =
    a < 10
      ? 1
      : a < 100
        ? 2
        : a < 1_000
          ? 3
          : a < 10_000
            ? 4
            : a < 100_000
              ? 5
              : Math.floor(Math.log10(a)) + 1;
  return n < 0 ? digits + 1 : digits;
}

/**
 * What {@link survey} found in plain JSON data: whether every object's own key order is already
 * sorted, and the sorted union of all keys (for `JSON.stringify`'s property list).
 */
interface Shape {
  readonly sorted: boolean;
  readonly keys: string[];
}

/**
 * Walks `value` once (depth, cycles, BigInt checked as {@link canonicalJson} promises) and says
 * whether `JSON.stringify` can write it in canonical order: `undefined` when the writer must
 * (an object that is not plain data, a `toJSON` or `__proto__` key, or so many distinct keys that a
 * property list would cost more than it saves: `JSON.stringify` looks each listed key up on
 * every object).
 *
 * With a property list, `JSON.stringify` writes each object's listed keys in the list's order,
 * integer-like keys included (which no object can enumerate in code unit order), and reads
 * them with `Get`: on plain objects only inherited functions can answer for a key they lack,
 * and functions are left out, as they are here.
 */
function survey(value: unknown): Shape | undefined {
  const state: SurveyState = { keys: new Set(), ancestors: [], sorted: true, objects: 0, ownKeys: 0 };
  if (!walk(value, 0, state) || state.keys.has('__proto__') || state.keys.has('toJSON')) return undefined;
  if ('toJSON' in Object.prototype || 'toJSON' in Array.prototype) return undefined; // patched by someone
  const { keys, sorted, objects, ownKeys } = state;
  if (sorted) return { sorted, keys: [] };
  if (objects * keys.size > 4 * ownKeys + 1_024) return undefined;
  return { sorted, keys: [...keys].sort() };
}

interface SurveyState {
  readonly keys: Set<string>;
  readonly ancestors: object[];
  sorted: boolean;
  objects: number;
  ownKeys: number;
}

/** One step of {@link survey}: `false` as soon as `v` is not plain data. */
function walk(v: unknown, depth: number, state: SurveyState): boolean {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'bigint') throw new TypeError('canonicalJson: BigInt is not JSON');
    return true;
  }
  if (depth >= MAX_CANONICAL_DEPTH)
    throw new RangeError(`canonicalJson: nesting deeper than ${MAX_CANONICAL_DEPTH}`);
  const { ancestors } = state;
  for (let i = 0; i < depth; i++) {
    if (ancestors[i] === v) throw new TypeError('canonicalJson: cyclic structure');
  }
  ancestors[depth] = v;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if ((typeof item === 'object' || typeof item === 'bigint') && !walk(item, depth + 1, state))
        return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false; // Date, Map, class instances, boxed primitives
  const own = Object.keys(v);
  state.objects++;
  state.ownKeys += own.length;
  const { keys } = state;
  for (let i = 0; i < own.length; i++) {
    const key = own[i] as string;
    if (i > 0 && (own[i - 1] as string) > key) state.sorted = false;
    keys.add(key);
    if (!walk((v as Record<string, unknown>)[key], depth + 1, state)) return false;
  }
  return true;
}

/** Characters that `JSON.stringify` escapes in a string (control characters, quote, backslash, lone surrogates). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON: quoted as is when nothing in it needs escaping (the common case), else by `JSON.stringify`. */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Thrown (and caught) when the writer's budget of values runs out: the value is not small. */
const NOT_SMALL: unique symbol = Symbol('not small');

/**
 * The general serialiser: one string built left to right, the ancestors on a plain array (a
 * cycle check scans it, as `JSON.stringify` does: nesting is shallow in practice). It writes
 * small values faster than a survey and a native pass would, and anything that is not plain data.
 * `budget` values at most, else it throws {@link NOT_SMALL}.
 */
interface WriterState {
  readonly ancestors: object[];
  budget: number;
}

function write(value: unknown, depth: number, state: WriterState, converted = false): string | undefined {
  if (--state.budget < 0) throw NOT_SMALL;
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt is not JSON');
    case 'object':
      break;
    default:
      return undefined; // undefined, functions and symbols
  }
  if (value === null) return 'null';
  // toJSON is called once, as JSON.stringify does
  if (!converted && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON: () => unknown }).toJSON(), depth, state, true);
  }
  if (depth >= MAX_CANONICAL_DEPTH)
    throw new RangeError(`canonicalJson: nesting deeper than ${MAX_CANONICAL_DEPTH}`);
  const { ancestors } = state;
  for (let i = 0; i < depth; i++) {
    if (ancestors[i] === value) throw new TypeError('canonicalJson: cyclic structure');
  }
  ancestors[depth] = value;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], depth + 1, state) ?? 'null';
    }
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (const key of keys) {
    const v = write((value as Record<string, unknown>)[key], depth + 1, state);
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${quote(key)}:${v}`;
  }
  return `${out}}`;
}
