import { runDemo } from '../../src/cli/demo/index.js';
import { runLossSoak } from '../../bench/loss-soak.js';

/**
 * The 1,000-call version of `npm run soak` (DESIGN section 6): 50 in flight, 30 % loss each way,
 * duplicates, delays, reordering and a server restart; on each SDK major (the demo's `sdk`: on v2
 * mcp-tx's side speaks the stateless 2026-07-28 protocol).
 */
describe.each(['v1', 'v2'] as const)('soak (1,000 side-effecting calls under 30 %% loss), SDK %s', (sdk) => {
  it('should complete every call with exactly one execution each, where the bare SDK client cannot', async () => {
    const summary = await runDemo({
      calls: 1_000,
      concurrency: 50,
      loss: 0.3,
      seed: 7,
      maxAttempts: 30,
      sdk,
    });
    expect(summary.sdk).toBe(sdk);
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

/**
 * The soak's connection losses (`bench/loss-soak.ts`): all calls made at once, so that more than
 * a thousand wait in the client's queue, and the connection lost again and again under them.
 */
describe('soak (repeated connection losses with calls queued)', () => {
  it('should settle every call, each transfer run exactly once', async () => {
    const summary = await runLossSoak({
      calls: 2_500,
      concurrency: 50,
      losses: 3,
      loss: 0.1,
      seed: 11,
      timeoutMs: 200,
    });
    expect(summary).toMatchObject({
      calls: 2_500,
      completed: 2_500,
      failures: {},
      losses: 3,
      reconnects: 3, // one reconnect per loss
      executions: 2_500,
      doubleExecutions: 0,
      neverExecuted: 0,
    });
    expect(Math.min(...summary.queuedAtLoss)).toBeGreaterThanOrEqual(1_000);
  }, 120_000);
});
