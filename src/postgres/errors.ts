/**
 * A row of the store's table does not hold what the store wrote (edited by hand, or a column of
 * another type): the store fails closed on that key (the server NACKs the call, the tool does not
 * run) rather than crash or guess.
 *
 * @example
 * if (isMalformedRecordError(e)) alertOps(e.info.key);
 */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';
  readonly code = 'MALFORMED_RECORD';
  readonly retryable = false;
  /** The key (as stored) and what is wrong with its row. */
  readonly info: { readonly key: string; readonly problem: string };
  constructor(key: string, problem: string, cause?: unknown) {
    super(
      `postgres: the row of idempotency key ${JSON.stringify(key.slice(0, 64))} is malformed: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.info = { key, problem };
  }
}

/**
 * Whether `e` is a {@link MalformedRecordError}.
 *
 * @example
 * transport.onerror = (e) => { if (isMalformedRecordError(e)) alertOps(e); };
 */
export const isMalformedRecordError = (e: unknown): e is MalformedRecordError =>
  e instanceof MalformedRecordError;

/**
 * A claim no longer held its key when its outcome was to be stored (its lease lapsed and another
 * execution took the key over, or the call was cancelled). From a transactional tool: its
 * transaction was rolled back, so none of its writes took effect. A retry with the same key gets
 * the outcome of the execution that holds the key.
 *
 * @example
 * if (isClaimLostError(e)) console.log(`${e.info.key}: rolled back, retry to learn the outcome`);
 */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
  readonly code = 'CLAIM_LOST';
  readonly retryable = true;
  /** The key (as the server claimed it), why the claim was lost, and the transactional tool if it was one. */
  readonly info: { readonly key: string; readonly reason: string; readonly tool: string | undefined };
  constructor(key: string, reason: string, tool?: string) {
    const what = tool === undefined ? 'nothing stored' : `${tool}: rolled back`;
    super(`${what}, the claim on idempotency key ${JSON.stringify(key.slice(0, 64))} was lost (${reason})`);
    this.info = { key, reason, tool };
  }
}

/**
 * Whether `e` is a {@link ClaimLostError}.
 *
 * @example
 * if (isClaimLostError(e)) retryLater();
 */
export const isClaimLostError = (e: unknown): e is ClaimLostError => e instanceof ClaimLostError;
