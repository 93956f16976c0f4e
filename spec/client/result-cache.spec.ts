import type { CallToolResult } from '../../src/index.js';
import { type Observable, defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { TxResult } from '../../src/client/events.js';
import { ResultCache } from '../../src/client/resilience/result-cache.js';

const result = (text: string, isError = false): TxResult => {
  const tool: CallToolResult = { content: [{ type: 'text', text }], ...(isError ? { isError } : {}) };
  return {
    requestId: `r-${text}`,
    idempotencyKey: `k-${text}`,
    result: tool,
    ack: true,
    processed: true,
    duplicate: false,
    cached: false,
    attempts: 1,
    latencyMs: 3,
  };
};

const values = {
  a: result('a'),
  A: { ...result('a'), cached: true },
  H: { ...result('a'), cached: true, latencyMs: 0 },
  b: result('b'),
  e: result('e', true),
};

describe('ResultCache', () => {
  let testScheduler: TestScheduler;
  let hits: number;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    hits = 0;
  });

  /** Joins at subscription time, as `call$` does. */
  const join = (cache: ResultCache, key: string, source: Observable<TxResult>) =>
    defer(() =>
      cache.join(
        key,
        () => source,
        () => hits++,
      ),
    );

  describe('with a call in flight', () => {
    it('should share it with an identical call (single flight), marked cached', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(100, 10, testScheduler);
        const source = cold('    ---a|', values);
        const subs = '           ^---!';
        expectObservable(join(cache, 'k', source)).toBe('---a|', values);
        expectObservable(join(cache, 'k', source), '-^').toBe('---A|', values);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
      expect(hits).toBe(1);
    });

    it('should forget a call every subscriber left, so the next one starts it again', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(100, 10, testScheduler);
        const source = cold('    ---a|', values);
        expectObservable(join(cache, 'k', source), '^-!').toBe('---', values);
        expectObservable(join(cache, 'k', source), '---^').toBe('------a|', values);
        expectSubscriptions(source.subscriptions).toBe(['^-!', '---^---!']);
      });
      expect(hits).toBe(0);
    });
  });

  describe('with a cached result', () => {
    it('should answer at once without starting, cached with no latency, until ttlMs passed', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(5, 10, testScheduler);
        const source = cold('    -a|', values);
        expectObservable(join(cache, 'k', source)).toBe('-a|', values);
        expectObservable(join(cache, 'k', source), '-----^').toBe('-----(H|)', values);
        // stored at frame 1 for 5 frames: at frame 6 it has expired
        expectObservable(join(cache, 'k', source), '------^').toBe('-------a|', values);
        expectSubscriptions(source.subscriptions).toBe(['^-!', '------^-!']);
      });
      expect(hits).toBe(1);
    });

    it('should keep results apart by key', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const cache = new ResultCache(100, 10, testScheduler);
        expectObservable(join(cache, 'x', cold('-a|', values))).toBe('-a|', values);
        expectObservable(join(cache, 'y', cold('-b|', values)), '---^').toBe('----b|', values);
      });
      expect(hits).toBe(0);
    });
  });

  describe('what it does not keep', () => {
    it('should not keep an isError result', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(100, 10, testScheduler);
        const source = cold('    -e|', values);
        expectObservable(join(cache, 'k', source)).toBe('-e|', values);
        expectObservable(join(cache, 'k', source), '---^').toBe('----e|', values);
        expectSubscriptions(source.subscriptions).toBe(['^-!', '---^-!']);
      });
      expect(hits).toBe(0);
    });

    it('should not keep a failure, which the sharing call gets too', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(100, 10, testScheduler);
        const failing = cold<TxResult>('--#');
        const later = cold('        -a|', values);
        expectObservable(join(cache, 'k', failing)).toBe('--#');
        expectObservable(join(cache, 'k', failing), '-^').toBe('--#');
        expectObservable(join(cache, 'k', later), '---^').toBe('----a|', values);
        expectSubscriptions(failing.subscriptions).toBe('^-!');
        expectSubscriptions(later.subscriptions).toBe('---^-!');
      });
    });
  });

  describe('past maxEntries', () => {
    it('should evict the least recently used key', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const cache = new ResultCache(100, 2, testScheduler);
        const a = cold('a|', values);
        const b = cold('b|', values);
        const c = cold('b|', values);
        expectObservable(join(cache, 'a', a)).toBe('a|', values);
        expectObservable(join(cache, 'b', b), '--^').toBe('--b|', values);
        expectObservable(join(cache, 'a', a), '----^').toBe('----(H|)', values); // a is now the most recent
        expectObservable(join(cache, 'c', c), '-----^').toBe('-----b|', values); // evicts b
        expectObservable(join(cache, 'a', a), '-------^').toBe('-------(H|)', values);
        expectObservable(join(cache, 'b', b), '--------^').toBe('--------b|', values);
        expectSubscriptions(a.subscriptions).toBe('^!');
        expectSubscriptions(b.subscriptions).toBe(['--^!', '--------^!']);
      });
    });
  });
});
