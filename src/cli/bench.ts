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

/** What to do where the harness is missing: it is not published, it runs from a checkout. */
const HOW_TO_RUN =
  'the benchmark harness is not part of the published package: run it from a clone of the mcp-tx repository with `npm install && npm run bench`';

/**
 * Whether the benchmark harness is there: in a repository checkout, not in an installed package
 * (where `mcp-tx bench` is left out of the help).
 *
 * @example
 * if (!benchAvailable()) console.log('clone the repository to run the benchmarks');
 */
export function benchAvailable(root: string = PACKAGE_ROOT): boolean {
  return existsSync(join(root, 'bench', 'run.ts'));
}

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
    return Promise.reject(new BenchUnavailableError(`${HOW_TO_RUN} (${script} does not exist)`));
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
  available: boolean = benchAvailable(),
): void {
  program
    .command('bench', { hidden: !available })
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
