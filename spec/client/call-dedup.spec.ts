import { catchError, defer, type Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CallDedup } from '../../src/client/resilience/call-dedup.js';
import { isIdempotencyConflictError, type TxResult } from '../../src/index.js';

const result = (text: string): TxResult => ({
  requestId: `req-${text}`,
  idempotencyKey: `key-${text}`,
  result: { content: [{ type: 'text', text }] },
  ack: true,
  processed: true,
  duplicate: false,
  attempts: 1,
  latencyMs: 3,
  cached: false,
});

/** What executions emit. */
const results: Record<string, TxResult> = { r: result('r'), s: result('s') };

/** What callers see. */
const values = {
  ...results,
  d: { ...result('r'), duplicate: true },
  w: { ...result('r'), duplicate: true, latencyMs: 0 },
  c: 'conflict',
};

describe('CallDedup', () => {
  let testScheduler: TestScheduler;
  /** How often each key's execution was started. */
  let starts: Map<string, number>;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    starts = new Map();
  });

  /** A call that joins `dedup` when subscribed (in virtual time) and starts `execution` if it must. */
  function caller(dedup: CallDedup) {
    return (key: string, execution: Observable<TxResult>, fingerprint = 'fp'): Observable<unknown> =>
      defer(() =>
        dedup.join(key, fingerprint, () => {
          starts.set(key, (starts.get(key) ?? 0) + 1);
          return execution;
        }),
      ).pipe(
        catchError((e: unknown) => (isIdempotencyConflictError(e) ? of('conflict') : throwError(() => e))),
      );
  }

  describe('while a call is in flight', () => {
    it('should share its one execution with a call of the same key', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const execution = cold('  ---r|', results);
        const subs = '            ^---!';
        expectObservable(call('k', execution)).toBe('---r|', values);
        expectObservable(call('k', execution), '-^').toBe('---d|', values);
        expectSubscriptions(execution.subscriptions).toBe(subs);
      });
      expect(starts.get('k')).toBe(1);
    });

    it('should refuse the same key with other arguments, without starting it', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const execution = cold('  ---r|', results);
        expectObservable(call('k', execution)).toBe('---r|', values);
        expectObservable(call('k', execution, 'other'), '-^').toBe('-(c|)', values);
      });
      expect(starts.get('k')).toBe(1);
    });
  });

  describe('within the window after a call completed', () => {
    it('should answer a call of the same key with the result marked duplicate, sending nothing', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const execution = cold('  ---r|', results);
        expectObservable(call('k', execution)).toBe('---r|', values);
        expectObservable(call('k', execution), '10ms ^').toBe('10ms (w|)', values);
        expectSubscriptions(execution.subscriptions).toBe('^---!');
      });
      expect(starts.get('k')).toBe(1);
    });

    it('should refuse the same key with other arguments', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const execution = cold('  ---r|', results);
        expectObservable(call('k', execution)).toBe('---r|', values);
        expectObservable(call('k', execution, 'other'), '50ms ^').toBe('50ms (c|)', values);
      });
      expect(starts.get('k')).toBe(1);
    });
  });

  describe('after the window', () => {
    it('should run the key again once dedupWindowMs has passed since its completion', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const execution = cold('  ---r|', results);
        // completed at frame 3: remembered until frame 103 (exclusive)
        expectObservable(call('k', execution)).toBe('---r|', values);
        expectObservable(call('k', execution), '102ms ^').toBe('102ms (w|)', values);
        expectObservable(call('k', execution), '103ms ^').toBe('106ms r|', values);
        expectSubscriptions(execution.subscriptions).toBe(['^---!', '103ms ^---!']);
      });
      expect(starts.get('k')).toBe(2);
    });

    it('should forget the expired key, so that other arguments are accepted', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const dedup = new CallDedup(100, 10, testScheduler);
        const call = caller(dedup);
        expectObservable(call('k', cold('---r|', results))).toBe('---r|', values);
        expectObservable(call('k', cold('-s|', results), 'other'), '200ms ^').toBe('201ms s|', values);
      });
      expect(starts.get('k')).toBe(2);
    });
  });

  describe('past maxEntries', () => {
    it('should evict the oldest key first', () => {
      let size = -1;
      testScheduler.run(({ cold, expectObservable }) => {
        const dedup = new CallDedup(1_000, 2, testScheduler);
        const call = caller(dedup);
        const execution = cold('  -r|', results);
        expectObservable(call('a', execution)).toBe('-r|', values);
        expectObservable(call('b', execution), '10ms ^').toBe('11ms r|', values);
        expectObservable(call('c', execution), '20ms ^').toBe('21ms r|', values);
        // 'a' was evicted when 'c' came in: it runs again; 'c' is still remembered
        expectObservable(call('c', execution), '30ms ^').toBe('30ms (w|)', values);
        expectObservable(call('a', execution), '40ms ^').toBe('41ms r|', values);
        testScheduler.schedule(() => (size = dedup.size), 50);
      });
      expect(Object.fromEntries(starts)).toEqual({ a: 2, b: 1, c: 1 });
      expect(size).toBe(2);
    });

    it('should never evict a key in flight: its duplicates still share it', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const dedup = new CallDedup(1_000, 1, testScheduler);
        const call = caller(dedup);
        expectObservable(call('slow', cold('-----r|', results))).toBe('-----r|', values);
        expectObservable(call('b', cold('-s|', results)), '1ms ^').toBe('2ms s|', values);
        expectObservable(call('c', cold('-s|', results)), '2ms ^').toBe('3ms s|', values);
        expectObservable(call('slow', cold('-r|', results)), '4ms ^').toBe('5ms d|', values);
      });
      expect(Object.fromEntries(starts)).toEqual({ slow: 1, b: 1, c: 1 });
    });
  });

  describe('while an older call is in flight', () => {
    it('should still expire the results completed after it', () => {
      let size = -1;
      testScheduler.run(({ cold, expectObservable }) => {
        const dedup = new CallDedup(10, 100, testScheduler);
        const call = caller(dedup);
        call('slow', cold('-', results)).subscribe();
        for (const key of ['a', 'b', 'c'])
          expectObservable(call(key, cold('r|', results))).toBe('r|', values);
        expectObservable(call('d', cold('r|', results)), '1000ms ^').toBe('1000ms r|', values);
        testScheduler.schedule(() => (size = dedup.size), 1_001);
      });
      expect(size).toBe(2); // slow and d: a, b and c expired
    });
  });

  describe('when a call fails', () => {
    it('should forget the key, so that a second call runs it again', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const dedup = new CallDedup(100, 10, testScheduler);
        const call = caller(dedup);
        const failing = cold('--#', results, new Error('boom'));
        expectObservable(call('k', failing)).toBe('--#', values, new Error('boom'));
        expectObservable(call('k', cold('-r|', results)), '5ms ^').toBe('6ms r|', values);
      });
      expect(starts.get('k')).toBe(2);
    });

    it('should fail the calls that were sharing it, too', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const call = caller(new CallDedup(100, 10, testScheduler));
        const failing = cold('--#', results, new Error('boom'));
        expectObservable(call('k', failing)).toBe('--#', values, new Error('boom'));
        expectObservable(call('k', failing), '-^').toBe('--#', values, new Error('boom'));
      });
      expect(starts.get('k')).toBe(1);
    });
  });
});
