import fc from 'fast-check';
import { responseFor } from '../../src/server/jsonrpc-internals.js';

const meta = { duplicate: false, requestId: 'r-1', attempts: 2 };
const tx = { ack: true, processed: true, duplicate: false, request_id: 'r-1', attempts: 2 };

/** What responseFor answered with before its copy loop: two spreads. */
function spread(result: Record<string, unknown>): Record<string, unknown> {
  const prior = result._meta as Record<string, unknown> | undefined;
  const ownMeta = typeof prior === 'object' && prior !== null && !Array.isArray(prior) ? prior : undefined;
  return { ...result, _meta: { ...ownMeta, mcp_tx: tx } };
}

describe('responseFor', () => {
  it('should answer with a copy of the result as a spread makes it, with _meta.mcp_tx', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
        (fields, prior) => {
          const result = prior === undefined ? fields : { ...fields, _meta: prior };
          const response = responseFor(7, { result }, meta) as { result: Record<string, unknown> };
          expect(response.result).toStrictEqual(spread(result));
          expect(Object.keys(response.result)).toEqual(Object.keys(spread(result)));
          expect(response.result).not.toBe(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should copy own symbols and a __proto__ key, and leave inherited and hidden properties out', () => {
    const symbol = Symbol('s');
    const result = Object.create({ inherited: 1 }) as Record<string | symbol, unknown>;
    Object.defineProperty(result, '__proto__', {
      value: 'p',
      enumerable: true,
      writable: true,
      configurable: true,
    });
    Object.defineProperty(result, 'hidden', { value: 2, enumerable: false });
    result.content = [];
    result[symbol] = 3;
    const copy = (
      responseFor(1, { result: result as Record<string, unknown> }, meta) as {
        result: Record<string | symbol, unknown>;
      }
    ).result;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe('p');
    expect(copy[symbol]).toBe(3);
    expect('inherited' in copy || 'hidden' in copy).toBe(false);
    expect(copy).toMatchObject({ content: [], _meta: { mcp_tx: tx } });
  });
});
