import { gunzipSync, gzipSync, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { CompressionError } from '../../src/protocol/index.js';
import { compressJson, inflateJson, readCompressedBody } from '../../src/protocol/compression.js';
import {
  DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  isCompressionError,
  isInvalidMetaError,
  type CompressedBody,
} from '../../src/protocol/index.js';

/** Printable ASCII without `"` and `\`, from a seeded generator: about 6.5 bits of entropy a byte. */
function noise(length: number, seed = 1): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    s = (s * 16807) % 2147483647;
    const c = 32 + (s % 95);
    out += c === 34 || c === 92 ? 'a' : String.fromCharCode(c);
  }
  return out;
}

const gzip64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const gzipBody = (bytes: Uint8Array | string): CompressedBody => ({
  encoding: 'gzip',
  payload: gzip64(gzipSync(bytes)),
});

/** The error `fn` throws, asserted to be a CompressionError. */
function compressionError(fn: () => unknown): CompressionError {
  try {
    fn();
  } catch (e) {
    if (isCompressionError(e)) return e;
    throw e;
  }
  throw new Error('expected a CompressionError');
}

describe('compressJson and inflateJson', () => {
  describe('properties', () => {
    it('should give back the JSON value it compressed', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          // The padding puts every value over the threshold and makes it compressible.
          const padded = { pad: 'mcp_tx '.repeat(200), value };
          const body = compressJson(padded, DEFAULT_COMPRESSION_THRESHOLD_BYTES);
          expect(body).toBeDefined();
          const back = inflateJson(body as CompressedBody, 1 << 20);
          expect(JSON.stringify(back)).toBe(JSON.stringify(padded));
        }),
      );
    });

    it('should keep any string intact, lone surrogates and astral characters included', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
          const value = { text: text.repeat(20), tail: 'x'.repeat(1_100) };
          const body = compressJson(value, 1_024) as CompressedBody;
          expect((inflateJson(body, 1 << 20) as typeof value).text).toBe(
            JSON.parse(JSON.stringify(text.repeat(20))),
          );
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('when to compress', () => {
    it('should leave a value of exactly thresholdBytes alone and compress one byte more', () => {
      const at = 'a'.repeat(1_024 - 2); // JSON adds the two quotes
      expect(JSON.stringify(at)).toHaveLength(1_024);
      expect(compressJson(at, 1_024)).toBeUndefined();
      expect(compressJson(`${at}a`, 1_024)).toEqual({ encoding: 'gzip', payload: expect.any(String) });
    });

    it('should count UTF-8 bytes, not characters', () => {
      const accents = 'é'.repeat(400); // 402 characters of JSON, 802 bytes
      expect(compressJson(accents, 500)).toBeDefined();
      expect(compressJson(accents, 802)).toBeUndefined();
    });

    it('should not compress what would not get smaller (base64 and overhead included)', () => {
      const random = noise(4_000);
      expect(compressJson(random, 1_024)).toBeUndefined();
      const repetitive = 'abc'.repeat(1_400);
      const body = compressJson(repetitive, 1_024, 48) as CompressedBody;
      expect(body.payload.length + 48).toBeLessThan(JSON.stringify(repetitive).length);
    });

    it('should leave values JSON cannot encode alone', () => {
      const cycle: Record<string, unknown> = { pad: 'x'.repeat(2_000) };
      cycle.self = cycle;
      expect(compressJson(cycle, 0)).toBeUndefined();
      expect(compressJson({ n: 1n, pad: 'x'.repeat(2_000) }, 0)).toBeUndefined();
      expect(compressJson(undefined, 0)).toBeUndefined();
    });
  });

  describe('interoperability', () => {
    it('should send standard gzip (RFC 1952), readable by any gzip', () => {
      const value = { rows: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `row ${i}` })) };
      const body = compressJson(value, 1_024) as CompressedBody;
      expect(body.encoding).toBe('gzip');
      expect(JSON.parse(gunzipSync(Buffer.from(body.payload, 'base64')).toString('utf8'))).toEqual(value);
    });

    it('should read gzip and deflate (zlib, RFC 1950) from other encoders', () => {
      const json = JSON.stringify({ hello: 'world'.repeat(300) });
      expect(inflateJson(gzipBody(json), 1 << 20)).toEqual(JSON.parse(json));
      const deflate: CompressedBody = { encoding: 'deflate', payload: gzip64(deflateSync(json)) };
      expect(inflateJson(deflate, 1 << 20)).toEqual(JSON.parse(json));
    });
  });

  describe('malformed payloads', () => {
    it.each([
      ['not base64', { encoding: 'gzip', payload: 'H4sI@@@@' }],
      ['base64 with a wrong length', { encoding: 'gzip', payload: 'H4sIAA' }],
      [
        'base64 of something that is not gzip',
        { encoding: 'gzip', payload: gzip64(Buffer.from('plain text here, no gzip')) },
      ],
      [
        'base64 of something that is not zlib',
        { encoding: 'deflate', payload: gzip64(Buffer.from('plain text')) },
      ],
      ['gzip of bytes that are not UTF-8', gzipBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
      ['gzip of text that is not JSON', gzipBody('{"unterminated": ')],
      ['truncated gzip', { encoding: 'gzip', payload: gzip64(gzipSync('{"a":1}').subarray(0, 12)) }],
    ] as [string, CompressedBody][])('should refuse %s as malformed', (_what, body) => {
      const error = compressionError(() => inflateJson(body, 1 << 20));
      expect(error.reason).toBe('malformed');
      expect(isInvalidMetaError(error)).toBe(true);
      expect(error.retryable).toBe(false);
    });

    it.each([
      ['larger', 500],
      ['smaller', 3],
      ['one byte smaller', 6],
    ])('should report a size mismatch for gzip whose size field is %s than its data', (_what, size) => {
      const gz = Buffer.from(gzipSync('{"a":1}')); // 7 bytes of JSON
      gz.writeUInt32LE(size, gz.length - 4);
      const error = compressionError(() =>
        inflateJson({ encoding: 'gzip', payload: gz.toString('base64') }, 1 << 20),
      );
      expect(error.reason).toBe('malformed');
      expect(error.message).toMatch(new RegExp(`gzip size mismatch: its size field says ${size} bytes`));
    });

    it('should report a size mismatch on the streaming path too', () => {
      const json = JSON.stringify({
        text: 'x'.repeat(50_000),
        n: Array.from({ length: 5_000 }, (_, i) => i),
      });
      const gz = Buffer.from(gzipSync(json));
      gz.writeUInt32LE(json.length - 100, gz.length - 4);
      const max = json.length + 10; // compressed x 1032 > max: streamed in slices
      const error = compressionError(() =>
        inflateJson({ encoding: 'gzip', payload: gz.toString('base64') }, max),
      );
      expect(error.message).toMatch(/gzip size mismatch/);
    });
  });

  describe('decompression bombs', () => {
    it('should refuse a payload that inflates past maxInflatedBytes, on the short and on the long path', () => {
      const json = JSON.stringify({ zeros: '0'.repeat(100_000) });
      const body = gzipBody(json);
      // short path: compressed × 1032 within the limit; long path: streamed in slices
      for (const max of [json.length - 1, 2_000]) {
        const error = compressionError(() => inflateJson(body, max));
        expect(error.reason).toBe('too_large');
        expect(error.message).toContain(`maxInflatedBytes (${max})`);
      }
      expect(inflateJson(body, json.length)).toEqual(JSON.parse(json));
      expect(inflateJson(body, 2_000_000)).toEqual(JSON.parse(json));
    });

    it('should refuse a 64 MiB bomb (64 KB of gzip) at a 1 MiB limit', () => {
      const bomb = gzipSync(Buffer.alloc(64 << 20, 0x20), { level: 1 });
      expect(bomb.length).toBeLessThan(512 << 10);
      const error = compressionError(() => inflateJson({ encoding: 'gzip', payload: gzip64(bomb) }, 1 << 20));
      expect(error.reason).toBe('too_large'); // inflated in full, 64 MiB of spaces would be malformed JSON
    });

    it('should refuse a gzip declaring more than the limit without allocating it', () => {
      const gz = Buffer.from(gzipSync('{"a":1}'));
      gz.writeUInt32LE(0xffffffff, gz.length - 4); // 4 GiB
      expect(
        compressionError(() => inflateJson({ encoding: 'gzip', payload: gz.toString('base64') }, 1 << 20))
          .reason,
      ).toBe('too_large');
    });
  });
});

describe('readCompressedBody', () => {
  it('should find nothing when there is no payload', () => {
    expect(readCompressedBody({ request_id: 'r1' })).toBeUndefined();
  });

  it('should read encoding and payload', () => {
    expect(readCompressedBody({ request_id: 'r1', encoding: 'deflate', payload: 'eJwDAAAAAAE=' })).toEqual({
      encoding: 'deflate',
      payload: 'eJwDAAAAAAE=',
    });
  });

  it.each([
    [{ encoding: 'br', payload: 'AAAA' }, 'unknown_encoding'],
    [{ payload: 'AAAA' }, 'unknown_encoding'],
    [{ encoding: 'gzip', payload: 42 }, 'malformed'],
  ])('should refuse %j (%s)', (meta, reason) => {
    expect(compressionError(() => readCompressedBody(meta)).reason).toBe(reason);
  });
});
