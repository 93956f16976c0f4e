import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUi } from '../../scripts/build-ui.js';
import { TxClient, type TxEvent } from '../../src/index.js';
import { BIN, FIXTURE_COMMAND, ROOT, buildCli, exited, runCli, startCli } from './cli-helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

beforeAll(() => buildCli(), 180_000);

/** A TxClient talking to the fixture through `mcp-tx proxy`, spawned as a real child process. */
function proxiedFixture(fixtureArgs: string[] = []): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'proxy', '--restart-delay', '50', '--', ...FIXTURE_COMMAND, ...fixtureArgs],
    cwd: ROOT,
    stderr: 'pipe',
  });
}

/** `ref` → how many times the fixture's `record` ran it, and the pids that did. */
function readLog(file: string): { runs: Map<string, number>; pids: Set<string> } {
  const runs = new Map<string, number>();
  const pids = new Set<string>();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n').filter(Boolean)) {
    const [ref = '', pid = ''] = line.split(' ');
    runs.set(ref, (runs.get(ref) ?? 0) + 1);
    pids.add(pid);
  }
  return { runs, pids };
}

describe('mcp-tx', () => {
  describe('usage', () => {
    it('should print help with every command and examples, exit 0', async () => {
      const { code, stdout } = await runCli(['--help']);
      expect(code).toBe(0);
      for (const word of ['Usage: mcp-tx', 'demo', 'call', 'proxy', 'bench', 'Examples:'])
        expect(stdout).toContain(word);
      expect(stdout).toContain('call [options] <tool> [json-args] -- <server command…>');
      expect(stdout).toContain('proxy [options] -- <server command…>');
    });

    it.each([
      ['call', 'Usage: mcp-tx call [options] <tool> [json-args] -- <server command…>'],
      ['proxy', 'Usage: mcp-tx proxy [options] -- <server command…>'],
    ])('should show the server command in the usage line of %s', async (command, usage) => {
      const { stdout } = await runCli([command, '--help']);
      expect(stdout.split('\n')[0]).toBe(usage);
    });

    it.each(['demo', 'call', 'proxy', 'bench'])('should print help with examples for %s', async (command) => {
      const { code, stdout } = await runCli([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: mcp-tx ${command}`);
      expect(stdout).toContain('Examples:');
    });

    it('should print the package version', async () => {
      const { code, stdout } = await runCli(['--version']);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(pkg.version);
    });

    it('should reject an unknown flag with exit code 2 and a one-line message', async () => {
      const { code, stderr, stdout } = await runCli(['demo', '--bogus']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^mcp-tx: unknown option '--bogus'/);
      expect(stdout).toBe('');
    });

    it('should reject an out-of-range value with exit code 2', async () => {
      const { code, stderr } = await runCli(['demo', '--loss', '1.5']);
      expect(code).toBe(2);
      expect(stderr).toContain('--loss');
    });

    it('should reject bad JSON arguments with exit code 2', async () => {
      const { code, stderr } = await runCli(['call', 'add', '{"a":', '--', ...FIXTURE_COMMAND]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^mcp-tx: json-args is not valid JSON/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });

    it('should reject a call without a server with exit code 2', async () => {
      const { code, stderr } = await runCli(['call', 'add', '{}']);
      expect(code).toBe(2);
      expect(stderr).toContain('--url');
    });

    it('should reject an unknown command with exit code 2', async () => {
      expect((await runCli(['frobnicate'])).code).toBe(2);
    });
  });

  describe('demo', () => {
    it('should print a JSON summary where mcp-tx completes every call and runs the tool exactly once per call', async () => {
      const { code, stdout } = await runCli(['demo', '--json', '--calls', '60'], 60_000);
      const summary = JSON.parse(stdout) as Record<string, unknown> & { bare: Record<string, unknown> };
      expect(code).toBe(0);
      expect(summary).toMatchObject({ calls: 60, completed: 60, executions: 60 });
      for (const field of ['calls', 'completed', 'executions', 'retries', 'duplicatesSuppressed']) {
        expect(typeof summary[field]).toBe('number');
        expect(typeof summary.bare[field]).toBe('number');
      }
      expect(summary.bare.calls).toBe(60);
    }, 60_000);
  });

  describe('call', () => {
    it('should print the TxResult of a stdio server given after --, exit 0', async () => {
      const { code, stdout } = await runCli(['call', 'add', '{"a":1,"b":2}', '--', ...FIXTURE_COMMAND]);
      expect(code).toBe(0);
      const result = JSON.parse(stdout) as { result: { content: unknown }; ack: boolean; attempts: number };
      expect(result.result.content).toEqual([{ type: 'text', text: '3' }]);
      expect(result).toMatchObject({ ack: false, attempts: 1 }); // a plain MCP server: no ACK
    });

    it('should exit 1 on a tool error, still printing the result, and say why on stderr', async () => {
      const { code, stdout, stderr } = await runCli([
        'call',
        'fail',
        '{"why":"card declined"}',
        '--',
        ...FIXTURE_COMMAND,
      ]);
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({ result: { isError: true } });
      expect(stderr).toBe("mcp-tx: tool 'fail' returned an error (isError): card declined\n");
    });

    it('should exit as soon as the call timed out, naming its attempts, without waiting for the tool', async () => {
      // each attempt times out after 300 ms while the tool sleeps 30 s; the client does not wait
      // for the child to finish it (the SDK alone would wait 2 s, then 2 s after SIGTERM)
      const args = ['--verbose', 'call', 'sleep', '{"ms":30000}', '--timeout', '300', '--retries', '2'];
      const child = spawn(process.execPath, [BIN, ...args, '--', ...FIXTURE_COMMAND], { cwd: ROOT });
      let stderr = '';
      let failedAt: number | undefined;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        failedAt ??= /^mcp-tx: failure sleep /m.test(stderr) ? Date.now() : undefined;
      });
      const code = await exited(child);
      const afterOutcomeMs = Date.now() - (failedAt ?? 0);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^mcp-tx: \[TIMEOUT\] sleep: .*\(after 3 attempts: TIMEOUT, TIMEOUT, TIMEOUT\)$/m,
      );
      expect(afterOutcomeMs).toBeLessThan(2_000);
    }, 60_000);

    it('should exit 1 with a one-line message when the server cannot start', async () => {
      const { code, stderr } = await runCli(['call', 'add', '{}', '--', 'mcp-tx-no-such-command']);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain('ENOENT');
    });

    it('should run the tool once for repeated calls with one idempotency key through the proxy', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-cli-'));
      const log = join(dir, 'runs.log');
      const { code, stdout } = await runCli([
        'call',
        'record',
        '{"ref":"order-1"}',
        '--idempotency-key',
        'order-1',
        '--repeat',
        '3',
        '--',
        process.execPath,
        BIN,
        'proxy',
        '--',
        ...FIXTURE_COMMAND,
        '--log',
        log,
      ]);
      expect(code).toBe(0);
      const results = JSON.parse(stdout) as { ack: boolean; duplicate: boolean }[];
      expect(results.every((r) => r.ack)).toBe(true);
      expect(results.filter((r) => r.duplicate)).toHaveLength(2);
      expect(readLog(log).runs.get('order-1')).toBe(1);
    });
  });

  describe('proxy', () => {
    it('should give a plain server ACKs and run a repeated idempotency key once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-proxy-'));
      const log = join(dir, 'runs.log');
      const client = await TxClient.connect(proxiedFixture(['--log', log]), {
        dedupWindowMs: 0,
        timeoutMs: 5_000,
      });
      const events: TxEvent[] = [];
      client.events$.subscribe((e) => events.push(e));
      try {
        // compression is offered, but this client did not opt in
        expect(client.server?.features).toEqual(['ack', 'retry', 'idempotency', 'deadline']);
        const first = await client.call('record', { ref: 'a' }, { idempotencyKey: 'key-a' });
        const again = await client.call('record', { ref: 'a' }, { idempotencyKey: 'key-a' });
        expect(first).toMatchObject({ ack: true, duplicate: false });
        expect(again).toMatchObject({ ack: true, duplicate: true });
        expect(again.result.content).toEqual(first.result.content);
        expect(events.filter((e) => e.type === 'ack')).toHaveLength(2);
        expect(readLog(log).runs.get('a')).toBe(1);
      } finally {
        await client.close();
      }
    });

    it('should restart a killed child and keep every call exactly-once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-proxy-'));
      const log = join(dir, 'runs.log');
      const marker = join(dir, 'crashed');
      // The 4th `record` SIGKILLs the first child while the other calls are running (before their side effect).
      const client = await TxClient.connect(
        proxiedFixture(['--log', log, '--crash-at', '4', '--marker', marker]),
        {
          concurrency: 12,
          timeoutMs: 2_000,
          retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500 },
        },
      );
      try {
        const refs = Array.from({ length: 12 }, (_, i) => `payment-${i}`);
        const results = await Promise.all(refs.map((ref) => client.call('record', { ref, delayMs: 150 })));
        expect(existsSync(marker)).toBe(true);
        expect(results.every((r) => r.ack && r.result.isError !== true)).toBe(true);
        expect(results.some((r) => r.attempts > 1)).toBe(true);
        const { runs, pids } = readLog(log);
        expect(pids.size).toBe(1); // every side effect ran in the restarted child...
        expect(readFileSync(marker, 'utf8')).not.toBe([...pids][0]); // ...not the killed one
        for (const ref of refs) expect(runs.get(ref)).toBe(1);
        // The proxy keeps serving after the restart.
        expect((await client.call('add', { a: 2, b: 3 })).result.content).toEqual([
          { type: 'text', text: '5' },
        ]);
      } finally {
        await client.close();
      }
    }, 30_000);

    it('should give up on a server that keeps dying, with backoff and exit code 1', async () => {
      const started = Date.now();
      const { code, stderr } = await runCli(
        [
          'proxy',
          '--max-restarts',
          '3',
          '--restart-delay',
          '40',
          '--',
          process.execPath,
          '-e',
          'process.exit(3)',
        ],
        30_000,
        true,
      );
      expect(code).toBe(1);
      expect(stderr.match(/restarting in \d+ ms/g)).toHaveLength(3);
      expect(stderr).toMatch(/died 4 times in a row; giving up/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40); // decorrelated jitter: every backoff at least the base
    }, 30_000);

    it('should tell a client at once that the server command exited before answering initialize', async () => {
      const started = Date.now();
      const { code, stderr } = await runCli([
        'call',
        'add',
        '{}',
        '--',
        process.execPath,
        BIN,
        'proxy',
        '--',
        process.execPath,
        '-e',
        'process.exit(3)',
      ]);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /mcp-tx: \[CONNECTION_CLOSED\] connection closed: .*the server command exited with code 3 before answering initialize/,
      );
      expect(Date.now() - started).toBeLessThan(8_000); // not the 10 s initialize timeout
    }, 30_000);

    it('should serve Streamable HTTP on 127.0.0.1 with --http and stop on SIGTERM', async () => {
      const { child, match } = await startCli(
        ['proxy', '--http', '0', '--', ...FIXTURE_COMMAND],
        /listening on (\S+)/,
      );
      try {
        const url = new URL(match[1] as string);
        expect(url.hostname).toBe('127.0.0.1');
        const client = await TxClient.connect(new StreamableHTTPClientTransport(url), { timeoutMs: 5_000 });
        const result = await client.call('add', { a: 20, b: 22 });
        expect(result).toMatchObject({ ack: true, result: { content: [{ type: 'text', text: '42' }] } });
        await client.close();
        const viaCli = await runCli(['call', 'add', '{"a":1,"b":2}', '--url', url.href]);
        expect(viaCli.code).toBe(0);
        expect(JSON.parse(viaCli.stdout)).toMatchObject({
          ack: true,
          result: { content: [{ type: 'text', text: '3' }] },
        });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited(child)).toBe(0);
    }, 30_000);

    describe('with a message over the limit', () => {
      it('should fail that call alone, naming the limit, with the child and the proxy alive (10 MiB default)', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'mcp-tx-proxy-'));
        const log = join(dir, 'runs.log');
        const client = await TxClient.connect(proxiedFixture(['--log', log]), { timeoutMs: 20_000 });
        const statuses: string[] = [];
        client.status$.subscribe((status) => statuses.push(status));
        try {
          // a result of 11 MiB: the child answers it; the proxy turns it into an error for this call
          const big = client.call(
            'blob',
            { ref: 'big', bytes: 11 * 1024 * 1024 },
            { idempotencyKey: 'big-1' },
          );
          await expect(big).rejects.toMatchObject({
            code: 'REQUEST_FAILED',
            message: expect.stringMatching(
              /over the proxy's message limit of 10485760 bytes \(--max-message-bytes\)/,
            ),
          });
          // its retry gets the stored answer: the tool ran once, it is not run again
          await expect(
            client.call('blob', { ref: 'big', bytes: 11 * 1024 * 1024 }, { idempotencyKey: 'big-1' }),
          ).rejects.toMatchObject({ code: 'REQUEST_FAILED' });
          // an argument of 12 MB never reaches the child, and the client's connection stays up
          const huge = client.call('record', { ref: 'y'.repeat(12_000_000) });
          await expect(huge).rejects.toMatchObject({
            code: 'NACK',
            reason: 'invalid_request',
            message: expect.stringMatching(/over the proxy's message limit of 10485760 bytes/),
          });
          const after = await client.call('record', { ref: 'after' });
          expect(after.result.content).toEqual([
            { type: 'text', text: expect.stringMatching(/^after recorded/) },
          ]);
          expect(statuses).not.toContain('reconnecting'); // the proxy never closed the client's connection
          const { runs, pids } = readLog(log);
          expect(runs.get('big')).toBe(1);
          expect(pids.size).toBe(1); // the same child ran both: it was never killed nor restarted
        } finally {
          await client.close();
        }
      }, 60_000);

      it('should take its limit from --max-message-bytes', async () => {
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [BIN, 'proxy', '--max-message-bytes', '100000', '--', ...FIXTURE_COMMAND],
          cwd: ROOT,
          stderr: 'pipe',
        });
        const client = await TxClient.connect(transport, { timeoutMs: 10_000 });
        try {
          const small = await client.call('blob', { ref: 's', bytes: 50_000 });
          expect(small.result.content).toEqual([{ type: 'text', text: 'x'.repeat(50_000) }]);
          await expect(client.call('blob', { ref: 'l', bytes: 200_000 })).rejects.toMatchObject({
            message: expect.stringMatching(/message limit of 100000 bytes/),
          });
          await expect(client.call('record', { ref: 'z'.repeat(150_000) })).rejects.toMatchObject({
            reason: 'invalid_request',
          });
          expect((await client.call('add', { a: 1, b: 1 })).result.content).toEqual([
            { type: 'text', text: '2' },
          ]);
        } finally {
          await client.close();
        }
      }, 60_000);
    });
  });
});

describe('mcp-tx demo --ui', () => {
  // dist/ is built once, by this file's beforeAll: a second build running meanwhile in another
  // spec file would rewrite it under the commands this file runs.
  beforeAll(() => buildUi(join(ROOT, 'dist/ui')), 60_000);

  it('should refuse --port without --ui, and --json with it (exit 2)', async () => {
    const port = await runCli(['demo', '--port', '3000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port is for the live view: use it with --ui/);
    const json = await runCli(['demo', '--ui', '--json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/--json is for the summary of a run, not for --ui/);
  });

  it.each([
    ['v1', 'app.js'],
    ['v2', 'app-v2.js'],
  ])(
    'should print the live view address, serve it (SDK %s, %s), and stop on SIGINT with the ledger check',
    async (sdk, script) => {
      const args = [BIN, 'demo', '--ui', '--port', '0', '--sdk', sdk];
      const child = spawn(process.execPath, args, { cwd: ROOT });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      try {
        const url = await new Promise<URL>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no address printed: ${stdout}`)), 20_000);
          child.stdout.on('data', () => {
            const match = /mcp-tx live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
            if (match) {
              clearTimeout(timer);
              resolve(new URL(match[1] as string));
            }
          });
        });
        expect((await fetch(url)).status).toBe(200);
        const served = Buffer.from(await (await fetch(new URL('/app.js', url))).arrayBuffer());
        expect(served.equals(readFileSync(join(ROOT, 'dist/ui', script)))).toBe(true);
        child.kill('SIGINT');
        expect(await exited(child)).toBe(0);
        expect(stdout).toMatch(/^ledger: 0 keys, 0 executions, 0 double executions$/m);
      } finally {
        child.kill('SIGKILL');
      }
    },
    60_000,
  );
});
