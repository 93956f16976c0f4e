/** The mcp_tx protocol version this package speaks. */
export const PROTOCOL_VERSION = '0.2.0';

/** Key of the mcp_tx entry under `experimental` capabilities and under `_meta`. */
export const TX_KEY = 'mcp_tx';

/** Method of the ACK notification the server sends once it accepted a request. */
export const ACK_METHOD = 'notifications/mcp_tx/ack';

/** JSON-RPC error code of a NACK (the tool did not run). */
export const NACK_CODE = -32000;

/**
 * JSON-RPC and MCP error codes the client reads, as numbers of the protocol (the same in every
 * SDK major; SDK 1.x names them in its `ErrorCode` enum): a lost connection and a timed-out
 * request (the SDK's own, never sent by a server), an invalid request and invalid params.
 */
export const RPC_CONNECTION_CLOSED = -32000;
/** @see {@link RPC_CONNECTION_CLOSED} */
export const RPC_REQUEST_TIMEOUT = -32001;
/** @see {@link RPC_CONNECTION_CLOSED} */
export const RPC_INVALID_REQUEST = -32600;
/** @see {@link RPC_CONNECTION_CLOSED} */
export const RPC_INVALID_PARAMS = -32602;

/** Every feature of the protocol, in the order they are advertised. */
export const TX_FEATURES = ['ack', 'retry', 'idempotency', 'deadline', 'compression'] as const;

/** One protocol feature a peer may advertise. */
export type TxFeature = (typeof TX_FEATURES)[number];

/**
 * Why a server refused a request without running the tool. `outcome_unknown`: this request did
 * not run it, but an earlier one with the same idempotency key did or may have, and its outcome
 * was lost with its claim (the replica running it died, or a shared store lost its memory).
 */
export const NACK_REASONS = [
  'overloaded',
  'in_progress',
  'idempotency_conflict',
  'invalid_request',
  'deadline_exceeded',
  'shutting_down',
  'outcome_unknown',
] as const;

/** One reason a server gives in a NACK. */
export type NackReason = (typeof NACK_REASONS)[number];

/**
 * `params._meta.mcp_tx` of a `notifications/cancelled` by which the client gives a call up for
 * good (its caller unsubscribed or aborted, its deadline passed, its last attempt is spent, or
 * the client closed): no retry with that key follows, so a server may abort even a keyed call
 * instead of finishing it to store its outcome. The client marks only calls whose key it made
 * itself (the request id); a server honours the mark only for those.
 *
 * @example
 * notification.params._meta = { mcp_tx: ABANDONED_META };
 */
export const ABANDONED_META: Readonly<{ abandoned: true }> = Object.freeze({ abandoned: true });
