import { retry } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  CircuitBreaker,
  circuitBreaker,
  isBreakerFailure,
  type CircuitBreakerConfig,
  type CircuitState,
} from '../../src/operators/circuit-breaker.js';
import {
  AmbiguousOutcomeError,
  CircuitOpenError,
  ConnectionClosedError,
  NackError,
  RequestError,
  AttemptTimeoutError,
  isCircuitOpenError,
} from '../../src/protocol/errors.js';

/** Refusals as plain strings, so marbles compare them by value. */
const open = (retryAfterMs: number): string => `open ${retryAfterMs}`;
const isDown = (error: unknown): boolean => error === 'down';

describe('circuitBreaker', () => {
  let testScheduler: TestScheduler;
  let changes: [number, CircuitState][];

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    changes = [];
  });

  /** A breaker on the test clock and an operator factory that logs state changes with their frame. */
  function setup(config: Omit<CircuitBreakerConfig, 'scheduler' | 'isFailure'>) {
    const breaker = new CircuitBreaker({ ...config, isFailure: isDown, scheduler: testScheduler });
    const onStateChange = (state: CircuitState) => void changes.push([testScheduler.now(), state]);
    return { breaker, guard: circuitBreaker<string>(breaker, { rejectWith: open, onStateChange }) };
  }

  describe('while closed', () => {
    it('should mirror the source', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { breaker, guard } = setup({ failureThreshold: 1, resetTimeoutMs: 10 });
        const source = cold('    -a-b|');
        const subs = '           ^---!';
        expectObservable(source.pipe(guard)).toBe('-a-b|');
        expectSubscriptions(source.subscriptions).toBe(subs);
        testScheduler.flush();
        expect(breaker.state).toBe('closed');
      });
    });

    it('should open after failureThreshold consecutive failures and refuse without subscribing', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { guard } = setup({ failureThreshold: 2, resetTimeoutMs: 6 });
        const first = cold('     --#', undefined, 'down');
        const second = cold('       --#', undefined, 'down');
        const third = cold('           a|');
        expectObservable(first.pipe(guard)).toBe('--#', undefined, 'down');
        expectObservable(second.pipe(guard), '---^').toBe('-----#', undefined, 'down');
        expectObservable(third.pipe(guard), '------^').toBe('------#', undefined, 'open 5');
        expectSubscriptions(first.subscriptions).toBe('^-!');
        expectSubscriptions(second.subscriptions).toBe('---^-!');
        expectSubscriptions(third.subscriptions).toBe([]);
      });
      expect(changes).toEqual([[5, 'open']]);
    });

    it('should start counting again after a success', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { breaker, guard } = setup({ failureThreshold: 2, resetTimeoutMs: 10 });
        const fail = cold('-#', undefined, 'down');
        const succeed = cold('-a|');
        expectObservable(fail.pipe(guard)).toBe('-#', undefined, 'down');
        expectObservable(succeed.pipe(guard), '--^').toBe('---a|');
        expectObservable(fail.pipe(guard), '-----^').toBe('------#', undefined, 'down');
        testScheduler.flush();
        expect(breaker.state).toBe('closed');
      });
      expect(changes).toEqual([]);
    });

    it('should count an error the filter rejects as an answer, not a failure', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { breaker, guard } = setup({ failureThreshold: 2, resetTimeoutMs: 10 });
        expectObservable(cold('-#', undefined, 'down').pipe(guard)).toBe('-#', undefined, 'down');
        expectObservable(cold('-#', undefined, 'bad').pipe(guard), '--^').toBe('---#', undefined, 'bad');
        expectObservable(cold('-#', undefined, 'down').pipe(guard), '----^').toBe(
          '-----#',
          undefined,
          'down',
        );
        testScheduler.flush();
        expect(breaker.state).toBe('closed');
      });
    });

    it('should ignore the late failure of a call let through before the circuit opened', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { guard } = setup({ failureThreshold: 1, resetTimeoutMs: 10 });
        const slow = cold('      -----#', undefined, 'down');
        const fast = cold('      -#', undefined, 'down');
        const later = cold('     a|');
        expectObservable(slow.pipe(guard)).toBe('-----#', undefined, 'down');
        expectObservable(fast.pipe(guard)).toBe('-#', undefined, 'down');
        // Opened at 1 for 10 frames; had the late failure counted, it would be open until 15.
        expectObservable(later.pipe(guard), '-----------^').toBe('-----------a|');
        expectSubscriptions(later.subscriptions).toBe('-----------^!');
      });
      expect(changes).toEqual([
        [1, 'open'],
        [11, 'half-open'],
        [11, 'closed'],
      ]);
    });
  });

  describe('while open', () => {
    it('should refuse every call until resetTimeoutMs passed, with the time left', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { guard } = setup({ failureThreshold: 1, resetTimeoutMs: 5 });
        const call = cold('a|');
        expectObservable(cold('-#', undefined, 'down').pipe(guard)).toBe('-#', undefined, 'down');
        expectObservable(call.pipe(guard), '--^').toBe('--#', undefined, 'open 4');
        expectObservable(call.pipe(guard), '-----^').toBe('-----#', undefined, 'open 1');
        expectObservable(call.pipe(guard), '------^').toBe('------a|');
      });
    });

    it('should refuse with a CircuitOpenError carrying retryAfterMs by default', () => {
      const errors: unknown[] = [];
      testScheduler.run(({ cold }) => {
        const breaker = new CircuitBreaker({
          failureThreshold: 1,
          resetTimeoutMs: 50,
          scheduler: testScheduler,
        });
        const guard = circuitBreaker<string>(breaker);
        cold('--#', undefined, new AttemptTimeoutError('slow'))
          .pipe(guard)
          .subscribe({ error: () => undefined });
        testScheduler.schedule(() => guard(cold('a|')).subscribe({ error: (e) => void errors.push(e) }), 12);
      });
      expect(errors).toHaveLength(1);
      expect(isCircuitOpenError(errors[0])).toBe(true);
      expect(errors[0]).toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true, retryAfterMs: 40 });
    });
  });

  describe('while half-open', () => {
    it('should let halfOpenMaxCalls probes through, refuse the rest, and close on a success', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { guard } = setup({ failureThreshold: 1, resetTimeoutMs: 4, halfOpenMaxCalls: 2 });
        const probe1 = cold('         ---a|');
        const probe2 = cold('          ---a|');
        const refused = cold('          a|');
        const after = cold('              a|');
        expectObservable(cold('-#', undefined, 'down').pipe(guard)).toBe('-#', undefined, 'down');
        expectObservable(probe1.pipe(guard), '-----^').toBe('--------a|');
        expectObservable(probe2.pipe(guard), '------^').toBe('---------a|');
        expectObservable(refused.pipe(guard), '-------^').toBe('-------#', undefined, 'open 4');
        expectObservable(after.pipe(guard), '---------^').toBe('---------a|');
        expectSubscriptions(probe1.subscriptions).toBe('-----^---!');
        expectSubscriptions(refused.subscriptions).toBe([]);
      });
      expect(changes).toEqual([
        [1, 'open'],
        [5, 'half-open'],
        [8, 'closed'],
      ]);
    });

    it('should open again for resetTimeoutMs when a probe fails', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const { guard } = setup({ failureThreshold: 1, resetTimeoutMs: 3 });
        const call = cold('a|');
        expectObservable(cold('-#', undefined, 'down').pipe(guard)).toBe('-#', undefined, 'down');
        expectObservable(cold('-#', undefined, 'down').pipe(guard), '----^').toBe(
          '-----#',
          undefined,
          'down',
        );
        expectObservable(call.pipe(guard), '-------^').toBe('-------#', undefined, 'open 1');
        expectObservable(call.pipe(guard), '--------^').toBe('--------a|');
      });
      expect(changes).toEqual([
        [1, 'open'],
        [4, 'half-open'],
        [5, 'open'],
        [8, 'half-open'],
        [8, 'closed'],
      ]);
    });

    it('should free the slot of a probe that was unsubscribed', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { guard } = setup({ failureThreshold: 1, resetTimeoutMs: 2 });
        const probe = cold('       -----a|');
        const next = cold('          -a|');
        expectObservable(cold('#', undefined, 'down').pipe(guard)).toBe('#', undefined, 'down');
        expectObservable(probe.pipe(guard), '--^-!').toBe('----');
        expectObservable(cold('a|').pipe(guard), '---^').toBe('---#', undefined, 'open 2');
        expectObservable(next.pipe(guard), '-----^').toBe('------a|');
        expectSubscriptions(probe.subscriptions).toBe('--^-!');
        expectSubscriptions(next.subscriptions).toBe('-----^-!');
      });
      expect(changes).toEqual([
        [0, 'open'],
        [2, 'half-open'],
        [6, 'closed'],
      ]);
    });
  });

  describe('under retry', () => {
    it('should make each attempt one call, so retries meeting the open circuit fail fast', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { guard } = setup({ failureThreshold: 2, resetTimeoutMs: 100 });
        const source = cold('    -#', undefined, 'down');
        const subs = ['          ^!', '-^!'];
        expectObservable(source.pipe(guard, retry(3))).toBe('--#', undefined, 'open 100');
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });
  });

  describe('isBreakerFailure', () => {
    it('should count timeouts, lost connections, unknown outcomes and overloaded NACKs only', () => {
      expect(isBreakerFailure(new AttemptTimeoutError('t'))).toBe(true);
      expect(isBreakerFailure(new ConnectionClosedError('c'))).toBe(true);
      expect(isBreakerFailure(new AmbiguousOutcomeError('a'))).toBe(true);
      expect(isBreakerFailure(new NackError('n', { reason: 'overloaded', retryable: true }))).toBe(true);
      expect(isBreakerFailure(new NackError('n', { reason: 'idempotency_conflict', retryable: false }))).toBe(
        false,
      );
      expect(isBreakerFailure(new RequestError('invalid params', { rpcCode: -32602 }))).toBe(false);
      expect(isBreakerFailure(new CircuitOpenError('o', { retryAfterMs: 1 }))).toBe(false);
      expect(isBreakerFailure(new Error('plain'))).toBe(false);
    });
  });

  describe('config validation', () => {
    it('should name the invalid field', () => {
      expect(() => new CircuitBreaker({ failureThreshold: 0, resetTimeoutMs: 1 })).toThrow(
        /failureThreshold/,
      );
      expect(() => new CircuitBreaker({ failureThreshold: 1.5, resetTimeoutMs: 1 })).toThrow(RangeError);
      expect(() => new CircuitBreaker({ failureThreshold: 1, resetTimeoutMs: -1 })).toThrow(/resetTimeoutMs/);
      expect(
        () => new CircuitBreaker({ failureThreshold: 1, resetTimeoutMs: 1, halfOpenMaxCalls: 0 }),
      ).toThrow(/halfOpenMaxCalls/);
      const extra = { failureThreshold: 1, resetTimeoutMs: 1, threshold: 2 } as CircuitBreakerConfig;
      expect(() => new CircuitBreaker(extra)).toThrow(/threshold is not an option/);
    });

    it('should want a CircuitBreaker and known operator options', () => {
      const breaker = new CircuitBreaker({ failureThreshold: 1, resetTimeoutMs: 1 });
      expect(() => circuitBreaker({} as CircuitBreaker)).toThrow(/breaker must be a CircuitBreaker/);
      expect(() => circuitBreaker(breaker, { rejectWith: 1 as never })).toThrow(/rejectWith/);
      expect(() => circuitBreaker(breaker, { onOpen: () => 1 } as never)).toThrow(/onOpen is not an option/);
    });
  });
});
