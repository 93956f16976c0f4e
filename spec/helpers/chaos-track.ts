/**
 * A sequence of strikes (kill something, bring it back) fired as a run makes progress: strike
 * `j` starts once `at[j]` calls are answered and strike `j - 1` is over. Two tracks run side by
 * side (replicas, Redis), so that a slow restart of one does not hold back the other.
 */
export interface ChaosTrack {
  /** Tells the track how many calls are answered; starts the next strike when its time has come. */
  poke(done: number): void;
  /** Resolves when every strike is over; rejects with the first strike that failed. */
  readonly over: Promise<void>;
}

/**
 * A {@link ChaosTrack} of `at.length` strikes, the `j`-th running `strike(j)`.
 *
 * @example
 * const track = chaosTrack([100, 200], (j) => killAndRestart(replicas[j % 2]));
 * onAnswered((done) => track.poke(done));
 * await track.over;
 */
export function chaosTrack(at: readonly number[], strike: (j: number) => Promise<void>): ChaosTrack {
  let step = 0;
  let done = 0;
  let busy = false;
  let ended: (error?: unknown) => void = () => undefined;
  const over = new Promise<void>((resolve, reject) => {
    ended = (error) => (error === undefined ? resolve() : reject(error as Error));
  });
  const run = async () => {
    busy = true;
    try {
      while (step < at.length && done >= (at[step] as number)) await strike(step++);
    } catch (e) {
      step = at.length;
      return ended(e);
    } finally {
      busy = false;
    }
    if (step >= at.length) ended();
  };
  if (at.length === 0) ended();
  return {
    poke(answered) {
      done = answered;
      if (!busy && step < at.length) void run();
    },
    over,
  };
}

/** `n` points spread evenly over (`from`, `to`) of `calls`: when the strikes of a track start. */
export function spread(n: number, calls: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, j) => Math.floor(calls * (from + ((to - from) * (j + 1)) / (n + 1))));
}
