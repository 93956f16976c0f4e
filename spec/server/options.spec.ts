import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { resolveServerOptions } from '../../src/server/options.js';
import {
  DEFAULT_GRACE_PERIOD_MS,
  DEFAULT_IN_PROGRESS_WAIT_MS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_SERVER_MAX_QUEUE,
  DEFAULT_MAX_RUN_MS,
  DEFAULT_MAX_KEYED_ARGS_BYTES,
  DEFAULT_SERVER_FEATURES,
  MemoryIdempotencyStore,
  withTxServer,
} from '../../src/server/index.js';

describe('withTxServer options', () => {
  it('should export its defaults', () => {
    expect([
      DEFAULT_MAX_CONCURRENT,
      DEFAULT_SERVER_MAX_QUEUE,
      DEFAULT_GRACE_PERIOD_MS,
      DEFAULT_IN_PROGRESS_WAIT_MS,
      DEFAULT_MAX_RUN_MS,
      DEFAULT_MAX_KEYED_ARGS_BYTES,
    ]).toEqual([64, 1_000, 10_000, 30_000, 300_000, 4_194_304]);
    expect(DEFAULT_SERVER_FEATURES).toEqual(['ack', 'retry', 'idempotency', 'deadline', 'compression']);
    const resolved = resolveServerOptions();
    expect(resolved).toMatchObject({ maxConcurrent: 64, maxQueue: 1_000, propagateCancellation: false });
    expect(resolved.store).toBeInstanceOf(MemoryIdempotencyStore);
  });

  it.each([
    [{ maxConcurrent: 0 }, RangeError, /maxConcurrent must be an integer from 1/],
    [{ maxConcurrent: 2.5 }, RangeError, /maxConcurrent/],
    [{ maxQueue: -1 }, RangeError, /maxQueue/],
    [{ gracePeriodMs: NaN }, TypeError, /gracePeriodMs/],
    [{ inProgressWaitMs: Infinity }, RangeError, /inProgressWaitMs/],
    [{ maxRunMs: 0 }, RangeError, /maxRunMs must be a finite number from 1/],
    [{ maxRunMs: '5s' }, TypeError, /maxRunMs/],
    [{ maxKeyedArgsBytes: 0.5 }, RangeError, /maxKeyedArgsBytes/],
    [{ features: ['ack', 'caching'] }, RangeError, /"caching" is not a server feature/],
    [{ features: 'ack' }, TypeError, /features/],
    [{ store: { claim: () => undefined } }, TypeError, /store must implement IdempotencyStore/],
    [{ scheduler: { now: () => 0 } }, TypeError, /scheduler/],
    [{ propagateCancellation: 'yes' }, TypeError, /propagateCancellation/],
    [{ maxConcurent: 4 }, TypeError, /maxConcurent is not an option/],
  ])('should reject %p', (options, type, message) => {
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    expect(() => withTxServer(serverSide, options as never)).toThrow(type);
    expect(() => withTxServer(serverSide, options as never)).toThrow(message);
  });

  it('should reject something that is not a transport', () => {
    expect(() => withTxServer({} as never)).toThrow(/must be an MCP Transport/);
  });
});
