/**
 * `npm run bench:bundle`: the browser bundle budget. Bundles a page with `TxClient` and the SDK's
 * Streamable HTTP transport, and the same page with the bare SDK `Client`, with esbuild
 * (browser, minified) and weighs them gzipped; writes bench/results/bundle.{json,md}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { measureBundles, kib, type BundleReport } from './bundle-pages.js';

/** When a page loads each module it imports on demand. */
const WHEN: Record<string, string> = {
  'src/client/call/task-run.ts': 'a call runs as an MCP task',
  'src/client/pool/warmup.ts': '`client.warmup()`',
  'src/client/resilience/call-extras.ts':
    'a call with an idempotency key, a cache, a breaker or a retry budget',
  'src/protocol/compressed-messages.ts': '`compression` option on',
};

function toMarkdown(report: BundleReport): string {
  const { txClient, sdkClient, deltaGzipBytes, budgetGzipBytes, txClientInlinedGzipBytes, delta } = report;
  const verdict = deltaGzipBytes <= budgetGzipBytes ? 'PASS' : 'MISS';
  const lines = [
    '# Browser bundle',
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
    `Budget (DESIGN section 7): at most ${kib(budgetGzipBytes)} gzipped over the bare SDK client: ${verdict}.`,
    '',
    '## Loaded on demand',
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
    '## What the difference is made of (minified, before gzip)',
    '',
    '| source | minified |',
    '|---|---:|',
    ...delta.filter(({ bytes }) => bytes >= 100).map(({ source, bytes }) => `| ${source} | ${kib(bytes)} |`),
    '',
  ];
  return lines.join('\n');
}

const report = await measureBundles();
const { txClient, sdkClient } = report;
const json = {
  date: new Date().toISOString().slice(0, 10),
  budgetGzipBytes: report.budgetGzipBytes,
  deltaGzipBytes: report.deltaGzipBytes,
  txClient: { bytes: txClient.bytes, gzipBytes: txClient.gzipBytes, lazy: txClient.lazy },
  sdkClient: { bytes: sdkClient.bytes, gzipBytes: sdkClient.gzipBytes },
  txClientInlinedGzipBytes: report.txClientInlinedGzipBytes,
  delta: report.delta,
};
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
const markdown = toMarkdown(report);
await writeFile(new URL('bundle.md', dir), markdown);
await writeFile(new URL('bundle.json', dir), `${JSON.stringify(json, null, 2)}\n`);
process.stdout.write(markdown);
