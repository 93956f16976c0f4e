import { Admission } from '../../src/server/admission.js';

describe('Admission', () => {
  function make(maxConcurrent: number, maxQueue: number, accept: (item: string) => boolean = () => true) {
    const started: string[] = [];
    const admission = new Admission<string>(
      maxConcurrent,
      maxQueue,
      (item) => (started.push(item), accept(item)),
    );
    return { admission, started };
  }

  it('should run up to maxConcurrent, queue up to maxQueue, then refuse', () => {
    const { admission } = make(2, 1);
    expect(['a', 'b', 'c', 'd'].map((x) => admission.admit(x))).toEqual(['run', 'run', 'queued', 'full']);
    expect(admission.running).toBe(2);
    expect(admission.waiting).toBe(1);
  });

  it('should start queued items in arrival order as slots free', () => {
    const { admission, started } = make(1, 5);
    for (const x of ['a', 'b', 'c', 'd']) admission.admit(x);
    expect(admission.leave('c')).toBe(true);
    admission.done();
    admission.done();
    expect(started).toEqual(['b', 'd']);
    admission.done();
    expect(admission.running).toBe(0);
  });

  it('should skip an item that refuses to start and give its slot to the next', () => {
    const { admission, started } = make(1, 5, (item) => item !== 'b');
    for (const x of ['a', 'b', 'c']) admission.admit(x);
    admission.done();
    expect(started).toEqual(['b', 'c']);
    expect(admission.running).toBe(1);
  });

  it('should suggest a longer retry_after_ms as the queue grows, from measured durations', () => {
    const { admission } = make(2, 100);
    admission.admit('a');
    admission.admit('b');
    for (let i = 0; i < 50; i++) {
      admission.done(400);
      admission.admit(`x${i}`);
    }
    const short = admission.retryAfterMs();
    for (let i = 0; i < 10; i++) admission.admit(`q${i}`);
    expect(short).toBeGreaterThanOrEqual(150);
    expect(admission.retryAfterMs()).toBeGreaterThan(short);
    expect(admission.takeQueued()).toHaveLength(10);
    expect(admission.retryAfterMs()).toBe(short);
  });
});
