import type { JSONRPCErrorResponse, RequestId } from './transport-types.js';
import { NACK_CODE, encodeNack, type NackReason } from '../protocol/index.js';

/** Whether a client may retry after each NACK reason: only refusals that may pass later are. */
const RETRYABLE: Readonly<Record<NackReason, boolean>> = {
  overloaded: true,
  in_progress: true,
  shutting_down: true,
  idempotency_conflict: false,
  invalid_request: false,
  deadline_exceeded: false,
  outcome_unknown: false,
};

const SUMMARY: Readonly<Record<NackReason, string>> = {
  overloaded: 'server overloaded',
  in_progress: 'an execution with this idempotency key is still in progress',
  shutting_down: 'server shutting down',
  idempotency_conflict: 'idempotency key reused with different arguments',
  invalid_request: 'invalid mcp_tx request',
  deadline_exceeded: 'deadline exceeded before the request arrived',
  outcome_unknown:
    'an earlier execution with this idempotency key lost its claim before its outcome was stored; it may have run',
};

/**
 * The JSON-RPC error response of a NACK: code -32000, `data.mcp_tx` saying the tool did not run,
 * why, whether a retry may succeed and, when known, after how long.
 *
 * @example
 * transport.send(nackResponse(7, 'overloaded', { retryAfterMs: 250 }));
 */
export function nackResponse(
  id: RequestId,
  reason: NackReason,
  { retryAfterMs, detail }: { retryAfterMs?: number | undefined; detail?: string | undefined } = {},
): JSONRPCErrorResponse {
  const message =
    detail === undefined ? `mcp_tx: ${SUMMARY[reason]}` : `mcp_tx: ${SUMMARY[reason]}: ${detail}`;
  const retryable = RETRYABLE[reason];
  const data = encodeNack({ reason, retryable, retryAfterMs: retryable ? retryAfterMs : undefined });
  return { jsonrpc: '2.0', id, error: { code: NACK_CODE, message, data } };
}

/**
 * Whether a NACK for `reason` is retryable.
 *
 * @example
 * isRetryableReason('in_progress') // true
 */
export function isRetryableReason(reason: NackReason): boolean {
  return RETRYABLE[reason];
}
