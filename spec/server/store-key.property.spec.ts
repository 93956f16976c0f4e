import fc from 'fast-check';
import { storeKey } from '../../src/server/store-key.js';

/**
 * The reference decoder of the encoding `storeKey` documents: that it exists, and gives back
 * every (scope, key) pair, is what makes the encoding injective.
 */
function decode(stored: string): [scope: string | undefined, key: string] {
  if (!stored.startsWith('~')) return [undefined, stored];
  if (stored.startsWith('~~')) return [undefined, stored.slice(2)];
  const colon = stored.indexOf(':');
  const length = Number(stored.slice(1, colon));
  const scope = stored.slice(colon + 1, colon + 1 + length);
  if (stored[colon + 1 + length] !== ':') throw new Error(`not a store key: ${stored}`);
  return [scope, stored.slice(colon + 2 + length)];
}

/** Strings made of the characters the encoding itself uses, so that the edge cases come often. */
const tricky = (minLength: number) =>
  fc.string({
    unit: fc.constantFrom('~', ':', '0', '1', '9', 'a', '\uD83D\uDE00'),
    minLength,
    maxLength: 12,
  });
const scope = fc.option(fc.oneof(tricky(0), fc.string()), { nil: undefined });
const key = fc.oneof(tricky(1), fc.string({ minLength: 1 }));

describe('storeKey', () => {
  it('should be decodable back to its (scope, key), so that no two pairs share a store key', () => {
    fc.assert(
      fc.property(scope, key, (s, k) => {
        expect(decode(storeKey(s, k))).toEqual([s, k]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('should give distinct pairs distinct store keys', () => {
    fc.assert(
      fc.property(scope, key, scope, key, (s1, k1, s2, k2) => {
        fc.pre(s1 !== s2 || k1 !== k2);
        expect(storeKey(s1, k1)).not.toBe(storeKey(s2, k2));
      }),
      { numRuns: 2_000 },
    );
  });

  it('should leave an unscoped key as it was stored before scopes, unless it starts with ~', () => {
    expect(storeKey(undefined, 'order-1')).toBe('order-1');
    expect(storeKey(undefined, '~5:alice:x')).toBe('~~~5:alice:x');
    expect(storeKey('alice', 'x')).toBe('~5:alice:x');
    expect(storeKey('', 'x')).toBe('~0::x');
  });
});
