import { gzipSync } from 'node:zlib';
import {
  compressArguments,
  compressResult,
  inflateArguments,
  inflateResult,
} from '../../src/protocol/compressed-messages.js';
import { TX_KEY, encodeResultMeta, isCompressionError } from '../../src/protocol/index.js';

const txMeta = encodeResultMeta({ duplicate: false, requestId: 'r1', attempts: 1 });
const big = (n = 2_000): string => 'the same line again\n'.repeat(n / 20);

describe('compressResult and inflateResult', () => {
  const result = {
    content: [{ type: 'text', text: big() }],
    structuredContent: { rows: [1, 2, 3] },
    isError: false,
    _meta: { trace: 'abc', [TX_KEY]: txMeta },
  };

  it('should put everything but _meta in the payload and keep _meta readable', () => {
    const packed = compressResult(result, 1_024) as Record<string, unknown>;
    expect(packed).toEqual({
      content: [],
      _meta: { trace: 'abc', [TX_KEY]: { ...txMeta, encoding: 'gzip', payload: expect.any(String) } },
    });
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(result).length / 4);
  });

  it('should give back the very result it compressed', () => {
    const packed = compressResult(result, 1_024) as Record<string, unknown>;
    expect(inflateResult(packed, 1 << 20)).toEqual(result);
  });

  it('should leave a result at or below the threshold alone', () => {
    const small = { content: [{ type: 'text', text: 'ok' }], _meta: { [TX_KEY]: txMeta } };
    expect(compressResult(small, 1_024)).toBeUndefined();
    expect(compressResult(result, JSON.stringify({ ...result, _meta: undefined }).length)).toBeUndefined();
  });

  it('should return an uncompressed result itself', () => {
    expect(inflateResult(result, 1 << 20)).toBe(result);
    const plain = { content: [] };
    expect(inflateResult(plain, 1 << 20)).toBe(plain);
  });

  it('should drop an mcp_tx entry that only carried the payload', () => {
    const packed = compressResult({ content: [{ type: 'text', text: big() }] }, 1_024) as Record<
      string,
      unknown
    >;
    expect(inflateResult(packed, 1 << 20)).toEqual({ content: [{ type: 'text', text: big() }], _meta: {} });
  });

  it('should refuse a payload that is not an object', () => {
    const packed = compressResult(result, 1_024) as { _meta: { mcp_tx: Record<string, unknown> } };
    packed._meta.mcp_tx.payload = gzipSync('[]').toString('base64');
    let caught: unknown;
    try {
      inflateResult(packed, 1 << 20);
    } catch (e) {
      caught = e;
    }
    expect(isCompressionError(caught) && caught.reason).toBe('malformed');
  });
});

describe('compressArguments and inflateArguments', () => {
  const args = { document: big(4_000), tags: ['a', 'b'] };
  const wire = { version: '0.2.0', request_id: 'r1', retry_count: 0 };

  it('should give back the arguments and the meta without encoding and payload', () => {
    const packed = compressArguments(args, 1_024);
    expect(packed).toEqual({ encoding: 'gzip', payload: expect.any(String) });
    expect(inflateArguments({ ...wire, ...packed }, 1 << 20)).toEqual({ arguments: args, meta: wire });
  });

  it('should leave small or absent arguments alone', () => {
    expect(compressArguments({ cents: 100 }, 1_024)).toBeUndefined();
    expect(compressArguments(undefined, 0)).toBeUndefined();
    expect(inflateArguments(wire, 1 << 20)).toBeUndefined();
  });
});
