import { TestScheduler } from 'rxjs/testing';
import { abortable } from '../../src/client/abortable.js';

describe('abortable', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should mirror the source until the signal aborts, then error with its reason and unsubscribe', () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -a--b--c|');
      const subs = '        ^---!';
      testScheduler.schedule(() => controller.abort(reason), 4);
      expectObservable(abortable(source, controller.signal, (r) => r)).toBe('-a--#', undefined, reason);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should end with the error made from the reason', () => {
    const controller = new AbortController();
    testScheduler.run(({ cold, expectObservable }) => {
      testScheduler.schedule(() => controller.abort('why'), 2);
      const wrapped = abortable(cold('-a---|'), controller.signal, (reason) => ({ wrapped: reason }));
      expectObservable(wrapped).toBe('-a#', undefined, { wrapped: 'why' });
    });
  });

  it('should error at once, without subscribing, when the signal has already aborted', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a|');
      const signal = AbortSignal.abort('gone');
      expectObservable(abortable(source, signal, (r) => r)).toBe('#', undefined, 'gone');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('should stop listening to the signal when unsubscribed', () => {
    const controller = new AbortController();
    const removed: string[] = [];
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.removeEventListener = ((type: string, listener: () => void) => {
      removed.push(type);
      remove(type, listener);
    }) as typeof remove;
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(
        abortable(cold('-a-b|'), controller.signal, (r) => r),
        '^-!',
      ).toBe('-a-');
    });
    expect(removed).toEqual(['abort']);
  });
});
