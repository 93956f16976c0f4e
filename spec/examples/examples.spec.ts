// Every examples/*.ts runs to completion as a user would run it, and prints what it promises. They
// import the package by its name (`from 'mcp-tx'`), as a user's code does: they run against dist/.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../cli/cli-helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TIMEOUT_MS = 20_000;

/** Per example, what its output must show: the lines a user should notice. */
const CHECKS: Record<string, (stdout: string) => void> = {
  'quick-start.ts': (out) => {
    expect(out).toMatch(/Hello, Promise!.*duplicate: true/);
    expect(out).toMatch(/failed call: DEADLINE_EXCEEDED retryable: false/);
  },
  'exactly-once.ts': (out) => {
    expect(out).toMatch(/^exactly once: charges == calls$/m);
    expect(out).toMatch(/^attempts sent: +\d+ \([1-9]\d* retries\)$/m);
  },
  'resilience.ts': (out) => {
    expect(out).toMatch(/^report #1 failed after \d+ ms: AttemptTimeoutError TIMEOUT$/m);
    expect(out).toMatch(
      /^report #3 failed after \d+ ms: CircuitOpenError CIRCUIT_OPEN, retry after \d+ ms$/m,
    );
    expect(out).toMatch(/event breaker report closed/);
    expect(out).toMatch(/^lookup cached: false, then cached: true; tool ran 1 time\(s\)$/m);
  },
  'pool.ts': (out) => {
    expect(out).toMatch(/^warmup member 1: pings .* failures 0$/m);
    expect(out).toMatch(/^pool metrics: 40 calls, 40 completed/m);
  },
  'metrics.ts': (out) => {
    expect(out).toMatch(/^tick: /m);
    expect(out).toMatch(/^# TYPE mcp_tx_calls_total counter$/m);
    expect(out).toMatch(/^mcp_tx_calls_total\{tool="search"\} 36$/m);
    expect(out).toMatch(/^mcp_tx_call_duration_seconds_bucket\{tool="search",le="\+Inf"\} 36$/m);
  },
  'compression.ts': (out) => {
    const bytes = [...out.matchAll(/compression: (?:false|true) .* (\d+) bytes .* same result: true$/gm)];
    expect(bytes).toHaveLength(2);
    const [plain, compressed] = bytes.map((m) => Number(m[1]));
    expect(compressed).toBeLessThan((plain ?? 0) / 2);
  },
  'http-server.ts': (out) => {
    expect(out).toMatch(/^stateful: +charged order-1, duplicate: false$/m);
    expect(out).toMatch(/^stateless: charged order-1, duplicate: true$/m);
    expect(out).toMatch(/^charges: 1$/m);
    expect(out).toMatch(/^unknown session: 404$/m);
  },
  'redis-replicas.ts': (out) => {
    expect(out).toMatch(/^B: charged o-1 on A \(duplicate: true\)$/m);
    expect(out).toMatch(/^charges: 2 for 4 calls$/m);
  },
  'progress.ts': (out) => {
    expect(out).toMatch(/^row {2}running {3}5\/10 file-5\.md$/m);
    expect(out).toMatch(/^row {2}done 10\/10: the job outlived its 300 ms attempt timeout$/m);
    expect(out).toMatch(/^call: indexed 3 files, 3 progress reports$/m);
  },
  'tasks.ts': (out) => {
    expect(out).toMatch(/^request\nack\ntask (\w+) working\ntask \1 completed\nresponse$/m);
    expect(out).toMatch(/^result: rendered 5 pages$/m);
    expect(out).toMatch(/^given up: task cancelled; 3 tasks created$/m);
  },
  'streams.ts': (out) => {
    expect(out).toMatch(/nack +render \w+ overloaded/);
    expect(out).toMatch(/status +closed/);
  },
};

/**
 * Runs `node --import tsx examples/<file>` from the repository root, killed after TIMEOUT_MS; a
 * server example listens on a free port (`PORT=0`).
 */
function run(file: string): Promise<{ code: number | string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `examples/${file}`],
      { cwd: ROOT, timeout: TIMEOUT_MS, killSignal: 'SIGKILL', env: { ...process.env, PORT: '0' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code ?? error.signal ?? null) : 0, stdout, stderr }),
    );
  });
}

beforeAll(buildCli, 120_000); // dist/ as the sources are now

describe('examples', () => {
  const files = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.ts'));

  it('should check every example', () => {
    expect(files.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  // They ship in the package for users to copy: an import of the repository's src/ would not work there.
  it('should import the package by its name, as an app does', () => {
    const all = readdirSync(new URL('../../examples/', import.meta.url), {
      recursive: true,
      encoding: 'utf8',
    });
    const relative = all
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /from '(\.\.\/)+src\//.test(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8')),
      );
    expect(relative).toEqual([]);
  });

  describe.each(files)('%s', (file) => {
    // the Redis example needs a Redis; without one the global setup said how to start it
    const needsMissingRedis = file.startsWith('redis-') && process.env.MCP_TX_REDIS === 'down';
    (needsMissingRedis ? it.skip : it)(
      'should exit 0 on its own and print what it shows',
      async () => {
        const { code, stdout, stderr } = await run(file);
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        CHECKS[file]?.(stdout);
      },
      TIMEOUT_MS + 5_000,
    );
  });
});
