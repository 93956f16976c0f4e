import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI entry, as `npx mcp-tx` runs it. */
export const BIN = fileURLToPath(new URL('../../bin/mcp-tx.js', import.meta.url));
/** The stdio fixture server, and the command that runs it. */
export const FIXTURE = fileURLToPath(new URL('./fixtures/ledger-server.ts', import.meta.url));
export const FIXTURE_COMMAND = [process.execPath, '--import', 'tsx', FIXTURE];

/**
 * Compiles src/ to dist/ once (the package has no `pretest`). Type errors elsewhere in the tree
 * do not stop tsc from emitting; the CLI entry must exist afterwards.
 */
export function buildCli(): void {
  try {
    execFileSync(
      process.execPath,
      [
        fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)),
        '-p',
        'tsconfig.build.json',
      ],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
  } catch (e) {
    const output = String((e as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`tsc reported errors (dist still emitted):\n${output}\n`);
  }
  if (!existsSync(new URL('../../dist/cli/index.js', import.meta.url)))
    throw new Error('dist/cli/index.js was not built');
}

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mcp-tx …args` to completion (killed after `timeoutMs`); `holdStdin` keeps its stdin open. */
export function runCli(args: readonly string[], timeoutMs = 30_000, holdStdin = false): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: [holdStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcp-tx ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `mcp-tx …args` and resolves once its stderr matches `pattern` (for long-running commands). */
export function startCli(
  args: readonly string[],
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} on stderr:\n${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = stderr.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.on('error', reject);
  });
}

/** Resolves with the exit code once `child` exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', resolve));
}
