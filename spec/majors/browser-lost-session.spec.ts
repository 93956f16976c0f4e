import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { ROOT } from '../../bench/browser-bundle.js';
import { packageImportsFromSource } from '../../scripts/package-imports-plugin.js';
import { DEFAULT_BROWSER_CONCURRENCY, type TxClient, type httpTransport } from '../../src/index.js';
import { describeInChromium, launchChromium, type ChromiumSession } from '../helpers/chromium.js';
import { startSessionGateway, type SessionGateway } from '../helpers/session-gateway.js';
import { createToolServer, type ToolLog } from '../helpers/tool-server.js';
import { startTxHttpServer, type TxHttpServer } from '../helpers/tx-http-server.js';

// A TxClient in Chromium, written once for both SDK majors: the page bundles `mcp-tx` (SDK v1's
// client) or `mcp-tx/v2` (SDK v2's) from the sources, as an app would, and talks Streamable HTTP
// through a gateway that loses sessions to an SDK v1 server with sessions (the legacy protocol,
// which both majors' clients speak; the stateless protocol has no session to lose).

/** The page's script for `major`: mcp-tx from its sources, bundled as an app would, handed to the specs. */
const pageScript = (major: 'v1' | 'v2') => `
import { TxClient, httpTransport } from './src/${major === 'v1' ? '' : 'v2/'}index.js';
globalThis.mcpTx = { TxClient, httpTransport };
`;

/** What the page hands the specs. */
interface PageApi {
  TxClient: typeof TxClient;
  httpTransport: typeof httpTransport;
}

/** What a page's client saw, kept on `globalThis.seen` between two evaluations. */
interface Seen {
  statuses: string[];
  retries: string[];
  requests: { requestId: string; attempt: number; queuedMs: number }[];
}

async function bundlePage(major: 'v1' | 'v2'): Promise<string> {
  const { outputFiles } = await build({
    stdin: { contents: pageScript(major), resolveDir: ROOT, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [packageImportsFromSource()],
  });
  return outputFiles[0]?.text ?? '';
}

describeInChromium('TxClient in Chromium, behind a gateway that loses the session', () => {
  describe.each(['v1', 'v2'] as const)('on SDK %s', (major) => {
    let logs: ToolLog[];
    let upstream: TxHttpServer;
    let gateway: SessionGateway;
    let chromium: ChromiumSession;
    let page: Page;

    beforeAll(async () => {
      logs = [];
      upstream = await startTxHttpServer(
        'stateful',
        () => {
          const { server, log } = createToolServer();
          logs.push(log);
          return server;
        },
        {},
      );
      gateway = await startSessionGateway(upstream.url, [
        {
          path: '/',
          type: 'text/html',
          body: '<!doctype html><script type="module" src="/page.js"></script>',
        },
        { path: '/page.js', type: 'text/javascript', body: await bundlePage(major) },
        { path: '/favicon.ico', type: 'image/x-icon', body: '' },
      ]);
      chromium = await launchChromium();
      page = await chromium.open(new URL('/', gateway.url));
      await page.waitForFunction(() => 'mcpTx' in globalThis, undefined, { timeout: 30_000 });
      // one client for the page, as an app has: a factory, so that it can open a new session
      await page.evaluate(async () => {
        const { mcpTx } = globalThis as unknown as { mcpTx: PageApi };
        const seen: Seen = { statuses: [], retries: [], requests: [] };
        const client = await mcpTx.TxClient.connect(
          () =>
            mcpTx.httpTransport(
              new URL('/mcp', (globalThis as unknown as { location: { href: string } }).location.href),
            ),
          {
            reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
            retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
          },
        );
        client.status$.subscribe((s) => seen.statuses.push(s));
        client.events$.subscribe((e) => {
          if (e.type === 'retry') seen.retries.push((e.error as Error).message);
          if (e.type === 'request')
            seen.requests.push({ requestId: e.requestId, attempt: e.attempt, queuedMs: e.queuedMs });
        });
        Object.assign(globalThis, { client, seen });
      });
    }, 90_000);

    afterAll(async () => {
      await page?.evaluate(() =>
        (globalThis as unknown as { client: { close(): Promise<void> } }).client.close(),
      );
      await chromium?.close();
      await gateway?.close();
      await upstream?.close();
    });

    const seen = () => page.evaluate(() => (globalThis as unknown as { seen: Seen }).seen);
    const charge = (cents: number) =>
      page.evaluate(async (c) => {
        const { client } = globalThis as unknown as { client: TxClient };
        const { attempts, result } = await client.call('charge', { cents: c });
        return { attempts, content: result.content };
      }, cents);

    it('should re-initialize after a 502 for its session and run the call once on the new one', async () => {
      expect(await charge(1)).toEqual({ attempts: 1, content: [{ type: 'text', text: 'charged 1' }] });
      gateway.loseSessions(502);

      expect(await charge(2)).toEqual({ attempts: 2, content: [{ type: 'text', text: 'charged 2' }] });
      expect(logs.reduce((n, log) => n + (log.runs.charge ?? 0), 0)).toBe(2);
      const { statuses, retries } = await seen();
      expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
      expect(retries).toEqual([
        `charge: HTTP 502 from ${gateway.url.href}: 502 Bad Gateway 502 Bad Gateway nginx`,
      ]);
      expect(gateway.refused).toBeGreaterThanOrEqual(1);
      // SDK v2's client probes server/discover on each connection (the first and the new session's):
      // the SDK v1 server refuses it with a 400, and the client goes on with initialize
      const probes = major === 'v2' ? 2 : 0;
      expect(chromium.errors.filter((e) => !e.includes('502'))).toEqual(
        Array(probes).fill(
          'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
        ),
      );
    }, 60_000);

    it(`should run ${DEFAULT_BROWSER_CONCURRENCY} calls at once by default, and show the others' time in the queue`, async () => {
      const before = (await seen()).requests.length;
      await page.evaluate(async () => {
        const { client } = globalThis as unknown as { client: TxClient };
        await Promise.all(Array.from({ length: 8 }, () => client.call('slow', { ms: 300 })));
      });
      const requests = (await seen()).requests.slice(before);
      expect(requests).toHaveLength(8);
      expect(requests.every((r) => r.attempt === 0)).toBe(true);
      const queued = requests.map((r) => r.queuedMs);
      // four at once, four after the first ones' 300 ms
      expect(queued.slice(0, 4).every((ms) => ms < 100)).toBe(true);
      expect(queued.slice(4).every((ms) => ms >= 250)).toBe(true);
      expect(Math.max(...logs.map((log) => log.maxConcurrent))).toBe(DEFAULT_BROWSER_CONCURRENCY);
    }, 60_000);
  });
});
