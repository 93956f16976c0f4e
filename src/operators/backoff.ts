import { checkKeys, checkNumber } from '../protocol/config-internals.js';

/**
 * A source of uniform random numbers in `[0, 1)`, injected so jittered backoff is reproducible in tests.
 *
 * @example
 * const random: RandomSource = Math.random;
 */
export type RandomSource = () => number;

/**
 * A pure backoff: the delay in milliseconds before retry number `attempt` (1 = before the first retry),
 * given the delay used before the previous retry (0 before the first) and a random source.
 *
 * @example
 * const constant: BackoffStrategy = () => 500;
 */
export type BackoffStrategy = (attempt: number, previousDelayMs: number, random: RandomSource) => number;

/**
 * Shape of every built-in backoff: start at `baseDelayMs`, grow by `multiplier`, never exceed `maxDelayMs`.
 *
 * @example
 * const config: BackoffConfig = { baseDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2 };
 */
export interface BackoffConfig {
  /** Delay before the first retry, in ms; a finite number from 0. */
  baseDelayMs: number;
  /** Longest delay ever returned, in ms; a finite number from `baseDelayMs`. */
  maxDelayMs: number;
  /** Growth factor per retry (exponential and full jitter); a finite number from 1. */
  multiplier: number;
}

/**
 * How randomness spreads retries: `full` and `decorrelated` jitter, or `none` (plain exponential).
 *
 * @example
 * const jitter: JitterMode = 'full';
 */
export type JitterMode = 'full' | 'decorrelated' | 'none';

/**
 * Plain exponential backoff without randomness: `min(maxDelayMs, baseDelayMs * multiplier^(attempt - 1))`.
 *
 * @example
 * exponentialBackoff({ baseDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 })(3, 0, Math.random); // 400
 */
export function exponentialBackoff(config: BackoffConfig): BackoffStrategy {
  const { baseDelayMs, maxDelayMs, multiplier } = checkBackoff(config, 'exponentialBackoff');
  return (attempt) => exponentialCap(attempt, baseDelayMs, maxDelayMs, multiplier);
}

/**
 * "Full jitter": a uniform random delay between 0 and the exponential cap, which spreads a herd of
 * clients retrying at once best of the simple schemes.
 *
 * @example
 * fullJitterBackoff({ baseDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 })(3, 0, () => 0.5); // 200
 */
export function fullJitterBackoff(config: BackoffConfig): BackoffStrategy {
  const { baseDelayMs, maxDelayMs, multiplier } = checkBackoff(config, 'fullJitterBackoff');
  // sleep = random_between(0, min(cap, base * 2 ** attempt)), Marc Brooker, "Exponential Backoff
  // and Jitter", AWS Architecture Blog, 2015: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
  return (attempt, _previous, random) =>
    unit(random) * exponentialCap(attempt, baseDelayMs, maxDelayMs, multiplier);
}

/**
 * "Decorrelated jitter": each delay is drawn between `baseDelayMs` and three times the previous one,
 * capped at `maxDelayMs`; `multiplier` is not used.
 *
 * @example
 * decorrelatedJitterBackoff({ baseDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 })(2, 200, () => 0.5); // 350
 */
export function decorrelatedJitterBackoff(config: BackoffConfig): BackoffStrategy {
  const { baseDelayMs, maxDelayMs } = checkBackoff(config, 'decorrelatedJitterBackoff');
  // sleep = min(cap, random_between(base, sleep * 3)), Marc Brooker, "Exponential Backoff and Jitter",
  // AWS Architecture Blog, 2015: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
  // The previous delay starts at base (and never counts as less, e.g. after a 0 ms server override),
  // so the range never inverts.
  return (_attempt, previousDelayMs, random) => {
    const previous = Math.max(baseDelayMs, finiteOr(previousDelayMs, baseDelayMs));
    return Math.min(maxDelayMs, baseDelayMs + unit(random) * (previous * 3 - baseDelayMs));
  };
}

/**
 * The built-in strategy for a jitter mode: `full`, `decorrelated`, or `none` (plain exponential).
 *
 * @example
 * const backoff = backoffFor('full', { baseDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2 });
 */
export function backoffFor(jitter: JitterMode, config: BackoffConfig): BackoffStrategy {
  switch (jitter) {
    case 'full':
      return fullJitterBackoff(config);
    case 'decorrelated':
      return decorrelatedJitterBackoff(config);
    case 'none':
      return exponentialBackoff(config);
    default:
      throw new TypeError(`jitter must be 'full', 'decorrelated' or 'none', got ${String(jitter)}`);
  }
}

function checkBackoff(config: BackoffConfig, where: string): BackoffConfig {
  checkKeys(config, ['baseDelayMs', 'maxDelayMs', 'multiplier'], where);
  const { baseDelayMs, maxDelayMs, multiplier } = config;
  checkNumber(baseDelayMs, 'baseDelayMs', 0, Number.MAX_SAFE_INTEGER);
  checkNumber(maxDelayMs, 'maxDelayMs', baseDelayMs, Number.MAX_SAFE_INTEGER);
  checkNumber(multiplier, 'multiplier', 1, Number.MAX_SAFE_INTEGER);
  return { baseDelayMs, maxDelayMs, multiplier };
}

function exponentialCap(attempt: number, base: number, max: number, multiplier: number): number {
  // Overflow to Infinity is harmless: the cap wins.
  const exponent = Math.max(0, finiteOr(attempt, 1) - 1);
  return Math.min(max, base * multiplier ** exponent);
}

/** Clamps a random draw to [0, 1] so a sloppy source can never push a delay out of range. */
function unit(random: () => number): number {
  return Math.min(1, Math.max(0, finiteOr(random(), 0)));
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}
