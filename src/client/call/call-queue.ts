import type { QueueGauge } from '../../operators/index.js';

/** What {@link CallQueue} runs: started in a slot, which it gives back with {@link CallQueue.release}. */
export interface QueuedCall {
  /** Starts the call in the slot just given to it (`closed`: the client closed meanwhile). */
  run(closed: boolean): void;
}

/**
 * The client's concurrency limit and bounded waiting queue: `boundedMergeMap`'s semantics (at most
 * `concurrency` calls run, at most `maxQueue` wait, a call past both is handed to `onOverflow`,
 * one loop starts waiting calls so the stack stays flat), for the client's own calls, without an
 * Observable, a subscriber and a teardown entry per call. Each started call gives its slot back
 * once, with {@link release}. `boundedMergeMap` stays the exported, marble-tested operator.
 *
 * @example
 * const queue = new CallQueue(10, 1_000, (call) => call.fail(...), (gauge) => recorder.setQueueGauge(gauge));
 * queue.add(call); // call.run(closed) once a slot is free; call ends with queue.release()
 */
export class CallQueue<C extends QueuedCall> {
  /** The live gauge, mutated in place. */
  readonly #counts = { active: 0, queued: 0 };
  /** Calls waiting for a slot, read from a moving head (Array#shift copies a large array). */
  #waiting: (C | undefined)[] = [];
  #head = 0;
  #draining = false;
  #ended = false;
  readonly #capacity: number;

  constructor(
    private readonly concurrency: number,
    maxQueue: number,
    private readonly onOverflow: (call: C) => void,
    private readonly isClosed: () => boolean,
    gauge: (gauge: QueueGauge) => void,
  ) {
    this.#capacity = concurrency + maxQueue;
    gauge(this.#counts);
  }

  /** Queues `call`, or hands it to `onOverflow` when every slot is busy and the queue is full. */
  add(call: C): void {
    const counts = this.#counts;
    if (this.#ended) return;
    if (counts.active + counts.queued >= this.#capacity) return this.onOverflow(call);
    counts.queued++;
    this.#waiting.push(call);
    this.#drain();
  }

  /** A started call ended: its slot is free for the next. */
  release(): void {
    this.#counts.active--;
    this.#drain();
  }

  /** No call is added any more (the client closed); waiting calls still run (and end at once). */
  end(): void {
    this.#ended = true;
    this.#drain();
  }

  // Re-entered (a call ended while being started), it returns at once: the loop running takes the slot.
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    const counts = this.#counts;
    try {
      while (counts.active < this.concurrency && counts.queued > 0) {
        counts.queued--;
        counts.active++;
        this.#next().run(this.isClosed());
      }
    } finally {
      this.#draining = false;
    }
  }

  #next(): C {
    const waiting = this.#waiting;
    const call = waiting[this.#head] as C;
    waiting[this.#head++] = undefined; // let it be collected
    if (this.#head === waiting.length) {
      waiting.length = 0; // emptied: start over in place
      this.#head = 0;
    } else if (this.#head >= 1_024 && this.#head * 2 >= waiting.length) {
      this.#waiting = waiting.slice(this.#head);
      this.#head = 0;
    }
    return call;
  }
}
