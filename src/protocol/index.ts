export {
  PROTOCOL_VERSION,
  TX_KEY,
  ACK_METHOD,
  NACK_CODE,
  TX_FEATURES,
  NACK_REASONS,
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
export { canonicalJson, MAX_CANONICAL_DEPTH } from './canonical-json.js';
export { fingerprint } from './fingerprint.js';
