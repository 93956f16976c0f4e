/** Defaults of the demo; small timeouts and backoff keep the default run within seconds. */
export const DEMO_DEFAULTS = {
  calls: 300,
  concurrency: 20,
  loss: 0.2,
  seed: 42,
  duplicate: 0.05,
  timeoutMs: 200,
  maxAttempts: 10,
} as const;

/**
 * Attempts per call that make losing any call of the run unlikely (under 1 in 1,000): an
 * attempt fails when its request or its answer is lost, `1 - (1 - loss)^2`. At least
 * `DEMO_DEFAULTS.maxAttempts`, at most 50; the bare SDK run gets the same number.
 *
 * @example
 * attemptsFor(0.2, 300) // 13
 */
export function attemptsFor(loss: number, calls: number): number {
  const failure = 1 - (1 - loss) ** 2;
  if (failure <= 0) return DEMO_DEFAULTS.maxAttempts;
  if (failure >= 1) return 50;
  const needed = Math.ceil(Math.log(0.001 / calls) / Math.log(failure));
  return Math.min(50, Math.max(DEMO_DEFAULTS.maxAttempts, needed));
}
