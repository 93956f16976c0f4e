import {
  AmbiguousOutcomeError,
  ConnectionClosedError,
  IdempotencyConflictError,
  NackError,
  OutcomeUnknownError,
  RequestError,
  AttemptTimeoutError,
  decodeNack,
  isTxError,
  type TxError,
  type TxErrorInfo,
  type TxNack,
} from '../../protocol/index.js';
import { RPC_CONNECTION_CLOSED, RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';
import { httpFailure, isSessionLost } from './http-failure.js';
import { isSdkHttpError, isSdkRpcError, type SdkHttpError } from '../../sdk/v1/sdk-errors.js';

/** What the client knows about an attempt when it failed. */
export interface FailureContext {
  /** Tool, request id, attempt and elapsed time. */
  readonly info: TxErrorInfo;
  /** The server acknowledged this attempt. */
  readonly acked: boolean;
  /** The request was handed to the transport (false while waiting for a reconnect). */
  readonly sent: boolean;
  /** The server would have acknowledged (it speaks mcp_tx with `ack`); no ACK then means "not started". */
  readonly ackExpected: boolean;
  /** Running the tool again is harmless: the server honours the key, or the tool is idempotent. */
  readonly replaySafe: boolean;
  /** Where the request went (an HTTP transport's URL), named by HTTP failures. */
  readonly endpoint?: string | undefined;
}

/**
 * Turns whatever an attempt failed with into a typed {@link TxError} whose `retryable` says if
 * another attempt is safe (DESIGN section 3). This is the one place retry safety is decided:
 *
 * - NACK: the tool did not run; retry when the server says `retryable`.
 * - JSON-RPC error (invalid params, unknown tool, ...): a definitive answer; never retried.
 * - Never sent (not connected, or still waiting for a reconnect): retried.
 * - Timeout, disconnect, anything else after sending: the outcome is unknown. Retried when the
 *   server had not ACKed an attempt it would have ACKed, or when a replay is safe; otherwise
 *   {@link AmbiguousOutcomeError}, never a silent second run.
 */
export function classifyFailure(error: unknown, ctx: FailureContext): TxError {
  const { info } = ctx;
  if (isTxError(error)) {
    return error.code === 'TIMEOUT' || error.code === 'CONNECTION_CLOSED'
      ? unknownOutcome(error, ctx)
      : error;
  }
  if (isSdkRpcError(error)) {
    const nack = readNack(error.data);
    // the server's own words (which limit, which field), without the SDK's prefix
    const said = error.message.replace(/^MCP error -?\d+: (mcp_tx: )?/, '');
    if (nack?.reason === 'outcome_unknown' || isUnknownOutcome(error.data)) {
      return new OutcomeUnknownError(`${info.tool}: the outcome is unknown: ${said}`, { info, cause: error });
    }
    if (nack?.reason === 'idempotency_conflict') {
      // a key reused with other arguments: the same error as the client's dedup window raises
      return new IdempotencyConflictError(
        `${info.tool}: the server refused the call: its idempotency key was used with other arguments`,
        { info, cause: error },
      );
    }
    if (nack) {
      return new NackError(`${info.tool}: server refused the call (${nack.reason}): ${said}`, {
        info,
        cause: error,
        ...nack,
      });
    }
    if (error.code === RPC_CONNECTION_CLOSED) {
      return unknownOutcome(
        new ConnectionClosedError(`${info.tool}: connection closed`, { info, cause: error }),
        ctx,
      );
    }
    if (error.code === RPC_REQUEST_TIMEOUT) {
      return unknownOutcome(
        new AttemptTimeoutError(`${info.tool}: request timed out`, { info, cause: error, acked: ctx.acked }),
        ctx,
      );
    }
    return new RequestError(`${info.tool}: ${error.message}`, {
      info,
      cause: error,
      rpcCode: error.code,
      data: error.data,
    });
  }
  if (error instanceof Error && error.message === 'Not connected') {
    // Protocol.request and the SDK transports throw this before anything is written.
    return new ConnectionClosedError(`${info.tool}: not connected`, { info, cause: error });
  }
  if (isSdkHttpError(error)) return classifyHttp(error, ctx);
  if (error instanceof Error && error.name === 'UnauthorizedError') {
    return new RequestError(`${info.tool}: unauthorized`, { info, cause: error, rpcCode: 401 });
  }
  const message = error instanceof Error ? error.message : String(error);
  return unknownOutcome(new ConnectionClosedError(`${info.tool}: ${message}`, { info, cause: error }), ctx);
}

/**
 * Whether an error means the HTTP session is lost (see {@link isSessionLost}: 404, or a gateway's
 * 502, 503 or 504): the client must initialize again.
 */
export function isSessionExpired(error: unknown): boolean {
  return isSdkHttpError(error) && isSessionLost(error.code);
}

function classifyHttp(error: SdkHttpError, ctx: FailureContext): TxError {
  const { info } = ctx;
  const status = error.code ?? 0;
  const message = `${info.tool}: ${httpFailure(status, error.message, ctx.endpoint)}`;
  if (status === 404 || status === 429) {
    // Unknown session or rate limited: the server did not process the request.
    return new ConnectionClosedError(message, { info, cause: error });
  }
  if (status >= 400 && status < 500) {
    return new RequestError(message, { info, cause: error, rpcCode: status });
  }
  // 502 and 504 (a gateway lost the session's server) may come after the tool started
  return unknownOutcome(new ConnectionClosedError(message, { info, cause: error }), ctx);
}

function unknownOutcome(error: TxError, ctx: FailureContext): TxError {
  if (!ctx.sent || (ctx.ackExpected && !ctx.acked) || ctx.replaySafe) return error;
  return new AmbiguousOutcomeError(
    `${ctx.info.tool}: the call may have run (${error.code.toLowerCase()} after ${ctx.acked ? 'ACK' : 'send'}); ` +
      'not retried because the tool is not known to be idempotent and the server does not honour idempotency keys',
    { info: ctx.info, cause: error },
  );
}

function readNack(data: unknown): TxNack | undefined {
  try {
    return decodeNack(data);
  } catch {
    return undefined; // a malformed NACK is treated as the plain JSON-RPC error it also is
  }
}

/**
 * Whether a JSON-RPC error's `data` says the server stopped a started call and does not know
 * whether the tool took effect (`data.mcp_tx.outcome: 'unknown'`, e.g. after its deadline): as
 * much an unknown outcome as a NACK `outcome_unknown`, though not a NACK (the tool did start).
 */
function isUnknownOutcome(data: unknown): boolean {
  const tx = (data as { mcp_tx?: unknown } | null | undefined)?.mcp_tx;
  return typeof tx === 'object' && tx !== null && (tx as { outcome?: unknown }).outcome === 'unknown';
}
