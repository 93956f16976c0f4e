import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childScriptArgs } from '../helpers/child-bundle.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI entry, as `npx mcp-tx` runs it. */
export const BIN = fileURLToPath(new URL('../../bin/mcp-tx.js', import.meta.url));
/** The stdio fixture server, and the command that runs it (its bundle in a jest run, see child-bundle.ts). */
export const FIXTURE = fileURLToPath(new URL('./fixtures/ledger-server.ts', import.meta.url));
export const FIXTURE_COMMAND = [process.execPath, ...childScriptArgs(FIXTURE)];

/**
 * Compiles src/ to dist/ unless dist/ is newer than every source (the package has no `pretest`).
 * Specs in parallel workers call this: a lock makes the first build and the others wait, so
 * that no build rewrites dist/ while another spec's CLI process is loading it. Type errors
 * elsewhere in the tree do not stop tsc from emitting; the CLI entry must exist afterwards.
 */
export function buildCli(): void {
  const lock = join(ROOT, '.scratch', 'build.lock');
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  for (const started = Date.now(); ;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      // a lock older than any build is left over from a killed run
      if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 300_000) throw new Error(`${lock} held for 5 minutes`, { cause: e });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // a synchronous sleep
    }
  }
  try {
    if (!distUpToDate()) compile();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(new URL('../../dist/cli/index.js', import.meta.url)))
    throw new Error('dist/cli/index.js was not built');
}

/** Whether dist/cli/index.js is newer than every file of src/ and the build's configuration. */
function distUpToDate(): boolean {
  const entry = join(ROOT, 'dist', 'cli', 'index.js');
  if (!existsSync(entry)) return false;
  const built = statSync(entry).mtimeMs;
  const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).map((f) =>
    join(ROOT, 'src', f),
  );
  const inputs = [...sources, join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')];
  return inputs.every((file) => statSync(file).mtimeMs <= built);
}

function compile(): void {
  try {
    execFileSync(
      process.execPath,
      [
        fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)),
        '-p',
        'tsconfig.build.json',
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch (e) {
    const output = String((e as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`tsc reported errors (dist still emitted):\n${output}\n`);
  }
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
