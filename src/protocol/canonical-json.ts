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
  return write(value, new Set(), 0) ?? 'null';
}

function write(value: unknown, stack: Set<object>, depth: number): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt is not JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  if (depth >= MAX_CANONICAL_DEPTH)
    throw new RangeError(`canonicalJson: nesting deeper than ${MAX_CANONICAL_DEPTH}`);
  const obj = value as object;
  if (stack.has(obj)) throw new TypeError('canonicalJson: cyclic structure');
  stack.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = `[${obj.map((v) => write(v, stack, depth + 1) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      const v = write((obj as Record<string, unknown>)[key], stack, depth + 1);
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
    }
    out = `{${parts.join(',')}}`;
  }
  stack.delete(obj);
  return out;
}
