import { Gunzip, Unzlib, gunzipSync, gzipSync, unzlibSync } from 'fflate';
import { CompressionError } from './errors.js';

// The defaults live with the configuration, which a client loads up front (this file, with fflate,
// comes in only once compression is on: a chunk of its own in a browser bundle).
export { DEFAULT_COMPRESSION_THRESHOLD_BYTES, DEFAULT_MAX_INFLATED_BYTES } from './compression-config.js';

/**
 * The `encoding` values of a compressed payload: `gzip` (RFC 1952, what mcp-tx sends) and
 * `deflate` (the zlib format of RFC 1950, as in HTTP's `Content-Encoding: deflate`).
 *
 * @example
 * if (COMPRESSION_ENCODINGS.includes(encoding)) accept();
 */
export const COMPRESSION_ENCODINGS = ['gzip', 'deflate'] as const;

/** One {@link COMPRESSION_ENCODINGS} value. */
export type CompressionEncoding = (typeof COMPRESSION_ENCODINGS)[number];

/**
 * A compressed JSON value as it travels, in `_meta.mcp_tx` next to the other fields:
 * `payload` is the base64 (RFC 4648, padded) of the `encoding`-compressed UTF-8 JSON.
 *
 * @example
 * const body: CompressedBody = { encoding: 'gzip', payload: 'H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQA=' };
 */
export interface CompressedBody {
  encoding: CompressionEncoding;
  payload: string;
}

/** Highest expansion ratio of DEFLATE (258 bytes from 2 bits), headers aside. */
const MAX_DEFLATE_RATIO = 1_032;
/** Measured on 64 to 72 KiB JSON results: a third to half less CPU than fflate's default level 6, for 3 to 5 % more bytes. */
const LEVEL = 2;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Compresses `value` when its UTF-8 JSON is longer than `thresholdBytes` and the compressed
 * form, base64 and `overheadBytes` (the JSON around it) included, is shorter than the JSON;
 * otherwise `undefined` (send `value` as it is). Values `JSON.stringify` cannot encode give
 * `undefined` too.
 *
 * @example
 * const body = compressJson(result, DEFAULT_COMPRESSION_THRESHOLD_BYTES);
 * if (body) meta.payload = body.payload;
 */
export function compressJson(
  value: unknown,
  thresholdBytes: number,
  overheadBytes = 0,
): CompressedBody | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: most small values need no encoding to decide.
  if (json === undefined || json.length * 3 <= thresholdBytes) return undefined;
  const bytes = encoder.encode(json);
  if (bytes.length <= thresholdBytes) return undefined;
  const packed = gzipSync(bytes, { level: LEVEL, mtime: 0 });
  if (Math.ceil(packed.length / 3) * 4 + overheadBytes >= bytes.length) return undefined;
  return { encoding: 'gzip', payload: toBase64(packed) };
}

/**
 * Inflates a {@link CompressedBody} back to its JSON value. Throws a {@link CompressionError}
 * (`unknown_encoding`, `malformed`, or `too_large` once the output passes `maxInflatedBytes`,
 * checked while inflating so a bomb costs at most about twice the limit).
 *
 * @example
 * const args = inflateJson({ encoding: 'gzip', payload }, DEFAULT_MAX_INFLATED_BYTES);
 */
export function inflateJson(body: CompressedBody, maxInflatedBytes: number): unknown {
  const raw = inflateBytes(fromBase64(body.payload), body.encoding, maxInflatedBytes);
  let json: string;
  try {
    json = decoder.decode(raw);
  } catch {
    throw malformed('the inflated payload is not UTF-8');
  }
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw malformed('the inflated payload is not JSON');
  }
}

/**
 * Reads `encoding` and `payload` from a decoded `_meta.mcp_tx` object: `undefined` when it
 * carries no `payload` (not compressed), a {@link CompressionError} when either is malformed.
 *
 * @example
 * const body = readCompressedBody(request.params._meta.mcp_tx);
 * const args = body ? inflateJson(body, limit) : request.params.arguments;
 */
