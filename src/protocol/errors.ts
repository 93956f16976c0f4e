import type { NackReason } from './constants.js';

/** Where a failure happened: which tool, which logical call, which attempt, how long into the call. */
export interface TxErrorInfo {
  /** Tool name. */
  readonly tool: string;
  /** Request id of the logical call (kept across retries). */
  readonly requestId: string;
  /** 0-based attempt the failure belongs to. */
  readonly attempt: number;
  /** Milliseconds since the call started (scheduler time). */
  readonly elapsedMs: number;
}

/** Options shared by every mcp-tx error constructor. */
export interface TxErrorOptions {
  info?: TxErrorInfo | undefined;
  cause?: unknown;
  /** Every attempt's error, oldest first, when this is the final error of a retried call. */
  attemptErrors?: readonly unknown[] | undefined;
}

const NO_INFO: TxErrorInfo = Object.freeze({ tool: '', requestId: '', attempt: 0, elapsedMs: 0 });

/**
 * Base class of every error mcp-tx raises: a stable `code`, whether a retry is safe, where it
 * happened (`info`), the original error as `cause` and, after retries, every attempt's error.
 *
 * @example
 * try { await client.call('charge', { cents: 100 }); }
 * catch (e) { if (isTxError(e) && e.retryable) scheduleLater(); }
 */
export abstract class TxError extends Error {
  /** Stable machine-readable code, e.g. `TIMEOUT`. */
  abstract readonly code: string;
  /** Whether calling again is safe and may succeed. */
  abstract readonly retryable: boolean;
  /** Tool, request id, attempt and elapsed time of the failure. */
  readonly info: TxErrorInfo;
  /** Every attempt's error, oldest first (just this one when the call was not retried). */
  readonly attemptErrors: readonly unknown[];

  constructor(message: string, options: TxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.info = options.info ?? NO_INFO;
    this.attemptErrors = options.attemptErrors ?? [this];
  }
}

/**
 * An attempt got no response within its attempt timeout (named apart from RxJS's `TimeoutError`,
 * which the `timeout` operator throws).
 *
 * @example
 * if (isAttemptTimeoutError(e) && !e.acked) console.log('never reached the server; safe to retry');
 */
export class AttemptTimeoutError extends TxError {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'TIMEOUT';
  readonly retryable = true;
  /** Whether the server had acknowledged the attempt before it timed out. */
  readonly acked: boolean;
  constructor(message: string, options: TxErrorOptions & { acked?: boolean } = {}) {
    super(message, options);
    this.acked = options.acked ?? false;
  }
}

/** The call's overall deadline passed (or had passed when the server received it). */
export class DeadlineExceededError extends TxError {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'DEADLINE_EXCEEDED';
  readonly retryable = false;
}

