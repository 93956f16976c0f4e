import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  CompressionError,
  TX_FEATURES,
  TX_KEY,
  isCompressionError,
  type CompressedBody,
  type ResolvedCompression,
  type TxCapability,
  type TxErrorInfo,
  type TxFeature,
} from '../protocol/index.js';
import { compressionCodec, loadCompressionCodec } from './compression-codec.js';

/**
 * The features `TxClient.connect` advertises: all of them, `compression` only when the client's
 * `compression` option turned it on.
 *
 * @example
 * txCapabilities(clientFeatures(options.compression === true));
 */
export function clientFeatures(compression: boolean): TxFeature[] {
  return compression ? [...TX_FEATURES] : TX_FEATURES.filter((f) => f !== 'compression');
}

/**
 * Compresses each call's tool arguments once, for all its attempts. Arguments go compressed only to
 * a server that echoed `compression` in mcp_tx 0.2 (whose payload format this is), checked at each
 * attempt (a reconnected server may not), and only when they are above the threshold and shrink.
 * With compression on, it loads the codec (a chunk of its own in a browser bundle): attempts wait
 * for {@link ArgumentPacker.ready} while it is on its way, so that every compressed response can
 * be read.
 *
 * @example
 * const packer = new ArgumentPacker(resolveCompression(options.compression));
 * const packed = packer.pack(ctx, args, client.server); // undefined: send the arguments as they are
 */
export class ArgumentPacker {
  readonly #packed = new WeakMap<object, CompressedBody | null>();
  /** The codec while it loads; `undefined` once it is in, or with compression off. */
  ready: Promise<unknown> | undefined;

  constructor(private readonly compression: ResolvedCompression | undefined) {
    if (compression === undefined || compressionCodec()) return;
    // a failed load leaves compressed results unreadable: such calls fail with a CompressionError
    const clear = (): void => void (this.ready = undefined);
    this.ready = loadCompressionCodec().then(clear, clear);
  }

  /** The compressed form of `call`'s `args` for `server`, or `undefined`. */
  pack(
    call: object,
    args: Record<string, unknown> | undefined,
    server: TxCapability | undefined,
  ): CompressedBody | undefined {
    const { compression } = this;
    if (
      compression === undefined ||
      !server?.features.includes('compression') ||
      !server.version.startsWith('0.2.')
    )
      return undefined;
    const codec = compressionCodec();
    if (codec === undefined) return undefined;
    let packed = this.#packed.get(call);
    if (packed === undefined) {
      packed = codec.compressArguments(args, compression.thresholdBytes) ?? null;
      this.#packed.set(call, packed);
    }
    return packed ?? undefined;
  }
}

/**
 * `message` with a compressed tool result inflated, so that the SDK (and its output-schema check)
 * sees the result the tool returned. A payload that does not inflate is left as it is and marked
 * `isError` (which lets it past the SDK's output-schema check), for {@link unpackResult} to fail
 * the call with a typed error.
 *
 * @example
 * transport.onmessage = (m, extra) => deliver(unpackResponse(m, DEFAULT_MAX_INFLATED_BYTES), extra);
 */
export function unpackResponse(message: JSONRPCMessage, maxInflatedBytes: number): JSONRPCMessage {
  const { result } = message as { result?: { _meta?: Record<string, { payload?: unknown } | undefined> } };
  if (result?._meta?.[TX_KEY]?.payload === undefined) return message;
  try {
    return { ...message, result: inflate(result as Record<string, unknown>, maxInflatedBytes) };
  } catch {
    return { ...message, result: { ...result, isError: true } };
  }
}

/**
 * The tool result a response carried, inflated if it is still compressed; a payload that does not
 * inflate throws a {@link CompressionError} with the call's `info` (the tool ran: not retryable).
 *
 * @example
 * const result = unpackResult(value, limit, () => errorInfo(ctx, scheduler.now()));
 */
export function unpackResult(
  result: CallToolResult,
  maxInflatedBytes: number,
  info: () => TxErrorInfo,
): CallToolResult {
  if ((result._meta?.[TX_KEY] as { payload?: unknown } | undefined)?.payload === undefined) return result;
  try {
    return inflate(result, maxInflatedBytes);
  } catch (e) {
    if (!isCompressionError(e)) throw e;
    const where = info();
    throw new CompressionError(`${where.tool}: ${e.message}`, { info: where, cause: e, reason: e.reason });
  }
}

/** `result` inflated by the codec; without it (compression off), an `unknown_encoding` error. */
function inflate<R extends Record<string, unknown>>(result: R, maxInflatedBytes: number): R {
  const codec = compressionCodec();
  if (codec) return codec.inflateResult(result, maxInflatedBytes);
  throw new CompressionError('compressed result, but compression is off (turn the `compression` option on)', {
    reason: 'unknown_encoding',
  });
}
