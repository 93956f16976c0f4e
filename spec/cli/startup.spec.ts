// `mcp-tx --version` and `--help` load the CLI's shell only: each command loads what it needs
// (the SDK, RxJS, the library) when it runs. The module list is deterministic where a time is not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT, buildCli } from './cli-helpers.js';

const LOAD_LOG = fileURLToPath(new URL('./fixtures/load-log.mjs', import.meta.url));

/** The URLs of the modules `mcp-tx …args` loaded. */
function modulesLoadedBy(args: readonly string[]): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'mcp-tx-startup-')), 'modules.log');
  spawnSync(process.execPath, ['--import', LOAD_LOG, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, MCP_TX_LOAD_LOG: log },
    stdio: 'pipe',
    timeout: 30_000,
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

beforeAll(() => buildCli(), 180_000);

describe('mcp-tx startup', () => {
  it.each([[['--version']], [['--help']], [['call', '--help']]])(
    'should load neither the SDK nor RxJS for %j',
    (args) => {
      const modules = modulesLoadedBy(args);
      expect(modules).toContainEqual(expect.stringContaining('/dist/cli/index.js'));
      const heavy = modules.filter((url) => /\/node_modules\/(@modelcontextprotocol|rxjs|zod)\//.test(url));
      expect(heavy).toEqual([]);
      expect(modules.filter((url) => /\/dist\/(client|server|operators|index\.js)/.test(url))).toEqual([]);
    },
    30_000,
  );

  it('should load the SDK once a command runs', () => {
    const modules = modulesLoadedBy(['call', 'nope', '--', 'mcp-tx-no-such-command']);
    expect(modules).toContainEqual(expect.stringContaining('/node_modules/@modelcontextprotocol/sdk/'));
  }, 30_000);
});
