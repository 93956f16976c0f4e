import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  /** Arguments passed on to the harness. @default [] */
  args?: readonly string[];
  /** The package root holding `bench/run.ts`. @default this package's root */
  root?: string;
}

/** Thrown when the benchmark harness (`bench/run.ts`) is not there. */
export class BenchUnavailableError extends Error {
  override readonly name = 'BenchUnavailableError';
}

/** This package's root: two levels up from src/cli and dist/cli alike. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the side-by-side benchmark harness, `node --expose-gc --import tsx bench/run.ts`, in the package
 * root with inherited stdio, and resolves with its exit code. Rejects with
 * {@link BenchUnavailableError} when the harness does not exist (it lives in the repository,
 * not in the published package, and needs the `tsx` dev dependency).
 *
 * @example
 * process.exitCode = await runBench({ args: ['--quick'] });
 */
export function runBench(options: RunBenchOptions = {}): Promise<number> {
  const { args = [], root = PACKAGE_ROOT } = options;
  const script = join(root, 'bench', 'run.ts');
  if (!existsSync(script)) {
    return Promise.reject(
      new BenchUnavailableError(
        `bench is not available yet: ${script} does not exist (the harness lives in a repository checkout; run it there with npm run bench)`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    // --expose-gc: the harness measures heap per in-flight call and per dedup entry.
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Registers `mcp-tx bench`; `run` is {@link runBench} (a parameter so that specs can watch it). */
export function benchCommand(
  program: Command,
  setExit: (code: number) => void,
  run: (options: RunBenchOptions) => Promise<number> = runBench,
): void {
  program
    .command('bench')
    .description('run the side-by-side benchmarks (bare SDK vs mcp-tx) from a repository checkout')
    .argument('[harness-args...]', 'arguments passed on to bench/run.ts (--quick for a smoke run)')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Runs bench/run.ts with tsx in the package root of a repository checkout, prints its table and
writes bench/results/latest.{md,json}; exits 1 when the harness is not there.

Examples:
  $ mcp-tx bench            # the full run, about 2 minutes on 2 cores
  $ mcp-tx bench --quick    # a smoke run`,
    )
    .action(async (args: string[]) => setExit(await run({ args })));
}
