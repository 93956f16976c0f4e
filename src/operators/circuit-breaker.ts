import { Observable, asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import {
  AmbiguousOutcomeError,
  CircuitOpenError,
  ConnectionClosedError,
  NackError,
  AttemptTimeoutError,
} from '../protocol/errors.js';
import { checkFunction, checkKeys, checkNumber, checkScheduler } from '../protocol/config-internals.js';

/**
 * Where a {@link CircuitBreaker} stands: `closed` lets every call through, `open` refuses them,
 * `half-open` lets a few probes through to find out whether the dependency is back.
 *
 * @example
 * const state: CircuitState = breaker.state;
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Configuration of a {@link CircuitBreaker}.
 *
 * @example
 * const config: CircuitBreakerConfig = { failureThreshold: 5, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 };
 */
export interface CircuitBreakerConfig {
  /** Consecutive failures that open the circuit; an integer from 1. */
  failureThreshold: number;
  /** How long the circuit stays open before it lets probes through, in ms; from 0. */
  resetTimeoutMs: number;
  /** Probes let through at once while half-open; an integer from 1. @default 1 */
  halfOpenMaxCalls?: number;
  /**
   * Whether an error is a failure of the dependency. Any other error is an answer of a working
   * dependency (a rejected argument, say) and counts as a success. @default isBreakerFailure
   */
  isFailure?: (error: unknown) => boolean;
  /** Clock of the open period. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

const KEYS = ['failureThreshold', 'resetTimeoutMs', 'halfOpenMaxCalls', 'isFailure', 'scheduler'];

/**
 * The default failure filter: errors that say the dependency is unwell (timeouts, lost or
 * refused connections, an outcome left unknown by one of those, `overloaded` NACKs). Tool
 * results with `isError`, invalid params and other definite answers do not count.
 *
 * @example
 * isBreakerFailure(new AttemptTimeoutError('slow')); // true
 */
export function isBreakerFailure(error: unknown): boolean {
  if (error instanceof NackError) return error.reason === 'overloaded';
  return (
    error instanceof AttemptTimeoutError ||
    error instanceof ConnectionClosedError ||
    error instanceof AmbiguousOutcomeError
  );
}

/**
 * The shared state of a circuit breaker, after cockatiel's `CircuitBreakerPolicy` with a
 * `ConsecutiveBreaker` (https://github.com/connor4312/cockatiel): closed until
 * `failureThreshold` consecutive failures, then open for `resetTimeoutMs`, then half-open with at
 * most `halfOpenMaxCalls` probes; a probe's success closes it, a probe's failure opens it again.
 * Open turns half-open lazily, on the first call after `resetTimeoutMs` (no timer runs), and an
 * error the filter does not count is an answer, so a success, as in cockatiel. Unlike cockatiel,
 * calls past the probes are refused rather than queued behind them.
 * Share one instance between every call it protects; {@link circuitBreaker} applies it.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, resetTimeoutMs: 30_000 });
 * const guarded$ = call$.pipe(circuitBreaker(breaker));
 */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly halfOpenMaxCalls: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly scheduler: SchedulerLike;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probes = 0;
  /** Bumped on every transition: the outcome of a call let through in an earlier state is ignored. */
  private generation = 0;

  constructor(config: CircuitBreakerConfig) {
    checkKeys(config, KEYS, 'CircuitBreaker');
    const {
      failureThreshold,
      resetTimeoutMs,
      halfOpenMaxCalls = 1,
      isFailure = isBreakerFailure,
      scheduler = asyncScheduler,
    } = config;
    checkNumber(failureThreshold, 'failureThreshold', 1, Number.MAX_SAFE_INTEGER, { integer: true });
    checkNumber(resetTimeoutMs, 'resetTimeoutMs', 0, Number.MAX_SAFE_INTEGER);
    checkNumber(halfOpenMaxCalls, 'halfOpenMaxCalls', 1, Number.MAX_SAFE_INTEGER, { integer: true });
    checkFunction(isFailure, 'isFailure');
    checkScheduler(scheduler, 'scheduler');
    this.failureThreshold = failureThreshold;
    this.resetTimeoutMs = resetTimeoutMs;
    this.halfOpenMaxCalls = halfOpenMaxCalls;
    this.isFailure = isFailure;
    this.scheduler = scheduler;
  }

  /** The current state (an open circuit reads `open` until a call arrives after `resetTimeoutMs`). */
  get state(): CircuitState {
    return this.current;
  }

  /** Milliseconds until a refused call could pass: the rest of the open period; while half-open, `resetTimeoutMs` as a hint. */
  retryAfterMs(): number {
    if (this.current === 'open')
      return Math.max(0, this.openedAt + this.resetTimeoutMs - this.scheduler.now());
    return this.current === 'half-open' ? this.resetTimeoutMs : 0;
  }

  /** Asks to let one call through: a ticket (from 0) to settle it with, or -1 when refused. */
  enter(): number {
    if (this.current === 'open') {
      if (this.scheduler.now() < this.openedAt + this.resetTimeoutMs) return -1;
      this.moveTo('half-open');
    }
    if (this.current === 'half-open') {
      if (this.probes >= this.halfOpenMaxCalls) return -1;
      this.probes++;
    }
    return this.generation;
  }

  /** The call let through with `ticket` got an answer. */
  success(ticket: number): void {
    if (ticket !== this.generation) return;
    if (this.current === 'half-open') this.moveTo('closed');
    else this.failures = 0;
  }

  /** The call let through with `ticket` failed with `error` (a success unless `isFailure(error)`). */
  failure(ticket: number, error: unknown): void {
    if (!this.isFailure(error)) return this.success(ticket);
    if (ticket !== this.generation) return;
    if (this.current === 'half-open' || ++this.failures >= this.failureThreshold) this.moveTo('open');
  }

  /** The call let through with `ticket` ended without an outcome (cancelled): its probe slot is free again. */
  release(ticket: number): void {
    if (ticket === this.generation && this.current === 'half-open') this.probes--;
  }

  private moveTo(state: CircuitState): void {
    this.current = state;
    this.generation++;
    this.failures = 0;
    this.probes = 0;
    if (state === 'open') this.openedAt = this.scheduler.now();
  }
}

/**
 * Configuration of the {@link circuitBreaker} operator.
 *
 * @example
 * const config: CircuitBreakerOperatorConfig = { onStateChange: (state) => log.warn(`breaker ${state}`) };
 */
export interface CircuitBreakerOperatorConfig {
  /** Creates the error of a refused subscription. @default a `CircuitOpenError` with `retryAfterMs` */
  rejectWith?: (retryAfterMs: number) => unknown;
  /** Called, before the value or error is passed on, when a subscription moved the breaker to `state`. */
  onStateChange?: (state: CircuitState) => void;
}

/**
 * Guards each subscription to the source with `breaker`: refused at once (an error from
 * `rejectWith`, the source not subscribed) while the circuit is open; otherwise the first value
 * or completion is a success and an error a failure (as the breaker's filter says). A
 * subscription ended by unsubscribing has no outcome. `retry` after it makes each attempt one call.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 10_000 });
 * defer(() => callTool()).pipe(circuitBreaker(breaker), retry(2));
 */
export function circuitBreaker<T>(
  breaker: CircuitBreaker,
  config: CircuitBreakerOperatorConfig = {},
): MonoTypeOperatorFunction<T> {
  if (!(breaker instanceof CircuitBreaker)) throw new TypeError('breaker must be a CircuitBreaker');
  checkKeys(config, ['rejectWith', 'onStateChange'], 'circuitBreaker');
  const { rejectWith = openError, onStateChange } = config;
  checkFunction(rejectWith, 'rejectWith');
  checkFunction(onStateChange, 'onStateChange', true);
  const report = (before: CircuitState): void => {
    if (onStateChange && breaker.state !== before) onStateChange(breaker.state);
  };

  return (source) =>
    new Observable<T>((subscriber) => {
      const before = breaker.state;
      const ticket = breaker.enter();
      report(before);
      if (ticket < 0) return subscriber.error(rejectWith(breaker.retryAfterMs()));
      let settled = false;
      const settle = (end: (ticket: number) => void): void => {
        if (settled) return;
        settled = true;
        const previous = breaker.state;
        end(ticket);
        report(previous);
      };
      const subscription = source.subscribe({
        next: (value) => {
          settle((t) => breaker.success(t));
          subscriber.next(value);
        },
        error: (error: unknown) => {
          settle((t) => breaker.failure(t, error));
          subscriber.error(error);
        },
        complete: () => {
          settle((t) => breaker.success(t));
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        settle((t) => breaker.release(t));
      };
    });
}

function openError(retryAfterMs: number): CircuitOpenError {
  return new CircuitOpenError(`circuit open; retry in ${retryAfterMs} ms`, { retryAfterMs });
}
