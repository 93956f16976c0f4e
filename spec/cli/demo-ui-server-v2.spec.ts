// `mcp-tx demo --ui --sdk v2`'s server: the page of mcp-tx/v2's client, and the ledger served by
// SDK v2's createMcpHandler behind txServerFactory, on the stateless 2026-07-28 protocol.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUi } from '../../scripts/build-ui.js';
import type { LedgerCheck } from '../../src/cli/demo/ui/ledger-endpoint.js';
import { serveDemoUi, type DemoUi } from '../../src/cli/demo/ui/serve.js';
import { TxClient, httpTransport } from '../../src/v2/index.js';

/** A raw POST to `url` with a `Host` of its own (fetch cannot set one). */
function postWithHost(url: URL, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      host,
    };
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} }));
  });
}

describe('the live view server on SDK v2 (serveDemoUi, sdk: v2)', () => {
  let assets: string;
  let ui: DemoUi;

  beforeAll(async () => {
    assets = await mkdtemp(join(tmpdir(), 'mcp-tx-ui-v2-'));
    await buildUi(assets);
    ui = await serveDemoUi({ assetsDir: assets, sdk: 'v2' });
  }, 120_000);
  afterAll(async () => {
    await ui?.close();
    await rm(assets, { recursive: true, force: true });
  });

  it('should serve the ledger on the stateless protocol, once per key, and its check at /ledger', async () => {
    const client = await TxClient.connect(() => httpTransport(new URL('/mcp', ui.url)), {
      dedupWindowMs: 0,
      reconnect: false,
    });
    try {
      expect(client.sdk.getProtocolEra()).toBe('modern');
      const transfer = { from: 'alice', to: 'bob', cents: 250, ref: 'v2-node-1' };
      const first = await client.call('transfer', transfer, { idempotencyKey: 'v2-node-1' });
      const replay = await client.call('transfer', transfer, { idempotencyKey: 'v2-node-1' });
      expect([first.duplicate, replay.duplicate]).toEqual([false, true]);
    } finally {
      await client.close();
    }
    const check = (await (await fetch(new URL('/ledger', ui.url))).json()) as LedgerCheck;
    expect(check).toMatchObject({
      executions: 1,
      keys: 1,
      doubleExecutions: 0,
      runs: { 'v2-node-1': 1 },
      requests: 2,
      replays: 1,
    });
  });

  it("should serve mcp-tx/v2's page script as /app.js", async () => {
    const served = Buffer.from(await (await fetch(new URL('/app.js', ui.url))).arrayBuffer());
    expect(served.equals(await readFile(join(assets, 'app-v2.js')))).toBe(true);
    expect(served.equals(await readFile(join(assets, 'app.js')))).toBe(false);
  });

  it('should refuse a foreign Host (DNS rebinding)', async () => {
    expect(await postWithHost(new URL('/mcp', ui.url), 'evil.example:80')).toBe(403);
  });
});
