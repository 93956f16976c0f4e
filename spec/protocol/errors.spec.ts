import * as api from '../../src/protocol/index.js';

const classes = [
  ['AttemptTimeoutError', 'TIMEOUT', true, api.isAttemptTimeoutError, () => new api.AttemptTimeoutError('m')],
  [
    'DeadlineExceededError',
    'DEADLINE_EXCEEDED',
    false,
    api.isDeadlineExceededError,
    () => new api.DeadlineExceededError('m'),
  ],
  [
    'NackError',
    'NACK',
    true,
    api.isNackError,
    () => new api.NackError('m', { reason: 'overloaded', retryable: true }),
  ],
  [
    'AmbiguousOutcomeError',
    'AMBIGUOUS_OUTCOME',
    false,
    api.isAmbiguousOutcomeError,
    () => new api.AmbiguousOutcomeError('m'),
  ],
  ['QueueFullError', 'QUEUE_FULL', true, api.isQueueFullError, () => new api.QueueFullError('m')],
  [
    'ConnectionClosedError',
    'CONNECTION_CLOSED',
    true,
    api.isConnectionClosedError,
    () => new api.ConnectionClosedError('m'),
  ],
  [
    'ClientClosedError',
    'CLIENT_CLOSED',
    false,
    api.isClientClosedError,
    () => new api.ClientClosedError('m'),
  ],
  [
    'IdempotencyConflictError',
    'IDEMPOTENCY_CONFLICT',
    false,
    api.isIdempotencyConflictError,
    () => new api.IdempotencyConflictError('m'),
  ],
  ['AbortedError', 'ABORTED', false, api.isAbortedError, () => new api.AbortedError('m')],
  [
    'RequestError',
    'REQUEST_FAILED',
    false,
    api.isRequestError,
    () => new api.RequestError('m', { rpcCode: -32602 }),
  ],
  ['InvalidMetaError', 'INVALID_META', false, api.isInvalidMetaError, () => new api.InvalidMetaError('m')],
  [
    'CircuitOpenError',
    'CIRCUIT_OPEN',
    true,
    api.isCircuitOpenError,
    () => new api.CircuitOpenError('m', { retryAfterMs: 250 }),
  ],
] as const;

describe('errors', () => {
  it.each(classes)(
    '%s should carry its name, code, retryable flag and defaults',
    (name, code, retryable, _guard, make) => {
      const error = make();
      expect(error).toBeInstanceOf(Error);
      expect(api.isTxError(error)).toBe(true);
      expect(error).toMatchObject({ name, code, retryable, message: 'm' });
      expect(error.info).toEqual({ tool: '', requestId: '', attempt: 0, elapsedMs: 0 });
      expect(error.attemptErrors).toEqual([error]);
    },
  );

  it.each(classes)(
    'isXxx for %s should be true only for its own class and its subclasses',
    (_name, _code, _retryable, guard, make) => {
      const own = make().constructor as abstract new (...args: never[]) => unknown;
      for (const [, , , , other] of classes) expect(guard(other())).toBe(other() instanceof own);
      expect(guard(new Error('plain'))).toBe(false);
      expect(guard(undefined)).toBe(false);
    },
  );

  it('should keep cause, info and every attempt error', () => {
    const cause = new Error('socket');
    const info = { tool: 't', requestId: 'r', attempt: 2, elapsedMs: 15 };
    const first = new api.AttemptTimeoutError('first');
    const error = new api.ConnectionClosedError('last', { cause, info, attemptErrors: [first] });
    expect(error.cause).toBe(cause);
    expect(error.info).toBe(info);
    expect(error.attemptErrors).toEqual([first]);
  });

  it('should make an idempotency conflict a NACK that is never retried', () => {
    const conflict = new api.IdempotencyConflictError('m');
    expect(conflict).toMatchObject({ reason: 'idempotency_conflict', retryable: false });
    expect(api.isNackError(conflict)).toBe(true);
  });

  it("should count the server's idempotency_conflict NACK as an idempotency conflict, no other NACK", () => {
    const conflict = new api.NackError('n', { reason: 'idempotency_conflict', retryable: false });
    const overloaded = new api.NackError('n', { reason: 'overloaded', retryable: true });
    expect(api.isIdempotencyConflictError(conflict)).toBe(true);
    expect(api.isIdempotencyConflictError(overloaded)).toBe(false);
  });
});
