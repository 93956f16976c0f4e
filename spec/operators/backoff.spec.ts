import fc from 'fast-check';
import {
  backoffFor,
  decorrelatedJitterBackoff,
  exponentialBackoff,
  fullJitterBackoff,
} from '../../src/operators/backoff.js';
import type { BackoffConfig, BackoffStrategy, JitterMode } from '../../src/operators/backoff.js';

const config: BackoffConfig = { baseDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 };
const half = (): number => 0.5;
const zero = (): number => 0;
const one = (): number => 1;

/** Delays for retries 1..n, feeding each delay back as the next call's previous delay. */
function delays(strategy: BackoffStrategy, n: number, random: () => number): number[] {
  const out: number[] = [];
  let previous = 0;
  for (let attempt = 1; attempt <= n; attempt++) {
    previous = strategy(attempt, previous, random);
    out.push(previous);
  }
  return out;
}

describe('backoff', () => {
  describe('exponentialBackoff', () => {
    it('should grow by the multiplier from the base delay', () => {
      expect(delays(exponentialBackoff(config), 4, half)).toEqual([100, 200, 400, 800]);
    });

    it('should cap at maxDelayMs, even when the exponent overflows', () => {
      const strategy = exponentialBackoff(config);
      expect(delays(strategy, 6, half).slice(4)).toEqual([1_000, 1_000]);
      expect(strategy(5_000, 0, half)).toBe(1_000);
    });

    it('should ignore randomness', () => {
      expect(delays(exponentialBackoff(config), 3, zero)).toEqual(delays(exponentialBackoff(config), 3, one));
    });
  });

  describe('fullJitterBackoff', () => {
    it('should scale the exponential cap by the random draw', () => {
      expect(delays(fullJitterBackoff(config), 5, half)).toEqual([50, 100, 200, 400, 500]);
    });

    it('should span 0 to the cap at the random extremes', () => {
      expect(delays(fullJitterBackoff(config), 5, zero)).toEqual([0, 0, 0, 0, 0]);
      expect(delays(fullJitterBackoff(config), 5, one)).toEqual([100, 200, 400, 800, 1_000]);
    });
  });

  describe('decorrelatedJitterBackoff', () => {
    it('should draw between base and three times the previous delay', () => {
      // 100 + 0.5 * (100*3 - 100) = 200; 100 + 0.5 * (600 - 100) = 350; 100 + 0.5 * (1050 - 100) = 575
      expect(delays(decorrelatedJitterBackoff(config), 4, half)).toEqual([200, 350, 575, 912.5]);
    });

    it('should cap at maxDelayMs', () => {
      expect(delays(decorrelatedJitterBackoff(config), 6, half).slice(4)).toEqual([1_000, 1_000]);
    });

    it('should stay at base for random 0 and triple for random 1', () => {
      expect(delays(decorrelatedJitterBackoff(config), 3, zero)).toEqual([100, 100, 100]);
      expect(delays(decorrelatedJitterBackoff(config), 4, one)).toEqual([300, 900, 1_000, 1_000]);
    });

    it('should treat a previous delay below base as base', () => {
      expect(decorrelatedJitterBackoff(config)(3, 0, half)).toBe(200);
    });
  });

  describe('backoffFor', () => {
    it('should pick the strategy of each jitter mode', () => {
      expect(backoffFor('none', config)(3, 0, half)).toBe(400);
      expect(backoffFor('full', config)(3, 0, half)).toBe(200);
      expect(backoffFor('decorrelated', config)(2, 200, half)).toBe(350);
    });

    it('should reject an unknown jitter mode with a TypeError', () => {
      expect(() => backoffFor('half' as JitterMode, config)).toThrow(TypeError);
    });
  });

  describe('config validation', () => {
    it('should name the invalid field', () => {
      expect(() => exponentialBackoff({ ...config, baseDelayMs: -1 })).toThrow(/baseDelayMs/);
      expect(() => exponentialBackoff({ ...config, maxDelayMs: 50 })).toThrow(RangeError);
      expect(() => fullJitterBackoff({ ...config, multiplier: 0.5 })).toThrow(/multiplier/);
      expect(() => fullJitterBackoff({ ...config, maxDelayMs: Number.NaN })).toThrow(TypeError);
    });

    it('should reject unknown keys', () => {
      const extra = { ...config, jitter: 'full' } as BackoffConfig;
      expect(() => decorrelatedJitterBackoff(extra)).toThrow(/jitter is not an option/);
    });
  });

  describe('property: delays within [0, maxDelayMs]', () => {
    it('should hold for every mode, config, attempt and random draw', () => {
      const arbConfig = fc
        .record({
          baseDelayMs: fc.integer({ min: 0, max: 60_000 }),
          extra: fc.integer({ min: 0, max: 600_000 }),
          multiplier: fc.double({ min: 1, max: 10, noNaN: true }),
        })
        .map(({ baseDelayMs, extra, multiplier }) => ({
          baseDelayMs,
          maxDelayMs: baseDelayMs + extra,
          multiplier,
        }));
      fc.assert(
        fc.property(
          fc.constantFrom<JitterMode>('full', 'decorrelated', 'none'),
          arbConfig,
          fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
            minLength: 1,
            maxLength: 40,
          }),
          (jitter, cfg, draws) => {
            const strategy = backoffFor(jitter, cfg);
            let previous = 0;
            draws.forEach((draw, i) => {
              previous = strategy(i + 1, previous, () => draw);
              expect(previous).toBeGreaterThanOrEqual(0);
              expect(previous).toBeLessThanOrEqual(cfg.maxDelayMs);
            });
          },
        ),
      );
    });
  });
});
