import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TxClient } from '../../src/index.js';
import { FIXTURE_COMMAND, exited } from '../cli/cli-helpers.js';
import { SHARED_STORES } from '../helpers/shared-stores.js';

const SLOW = 90_000;
/** The CLI from the sources: the CLI spec rebuilds dist/ meanwhile. */
const CLI = [
  process.execPath,
  '--import',
  'tsx',
  fileURLToPath(new URL('../helpers/mcp-tx-source.ts', import.meta.url)),
];

/** Starts `mcp-tx …args`; resolves once its stderr matches `pattern`. */
function startCli(
  args: readonly string[],
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI[0] as string, [...CLI.slice(1), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = stderr.match(pattern);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`mcp-tx exited with ${code}: ${stderr}`)));
  });
}

/** Runs `mcp-tx …args` to completion. */
function runCli(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLI[0] as string, [...CLI.slice(1), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe.each(SHARED_STORES)('mcp-tx proxy --store on %s', (_name, kind) => {
  kind.describe(`--store ${kind.name}://…`, () => {
    let space: string;
    const children: ChildProcess[] = [];
    const clients: TxClient[] = [];
    let log: string;

    /** A proxy over HTTP in front of its own copy of the ledger fixture, all logging to one file. */
    const proxy = async (): Promise<TxClient> => {
      const { child, match } = await startCli(
        [
          'proxy',
          '--http',
          '0',
          '--store',
          kind.url,
          '--store-prefix',
          space,
          '--',
          ...FIXTURE_COMMAND,
          '--log',
          log,
        ],
        /listening on (\S+)/,
      );
      children.push(child);
      const client = await TxClient.connect(new StreamableHTTPClientTransport(new URL(match[1] as string)), {
        timeoutMs: 10_000,
      });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      log = join(mkdtempSync(join(tmpdir(), 'mcp-tx-proxy-store-')), 'runs.log');
      space = await kind.space('proxy');
    }, SLOW);
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      for (const child of children) child.kill('SIGTERM');
      expect(await Promise.all(children.map(exited))).toEqual(children.map(() => 0));
      await kind.drop(space);
    }, SLOW);

    it(
      'should share one key space between two proxies: a retry through the other proxy replays',
      async () => {
        const [a, b] = await Promise.all([proxy(), proxy()]);
        const first = await a.call('record', { ref: 'order-1' }, { idempotencyKey: 'order-1' });
        const retry = await b.call('record', { ref: 'order-1' }, { idempotencyKey: 'order-1' });
        expect(first.duplicate).toBe(false);
        expect(retry.duplicate).toBe(true);
        expect(retry.result.content).toEqual(first.result.content);
        const runs = readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('order-1 '));
        expect(runs).toHaveLength(1);
      },
      SLOW,
    );
  });
});

describe('mcp-tx proxy --store', () => {
  it('should refuse a --store that is neither a Redis nor a PostgreSQL URL, and --store-prefix without --store', async () => {
    const bad = await runCli(['proxy', '--store', 'http://x', '--', 'node', '-e', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--store must be a redis:\/\/, rediss:\/\/, redis\+cluster:\/\/, postgres:\/\/ or postgresql:\/\/ URL/,
    );
    const alone = await runCli(['proxy', '--store-prefix', 'p:', '--', 'node', '-e', '0']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--store-prefix needs --store/);
  });
});