/** The server refused the request without running the tool (a NACK). */
export class NackError extends TxError {
  override readonly name: string = 'NackError';
  readonly code: 'NACK' | 'IDEMPOTENCY_CONFLICT' = 'NACK';
  readonly retryable: boolean;
  /** Why the server refused. */
  readonly reason: NackReason;
  /** How long the server asked the client to wait before retrying. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: TxErrorOptions & { reason: NackReason; retryable: boolean; retryAfterMs?: number | undefined },
  ) {
    super(message, options);
    this.reason = options.reason;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The tool may or may not have run, and retrying could run it twice; mcp-tx refuses to guess. */
export class AmbiguousOutcomeError extends TxError {
  override readonly name: string = 'AmbiguousOutcomeError';
  readonly code: string = 'AMBIGUOUS_OUTCOME';
  readonly retryable = false;
}

/**
 * The server knows an earlier request with this idempotency key ran, or may have, but its outcome
 * was lost with its claim (the replica running it died, or the shared store lost its memory): it
 * refused to run a tool that is not idempotent again (NACK `outcome_unknown`). Check the side
 * effect yourself before calling again with a new key. An {@link AmbiguousOutcomeError} too.
 *
 * @example
 * catch (e) { if (isOutcomeUnknownError(e)) await reconcile(orderId); }
 */
export class OutcomeUnknownError extends AmbiguousOutcomeError {
  override readonly name = 'OutcomeUnknownError';
  override readonly code = 'OUTCOME_UNKNOWN';
}

/** The client's bounded queue was full; nothing was sent. */
export class QueueFullError extends TxError {
  override readonly name = 'QueueFullError';
  readonly code = 'QUEUE_FULL';
  readonly retryable = true;
}

/** The connection to the server closed, or could not be (re)established. */
export class ConnectionClosedError extends TxError {
  override readonly name = 'ConnectionClosedError';
  readonly code = 'CONNECTION_CLOSED';
  readonly retryable = true;
}

/** The client was closed while the call was queued or in flight. */
export class ClientClosedError extends TxError {
  override readonly name = 'ClientClosedError';
  readonly code = 'CLIENT_CLOSED';
  readonly retryable = false;
}

/**
 * The same idempotency key was used with different arguments; the tool did not run. One class
 * whoever found it: the client's dedup window, or the server (a NACK with reason
 * `idempotency_conflict`, hence a {@link NackError} too, its JSON-RPC error as `cause`).
 *
 * @example
 * catch (e) { if (isIdempotencyConflictError(e)) console.error('order id reused for another order'); }
 */
export class IdempotencyConflictError extends NackError {
  override readonly name = 'IdempotencyConflictError';
  override readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(message: string, options: TxErrorOptions = {}) {
    super(message, { ...options, reason: 'idempotency_conflict', retryable: false });
  }
}

/**
 * The caller aborted the call through its `signal`; the signal's reason is the `cause`. Not
 * retried: the caller gave the call up (a keyed call may still have run; its key finds the
 * outcome).
 *
 * @example
 * catch (e) { if (isAbortedError(e)) return; } // the user cancelled
 */
export class AbortedError extends TxError {
  override readonly name = 'AbortedError';
  readonly code = 'ABORTED';
  readonly retryable = false;
}

/** The server answered with a JSON-RPC error that is not a NACK (invalid params, unknown tool, ...). */
export class RequestError extends TxError {
  override readonly name = 'RequestError';
  readonly code = 'REQUEST_FAILED';
  readonly retryable = false;
  /** The JSON-RPC error code. */
  readonly rpcCode: number;
  /** The JSON-RPC error data, if any. */
  readonly data: unknown;
  constructor(message: string, options: TxErrorOptions & { rpcCode: number; data?: unknown }) {
    super(message, options);
    this.rpcCode = options.rpcCode;
    this.data = options.data;
  }
}

/** A peer sent mcp_tx data that does not match the protocol. */
export class InvalidMetaError extends TxError {
  override readonly name: string = 'InvalidMetaError';
  readonly code = 'INVALID_META';
  readonly retryable = false;
}

/**
 * The tool's circuit breaker is open (or half-open with every probe slot taken): the call was
 * refused at once, nothing was sent. Retryable, but not by mcp-tx itself: call again after
 * `retryAfterMs`.
 *
 * @example
 * catch (e) { if (isCircuitOpenError(e)) setTimeout(again, e.retryAfterMs); }
 */
export class CircuitOpenError extends TxError {
  override readonly name = 'CircuitOpenError';
  readonly code = 'CIRCUIT_OPEN';
  readonly retryable = true;
  /** Milliseconds until the breaker lets a probe through (a hint while probes are in flight). */
  readonly retryAfterMs: number;
  constructor(message: string, options: TxErrorOptions & { retryAfterMs: number }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Why a compressed `payload` was refused. */
export type CompressionFailure = 'unknown_encoding' | 'malformed' | 'too_large';

/**
 * A peer sent a compressed `payload` (see `inflateJson`) that cannot be used: an unknown
 * `encoding`, bytes that are not base64, gzip/zlib or UTF-8 JSON, or more than
 * `maxInflatedBytes` once inflated (a decompression bomb). An {@link InvalidMetaError} too.
 *
 * @example
 * try { inflateJson(body, 1 << 20); }
 * catch (e) { if (isCompressionError(e) && e.reason === 'too_large') logAbuse(); }
 */
export class CompressionError extends InvalidMetaError {
  override readonly name = 'CompressionError';
  /** What was wrong with the payload. */
  readonly reason: CompressionFailure;
  constructor(message: string, options: TxErrorOptions & { reason: CompressionFailure }) {
    super(message, options);
    this.reason = options.reason;
  }
}

const guard =
  <T extends TxError>(ctor: abstract new (...args: never[]) => T) =>
  (e: unknown): e is T =>
    e instanceof ctor;

/** Whether `e` is any mcp-tx error. */
export const isTxError = guard(TxError);
/** Whether `e` is a {@link AttemptTimeoutError}. */
export const isAttemptTimeoutError = guard(AttemptTimeoutError);
/** Whether `e` is a {@link DeadlineExceededError}. */
export const isDeadlineExceededError = guard(DeadlineExceededError);
/** Whether `e` is a {@link NackError}. */
export const isNackError = guard(NackError);
/** Whether `e` is an {@link AmbiguousOutcomeError}. */
export const isAmbiguousOutcomeError = guard(AmbiguousOutcomeError);
/**
 * Whether `e` is an {@link OutcomeUnknownError}.
 *
 * @example
 * if (isOutcomeUnknownError(e)) alert(`check order ${id} by hand`);
 */
export const isOutcomeUnknownError = guard(OutcomeUnknownError);
/** Whether `e` is a {@link QueueFullError}. */
export const isQueueFullError = guard(QueueFullError);
/** Whether `e` is a {@link ConnectionClosedError}. */
export const isConnectionClosedError = guard(ConnectionClosedError);
/** Whether `e` is a {@link ClientClosedError}. */
export const isClientClosedError = guard(ClientClosedError);
/**
 * Whether `e` says the idempotency key was used with other arguments, found by the client's dedup
 * window or by the server's store (both raise an {@link IdempotencyConflictError}; a bare
 * {@link NackError} with that reason counts too).
 *
 * @example
 * if (isIdempotencyConflictError(e)) console.error('order id reused for another order');
 */
export const isIdempotencyConflictError = (e: unknown): e is NackError =>
  e instanceof NackError && e.reason === 'idempotency_conflict';
/** Whether `e` is an {@link AbortedError} (the caller's signal aborted the call). */
export const isAbortedError = guard(AbortedError);
/** Whether `e` is a {@link RequestError}. */
export const isRequestError = guard(RequestError);
/** Whether `e` is an {@link InvalidMetaError}. */
export const isInvalidMetaError = guard(InvalidMetaError);
/** Whether `e` is a {@link CircuitOpenError}. */
export const isCircuitOpenError = guard(CircuitOpenError);
/** Whether `e` is a {@link CompressionError}. */
export const isCompressionError = guard(CompressionError);
