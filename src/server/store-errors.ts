import type { LateRenewal } from './idempotency-store.js';

/**
 * An {@link IdempotencyStore} could not answer (unreachable, too slow, or recovering after it
 * lost its memory). The server then fails closed: the tool does not run, and the call gets a
 * retryable `overloaded` NACK with `retry_after_ms` = `retryAfterMs`.
 *
 * @example
 * throw new StoreUnavailableError('redis: connection refused', { retryAfterMs: 500 });
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryable = true;
  /** When a retry may succeed, ms. */
  readonly retryAfterMs: number;
  constructor(message: string, options: { retryAfterMs: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A tool's outcome is larger than the store keeps: nothing was stored, and the key's outcome is
 * unknown to retries (a retry of a tool that is not idempotent gets `outcome_unknown`). The call
 * that ran still gets its result.
 *
 * @example
 * if (isOutcomeTooLargeError(e)) log(`${e.bytes} B > ${e.maxBytes} B`);
 */
export class OutcomeTooLargeError extends Error {
  override readonly name = 'OutcomeTooLargeError';
  readonly code = 'OUTCOME_TOO_LARGE';
  readonly retryable = false;
  /** The idempotency key whose outcome was not stored. */
  readonly key: string;
  /** Size of the outcome as JSON, bytes (UTF-8). */
  readonly bytes: number;
  /** The store's bound, bytes. */
  readonly maxBytes: number;
  constructor(key: string, bytes: number, maxBytes: number) {
    super(
      `the outcome of idempotency key ${JSON.stringify(key.slice(0, 64))} is ${bytes} bytes, over the store's ` +
        `maxOutcomeBytes of ${maxBytes}: not stored`,
    );
    this.key = key;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/**
 * An {@link IdempotencyStore} answered with something that is not what its contract promises: a
 * stored record that parses but is not an outcome (`null`, `{}`), a claim result of no known
 * status. The server fails closed, as for an unreachable store: the tool does not run, the call
 * gets a retryable `overloaded` NACK saying the store returned a malformed record, and this error
 * goes to `onerror`. A store that reads records itself (Redis, SQL) throws it too.
 *
 * @example
 * if (!isStoredRecord(parsed)) throw new MalformedRecordError(key, 'not an outcome', { value: text });
 */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';
  readonly code = 'STORE_MALFORMED_RECORD';
  /** A retry may find the record repaired, expired or removed. */
  readonly retryable = true;
  /** The store key whose record is malformed, and what is wrong with it. */
  readonly info: { readonly key: string; readonly problem: string };
  constructor(key: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      `idempotency store: malformed record for key ${JSON.stringify(key.slice(0, 64))}: ${problem}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.info = { key, problem };
  }
}

/**
 * A store's lease renewal ran late (see `LateRenewal`): reported on `onerror` once per store, the
 * first time, to say why duplicates may be getting `outcome_unknown` and what to do about it; every
 * late renewal is counted in `stats.lateRenewals` and shown on `events$`. Nothing failed: the call
 * goes on.
 *
 * @example
 * transport.onerror = (e) => { if (isLateRenewalError(e)) log.warn(e.message); };
 */
export class LateRenewalError extends Error {
  override readonly name = 'LateRenewalError';
  readonly code = 'LATE_RENEWAL';
  readonly retryable = false;
  /** The late renewal, and the tool whose call held the claim (when the server still tracks it). */
  readonly info: LateRenewal & { readonly tool: string | undefined };
  constructor(renewal: LateRenewal, tool: string | undefined) {
    super(
      `idempotency store: a lease renewal ran ${Math.round(renewal.lateByMs)} ms late ` +
        `(lease ${renewal.leaseMs} ms${renewal.lapsed ? ', which had lapsed' : ''})` +
        `${tool === undefined ? '' : ` while tool ${JSON.stringify(tool)} ran`}: the event loop was ` +
        'blocked (synchronous work in a tool?) or the store was slow. While a lease has lapsed, ' +
        "duplicates get outcome_unknown. Move CPU-bound work off the event loop (worker_threads), or set the store's " +
        'leaseMs above twice the longest blocking stretch. Reported once; see stats.lateRenewals and events$.',
    );
    this.info = { ...renewal, tool };
  }
}

/**
 * Whether `e` is a {@link StoreUnavailableError}.
 *
 * @example
 * transport.onerror = (e) => { if (isStoreUnavailableError(e)) alertOps(e); };
 */
export const isStoreUnavailableError = (e: unknown): e is StoreUnavailableError =>
  e instanceof StoreUnavailableError;

/**
 * Whether `e` is an {@link OutcomeTooLargeError}.
 *
 * @example
 * transport.onerror = (e) => { if (isOutcomeTooLargeError(e)) log(e.message); };
 */
export const isOutcomeTooLargeError = (e: unknown): e is OutcomeTooLargeError =>
  e instanceof OutcomeTooLargeError;

/**
 * Whether `e` is a {@link MalformedRecordError}.
 *
 * @example
 * transport.onerror = (e) => { if (isMalformedRecordError(e)) alertOps(e.info.key); };
 */
export const isMalformedRecordError = (e: unknown): e is MalformedRecordError =>
  e instanceof MalformedRecordError;

/**
 * Whether `e` is a {@link LateRenewalError}.
 *
 * @example
 * transport.onerror = (e) => { if (isLateRenewalError(e)) metrics.leaseTrouble.inc(); };
 */
export const isLateRenewalError = (e: unknown): e is LateRenewalError => e instanceof LateRenewalError;
