import { Observable, Subject, of, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { boundedMergeMap } from '../../src/operators/bounded-merge-map.js';
import type { BoundedMergeMapConfig, QueueGauge } from '../../src/operators/bounded-merge-map.js';

describe('boundedMergeMap', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('with concurrency 2 and maxQueue 1', () => {
    it('should run at most 2 inners, queue 1 value and overflow the rest', () => {
      const overflowed: string[] = [];
      const indices: number[] = [];
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('     -abcde--f-----|');
        const a = cold('          ----A|');
        const b = cold('           ----B|');
        const c = cold('               ----C|');
        const d = cold('            ----D|');
        const e = cold('             ----E|');
        const f = cold('                 ----F|');
        const aSubs = '          -^----!';
        const bSubs = '          --^----!';
        const cSubs = '          ------^----!';
        const fSubs = '          --------^----!';
        const expected = '       -----AB---C-F-|';
        const inners = { a, b, c, d, e, f };
        const config = { concurrency: 2, maxQueue: 1, onOverflow: (v: string) => void overflowed.push(v) };
        const project = (v: string, i: number) => (indices.push(i), inners[v as keyof typeof inners]);
        expectObservable(source.pipe(boundedMergeMap(project, config))).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
        expectSubscriptions(d.subscriptions).toBe([]);
        expectSubscriptions(e.subscriptions).toBe([]);
        expectSubscriptions(f.subscriptions).toBe(fSubs);
      });
      expect(overflowed).toEqual(['d', 'e']);
      expect(indices).toEqual([0, 1, 2, 3]);
    });
  });

  describe('with concurrency 1 and a deep queue', () => {
    it('should start queued values in arrival order as slots free up', () => {
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('     -abc------|');
        const a = cold('          -A|');
        const b = cold('            -B|');
        const c = cold('              -C|');
        const aSubs = '          -^-!';
        const bSubs = '          ---^-!';
        const cSubs = '          -----^-!';
        const expected = '       --A-B-C---|';
        const inners = { a, b, c };
        const config = { concurrency: 1, maxQueue: 3, onOverflow: () => undefined };
        const result = source.pipe(boundedMergeMap((v: string) => inners[v as keyof typeof inners], config));
        expectObservable(result).toBe(expected);
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });
  });

  describe('with maxQueue 0', () => {
    it('should overflow every value that finds no free slot', () => {
      const overflowed: string[] = [];
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('     -ab--c-|');
        const inner = cold('     --x|');
        const firstSubs = '      -^--!';
        const secondSubs = '     -----^--!';
        const expected = '       ---x---x|';
        const config = { concurrency: 1, maxQueue: 0, onOverflow: (v: string) => void overflowed.push(v) };
        expectObservable(source.pipe(boundedMergeMap(() => inner, config))).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe([firstSubs, secondSubs]);
      });
      expect(overflowed).toEqual(['b']);
    });
  });

  describe('with a gauge', () => {
    it('should expose live active and queued counts, zeroed when the subscription ends', () => {
      const samples: QueueGauge[] = [];
      let gauge: QueueGauge | undefined;
      testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('     -ab-c-d---');
        const unsub = '          --------!';
        const expected = '       --------';
        const inner = cold('     ---------------x|');
        const firstSubs = '      -^------!';
        const secondSubs = '     --^-----!';
        const config: BoundedMergeMapConfig<string> = {
          concurrency: 2,
          maxQueue: 5,
          onOverflow: () => undefined,
          gauge: (g) => (gauge = g),
        };
        expectObservable(source.pipe(boundedMergeMap(() => inner, config)), unsub).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe([firstSubs, secondSubs]);
        for (const frame of [0, 3, 5, 7])
          testScheduler.schedule(() => gauge && samples.push({ ...gauge }), frame);
      });
      expect(samples).toEqual([
        { active: 0, queued: 0 },
        { active: 2, queued: 0 },
        { active: 2, queued: 1 },
        { active: 2, queued: 2 },
      ]);
      expect(gauge).toEqual({ active: 0, queued: 0 });
    });
  });

  describe('with inners that complete while they are subscribed', () => {
    it('should start the next value from one loop, never from inside the completion', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const source = hot('     -abc-|');
        const expected = '       -abc-|';
        const config = { concurrency: 1, maxQueue: 5, onOverflow: () => undefined };
        expectObservable(source.pipe(boundedMergeMap((v: string) => of(v), config))).toBe(expected);
      });
    });

    it('should drain 100,000 queued values with a flat stack', () => {
      const gate = new Subject<number>();
      const values = new Subject<number>();
      const seen: number[] = [];
      const depths = new Set<number>();
      let depth = 0;
      let completed = false;
      const project = (v: number) =>
        v === 0
          ? gate // holds the only slot while the others queue up
          : new Observable<number>((s) => {
              depths.add(++depth);
              s.next(v);
              s.complete();
              depth--;
            });
      values
        .pipe(boundedMergeMap(project, { concurrency: 1, maxQueue: 100_000, onOverflow: () => undefined }))
        .subscribe({ next: (v) => seen.push(v as number), complete: () => (completed = true) });
      for (let i = 0; i <= 100_000; i++) values.next(i);
      values.complete();
      gate.complete();
      expect(seen).toHaveLength(100_000);
      expect(seen[99_999]).toBe(100_000);
      expect([...depths]).toEqual([1]); // no inner ever started inside another
      expect(completed).toBe(true);
    });
  });

  describe('teardown of running inners', () => {
    it('should tear down an inner still running when the output ends on its first value', () => {
      let tornDown = 0;
      const seen: number[] = [];
      const values = new Subject<number>();
      values
        .pipe(
          boundedMergeMap(
            () =>
              new Observable<number>((s) => {
                s.next(1);
                return () => tornDown++;
              }),
            { concurrency: 2, maxQueue: 0, onOverflow: () => undefined },
          ),
          take(1),
        )
        .subscribe((v) => seen.push(v));
      values.next(0); // after subscribe: the inner starts from the source's value
      expect(seen).toEqual([1]);
      expect(tornDown).toBe(1);
    });

    it('should leave inners that ended alone and tear down each one still running, once', () => {
      const inners = Array.from({ length: 6 }, () => new Subject<number>());
      const tornDown = inners.map(() => 0);
      const project = (i: number) =>
        new Observable<number>((s) => {
          const sub = (inners[i] as Subject<number>).subscribe(s);
          return () => {
            tornDown[i] = (tornDown[i] ?? 0) + 1;
            sub.unsubscribe();
          };
        });
      const sub = of(0, 1, 2, 3, 4, 5)
        .pipe(boundedMergeMap(project, { concurrency: 6, maxQueue: 0, onOverflow: () => undefined }))
        .subscribe();
      for (const i of [4, 1, 5]) inners[i]?.complete(); // out of order
      expect(tornDown).toEqual([0, 1, 0, 0, 1, 1]);
      sub.unsubscribe();
      expect(tornDown).toEqual([1, 1, 1, 1, 1, 1]);
    });
  });

  describe('config validation', () => {
    const base = { concurrency: 1, maxQueue: 0, onOverflow: () => undefined };
    const project = () => [];

    it('should name the invalid field', () => {
      expect(() => boundedMergeMap(project, { ...base, concurrency: 0 })).toThrow(/concurrency/);
      expect(() => boundedMergeMap(project, { ...base, concurrency: 1.5 })).toThrow(RangeError);
      expect(() => boundedMergeMap(project, { ...base, maxQueue: -1 })).toThrow(/maxQueue/);
      expect(() => boundedMergeMap(project, { ...base, maxQueue: Infinity })).toThrow(/maxQueue/);
      const noCallback = { concurrency: 1, maxQueue: 0 } as BoundedMergeMapConfig<unknown>;
      expect(() => boundedMergeMap(project, noCallback)).toThrow(/onOverflow must be a function/);
      const extra = { ...base, bufferSize: 3 } as BoundedMergeMapConfig<unknown>;
      expect(() => boundedMergeMap(project, extra)).toThrow(/bufferSize is not an option/);
    });

    it('should accept unlimited concurrency', () => {
      expect(() => boundedMergeMap(project, { ...base, concurrency: Infinity })).not.toThrow();
    });
  });
});
