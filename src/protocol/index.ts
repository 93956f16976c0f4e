export {
  PROTOCOL_VERSION,
  TX_KEY,
  ACK_METHOD,
  NACK_CODE,
  TX_FEATURES,
  NACK_REASONS,
  ABANDONED_META,
  type TxFeature,
  type NackReason,
} from './constants.js';
export * from './errors.js';
export {
  encodeRequestMeta,
  decodeRequestMeta,
  requestMeta,
  type TxRequestMeta,
  type WireRequestMeta,
} from './request-meta.js';
export {
  encodeResultMeta,
  decodeResultMeta,
  encodeAck,
  decodeAck,
  encodeNack,
  decodeNack,
  type TxResultMeta,
  type TxAck,
  type TxNack,
} from './response-meta.js';
export { txCapabilities, parseTxCapability, negotiateFeatures, type TxCapability } from './capability.js';
export { canonicalJson, jsonLengthExceeds, MAX_CANONICAL_DEPTH } from './canonical-json.js';
export { fingerprint } from './fingerprint.js';
export {
  compressJson,
  inflateJson,
  readCompressedBody,
  DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
  COMPRESSION_ENCODINGS,
  type CompressionEncoding,
  type CompressedBody,
} from './compression.js';
export { compressResult, inflateResult, compressArguments, inflateArguments } from './compressed-messages.js';
export {
  resolveCompression,
  type CompressionConfig,
  type ResolvedCompression,
} from './compression-config.js';
