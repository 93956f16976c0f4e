import { checkKeys, checkNumber } from './config-internals.js';

/**
 * Smallest UTF-8 JSON size, in bytes, that is compressed; anything at or below it travels as is.
 * @default 1_024
 *
 * @example
 * withTxServer(transport, { compression: { thresholdBytes: 4 * DEFAULT_COMPRESSION_THRESHOLD_BYTES } });
 */
export const DEFAULT_COMPRESSION_THRESHOLD_BYTES = 1_024;

/**
 * Largest size, in bytes, a received compressed payload may inflate to; past it the payload is
 * refused (a decompression bomb) before more memory is spent. @default 16 MiB
 *
 * @example
 * await TxClient.connect(transport, { compression: { maxInflatedBytes: 4 * DEFAULT_MAX_INFLATED_BYTES } });
 */
export const DEFAULT_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * How a side compresses what it sends and bounds what it inflates. The same shape serves
 * `TxClient` (tool arguments) and `withTxServer` (tool results); `true` is every default, `false`
 * turns compression off.
 *
 * @example
 * const compression: CompressionConfig = { thresholdBytes: 8_192, maxInflatedBytes: 64 * 1024 * 1024 };
 */
export interface CompressionConfig {
  /** Messages whose JSON body is larger than this many UTF-8 bytes are compressed (when that makes them smaller); from 0 to 2^31 - 1. @default 1_024 */
  thresholdBytes?: number;
  /** Largest size a received compressed payload may inflate to, bytes; from 1 to 2^30. @default 16 MiB */
  maxInflatedBytes?: number;
}

/** {@link CompressionConfig} with its defaults applied. */
export interface ResolvedCompression {
  readonly thresholdBytes: number;
  readonly maxInflatedBytes: number;
}

const DEFAULT_COMPRESSION: ResolvedCompression = Object.freeze({
  thresholdBytes: DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  maxInflatedBytes: DEFAULT_MAX_INFLATED_BYTES,
});

const KNOWN: readonly (keyof CompressionConfig)[] = ['thresholdBytes', 'maxInflatedBytes'];

/**
 * Checks a `compression` option and applies the defaults: `undefined` when it is off (`false`,
 * or left out where `onByDefault` is false). Throws a `TypeError` or `RangeError` naming the
 * field; unknown keys are an error.
 *
 * @example
 * resolveCompression({ thresholdBytes: -1 }) // RangeError: compression.thresholdBytes must be an integer from 0 to 2147483647, got -1
 */
export function resolveCompression(
  value: CompressionConfig | boolean | undefined,
  field = 'compression',
  onByDefault = true,
): ResolvedCompression | undefined {
  if (value === false || (value === undefined && !onByDefault)) return undefined;
  if (value === undefined || value === true) return DEFAULT_COMPRESSION;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${field} must be an object or a boolean, got ${value === null ? 'null' : typeof value}`,
    );
  }
  checkKeys(value, KNOWN, field);
  const {
    thresholdBytes = DEFAULT_COMPRESSION_THRESHOLD_BYTES,
    maxInflatedBytes = DEFAULT_MAX_INFLATED_BYTES,
  } = value;
  checkNumber(thresholdBytes, `${field}.thresholdBytes`, 0, 2 ** 31 - 1, { integer: true });
  checkNumber(maxInflatedBytes, `${field}.maxInflatedBytes`, 1, 2 ** 30, { integer: true });
  return { thresholdBytes, maxInflatedBytes };
}
