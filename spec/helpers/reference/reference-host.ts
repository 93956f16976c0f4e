import type { Observable, SchedulerLike } from 'rxjs';
import type {
  BackoffStrategy,
  CircuitBreaker,
  CircuitState,
  RetryBudget,
  RetryDecision,
} from 'mcp-tx/operators';

/** One logical call as the reference pipeline carries it. */
export interface ReferenceCall {
  readonly key: string;
  readonly fingerprint: string;
  readonly deadlineAt: number;
  /** 0-based number of the current attempt (-1 before the first). */
  attempt: number;
}

/** What the pipeline's steps do on the wire and tell the world: the client's own pieces. */
export interface ReferenceHost<R> {
  readonly scheduler: SchedulerLike;
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffStrategy;
  readonly random: () => number;
  readonly dedupWindowMs: number;
  readonly breaker: CircuitBreaker | undefined;
  /** The client's retry budget, if it has one (gRPC's retry throttling). */
  readonly budget: RetryBudget | undefined;
  /** The attempt's own timeout (the call's deadline may cut it shorter). */
  attemptTimeoutMs(call: ReferenceCall): number;
  /** One attempt: the `tools/call` request and its answer; unsubscribing cancels it on the server. */
  send$(call: ReferenceCall): Observable<R>;
  /** The typed error of a failed attempt (classify.ts), its `timeout` or `nack` event told. */
  classify(call: ReferenceCall, error: unknown): unknown;
  timedOut(call: ReferenceCall): unknown;
  circuitOpen(call: ReferenceCall, retryAfterMs: number): unknown;
  deadlinePassed(call: ReferenceCall): unknown;
  queueFull(call: ReferenceCall): unknown;
  conflict(call: ReferenceCall): unknown;
  /** Whether, and after which delay, the error of a failed attempt is retried. */
  shouldRetry(call: ReferenceCall, error: unknown): RetryDecision;
  retried(call: ReferenceCall, attempt: number, error: unknown, delayMs: number): void;
  breakerMoved(call: ReferenceCall, state: CircuitState): void;
  gaveUp(call: ReferenceCall, errors: unknown[]): unknown;
  /** The call failed for good (its `failure` event). */
  failed(call: ReferenceCall, error: unknown): void;
  /** A duplicate's copy of `result` (`duplicate: true`). */
  duplicate(result: R, replayed: boolean): R;
}

/** A keyed call in the dedup window: in flight (shared) or answered (until `expiresAt`). */
export type DedupEntry<R> =
  { fingerprint: string; shared: Observable<R> } | { fingerprint: string; result: R; expiresAt: number };
