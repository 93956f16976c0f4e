import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUi } from '../../scripts/build-ui.js';
import type { LedgerCheck } from '../../src/cli/demo/ui/ledger-endpoint.js';
import { serveDemoUi, type DemoUi } from '../../src/cli/demo/ui/serve.js';
import { isUsageError } from '../../src/cli/support/errors.js';
import { TxClient, httpTransport } from '../../src/index.js';

/** A raw HTTP exchange (fetch cannot set a foreign `Host` header). */
function exchange(
  url: URL,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'spec', version: '1' } },
});

describe('the live view server (serveDemoUi)', () => {
  let assets: string;
  let ui: DemoUi;

  beforeAll(async () => {
    assets = await mkdtemp(join(tmpdir(), 'mcp-tx-ui-'));
    await buildUi(assets);
    ui = await serveDemoUi({ assetsDir: assets });
  }, 60_000);
  afterAll(async () => {
    await ui?.close();
    await rm(assets, { recursive: true, force: true });
  });

  it('should serve the ledger server over Streamable HTTP, once per key, and its check at /ledger', async () => {
    const client = await TxClient.connect(() => httpTransport(new URL('/mcp', ui.url)), { dedupWindowMs: 0 });
    try {
      const transfer = { from: 'alice', to: 'bob', cents: 250, ref: 'node-1' };
      const first = await client.call('transfer', transfer, { idempotencyKey: 'node-1' });
      const replay = await client.call('transfer', transfer, { idempotencyKey: 'node-1' });
      expect([first.duplicate, replay.duplicate]).toEqual([false, true]);
    } finally {
      await client.close();
    }
    const { status, type, text } = await exchange(new URL('/ledger', ui.url), {});
    expect({ status, type }).toEqual({ status: 200, type: 'application/json' });
    expect(JSON.parse(text) as LedgerCheck).toMatchObject({
      executions: 1,
      keys: 1,
      doubleExecutions: 0,
      runs: { 'node-1': 1 },
      requests: 2,
      replays: 1,
    });
  });

  it('should serve the page and its script, and nothing else', async () => {
    const page = await exchange(ui.url, {});
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(page.text).toContain('<script type="module" src="/app.js"></script>');
    expect(await exchange(new URL('/app.js', ui.url), {})).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
    });
    expect((await exchange(new URL('/../package.json', ui.url), {})).status).toBe(404);
    expect((await exchange(new URL('/ledger', ui.url), { method: 'POST' })).status).toBe(405);
  });

  it('should refuse a foreign Host (DNS rebinding), bad JSON and an oversized body', async () => {
    const mcp = new URL('/mcp', ui.url);
    const foreign = await exchange(mcp, {
      method: 'POST',
      headers: { ...MCP_HEADERS, host: 'evil.example:80' },
      body: INITIALIZE,
    });
    expect(foreign.status).toBe(403);
    const bad = await exchange(mcp, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc":' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/Parse error/);
    const huge = await exchange(mcp, { method: 'POST', headers: MCP_HEADERS, body: 'x'.repeat(70_000) });
    expect(huge.status).toBe(400);
    expect(huge.text).toMatch(/body larger than 65536 bytes/);
  });

  it('should keep at most maxSessions sessions; a client of a closed one reconnects', async () => {
    const small = await serveDemoUi({ assetsDir: assets, maxSessions: 2 });
    const connect = () =>
      TxClient.connect(() => httpTransport(new URL('/mcp', small.url)), {
        reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
        retry: { maxAttempts: 5, baseDelayMs: 5 },
      });
    const clients = [await connect(), await connect(), await connect()];
    try {
      expect(small.endpoint.sessions).toBe(2);
      const transfer = { from: 'alice', to: 'bob', cents: 1, ref: 'evicted-1' };
      const result = await clients[0]!.call('transfer', transfer, { idempotencyKey: 'evicted-1' });
      expect(result.result.isError).toBeFalsy();
      expect(small.endpoint.sessions).toBe(2);
      expect(small.endpoint.ledger.runs.get('evicted-1')).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await small.close();
    }
  });

  it('should say when the port is taken', async () => {
    const error: unknown = await serveDemoUi({ assetsDir: assets, port: Number(ui.url.port) }).catch(
      (e: unknown) => e,
    );
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `port ${ui.url.port} of 127.0.0.1 is in use: pick another with --port`,
    );
  });

  it('should say how to build the page when it is missing', async () => {
    const error: unknown = await serveDemoUi({ assetsDir: join(assets, 'nowhere') }).catch((e: unknown) => e);
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/the live view is not built .* run `npm run build`/);
  });
});
