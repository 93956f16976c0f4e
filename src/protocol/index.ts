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
export { RetryBudgetExhaustedError, isRetryBudgetExhaustedError } from './retry-budget-error.js';
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
export {
  txCapabilities,
  parseTxCapability,
  parseTxSettings,
  negotiateFeatures,
  type TxCapability,
} from './capability.js';
export {
  TX_EXTENSION_ID,
  PROTOCOL_VERSION_META_KEY,
  CLIENT_CAPABILITIES_META_KEY,
  txExtension,
  parseTxExtension,
  isModernRequest,
  requestedTxExtension,
  type TxExtensionSettings,
} from './extension.js';
export { canonicalJson, jsonLengthExceeds, MAX_CANONICAL_DEPTH } from './canonical-json.js';
export { fingerprint } from './fingerprint.js';
// The codec itself (compression.ts, compressed-messages.ts, with fflate) is imported from its
// files, not from here: a client loads it only once compression is on (a chunk of its own in a
// browser bundle), and a re-export here would put it in every bundle's first chunk.
export type { CompressionEncoding, CompressedBody } from './compression.js';
export {
  DEFAULT_COMPRESSION_THRESHOLD_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
  resolveCompression,
  type CompressionConfig,
  type ResolvedCompression,
} from './compression-config.js';
