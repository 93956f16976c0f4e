import fc from 'fast-check';
import { MAX_CANONICAL_DEPTH, canonicalJson } from '../../src/protocol/index.js';

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

    it('should allow the same object twice when it is not a cycle', () => {
      const shared = { x: 1 };
      expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    });
  });
});
