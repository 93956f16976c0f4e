/**
 * `npm run bench:bundle`: the browser bundle budget. Builds a page that connects with `TxClient`,
 * subscribes to `events$` and makes a keyed call, and the same page with the bare SDK `Client`, as
 * an app bundler does (esbuild with code splitting, and Vite), loads each in headless Chromium and
 * weighs the JavaScript it fetched, gzipped (the budget); then the up-front-only figure (esbuild,
 * no splitting, dynamic imports left out) and what it is made of; the same pair on SDK v2
 * (`mcp-tx/v2` against a bare `@modelcontextprotocol/client` page, reported, no budget yet). Writes
 * bench/results/bundle.{json,md}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { measureBundles, kib, type BundleReport } from './bundle-pages.js';
import { measureFetched, type FetchedReport } from './fetched-bundle.js';

/** When a page loads each module it imports on demand. */
const WHEN: Record<string, string> = {
  'src/client/call/task-run.ts': 'a call runs as an MCP task',
  'src/client/pool/warmup.ts': '`client.warmup()`',
  'src/client/resilience/call-extras.ts': 'a call with a cache or a breaker, a client with a retry budget',
  'src/protocol/compressed-messages.ts': '`compression` option on',
};

/** The SDK v2 pages beside v1's: what Chromium fetched, and up front (no budget of their own yet). */
function v2Markdown({ v2Comparisons }: FetchedReport, { v2 }: BundleReport): string[] {
  return [
    '## SDK v2 (`mcp-tx/v2`), no budget yet',
    '',
    "The same keyed-call page on SDK v2: `mcp-tx/v2`'s `TxClient` against a bare `@modelcontextprotocol/client`",
    "page (`versionNegotiation: { mode: 'auto' }`, as `mcp-tx/v2` defaults to), both over v2's",
    '`StreamableHTTPClientTransport` to `createMcpHandler` behind `txServerFactory` (the stateless protocol).',
    '',
    '| bundler | SDK v2 page: files, gzip | `mcp-tx/v2` page: files, gzip | difference |',
    '|---|---:|---:|---:|',
    ...v2Comparisons.map(
      ({ bundler, sdkClient, txClient, deltaGzipBytes }) =>
        `| ${bundler} | ${sdkClient.files.length}, ${kib(sdkClient.gzipBytes)} | ${txClient.files.length}, ${kib(txClient.gzipBytes)} | **${kib(deltaGzipBytes)}** (${deltaGzipBytes.toLocaleString('en')} B) |`,
    ),
    '',
    `Up front only (esbuild, no splitting): SDK v2 page ${kib(v2.sdkClient.gzipBytes)}, \`mcp-tx/v2\` page ${kib(v2.txClient.gzipBytes)}, difference **${kib(v2.deltaGzipBytes)}**; made of (minified, before gzip):`,
    '',
    '| source | minified |',
    '|---|---:|',
    ...v2.delta
      .filter(({ bytes }) => bytes >= 100)
      .map(({ source, bytes }) => `| ${source} | ${kib(bytes)} |`),
    '',
  ];
}

function fetchedMarkdown({ budgetGzipBytes, comparisons }: FetchedReport): string[] {
  return [
    '# Browser bundle',
    '',
    '## What Chromium fetches (the budget)',
    '',
    "A page that connects with `TxClient` over the SDK's `StreamableHTTPClientTransport` to a local MCP server",
    'behind `withTxServer`, subscribes to `events$` and makes a keyed call; and the same page with the bare SDK',
    '`Client` (connects, calls). Each is built as an app bundler builds it (esbuild with `splitting: true,',
    "format: 'esm'`, minified; Vite's production build) and loaded in headless Chromium; every JavaScript file",
    'it fetched until the call came back is weighed gzipped (level 9), each file on its own as a server sends it.',
    '',
    '| bundler | SDK page: files, gzip | `TxClient` page: files, gzip | difference | budget |',
    '|---|---:|---:|---:|---|',
    ...comparisons.map(
      ({ bundler, sdkClient, txClient, deltaGzipBytes }) =>
        `| ${bundler} | ${sdkClient.files.length}, ${kib(sdkClient.gzipBytes)} | ${txClient.files.length}, ${kib(txClient.gzipBytes)} | **${kib(deltaGzipBytes)}** (${deltaGzipBytes.toLocaleString('en')} B) | ${deltaGzipBytes <= budgetGzipBytes ? 'PASS' : 'MISS'} (≤ ${kib(budgetGzipBytes)}) |`,
    ),
    '',
    ...comparisons.flatMap(({ bundler, txClient }) => [
      `Files the \`TxClient\` page fetched, ${bundler}:`,
      '',
      '| file | minified | gzip |',
      '|---|---:|---:|',
      ...txClient.files.map(
        ({ path, bytes, gzipBytes }) => `| \`${path}\` | ${kib(bytes)} | ${kib(gzipBytes)} |`,
      ),
      '',
    ]),
  ];
}

