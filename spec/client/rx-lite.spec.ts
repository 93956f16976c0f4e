import { share, takeUntil, tap, finalize, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { just, shareUntil, watch, whenSettled } from '../../src/client/rx-lite.js';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** The pieces and the RxJS compositions they stand for, run through the same marbles. */
const SHARES: [string, (source: Observable<string>, closing: Observable<unknown>) => Observable<string>][] = [
  ['shareUntil', (source, closing) => shareUntil(source, closing)],
  ['takeUntil + share (reference)', (source, closing) => source.pipe(takeUntil(closing), share())],
];

describe('rx-lite', () => {
  describe.each(SHARES)('%s', (_name, shared) => {
    it('should share one subscription among subscribers, and complete them all when closing emits', () => {
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c-d-e-f|');
        const closing = hot('---------x');
        const result = shared(source, closing);
        expectObservable(result, '^--------').toBe('a-b-c-d-e|');
        expectObservable(result, '--^------').toBe('--b-c-d-e|');
        expectSubscriptions(source.subscriptions).toBe('^--------!');
      });
    });

    it('should end the source with the last subscriber, and start it again for the next', () => {
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c|');
        const result = shared(source, hot('-'));
        expectObservable(result, '^--!').toBe('a-b');
        expectObservable(result, '-----^---').toBe('-----a-b-c|');
        expectSubscriptions(source.subscriptions).toBe(['^--!', '-----^----!']);
      });
    });

    it('should pass an error to every subscriber', () => {
      newScheduler().run(({ cold, hot, expectObservable }) => {
        const result = shared(cold('a-#'), hot('-'));
        expectObservable(result).toBe('a-#');
        expectObservable(result).toBe('a-#');
      });
    });
  });

  describe('shareUntil without closing', () => {
    it('should share as share() does', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b|');
        const result = shareUntil(source);
        expectObservable(result).toBe('a-b|');
        expectObservable(result, '-^').toBe('--b|');
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });
  });

  describe('watch', () => {
    it.each([
      [
        'watch',
        (source: Observable<string>, seen: string[]) =>
          watch(
            source,
            (v) => seen.push(v),
            () => seen.push('end'),
          ),
      ],
      [
        'tap + finalize (reference)',
        (source: Observable<string>, seen: string[]) =>
          source.pipe(
            tap((v) => seen.push(v)),
            finalize(() => seen.push('end')),
          ),
      ],
    ])('%s: should see each value before the subscriber, and the end once', (_name, watched) => {
      const cases: [string, string, string, string[]][] = [
        ['a-b|', '^----', 'a-b|', ['a', 'b', 'end']],
        ['a-#', '^----', 'a-#', ['a', 'end']],
        ['a-b-c', '^--!', 'a-b', ['a', 'b', 'end']],
      ];
      for (const [source, subscription, expected, events] of cases) {
        const seen: string[] = [];
        newScheduler().run(({ cold, expectObservable }) => {
          expectObservable(watched(cold(source), seen), subscription).toBe(expected);
        });
        expect(seen).toEqual(events);
      }
    });
  });

  describe('just', () => {
    it('should emit its value and complete, as of() does', () => {
      newScheduler().run(({ expectObservable }) => {
        expectObservable(just('a')).toBe('(a|)');
        expectObservable(of('a')).toBe('(a|)');
      });
    });
  });

  describe('whenSettled', () => {
    it('should call next with the value, or error with the reason', async () => {
      const seen: unknown[] = [];
      whenSettled(
        Promise.resolve(1),
        (v) => seen.push(v),
        (e) => seen.push(e),
      );
      whenSettled(
        Promise.reject(new Error('no')),
        () => seen.push('never'),
        (e) => seen.push((e as Error).message),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([1, 'no']);
    });

    it('should call neither once unsubscribed', async () => {
      const seen: unknown[] = [];
      whenSettled(
        Promise.resolve(1),
        (v) => seen.push(v),
        (e) => seen.push(e),
      ).unsubscribe();
      whenSettled(
        Promise.reject(new Error('no')),
        (v) => seen.push(v),
        (e) => seen.push(e),
      ).unsubscribe();
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([]);
    });
  });
});
