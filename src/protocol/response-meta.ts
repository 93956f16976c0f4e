import { NACK_REASONS, PROTOCOL_VERSION, type NackReason } from './constants.js';
import { InvalidMetaError } from './errors.js';
import { count, flag, id, optionalMs, record } from './wire-internals.js';

/** What the server says about a result in `result._meta.mcp_tx`. */
export interface TxResultMeta {
  /** The server acknowledged the request. */
  ack: true;
  /** The tool ran (now or, for a duplicate, earlier). */
  processed: true;
  /** The result is a replay of an earlier execution with the same idempotency key. */
  duplicate: boolean;
  /** The request id the result answers. */
  requestId: string;
  /** How many attempts the server saw for this key. */
  attempts: number;
}

/** The ACK notification's params. */
export interface TxAck {
  /** Request id being acknowledged. */
  requestId: string;
  /** The attempt (0-based) being acknowledged. */
  retryCount: number;
}

/** What a NACK carries in `error.data.mcp_tx`. */
export interface TxNack {
  /** Why the server refused. */
  reason: NackReason;
  /** Whether the client may retry. */
  retryable: boolean;
  /** How long to wait before retrying, if the server knows. */
  retryAfterMs?: number | undefined;
}

/** Encodes result meta for the wire. */
export function encodeResultMeta(meta: Omit<TxResultMeta, 'ack' | 'processed'>): Record<string, unknown> {
  return {
    ack: true,
    processed: true,
    duplicate: meta.duplicate,
    request_id: meta.requestId,
    attempts: meta.attempts,
  };
}

/**
 * Decodes `result._meta.mcp_tx`: `undefined` when absent (a plain server), an
 * {@link InvalidMetaError} when malformed.
 */
export function decodeResultMeta(value: unknown): TxResultMeta | undefined {
  if (value === undefined) return undefined;
  const obj = record(value, 'result._meta.mcp_tx');
  return {
    ack: true,
    processed: true,
    duplicate: flag(obj, 'duplicate', false),
    requestId: id(obj, 'request_id'),
    attempts: count(obj, 'attempts', 1),
  };
}

/** Encodes ACK notification params. */
export function encodeAck(ack: TxAck): Record<string, unknown> {
  return { request_id: ack.requestId, retry_count: ack.retryCount };
}

/** Decodes ACK notification params, or throws {@link InvalidMetaError}. */
export function decodeAck(value: unknown): TxAck {
  const obj = record(value, 'ack params');
  return { requestId: id(obj, 'request_id'), retryCount: count(obj, 'retry_count', 0) };
}

/** Encodes a NACK's `error.data` (`{ mcp_tx: {...} }`). */
export function encodeNack(nack: TxNack): { mcp_tx: Record<string, unknown> } {
  const body: Record<string, unknown> = {
    version: PROTOCOL_VERSION,
    ack: false,
    processed: false,
    reason: nack.reason,
    retryable: nack.retryable,
  };
  if (nack.retryAfterMs !== undefined) body.retry_after_ms = nack.retryAfterMs;
  return { mcp_tx: body };
}

/**
 * Decodes a JSON-RPC error's `data` as a NACK: `undefined` when it is not one (no
 * `mcp_tx` entry), an {@link InvalidMetaError} when the entry is malformed.
 */
export function decodeNack(errorData: unknown): TxNack | undefined {
  if (typeof errorData !== 'object' || errorData === null || !('mcp_tx' in errorData)) return undefined;
  const obj = record((errorData as { mcp_tx: unknown }).mcp_tx, 'error.data.mcp_tx');
  const reason = obj.reason;
  if (!NACK_REASONS.includes(reason as NackReason)) {
    throw new InvalidMetaError(`unknown NACK reason ${JSON.stringify(reason)?.slice(0, 64)}`);
  }
  return {
    reason: reason as NackReason,
    retryable: flag(obj, 'retryable', false),
    retryAfterMs: optionalMs(obj, 'retry_after_ms'),
  };
}
