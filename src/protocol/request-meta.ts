import { PROTOCOL_VERSION } from './constants.js';
import { InvalidMetaError } from './errors.js';
import { count, flag, id, optionalId, optionalMs, record, version } from './wire-internals.js';

/**
 * The mcp_tx part of a request's `_meta`, in the TypeScript API's camelCase.
 * On the wire it is `_meta.mcp_tx` in snake_case (see the README's wire protocol).
 */
export interface TxRequestMeta {
  /** Protocol version of the sender. */
  version: string;
  /** One id per logical call, kept across retries. */
  requestId: string;
  /** Key the server deduplicates executions by; `undefined` for an unkeyed 0.1.x request. */
  idempotencyKey: string | undefined;
  /** Whether the sender wants an ACK notification. */
  expectAck: boolean;
  /** 0-based attempt number. */
  retryCount: number;
  /** The attempt's timeout in ms. */
  timeoutMs?: number | undefined;
  /** When the request was sent (ISO-8601 with `Z`); MCP-Tx 0.1 clients send it. */
  timestamp?: string | undefined;
  /** Overall deadline of the call, epoch ms. */
  deadline?: number | undefined;
  /** Hash of tool name and canonical arguments, a cross-check for the server's own. */
  fingerprint?: string | undefined;
}

/** `_meta.mcp_tx` of a request as it travels (snake_case, MCP-Tx 0.1 compatible). */
export interface WireRequestMeta {
  version: string;
  request_id: string;
  idempotency_key?: string;
  expect_ack?: boolean;
  retry_count?: number;
  timeout_ms?: number;
  timestamp?: string;
  deadline?: number;
  fingerprint?: string;
}

/**
 * Encodes request meta for the wire. The idempotency key is left out when it equals the
 * request id (a 0.2 receiver defaults it to the request id), which keeps the meta small; given
 * the `peerVersion` of an MCP-Tx 0.1.x receiver, which reads a missing key as "unkeyed", it is
 * always sent.
 *
 * @example
 * params._meta = { mcp_tx: encodeRequestMeta({ version: '0.2.0', requestId: 'r1', idempotencyKey: 'r1', expectAck: true, retryCount: 0 }) };
 */
export function encodeRequestMeta(meta: TxRequestMeta, peerVersion?: string): WireRequestMeta {
  const wire: WireRequestMeta = { version: meta.version, request_id: meta.requestId };
  const implied = meta.idempotencyKey === meta.requestId && peerVersion?.startsWith('0.1.') !== true;
  if (meta.idempotencyKey !== undefined && !implied) {
    wire.idempotency_key = meta.idempotencyKey;
  }
  wire.expect_ack = meta.expectAck;
  wire.retry_count = meta.retryCount;
  if (meta.timeoutMs !== undefined) wire.timeout_ms = meta.timeoutMs;
  if (meta.timestamp !== undefined) wire.timestamp = meta.timestamp;
  if (meta.deadline !== undefined) wire.deadline = meta.deadline;
  if (meta.fingerprint !== undefined) wire.fingerprint = meta.fingerprint;
  return wire;
}

/**
 * Decodes `_meta.mcp_tx` sent by a peer (MCP-Tx 0.1.x or 0.2.x).
 * Throws {@link InvalidMetaError} for anything malformed; never returns partial data.
 * From 0.2 on, an absent `idempotency_key` means the request id is the key; a 0.1.x request
 * without one is unkeyed.
 *
 * @example
 * const meta = decodeRequestMeta(request.params._meta?.mcp_tx);
 */
export function decodeRequestMeta(value: unknown): TxRequestMeta {
  const obj = record(value, '_meta.mcp_tx');
  const [major, minor] = version(obj);
  if (major !== 0 || minor < 1) {
    throw new InvalidMetaError(`unsupported mcp_tx version ${String(obj.version)}`);
  }
  const requestId = id(obj, 'request_id');
  const explicitKey = optionalId(obj, 'idempotency_key');
  const timestamp = obj.timestamp;
  if (timestamp !== undefined && (typeof timestamp !== 'string' || timestamp.length > 64)) {
    throw new InvalidMetaError('timestamp must be an ISO-8601 string');
  }
  const fingerprint = obj.fingerprint;
  if (fingerprint !== undefined && (typeof fingerprint !== 'string' || fingerprint.length > 128)) {
    throw new InvalidMetaError('fingerprint must be a string of at most 128 characters');
  }
  return {
    version: obj.version as string,
    requestId,
    idempotencyKey: explicitKey ?? (minor >= 2 ? requestId : undefined),
    expectAck: flag(obj, 'expect_ack', false),
    retryCount: count(obj, 'retry_count', 0),
    timeoutMs: optionalMs(obj, 'timeout_ms'),
    timestamp,
    deadline: optionalMs(obj, 'deadline'),
    fingerprint,
  };
}

/** Builds the meta of a fresh attempt with this package's protocol version. */
export function requestMeta(fields: Omit<TxRequestMeta, 'version'>): TxRequestMeta {
  return { version: PROTOCOL_VERSION, ...fields };
}
