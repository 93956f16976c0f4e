import { runDemo } from '../../src/cli/demo/index.js';

/**
 * The 1,000-call version of `npm run soak` (DESIGN section 6): 50 in flight, 30 % loss each way,
 * duplicates, delays, reordering and a server restart.
 */
describe('soak (1,000 side-effecting calls under 30 % loss)', () => {
  it('should complete every call with exactly one execution each, where the bare SDK client cannot', async () => {
    const summary = await runDemo({ calls: 1_000, concurrency: 50, loss: 0.3, seed: 7, maxAttempts: 30 });
    expect(summary).toMatchObject({
      calls: 1_000,
      completed: 1_000,
      lost: 0,
      executions: 1_000,
      doubleExecutions: 0,
    });
    expect(summary.movedCents).toBe(summary.expectedCents);
    expect(summary.duplicatesSuppressed).toBeGreaterThan(0);
    expect(summary.bare.lost + summary.bare.doubleExecutions + summary.bare.neverExecuted).toBeGreaterThan(0);
  }, 60_000);
});
