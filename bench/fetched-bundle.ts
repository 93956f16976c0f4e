/**
 * The browser bundle as a browser loads it: each page of bench/fetched-pages.ts (SDK v1's pair and
 * SDK v2's) built as an app
 * bundler builds it (esbuild with code splitting, and Vite), served next to a real MCP server
 * behind `withTxServer`, loaded in headless Chromium; the JavaScript files Chromium fetched until
 * the page's call came back are weighed gzipped (level 9), each file once.
 *
 * Run on its own (`node --import tsx bench/fetched-bundle.ts`) it prints the {@link FetchedReport}
 * as JSON (what spec/bundle/fetched-budget.spec.ts reads, in a process of its own).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer as McpServerV2 } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';
import { browserSourceOf, packageImportsFromSource } from '../scripts/package-imports-plugin.js';
import { withTxServer } from '../src/server/index.js';
import { txServerFactory } from '../src/v2/server/index.js';
import { ROOT } from './browser-bundle.js';
import { fetchedPages, html } from './fetched-pages.js';

/** The budget of DESIGN section 7, on what Chromium fetches: 25 KiB gzipped over the bare SDK page. */
export const FETCHED_BUDGET_BYTES = 25 * 1024;

/** The bundlers a page is built with, as an app would build it. */
export const BUNDLERS = ['esbuild', 'vite'] as const;
/** One of {@link BUNDLERS}. */
export type Bundler = (typeof BUNDLERS)[number];

/** One JavaScript file Chromium fetched. */
export interface FetchedFile {
  /** Its path under the page's origin (`/assets/index-abc.js`). */
  path: string;
  /** Bytes on disk (minified). */
  bytes: number;
  /** The same, gzipped (level 9). */
  gzipBytes: number;
}

/** What one page made Chromium fetch. */
export interface FetchedPage {
  files: FetchedFile[];
  /** Sum of the files' bytes. */
  bytes: number;
  /** Sum of the files' gzipped bytes. */
  gzipBytes: number;
  /** What the page reported in its title (`done {...}`), to prove it connected and called. */
  outcome: string;
}

/** Both pages of one bundler, and how they compare. */
export interface FetchedComparison {
  bundler: Bundler;
  txClient: FetchedPage;
  sdkClient: FetchedPage;
  /** Gzipped JavaScript the `TxClient` page fetched beyond the SDK page. */
  deltaGzipBytes: number;
}

/** Every bundler's comparison. */
export interface FetchedReport {
  budgetGzipBytes: number;
  comparisons: FetchedComparison[];
  /**
   * The same on SDK v2: `mcp-tx/v2`'s page against a bare `@modelcontextprotocol/client` page,
   * served by `createMcpHandler` behind `txServerFactory` (the stateless protocol). No budget of
   * its own yet: reported beside v1's.
   */
  v2Comparisons: FetchedComparison[];
}

/** Where the pages are built: under node_modules, so that bare imports resolve from the repository. */
const WORK = join(ROOT, 'node_modules', '.cache', 'mcp-tx-fetched-bundle');

type PageName = keyof ReturnType<typeof fetchedPages>;

