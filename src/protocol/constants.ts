/** The mcp_tx protocol version this package speaks. */
export const PROTOCOL_VERSION = '0.2.0';

/** Key of the mcp_tx entry under `experimental` capabilities and under `_meta`. */
export const TX_KEY = 'mcp_tx';

/** Method of the ACK notification the server sends once it accepted a request. */
export const ACK_METHOD = 'notifications/mcp_tx/ack';

/** JSON-RPC error code of a NACK (the tool did not run). */
export const NACK_CODE = -32000;

/** Every feature of the protocol, in the order they are advertised. */
export const TX_FEATURES = ['ack', 'retry', 'idempotency', 'deadline', 'compression'] as const;

/** One protocol feature a peer may advertise. */
export type TxFeature = (typeof TX_FEATURES)[number];

/** Why a server refused a request without running the tool. */
export const NACK_REASONS = [
  'overloaded',
  'in_progress',
  'idempotency_conflict',
  'invalid_request',
  'deadline_exceeded',
  'shutting_down',
] as const;

/** One reason a server gives in a NACK. */
export type NackReason = (typeof NACK_REASONS)[number];
