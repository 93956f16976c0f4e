import { compressJson, inflateJson, readCompressedBody, type CompressedBody } from './compression.js';
import { TX_KEY } from './constants.js';
import { CompressionError } from './errors.js';

/** What the compressed form of a result adds around its payload: `"content":[],` and the two fields. */
const RESULT_OVERHEAD_BYTES = 48;
/** What compressed arguments add to `_meta.mcp_tx` (`"arguments":` leaves the request). */
const ARGUMENTS_OVERHEAD_BYTES = 24;

/**
 * The compressed form of a tool result that already carries `_meta.mcp_tx`, or `undefined` when
 * the result is at most `thresholdBytes` or compressing would not make it smaller. Everything but
 * `_meta` goes into the payload; `_meta` travels as it is, with `encoding` and `payload` added
 * to its `mcp_tx`, and `content` is empty so that the result stays a valid `CallToolResult`.
 *
 * @example
 * const packed = compressResult(response.result, 1_024);
 * // { content: [], _meta: { mcp_tx: { ack: true, ..., encoding: 'gzip', payload: 'H4sI…' } } }
 */
export function compressResult(
  result: Readonly<Record<string, unknown>>,
  thresholdBytes: number,
): Record<string, unknown> | undefined {
  const { _meta, ...body } = result;
  const meta = plainObject(_meta);
  const packed = compressJson(body, thresholdBytes, RESULT_OVERHEAD_BYTES);
  if (packed === undefined) return undefined;
  const tx = { ...plainObject(meta?.[TX_KEY]), encoding: packed.encoding, payload: packed.payload };
  return { content: [], _meta: { ...meta, [TX_KEY]: tx } };
}

/**
 * The tool result a {@link compressResult} form stands for (`result` itself when it is not
 * compressed): the inflated body with the received `_meta`, minus `encoding` and `payload`.
 * Throws a {@link CompressionError} when the payload is malformed or inflates past `maxInflatedBytes`.
 *
 * @example
 * const result = inflateResult(received, DEFAULT_MAX_INFLATED_BYTES);
 */
export function inflateResult<R extends Record<string, unknown>>(result: R, maxInflatedBytes: number): R {
  const meta = plainObject(result._meta);
  const tx = plainObject(meta?.[TX_KEY]);
  const body = tx && readCompressedBody(tx);
  if (body === undefined) return result;
  const value = inflateObject(body, maxInflatedBytes, 'result');
  const { encoding: _encoding, payload: _payload, ...rest } = tx as Record<string, unknown>;
  const _meta: Record<string, unknown> = { ...meta };
  if (Object.keys(rest).length > 0) _meta[TX_KEY] = rest;
  else delete _meta[TX_KEY];
  return { ...value, _meta } as unknown as R;
}

/**
 * The compressed form of tool arguments, to put in the request's `_meta.mcp_tx` (whose
 * `arguments` are then left out), or `undefined` to send them as they are.
 *
 * @example
 * const packed = compressArguments(args, 1_024);
 * params = packed ? { name, _meta: { mcp_tx: { ...meta, ...packed } } } : { name, arguments: args, _meta };
 */
export function compressArguments(
  args: Readonly<Record<string, unknown>> | undefined,
  thresholdBytes: number,
): CompressedBody | undefined {
  return args === undefined ? undefined : compressJson(args, thresholdBytes, ARGUMENTS_OVERHEAD_BYTES);
}

/**
 * The arguments carried compressed by a request's `_meta.mcp_tx` (`tx`), and `tx` without
 * `encoding` and `payload`; `undefined` when the request is not compressed. Throws a
 * {@link CompressionError} when the payload is malformed, too large, or not a JSON object.
 *
 * @example
 * const inflated = inflateArguments(params._meta.mcp_tx, DEFAULT_MAX_INFLATED_BYTES);
 * if (inflated) params = { ...params, arguments: inflated.arguments, _meta: { mcp_tx: inflated.meta } };
 */
export function inflateArguments(
  tx: Readonly<Record<string, unknown>>,
  maxInflatedBytes: number,
): { arguments: Record<string, unknown>; meta: Record<string, unknown> } | undefined {
  const body = readCompressedBody(tx);
  if (body === undefined) return undefined;
  const { encoding: _encoding, payload: _payload, ...meta } = tx;
  return { arguments: inflateObject(body, maxInflatedBytes, 'arguments'), meta };
}

function inflateObject(body: CompressedBody, max: number, what: string): Record<string, unknown> {
  const value = plainObject(inflateJson(body, max));
  if (value === undefined) {
    throw new CompressionError(`compressed payload: ${what} must inflate to a JSON object`, {
      reason: 'malformed',
    });
  }
  return value;
}

function plainObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