/** Writes the page's sources into `dir` and builds them into `dir/out`; returns the HTML file's directory. */
async function buildPage(bundler: Bundler, name: PageName, dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const source = fetchedPages(join(ROOT, 'src'))[name];
  await writeFile(join(dir, 'page.ts'), source);
  const out = join(dir, 'out');
  if (bundler === 'esbuild') {
    await esbuild({
      entryPoints: [join(dir, 'page.ts')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outdir: out,
      logLevel: 'silent',
      plugins: [packageImportsFromSource()],
    });
    await writeFile(join(out, 'index.html'), html('./page.js'));
    return out;
  }
  await writeFile(join(dir, 'index.html'), html('./page.ts'));
  const { build } = await import('vite');
  await build({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
    plugins: [
      {
        name: 'package-imports-from-source',
        resolveId: (specifier: string) =>
          specifier.startsWith('#') ? browserSourceOf(specifier) : undefined,
      },
    ],
  });
  return out;
}

/** The echo server of the SDK v2 pages: a fresh `McpServer` per request, as `createMcpHandler` wants. */
function echoServerV2(): McpServerV2 {
  const server = new McpServerV2({ name: 'fetched-bundle-v2', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: z.object({ v: z.number() }) }, ({ v }) => ({
    content: [{ type: 'text', text: String(v) }],
  }));
  return server;
}

/**
 * Serves `dir` and, at /mcp, one `McpServer` (an `echo` tool) per session behind `withTxServer`;
 * with `v2`, SDK v2's `createMcpHandler` behind `txServerFactory` instead.
 */
async function servePage(dir: string, v2 = false): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const handler = v2 ? createMcpHandler(txServerFactory(echoServerV2)) : undefined;
  const serveV2 = handler && toNodeHandler(handler);
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    if (url.pathname === '/mcp' && serveV2) return void serveV2(req as Parameters<typeof serveV2>[0], res);
    if (url.pathname === '/mcp') {
      const id = req.headers['mcp-session-id'];
      const existing = typeof id === 'string' ? sessions.get(id) : undefined;
      if (existing) return void existing.handleRequest(req, res);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, transport),
      });
      const server = new McpServer({ name: 'fetched-bundle', version: '1.0.0' });
      server.registerTool('echo', { inputSchema: { v: z.number() } }, ({ v }) => ({
        content: [{ type: 'text', text: String(v) }],
      }));
      const served = withTxServer(transport);
      return void server.connect(served).then(() => served.handleRequest(req, res));
    }
    const file = normalize(join(dir, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => {
        const type = extname(file) === '.html' ? 'text/html' : 'text/javascript';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      },
      () => void res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      await handler?.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Loads the built page in Chromium until it reports, and weighs each JavaScript file it fetched. */
async function loadPage(dir: string, browser: Browser, v2 = false): Promise<FetchedPage> {
  const served = await servePage(dir, v2);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fetched = new Set<string>();
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.endsWith('.js') && response.ok()) fetched.add(pathname);
    });
    await page.goto(served.url);
    await page.waitForFunction('/^(done|error) /.test(document.title)', undefined, { timeout: 60_000 });
    const outcome = await page.title();
    if (!outcome.startsWith('done ')) throw new Error(`the page failed: ${outcome}`);
    const files: FetchedFile[] = [];
    for (const path of [...fetched].sort()) {
      const code = await readFile(join(dir, path));
      files.push({ path, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength });
    }
    const sum = (key: 'bytes' | 'gzipBytes') => files.reduce((total, file) => total + file[key], 0);
    return { files, bytes: sum('bytes'), gzipBytes: sum('gzipBytes'), outcome };
  } finally {
    await context.close();
    await served.close();
  }
}

/**
 * Builds both pages with every bundler, loads each in headless Chromium and weighs what it fetched.
 * Deterministic: the same sources and lockfile give the same bytes.
 *
 * @example
 * const { comparisons } = await measureFetched();
 * for (const { bundler, deltaGzipBytes } of comparisons) console.log(bundler, deltaGzipBytes);
 */
export async function measureFetched(bundlers: readonly Bundler[] = BUNDLERS): Promise<FetchedReport> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const compare = async (bundler: Bundler, tx: PageName, sdk: PageName): Promise<FetchedComparison> => {
      const v2 = tx.endsWith('V2');
      const txClient = await loadPage(
        await buildPage(bundler, tx, join(WORK, `${bundler}-${tx}`)),
        browser,
        v2,
      );
      const sdkClient = await loadPage(
        await buildPage(bundler, sdk, join(WORK, `${bundler}-${sdk}`)),
        browser,
        v2,
      );
      return { bundler, txClient, sdkClient, deltaGzipBytes: txClient.gzipBytes - sdkClient.gzipBytes };
    };
    const comparisons: FetchedComparison[] = [];
    const v2Comparisons: FetchedComparison[] = [];
    for (const bundler of bundlers) {
      comparisons.push(await compare(bundler, 'txClient', 'sdkClient'));
      v2Comparisons.push(await compare(bundler, 'txClientV2', 'sdkClientV2'));
    }
    return { budgetGzipBytes: FETCHED_BUDGET_BYTES, comparisons, v2Comparisons };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await measureFetched(), null, 2)}\n`);
}
