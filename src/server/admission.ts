/** Shortest and longest `retry_after_ms` the server suggests when overloaded. */
const MIN_RETRY_AFTER_MS = 1;
const MAX_RETRY_AFTER_MS = 60_000;
/** Duration assumed for an execution before any has been measured. */
const INITIAL_DURATION_MS = 100;
/** Weight of the newest sample in the moving average of execution durations. */
const EWMA_WEIGHT = 0.2;

/**
 * Concurrency and queue bounds of one decorated transport: at most `maxConcurrent` executions
 * run; past that, calls wait in a FIFO queue of at most `maxQueue`. A full queue is a refusal,
 * never an unbounded array. Duplicates waiting for a running execution of their key take
 * neither a slot nor queue room: they join that execution (bounded in time by their deadline).
 *
 * @example
 * const admission = new Admission<Call>(64, 1000, (call) => forward(call));
 * if (admission.admit(call) === 'full') nack(call, 'overloaded', admission.retryAfterMs());
 */
export class Admission<T> {
  #running = 0;
  #averageMs = INITIAL_DURATION_MS;
  /** Calls waiting for a slot, oldest first (a `Set` so that a cancelled call leaves in O(1)). */
  readonly #queue = new Set<T>();

  /** `start` runs a dequeued call; it returns `false` when the call did not run after all. */
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
    private readonly start: (item: T) => boolean,
  ) {}

  /** Executions holding a slot. */
  get running(): number {
    return this.#running;
  }

  /** Calls queued for a slot. */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Takes a slot (`run`), queues `item` (`queued`, started later by `start`), or refuses (`full`). */
  admit(item: T): 'run' | 'queued' | 'full' {
    if (this.#running < this.maxConcurrent) {
      this.#running++;
      return 'run';
    }
    if (this.waiting >= this.maxQueue) return 'full';
    this.#queue.add(item);
    return 'queued';
  }

  /** Removes a queued `item` (cancelled or refused); `false` when it was not queued. */
  leave(item: T): boolean {
    return this.#queue.delete(item);
  }

  /** Removes and returns every queued call (for shutdown). */
  takeQueued(): T[] {
    const items = [...this.#queue];
    this.#queue.clear();
    return items;
  }

  /** Frees a slot (an execution ended after `durationMs`, if known) and starts queued calls. */
  done(durationMs?: number): void {
    if (durationMs !== undefined && durationMs >= 0) {
      this.#averageMs += EWMA_WEIGHT * (durationMs - this.#averageMs);
    }
    this.#running--;
    // No iterator while nothing waits: this runs once per call.
    while (this.#queue.size > 0 && this.#running < this.maxConcurrent) {
      const next = this.#queue.values().next();
      if (next.done === true) return;
      this.#queue.delete(next.value);
      this.#running++;
      if (!this.start(next.value)) this.#running--;
    }
  }

  /** A guess at when a slot frees for a newcomer: average duration × queue depth ÷ slots. */
  retryAfterMs(): number {
    const guess = (this.#averageMs * (this.#queue.size + 1)) / this.maxConcurrent;
    return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, guess)));
  }

  /** The moving average of execution durations, ms. */
  get averageMs(): number {
    return this.#averageMs;
  }
}
