export { MalformedRecordError, isMalformedRecordError } from '../server/store-errors.js';

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
