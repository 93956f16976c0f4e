import { lazyModule } from '../lazy-module.js';
import type { compressArguments, inflateResult } from '../../protocol/compressed-messages.js';

/**
 * What a client compresses and inflates with: the protocol's codec, fflate inside.
 *
 * @example
 * const codec: CompressionCodec = await loadCompressionCodec();
 */
export interface CompressionCodec {
  compressArguments: typeof compressArguments;
  inflateResult: typeof inflateResult;
}

const codec = lazyModule<CompressionCodec>(() => import('../../protocol/compressed-messages.js'));

/**
 * The codec, once {@link loadCompressionCodec} brought it in; `undefined` before. A client loads it
 * only with its `compression` option on, so that a page that leaves compression off (the default)
 * does not carry gzip: a browser bundle makes it a chunk of its own (about 6 KB gzipped).
 *
 * @example
 * const codec = compressionCodec();
 * const packed = codec?.compressArguments(args, 1_024);
 */
export function compressionCodec(): CompressionCodec | undefined {
  return codec.get();
}

/**
 * Loads the codec once (a dynamic `import()`); a failed load may be tried again.
 *
 * @example
 * await loadCompressionCodec();
 */
export function loadCompressionCodec(): Promise<CompressionCodec> {
  return codec.load();
}
