import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProxyKeyScope, runProxy, type ProxyKeyScope } from '../../src/cli/proxy/index.js';
import { httpTransport, isNackError, TxClient, type TxResult } from '../../src/index.js';
import { MemoryIdempotencyStore } from '../../src/server/index.js';
import { FIXTURE_COMMAND } from './cli-helpers.js';

/** The CLI from the sources (no dist/ needed). */
const CLI = [
  process.execPath,
  '--import',
  'tsx',
  fileURLToPath(new URL('../helpers/mcp-tx-source.ts', import.meta.url)),
];

const text = (r: TxResult) => (r.result.content[0] as { text: string }).text;

/** `mcp-tx proxy --http` in this process, its children logging their executions of `record` to one file. */
async function startProxy(keyScope: ProxyKeyScope | undefined) {
  const log = join(mkdtempSync(join(tmpdir(), 'mcp-tx-key-scope-')), 'ledger.log');
  const stop = new AbortController();
  let listening!: (url: URL) => void;
  const url = new Promise<URL>((resolve) => (listening = resolve));
  const running = runProxy({
    child: { command: FIXTURE_COMMAND[0] as string, args: [...FIXTURE_COMMAND.slice(1), '--log', log] },
    httpPort: 0,
    store: new MemoryIdempotencyStore(),
    log: () => undefined,
    onListening: (endpoint) => listening(endpoint.url),
    signal: stop.signal,
    ...(keyScope === undefined ? {} : { keyScope }),
  });
  const clients: TxClient[] = [];
  const endpoint = await url;
  return {
    /** A client whose requests carry `headers`. */
    client: async (headers: Record<string, string> = {}) => {
      const c = await TxClient.connect(() => httpTransport(endpoint, { requestInit: { headers } }), {
        timeoutMs: 10_000,
        reconnect: false,
      });
      clients.push(c);
      return c;
    },
    /** Executions of `record` with `ref`, as the children logged them. */
    runs: (ref: string) =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith(`${ref} `)).length
        : 0,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      stop.abort();
      await running;
    },
  };
}

describe('mcp-tx proxy --key-scope', () => {
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('none (the default): one key space, every client replays a key another client used', async () => {
    proxy = await startProxy(undefined);
    const [a, b] = [await proxy.client(), await proxy.client()];
    await a.call('record', { ref: 'n1' }, { idempotencyKey: 'k-none' });
    const other = await b.call('record', { ref: 'n1' }, { idempotencyKey: 'k-none' });
    expect(other.duplicate).toBe(true);
    expect(proxy.runs('n1')).toBe(1);
  }, 30_000);

  it("header:<name>: the gateway's caller id scopes keys; a request without it is refused", async () => {
    proxy = await startProxy({ header: 'x-user-id' });
    const alice = await proxy.client({ 'x-user-id': 'alice' });
    const bob = await proxy.client({ 'x-user-id': 'bob' });
    const aliceAgain = await proxy.client({ 'x-user-id': 'alice' });
    const first = await alice.call('record', { ref: 'h1' }, { idempotencyKey: 'k-h' });
    const bobs = await bob.call('record', { ref: 'h1' }, { idempotencyKey: 'k-h' });
    const bobOther = await bob.call('record', { ref: 'h2' }, { idempotencyKey: 'k-h2' });
    const retry = await aliceAgain.call('record', { ref: 'h1' }, { idempotencyKey: 'k-h' });
    expect([first.duplicate, bobs.duplicate, bobOther.duplicate, retry.duplicate]).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(text(retry)).toBe(text(first));
    expect(proxy.runs('h1')).toBe(2);
    const anonymous = await proxy.client();
    const refused = await anonymous
      .call('record', { ref: 'h3' }, { idempotencyKey: 'k-h' })
      .catch((e: unknown) => e);
    expect(isNackError(refused) && refused.reason).toBe('invalid_request');
    expect(proxy.runs('h3')).toBe(0);
  }, 30_000);

  it('session: each connection keys of its own', async () => {
    proxy = await startProxy('session');
    const [a, b] = [await proxy.client(), await proxy.client()];
    await a.call('record', { ref: 's1' }, { idempotencyKey: 'k-s' });
    expect((await a.call('record', { ref: 's1' }, { idempotencyKey: 'k-s' })).duplicate).toBe(true);
    expect((await b.call('record', { ref: 's1' }, { idempotencyKey: 'k-s' })).duplicate).toBe(false);
    expect(proxy.runs('s1')).toBe(2);
  }, 30_000);

  it('should refuse header:<name> without an HTTP port', async () => {
    await expect(
      runProxy({ child: { command: 'true', args: [] }, keyScope: { header: 'x-user-id' } }),
    ).rejects.toThrow(/needs httpPort/);
  });

  it.each([
    ['none', 'none'],
    ['session', 'session'],
    ['header:X-User-Id', { header: 'x-user-id' }],
    ['header:', undefined],
    ['header:x user', undefined],
    ['auth', undefined],
    ['tenant', undefined],
  ])('should parse %p', (flag, scope) => {
    expect(parseProxyKeyScope(flag)).toEqual(scope);
  });

  it.each([
    [['--key-scope', 'tenant'], /--key-scope.*expected none, session or header:<name>/],
    [['--key-scope', 'header:x-user-id'], /--key-scope header:<name> needs --http/],
  ])(
    'should refuse %p on the command line with exit code 2',
    async (flags, message) => {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(CLI[0] as string, [...CLI.slice(1), 'proxy', ...flags, '--', 'true'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.once('close', (exit) => resolve({ code: exit, stderr: err })); // its pipes closed too
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    },
    30_000,
  );
});
