import {
  distinctUntilChanged,
  filter as rxFilter,
  interval,
  map as rxMap,
  share,
  take,
  takeUntil,
  tap,
  finalize,
  of,
  throwError,
  type Observable,
  type SchedulerLike,
  BehaviorSubject,
  Subject,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  Latest,
  Multicast,
  distinct,
  every,
  failWith,
  filter,
  first,
  just,
  map,
  shareUntil,
  watch,
  whenSettled,
} from '../../src/client/rx-lite.js';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** The pieces and the RxJS compositions they stand for, run through the same marbles. */
const SHARES: [string, (source: Observable<string>, closing: Observable<unknown>) => Observable<string>][] = [
  ['shareUntil', (source, closing) => shareUntil(source, closing)],
  ['takeUntil + share (reference)', (source, closing) => source.pipe(takeUntil(closing), share())],
];

type Operators = {
  map: (project: (v: string) => string) => (source: Observable<string>) => Observable<string>;
  filter: (keep: (v: string) => boolean) => (source: Observable<string>) => Observable<string>;
  first: () => (source: Observable<string>) => Observable<string>;
  distinct: () => (source: Observable<string>) => Observable<string>;
  failWith: (error: () => unknown) => Observable<never>;
  every: (periodMs: number, scheduler: SchedulerLike, value: () => string) => Observable<string>;
};

/** The operators and the RxJS ones they stand for, run through the same marbles. */
const OPERATORS: [string, Operators][] = [
  ['rx-lite', { map, filter, first, distinct, failWith, every }],
  [
    'RxJS (reference)',
    {
      map: rxMap,
      filter: rxFilter,
      first: () => take(1),
      distinct: () => distinctUntilChanged(),
      failWith: (error) => throwError(error),
      every: (periodMs, scheduler, value) => interval(periodMs, scheduler).pipe(rxMap(value)),
    },
  ],
];

describe('rx-lite', () => {
  describe.each(OPERATORS)('operators: %s', (_name, op) => {
    it('should map, filter and pass errors and completion through', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c-#');
        expectObservable(source.pipe(op.map((v) => v.toUpperCase()))).toBe('A-B-C-#');
        expectObservable(source.pipe(op.filter((v) => v !== 'b'))).toBe('a---c-#');
        expectObservable(cold('a-b|').pipe(op.filter((v) => v === 'b'))).toBe('--b|');
        expectSubscriptions(source.subscriptions).toBe(['^-----!', '^-----!']);
      });
    });

    it('should fail the subscriber and unsubscribe the source when the function throws', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c|');
        const boom = (v: string) => {
          if (v === 'b') throw 'bad';
          return v;
        };
        expectObservable(source.pipe(op.map(boom))).toBe('a-#', undefined, 'bad');
        expectObservable(source.pipe(op.filter((v) => boom(v) === v))).toBe('a-#', undefined, 'bad');
        expectSubscriptions(source.subscriptions).toBe(['^-!', '^-!']);
      });
    });

    it('should take the first value and unsubscribe the source (first)', () => {
      newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold('--a-b|');
        expectObservable(source.pipe(op.first())).toBe('--(a|)');
        expectSubscriptions(source.subscriptions).toBe('^-!');
        expectObservable(hot('-^-|').pipe(op.first())).toBe('--|');
      });
    });

    it('should drop repeats of the last value (distinct)', () => {
      newScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('a-a-b-b-a-a|').pipe(op.distinct())).toBe('a---b---a--|');
      });
    });

    it('should fail each subscriber with a new error (failWith)', () => {
      newScheduler().run(({ expectObservable }) => {
        let made = 0;
        const failing = op.failWith(() => `e${++made}`);
        expectObservable(failing).toBe('#', undefined, 'e1');
        expectObservable(failing).toBe('#', undefined, 'e2');
      });
    });

    it('should emit value() every period until unsubscribed, and fail when it throws (every)', () => {
      const scheduler = newScheduler();
      scheduler.run(({ expectObservable }) => {
        let n = 0;
        const ticks = op.every(3, scheduler, () => `${++n}`);
        expectObservable(ticks, '^--------!').toBe('---a--b--', { a: '1', b: '2' });
        const failing = op.every(2, scheduler, () => {
          throw 'bad';
        });
        expectObservable(failing).toBe('--#', undefined, 'bad');
      });
    });
  });

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

  describe.each([
    [
      'Latest',
      (value: string) => {
        const l = new Latest(value);
        return { subject: l, value$: l.value$ };
      },
    ],
    [
      'BehaviorSubject (reference)',
      (value: string) => {
        const b = new BehaviorSubject(value);
        return { subject: b, value$: b.asObservable() };
      },
    ],
  ])('%s', (_name, make) => {
    it('should give each subscriber the latest value first, then the next ones, and only the end once completed', () => {
      const { subject, value$ } = make('a');
      const seen: string[] = [];
      value$.subscribe({ next: (v) => seen.push(`1${v}`), complete: () => seen.push('1|') });
      subject.next('b');
      value$.subscribe({ next: (v) => seen.push(`2${v}`), complete: () => seen.push('2|') });
      subject.next('c');
      expect(subject.value).toBe('c');
      subject.complete();
      value$.subscribe({ next: (v) => seen.push(`3${v}`), complete: () => seen.push('3|') });
      subject.next('d');
      expect(seen).toEqual(['1a', '1b', '2b', '1c', '2c', '1|', '2|', '3|']);
      expect(subject.value).toBe('d');
    });

    it('should stop delivering to a subscriber that unsubscribed', () => {
      const { subject, value$ } = make('a');
      const seen: string[] = [];
      const subscription = value$.subscribe((v) => seen.push(v));
      subscription.unsubscribe();
      subject.next('b');
      expect(seen).toEqual(['a']);
    });
  });

  describe.each([
    [
      'Multicast',
      () => {
        const m = new Multicast<string>();
        return { subject: m, value$: m.value$ };
      },
    ],
    [
      'Subject (reference)',
      () => {
        const s = new Subject<string>();
        return { subject: s, value$: s.asObservable() };
      },
    ],
  ])('%s', (_name, make) => {
    it('should give each subscriber the values from then on, and complete them, a later one at once', () => {
      const { subject, value$ } = make();
      const seen: string[] = [];
      subject.next('a');
      expect(subject.observed).toBe(false);
      const first = value$.subscribe({ next: (v) => seen.push(`1${v}`), complete: () => seen.push('1|') });
      expect(subject.observed).toBe(true);
      subject.next('b');
      value$.subscribe({ next: (v) => seen.push(`2${v}`), complete: () => seen.push('2|') });
      subject.next('c');
      first.unsubscribe();
      subject.next('d');
      subject.complete();
      expect(subject.observed).toBe(false);
      value$.subscribe({ next: (v) => seen.push(`3${v}`), complete: () => seen.push('3|') });
      subject.next('e');
      expect(seen).toEqual(['1b', '1c', '2c', '2d', '2|', '3|']);
    });

    it('should deliver a value to the subscribers there were when next was called', () => {
      const { subject, value$ } = make();
      const seen: string[] = [];
      value$.subscribe((v) => {
        seen.push(`1${v}`);
        if (v === 'a') value$.subscribe((w) => seen.push(`2${w}`));
      });
      subject.next('a');
      subject.next('b');
      expect(seen).toEqual(['1a', '1b', '2b']);
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
