import { NEVER, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { deadline } from '../../src/operators/deadline.js';
import type { DeadlineConfig } from '../../src/operators/deadline.js';

const late = (): string => 'late';

describe('deadline', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('when the source completes in time', () => {
    it('should mirror the source', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --a--b|');
        const subs = '           ^-----!';
        const expected = '       --a--b|';
        expectObservable(source.pipe(deadline({ at: 10, with: late }))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('should not create the deadline error', () => {
      let created = 0;
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    --a|');
        const expected = '       --a|';
        const config = { at: 10, with: () => ++created };
        expectObservable(source.pipe(deadline(config))).toBe(expected);
      });
      expect(created).toBe(0);
    });
  });

  describe('when the deadline passes first', () => {
    it('should error at the deadline frame and unsubscribe the source, even after values', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --a--b--c--|');
        const subs = '           ^-----!';
        const expected = '       --a--b#';
        expectObservable(source.pipe(deadline({ at: 6, with: late }))).toBe(
          expected,
          { a: 'a', b: 'b' },
          'late',
        );
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('should measure the deadline on the clock, not from the subscription', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('     -a--b--c--|');
        const subscriber = '     ---^';
        const subs = '           ---^--!';
        const expected = '       ----b-#';
        expectObservable(source.pipe(deadline({ at: 6, with: late })), subscriber).toBe(
          expected,
          undefined,
          'late',
        );
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });

    it('should run the source teardown before delivering the error', () => {
      const log: string[] = [];
      testScheduler.run(() => {
        const source = new Observable<never>(() => () => void log.push('teardown'));
        source
          .pipe(deadline({ at: 5, with: late }))
          .subscribe({ error: (e: unknown) => void log.push(`error ${e}`) });
      });
      expect(log).toEqual(['teardown', 'error late']);
    });

    it('should error with whatever `with` throws', () => {
      testScheduler.run(({ expectObservable }) => {
        const expected = '       -----#';
        const boom = new Error('boom');
        const config: DeadlineConfig = {
          at: 5,
          with: () => {
            throw boom;
          },
        };
        expectObservable(NEVER.pipe(deadline(config))).toBe(expected, undefined, boom);
      });
    });
  });

  describe('when the deadline has already passed', () => {
    it('should error at once without subscribing to the source', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    --a|');
        const subscriber = '     ---^';
        const expected = '       ---#';
        expectObservable(source.pipe(deadline({ at: 3, with: late })), subscriber).toBe(
          expected,
          undefined,
          'late',
        );
        expectSubscriptions(source.subscriptions).toBe([]);
      });
    });
  });

  describe('with an infinite deadline', () => {
    it('should never time out', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('    ----------a|');
        const subs = '           ^----------!';
        const expected = '       ----------a|';
        expectObservable(source.pipe(deadline({ at: Infinity, with: late }))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(subs);
      });
    });
  });

  describe('with an explicit scheduler', () => {
    it('should read the time from it', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const source = cold('    --a--b|');
        const expected = '       --a-#';
        const result = source.pipe(deadline({ at: 4, with: late, scheduler: testScheduler }));
        expectObservable(result).toBe(expected, undefined, 'late');
      });
    });
  });

  describe('config validation', () => {
    it('should name the invalid field', () => {
      expect(() => deadline({ at: Number.NaN, with: late })).toThrow(/at must be a number/);
      expect(() => deadline({ at: 1, with: 'late' as unknown as () => string })).toThrow(
        /with must be a function/,
      );
      expect(() => deadline({ at: 1, with: late, each: 5 } as DeadlineConfig)).toThrow(
        /each is not an option/,
      );
    });
  });
});
