import fc from 'fast-check';
import { isSerialisable } from '../../src/server/jsonrpc-internals.js';
import type { TxOutcome } from '../../src/server/index.js';

/** What `isSerialisable` must agree with: whether `JSON.stringify` takes the value. */
function stringifies(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

const outcome = (content: unknown): TxOutcome => ({ result: { content } });

describe('isSerialisable', () => {
  it('should agree with JSON.stringify on any value, BigInt and dates included', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
        (v) => {
          expect(isSerialisable(outcome(v))).toBe(stringifies(outcome(v)));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('should refuse cycles, nested BigInt and throwing toJSON, and take deep plain data', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(isSerialisable(outcome(cycle))).toBe(false);
    expect(isSerialisable(outcome([{ n: 1n }]))).toBe(false);
    expect(
      isSerialisable(
        outcome({
          toJSON: () => {
            throw new Error('no');
          },
        }),
      ),
    ).toBe(false);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200; i++) deep = { d: [deep] };
    expect(isSerialisable(outcome(deep))).toBe(true);
    expect(isSerialisable(outcome({ when: new Date(0), f: () => 1, u: undefined }))).toBe(true);
  });

  it('should ask JSON.stringify when a getter throws, as it would read it too', () => {
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('get');
      },
    });
    expect(isSerialisable(outcome(throwing))).toBe(false);
    const hidden = Object.defineProperty({}, 'x', {
      enumerable: false,
      get: () => {
        throw new Error('get');
      },
    });
    expect(isSerialisable(outcome(hidden))).toBe(true);
  });

  it('should take a BigInt that has a toJSON, as JSON.stringify does', () => {
    const proto = BigInt.prototype as unknown as { toJSON?: () => string };
    proto.toJSON = function (this: bigint) {
      return this.toString();
    };
    try {
      expect(isSerialisable(outcome({ n: 5n }))).toBe(true);
    } finally {
      delete proto.toJSON;
    }
  });
});