export function readCompressedBody(meta: Readonly<Record<string, unknown>>): CompressedBody | undefined {
  const { encoding, payload } = meta;
  if (payload === undefined) return undefined;
  if (typeof payload !== 'string') throw malformed('payload must be a base64 string');
  if (!COMPRESSION_ENCODINGS.includes(encoding as CompressionEncoding)) {
    throw new CompressionError(
      `unknown encoding ${JSON.stringify(encoding)?.slice(0, 32)}; known: ${COMPRESSION_ENCODINGS.join(', ')}`,
      { reason: 'unknown_encoding' },
    );
  }
  return { encoding: encoding as CompressionEncoding, payload };
}

function inflateBytes(data: Uint8Array, encoding: CompressionEncoding, max: number): Uint8Array {
  try {
    if (data.length * MAX_DEFLATE_RATIO <= max) {
      // Too short to inflate past the limit: one synchronous pass.
      if (encoding === 'deflate') return unzlibSync(data);
      if (data.length < 18 || data[0] !== 0x1f || data[1] !== 0x8b) throw malformed('not gzip data');
      const declared = declaredSize(data);
      if (declared > max) throw tooLarge(max); // the output buffer is allocated at the declared size
      // One byte more than declared: data longer than its size field fills it instead of being
      // cut short at the declared size (and then failing as "not JSON").
      const out = gunzipSync(data, { out: new Uint8Array(declared + 1) });
      if (out.length !== declared) throw sizeMismatch(declared, out.length, declared + 1);
      return out;
    }
    const out = inflateStreaming(data, encoding, max);
    if (encoding === 'gzip' && out.length % 2 ** 32 !== declaredSize(data)) {
      throw sizeMismatch(declaredSize(data), out.length, Infinity);
    }
    return out;
  } catch (e) {
    if (e instanceof CompressionError) throw e;
    throw malformed(`invalid ${encoding} data (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Inflates in input slices short enough that one cannot overshoot the limit by more than the limit (or 1 MiB). */
function inflateStreaming(data: Uint8Array, encoding: CompressionEncoding, max: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = encoding === 'gzip' ? new Gunzip() : new Unzlib();
  stream.ondata = (chunk) => {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    chunks.push(chunk);
  };
  const slice = Math.max(1_024, Math.floor(max / MAX_DEFLATE_RATIO));
  for (let at = 0; at < data.length; at += slice) {
    stream.push(data.subarray(at, at + slice), at + slice >= data.length);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** ISIZE, the gzip trailer's uncompressed length (mod 2^32). */
function declaredSize(data: Uint8Array): number {
  const l = data.length;
  return (
    ((data[l - 4] as number) |
      ((data[l - 3] as number) << 8) |
      ((data[l - 2] as number) << 16) |
      ((data[l - 1] as number) << 24)) >>>
    0
  );
}

function toBase64(bytes: Uint8Array): string {
  if (typeof Buffer === 'function')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  // Buffer.from skips characters that are not base64; a payload that has any is malformed.
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw malformed('payload is not base64');
  if (typeof Buffer === 'function') return Buffer.from(text, 'base64');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function malformed(message: string): CompressionError {
  return new CompressionError(`compressed payload: ${message}`, { reason: 'malformed' });
}

/** The gzip trailer's size field disagrees with the data (`inflated` reached `cap`: at least that). */
function sizeMismatch(declared: number, inflated: number, cap: number): CompressionError {
  const actual = inflated >= cap ? `more than ${declared}` : String(inflated);
  return malformed(
    `gzip size mismatch: its size field says ${declared} bytes, the data inflates to ${actual}`,
  );
}

function tooLarge(max: number): CompressionError {
  return new CompressionError(`compressed payload inflates past maxInflatedBytes (${max})`, {
    reason: 'too_large',
  });
}
