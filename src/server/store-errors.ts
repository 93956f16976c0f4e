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
