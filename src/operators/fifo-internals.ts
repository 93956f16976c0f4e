/**
 * A first-in first-out queue with O(1) `push` and `shift` at any length (`Array#shift` copies
 * the array once it is large): an array read from a moving head, compacted as the head passes
 * half of it.
 *
 * @example
 * const q = new Fifo<number>();
 * q.push(1); q.push(2);
 * q.shift(); // 1
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Values in the queue. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `value` at the back. */
  push(value: T): void {
    this.#items.push(value);
  }

  /** Takes the value at the front (`undefined` when empty). */
  shift(): T | undefined {
    const items = this.#items;
    if (this.#head >= items.length) return undefined;
    const value = items[this.#head];
    items[this.#head++] = undefined; // let it be collected
    if (this.#head === items.length) this.clear();
    else if (this.#head >= 1_024 && this.#head * 2 >= items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }

  /** Empties the queue. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