function toMarkdown(report: BundleReport, fetched: FetchedReport): string {
  const { txClient, sdkClient, deltaGzipBytes, txClientInlinedGzipBytes, delta } = report;
  const lines = [
    ...fetchedMarkdown(fetched),
    '## Up front only (esbuild, no splitting)',
    '',
    "Two pages that connect to an MCP server over the SDK's `StreamableHTTPClientTransport`, bundled with esbuild",
    '(`platform: browser`, ESM, minified) and gzipped (level 9). Modules a page imports dynamically are left out',
    'of what it loads up front (an app bundler makes them chunks of their own) and listed below.',
    '',
    '| page | minified | gzip |',
    '|---|---:|---:|',
    `| SDK \`Client\` + transport | ${kib(sdkClient.bytes)} | ${kib(sdkClient.gzipBytes)} |`,
    `| \`TxClient\` + transport | ${kib(txClient.bytes)} | ${kib(txClient.gzipBytes)} |`,
    `| difference | ${kib(txClient.bytes - sdkClient.bytes)} | **${kib(deltaGzipBytes)}** |`,
    '',
    'This figure leaves out what the page loads on demand; the budget is on what Chromium fetches (above).',
    '',
    '### Loaded on demand',
    '',
    '| module | when | minified | gzip |',
    '|---|---|---:|---:|',
    ...txClient.lazy.map(
      ({ module, bytes, gzipBytes }) =>
        `| \`${module}\` | ${WHEN[module] ?? ''} | ${kib(bytes)} | ${kib(gzipBytes)} |`,
    ),
    '',
    `Bundled without code splitting (everything inlined), the \`TxClient\` page is ${kib(txClientInlinedGzipBytes)} gzipped,`,
    `${kib(txClientInlinedGzipBytes - sdkClient.gzipBytes)} over the SDK page.`,
    '',
    '### What the difference is made of (minified, before gzip)',
    '',
    '| source | minified |',
    '|---|---:|',
    ...delta.filter(({ bytes }) => bytes >= 100).map(({ source, bytes }) => `| ${source} | ${kib(bytes)} |`),
    '',
    ...v2Markdown(fetched, report),
  ];
  return lines.join('\n');
}

const fetched = await measureFetched();
const report = await measureBundles();
const { txClient, sdkClient } = report;
const json = {
  date: new Date().toISOString().slice(0, 10),
  budgetGzipBytes: fetched.budgetGzipBytes,
  fetched: fetched.comparisons.map(({ bundler, deltaGzipBytes, txClient: tx, sdkClient: sdk }) => ({
    bundler,
    deltaGzipBytes,
    txClient: { gzipBytes: tx.gzipBytes, files: tx.files },
    sdkClient: { gzipBytes: sdk.gzipBytes, files: sdk.files },
  })),
  upFrontDeltaGzipBytes: report.deltaGzipBytes,
  txClient: { bytes: txClient.bytes, gzipBytes: txClient.gzipBytes, lazy: txClient.lazy },
  sdkClient: { bytes: sdkClient.bytes, gzipBytes: sdkClient.gzipBytes },
  txClientInlinedGzipBytes: report.txClientInlinedGzipBytes,
  delta: report.delta,
  v2: {
    fetched: fetched.v2Comparisons.map(({ bundler, deltaGzipBytes, txClient: tx, sdkClient: sdk }) => ({
      bundler,
      deltaGzipBytes,
      txClient: { gzipBytes: tx.gzipBytes, files: tx.files },
      sdkClient: { gzipBytes: sdk.gzipBytes, files: sdk.files },
    })),
    upFrontDeltaGzipBytes: report.v2.deltaGzipBytes,
    txClient: { bytes: report.v2.txClient.bytes, gzipBytes: report.v2.txClient.gzipBytes },
    sdkClient: { bytes: report.v2.sdkClient.bytes, gzipBytes: report.v2.sdkClient.gzipBytes },
    delta: report.v2.delta,
  },
};
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
const markdown = toMarkdown(report, fetched);
await writeFile(new URL('bundle.md', dir), markdown);
await writeFile(new URL('bundle.json', dir), `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(markdown);
