import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Observable, Observer, Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { isTxError } from '../protocol/index.js';
import { RetryableResult, type CallContext } from './call-context.js';
import type { TxResult } from './events.js';

/** What a {@link CallJob} needs of the client it belongs to. */
export interface JobHost {
  /** The attempts of `ctx`, retries included. */
  attempts$(ctx: CallContext): Observable<CallToolResult>;
  /** The caller's result for the answer `result` of `ctx`. */
  toTxResult(ctx: CallContext, result: CallToolResult): TxResult;
  /** The call of `ctx` failed for good with `error` (before its subscriber hears of it). */
  failed(ctx: CallContext, error: unknown): void;
  /** The call of `job` ended, however (its subscriber is done or gone). */
  ended(job: CallJob): void;
}

/**
 * One call from the caller's subscription to its end: queued, run in a concurrency slot once one
 * is free, its outcome handed to the caller. It is the observer of the call's attempts and the
 * teardown of the caller's subscription (one object per call in flight, no closure per step).
 *
 * @example
 * const job = new CallJob(ctx, subscriber, host);
 * jobs.next(job);  // the queue calls job.run(slot) when a slot is free
 * return job;      // the caller's teardown
 */
export class CallJob implements Observer<CallToolResult>, Unsubscribable {
  /** How the call ended, for metrics: `completed`, an error code, or `undefined` (given up). */
  outcome: string | undefined = undefined;
  /** The caller's subscription has ended. */
  done = false;
  #slot: Subscriber<never> | undefined = undefined;
  #attempts: Subscription | undefined = undefined;

  constructor(
    readonly ctx: CallContext,
    readonly subscriber: Subscriber<TxResult>,
    private readonly host: JobHost,
  ) {}

  /** Runs the call in the concurrency `slot` (completed to free it); skipped if the caller left meanwhile. */
  run(slot: Subscriber<never>, closed: boolean): void {
    if (this.done || closed) return slot.complete();
    this.#slot = slot;
    try {
      this.#attempts = this.host.attempts$(this.ctx).subscribe(this);
    } catch (error) {
      this.error(error); // this call fails alone; the queue and every other call go on
    }
  }

  /** Fails the call with `error` (the queue is full, or the client closed). */
  fail(outcome: string, error: unknown): void {
    this.outcome = outcome;
    this.host.failed(this.ctx, error);
    this.subscriber.error(error);
  }

  /** An attempt answered: the caller gets its {@link TxResult}. */
  next(result: CallToolResult): void {
    this.outcome = 'completed';
    this.subscriber.next(this.host.toTxResult(this.ctx, result));
  }

  /** The attempts failed for good (or `retryOnResult` ran out: the last result is the answer). */
  error(error: unknown): void {
    this.#slot?.complete();
    if (error instanceof RetryableResult) {
      // retryOnResult asked for more attempts and they ran out: the last result is the answer
      this.outcome = 'completed';
      this.subscriber.next(this.host.toTxResult(this.ctx, error.result));
      return this.subscriber.complete();
    }
    this.outcome = isTxError(error) ? error.code : 'ERROR';
    this.host.failed(this.ctx, error);
    this.subscriber.error(error);
  }

  /** The attempts completed after their answer: the slot is freed and the caller's call ends. */
  complete(): void {
    this.#slot?.complete();
    this.subscriber.complete();
  }

  /** The caller's teardown: stops the attempts, frees the slot, and tells the client the call ended. */
  unsubscribe(): void {
    this.done = true;
    this.ctx.abandoned = this.outcome === undefined; // unsubscribed (or aborted) before it ended
    this.#attempts?.unsubscribe();
    this.#slot?.complete();
    this.host.ended(this);
  }
}
