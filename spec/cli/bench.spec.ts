import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  BenchUnavailableError,
  benchAvailable,
  benchCommand,
  runBench,
  type RunBenchOptions,
} from '../../src/cli/bench.js';
import { ROOT } from './cli-helpers.js';

/** A package root whose bench/run.ts is `source`; inside the repository, where `tsx` resolves. */
function harnessRoot(source?: string): string {
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  const root = mkdtempSync(join(ROOT, '.scratch', 'bench-'));
  if (source !== undefined) {
    mkdirSync(join(root, 'bench'));
    writeFileSync(join(root, 'bench', 'run.ts'), source);
  }
  return root;
}

describe('runBench', () => {
  it('should find the harness in this checkout, not in a root without one', () => {
    expect(benchAvailable(ROOT)).toBe(true);
    expect(benchAvailable(harnessRoot())).toBe(false);
  });

  it('should reject with BenchUnavailableError naming the missing harness', async () => {
    const root = harnessRoot();
    const run = runBench({ root });
    await expect(run).rejects.toBeInstanceOf(BenchUnavailableError);
    await expect(run).rejects.toThrow(join(root, 'bench', 'run.ts'));
    await expect(run).rejects.toThrow(
      'from a clone of the mcp-tx repository with `npm install && npm run bench`',
    );
  });

  it("should run the harness with its arguments and resolve with the harness's exit code", async () => {
    const script = [
      "import { writeFileSync } from 'node:fs';",
      "writeFileSync('args.json', JSON.stringify({ args: process.argv.slice(2), gc: typeof globalThis.gc }));",
      'process.exit(process.argv.includes("--fail") ? 3 : 0);',
    ].join('\n');
    const root = harnessRoot(script);
    expect(await runBench({ root, args: ['--quick'] })).toBe(0);
    // --expose-gc: the harness measures heap per call
    expect(JSON.parse(readFileSync(join(root, 'args.json'), 'utf8'))).toEqual({
      args: ['--quick'],
      gc: 'function',
    });
    expect(await runBench({ root, args: ['--fail'] })).toBe(3);
  }, 20_000);
});

describe('mcp-tx bench', () => {
  it("should pass the harness's own flags (--quick) through to it", async () => {
    const seen: RunBenchOptions[] = [];
    const program = new Command('mcp-tx').exitOverride();
    let exit = -1;
    benchCommand(
      program,
      (code) => (exit = code),
      async (options) => (seen.push(options), 0),
    );
    await program.parseAsync(['node', 'mcp-tx', 'bench', '--quick']);
    expect(seen).toEqual([{ args: ['--quick'] }]);
    expect(exit).toBe(0);
  });

  it('should be left out of the help where the harness is missing (an installed package)', () => {
    const help = (available: boolean) => {
      const program = new Command('mcp-tx');
      benchCommand(
        program,
        () => undefined,
        async () => 0,
        available,
      );
      return program.helpInformation();
    };
    expect(help(true)).toContain('bench [harness-args...]');
    expect(help(false)).not.toContain('bench');
  });
});
