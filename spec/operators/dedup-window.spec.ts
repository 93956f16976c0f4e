import { TestScheduler } from 'rxjs/testing';
import { dedupWindow } from '../../src/operators/dedup-window.js';
import type { DedupWindowConfig } from '../../src/operators/dedup-window.js';

const identity = (value: string): string => value;

describe('dedupWindow', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('within the window', () => {
    it('should drop values whose key was already emitted', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    -a-a-b-a-b|');
        const subs = '           ^---------!';
        const expected = '       -a---b----|';
        const result = source.pipe(dedupWindow({ key: identity, windowMs: 100, maxEntries: 10 }));
        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('should compare values by their key', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const values = { x: { id: '1', n: 1 }, y: { id: '1', n: 2 }, z: { id: '2', n: 3 } };
        const source = cold('    x-y-z|', values);
        const expected = '       x---z|';
        const result = source.pipe(dedupWindow({ key: (v) => v.id, windowMs: 100, maxEntries: 10 }));
        expectObservable(result).toBe(expected, values);
      });
    });
  });

  describe('after the window', () => {
    it('should let the same key through again', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    a-a-a-a|');
        const expected = '       a---a--|';
        const result = source.pipe(dedupWindow({ key: identity, windowMs: 4, maxEntries: 10 }));
        expectObservable(result).toBe(expected);
      });
    });

    it('should measure the window from the emission, not from the last dropped duplicate', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    a--a-a-a|');
        const expected = '       a--a---a|';
        const result = source.pipe(dedupWindow({ key: identity, windowMs: 3, maxEntries: 10 }));
        expectObservable(result).toBe(expected);
      });
    });

    it('should drop nothing with a zero window', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    a(aa)a|');
        const expected = '       a(aa)a|';
        expectObservable(source.pipe(dedupWindow({ key: identity, windowMs: 0, maxEntries: 10 }))).toBe(
          expected,
        );
      });
    });
  });

  describe('when maxEntries is exceeded', () => {
    it('should forget the oldest key, which then passes again', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    a-b-c-a-c-b|');
        const expected = '       a-b-c-a---b|';
        const result = source.pipe(dedupWindow({ key: identity, windowMs: 100, maxEntries: 2 }));
        expectObservable(result).toBe(expected);
      });
    });
  });

  describe('with several subscribers', () => {
    it('should keep one window per subscriber', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('     a-a-b-a|');
        const lateSubscriber = ' --^';
        const firstSubs = '      ^------!';
        const lateSubs = '       --^----!';
        const expectedFirst = '  a---b--|';
        const expectedLate = '   --a-b--|';
        const result = source.pipe(dedupWindow({ key: identity, windowMs: 100, maxEntries: 10 }));
        expectObservable(result).toBe(expectedFirst);
        expectObservable(result, lateSubscriber).toBe(expectedLate);
        expectSubscriptions(source.subscriptions).toBe([firstSubs, lateSubs]);
      });
    });
  });

  describe('config validation', () => {
    it('should name the invalid field', () => {
      expect(() => dedupWindow({ key: identity, windowMs: -1, maxEntries: 1 })).toThrow(/windowMs/);
      expect(() => dedupWindow({ key: identity, windowMs: 1, maxEntries: 0 })).toThrow(RangeError);
      expect(() => dedupWindow({ key: identity, windowMs: 1, maxEntries: 1.5 })).toThrow(/maxEntries/);
      expect(() =>
        dedupWindow({ key: 'id' as unknown as typeof identity, windowMs: 1, maxEntries: 1 }),
      ).toThrow(/key must be a function/);
      const extra = { key: identity, windowMs: 1, maxEntries: 1, ttl: 5 } as DedupWindowConfig<string>;
      expect(() => dedupWindow(extra)).toThrow(/ttl is not an option/);
    });

    it('should accept an infinite window', () => {
      expect(() => dedupWindow({ key: identity, windowMs: Infinity, maxEntries: 1 })).not.toThrow();
    });
  });
});
