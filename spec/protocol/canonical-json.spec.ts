import fc from 'fast-check';
import { MAX_CANONICAL_DEPTH, canonicalJson } from '../../src/protocol/index.js';
import { jsonLengthExceeds } from '../../src/protocol/canonical-json.js';

/** The obvious canonical form, slow and simple: every object rebuilt as sorted entries, written by hand. */
function reference(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const keys = Object.keys(value).sort();
  const parts = keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`);
  return `{${parts.join(',')}}`;
}

/** A class instance holding `value`: not plain data, so canonicalJson takes its general writer. */
class Boxed {
  constructor(readonly inner: unknown) {}
}

/** The same JSON value with every object's keys in a shuffled order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(() => random() - 0.5);
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

describe('canonicalJson', () => {
  describe('properties', () => {
    it('should not depend on key order', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
          let s = seed;
          const random = () => ((s = (s * 16807) % 2147483647) & 0xffff) / 0x10000;
          expect(canonicalJson(shuffleKeys(value, random))).toBe(canonicalJson(value));
        }),
      );
    });

    it('should mean the same value as JSON.stringify', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
        }),
      );
    });

    it('should equal the obvious sorted serialisation, with or without a class instance inside', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const expected = reference(value);
          expect(canonicalJson(value)).toBe(expected);
          // a class instance anywhere sends the whole value through the general writer
          expect(canonicalJson([value, new Boxed(1)])).toBe(`[${expected},{"inner":1}]`);
        }),
      );
    });

    it('should equal it on large values too (a survey, then JSON.stringify with or without a key list)', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const many = Array.from({ length: 1_100 }, (_, i) => (i % 2 === 0 ? value : { z: i, a: value }));
          expect(canonicalJson(many)).toBe(reference(many));
          expect(canonicalJson([...many, new Boxed(1)])).toBe(reference([...many, { inner: 1 }]));
        }),
        { numRuns: 25 },
      );
    });

    it('should be idempotent', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const once = canonicalJson(value);
          expect(canonicalJson(JSON.parse(once))).toBe(once);
        }),
      );
    });
  });

  describe('edge cases', () => {
    it('should follow JSON.stringify for undefined, NaN and toJSON', () => {
      expect(canonicalJson({ b: undefined, a: Number.NaN, d: new Date(0) })).toBe(
        '{"a":null,"d":"1970-01-01T00:00:00.000Z"}',
      );
      expect(canonicalJson([undefined])).toBe('[null]');
    });

    it('should sort keys at every level by UTF-16 code units (not as JS orders integer-like keys)', () => {
      expect(canonicalJson({ é: 1, z: 2, Z: 3, '😀': 4 })).toBe('{"Z":3,"z":2,"é":1,"😀":4}');
      expect(canonicalJson({ 9: 'a', 10: 'b', x: [{ b: 1, a: 2 }] })).toBe(
        '{"10":"b","9":"a","x":[{"a":2,"b":1}]}',
      );
    });

    it('should reject cycles and BigInt with TypeError, and depth past the limit with RangeError', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => canonicalJson(cyclic)).toThrow(TypeError);
      expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
      let deep: unknown = 0;
      for (let i = 0; i <= MAX_CANONICAL_DEPTH; i++) deep = [deep];
      expect(() => canonicalJson(deep)).toThrow(RangeError);
    });

    it('should order integer-like keys by code units on every path', () => {
      const value = { x: { 10: 1, 9: 2, b: 3, '!': 4 }, a: [{ 2: 'x', 10: 'y' }] };
      const expected = '{"a":[{"10":"y","2":"x"}],"x":{"!":4,"10":1,"9":2,"b":3}}';
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson({ ...value, d: new Date(0) })).toBe(
        expected.replace('"a":', '"a":').replace(',"x":', ',"d":"1970-01-01T00:00:00.000Z","x":'),
      );
    });

    it('should write a __proto__ key, a toJSON key and many distinct keys as they are', () => {
      const proto = JSON.parse('{"b":1,"__proto__":{"x":1}}') as unknown;
      expect(canonicalJson([proto, { c: 2 }])).toBe('[{"__proto__":{"x":1},"b":1},{"c":2}]');
      expect(canonicalJson({ toJSON: 5, a: 1 })).toBe('{"a":1,"toJSON":5}');
      const wide = Array.from({ length: 3_000 }, (_, i) => ({ [`k${i}`]: i, a: i }));
      expect(canonicalJson(wide)).toBe(reference(wide));
    });

    it('should write holes of a sparse array as null, as JSON.stringify does', () => {
      // eslint-disable-next-line no-sparse-arrays
      expect(canonicalJson([, 1])).toBe('[null,1]');
    });

    it('should allow the same object twice when it is not a cycle', () => {
      const shared = { x: 1 };
      expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    });
  });

  describe('jsonLengthExceeds', () => {
    it('should never say more than the JSON text is', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.nat(200), (value, max) => {
          if (jsonLengthExceeds(value, max)) expect(JSON.stringify(value).length).toBeGreaterThan(max);
        }),
      );
    });

    it('should find integers, plain strings and their containers exactly', () => {
      const value = { list: [1, -22, 333, 'abc', true, null], n: 1_234_567 };
      const length = JSON.stringify(value).length;
      expect(jsonLengthExceeds(value, length)).toBe(false);
      expect(jsonLengthExceeds(value, length - 1)).toBe(true);
    });

    it('should stop early on a huge array and end on a cycle', () => {
      expect(jsonLengthExceeds(new Array(1e9), 1_000)).toBe(true);
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      expect(jsonLengthExceeds(cyclic, 10_000)).toBe(true);
    });
  });
});
