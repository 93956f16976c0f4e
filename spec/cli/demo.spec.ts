import { formatSummary, runDemo, type RunProgress } from '../../src/cli/demo/index.js';
import { makeTransfers, percentile } from '../../src/cli/demo/workload.js';

describe.each(['v1', 'v2'] as const)('runDemo on SDK %s', (sdk) => {
  it('should complete every call with exactly one execution each under loss, duplicates and a restart', async () => {
    const progress: [string, RunProgress][] = [];
    const summary = await runDemo({
      sdk,
      calls: 40,
      concurrency: 8,
      loss: 0.2,
      seed: 7,
      onProgress: (run, p) => progress.push([run, p]),
    });
    expect(summary).toMatchObject({
      sdk,
      protocol: sdk === 'v2' ? 'modern' : 'legacy', // SDK v2's run on the stateless protocol
      calls: 40,
      completed: 40,
      lost: 0,
      executions: 40,
      doubleExecutions: 0,
      neverExecuted: 0,
    });
    expect(summary.movedCents).toBe(summary.expectedCents);
    expect(summary.retries).toBeGreaterThan(0); // the faults did bite
    expect(summary.acks).toBeGreaterThan(0); // some ACKs are lost on the wire too
    // The bare run is accounted for consistently, whatever it got wrong.
    const { bare } = summary;
    expect(bare.calls).toBe(40);
    expect(bare.completed + bare.lost).toBe(40);
    expect(bare.executions).toBe(40 - bare.neverExecuted + bare.doubleExecutions);
    expect(bare.acks).toBe(0);
    // Progress counts each run up to its total.
    expect(progress.filter(([run]) => run === 'mcp-tx').at(-1)?.[1]).toMatchObject({ done: 40, total: 40 });
    expect(progress.filter(([run]) => run === 'bare').at(-1)?.[1]).toMatchObject({ done: 40, total: 40 });
    const text = formatSummary(summary);
    expect(text).toContain('mcp-tx: exactly once - 40 calls, 40 executions, ledger correct');
    expect(text.includes('mcp-tx on SDK v2 (the stateless 2026-07-28 protocol)')).toBe(sdk === 'v2');
    expect(text).toMatch(/tool executions\s+40\s+\d+/);
  }, 60_000);
});

describe('makeTransfers', () => {
  it('should make the same transfers for the same seed, between distinct accounts', () => {
    const a = makeTransfers(50, 1);
    expect(makeTransfers(50, 1)).toEqual(a);
    expect(makeTransfers(50, 2)).not.toEqual(a);
    expect(a.every((t) => t.from !== t.to && t.cents >= 1 && t.cents <= 10_000)).toBe(true);
    expect(new Set(a.map((t) => t.ref)).size).toBe(50);
  });
});

describe('percentile', () => {
  it('should pick the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
  });
});
