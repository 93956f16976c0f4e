import { bundleForBrowser, type BrowserBundle } from './browser-bundle.js';

/**
 * The budget of DESIGN section 7: a page with `TxClient` may load at most 25 KiB more JavaScript,
 * minified and gzipped, than the same page with the bare SDK client.
 */
export const BUNDLE_BUDGET_BYTES = 25 * 1024;

const TRANSPORT =
  "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';";
const URL_OF_SERVER = "new URL('/mcp', location.href)";

const TRANSPORT_V2 = "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';";

/**
 * Pages that connect to an MCP server over Streamable HTTP: one through mcp-tx, one bare; the
 * `V2` pair the same on SDK v2 (`mcp-tx/v2`, `@modelcontextprotocol/client`).
 */
export const PAGES = {
  txClient: [
    "import { TxClient } from './src/index.js';",
    TRANSPORT,
    `export const client = await TxClient.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
  ].join('\n'),
  sdkClient: [
    "import { Client } from '@modelcontextprotocol/sdk/client/index.js';",
    TRANSPORT,
    "export const client = new Client({ name: 'page', version: '1.0.0' });",
    `await client.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
  ].join('\n'),
  txClientV2: [
    "import { TxClient } from './src/v2/index.js';",
    TRANSPORT_V2,
    `export const client = await TxClient.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
  ].join('\n'),
  sdkClientV2: [
    "import { Client } from '@modelcontextprotocol/client';",
    TRANSPORT_V2,
    "export const client = new Client({ name: 'page', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });",
    `await client.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
  ].join('\n'),
};

/** The SDK v2 pair of {@link PAGES}, weighed alike (no budget of its own yet). */
export interface V2BundleReport {
  txClient: BrowserBundle;
  sdkClient: BrowserBundle;
  /** Gzipped bytes the `mcp-tx/v2` page loads up front beyond the bare SDK v2 page. */
  deltaGzipBytes: number;
  /** What the delta is made of, largest first (minified bytes). */
  delta: DeltaPart[];
}

/** One package's (or mcp-tx's own sources') minified bytes in the `TxClient` page beyond the SDK page. */
export interface DeltaPart {
  /** A package name, or `mcp-tx` for this repository's sources. */
  source: string;
  /** Minified bytes it adds (before gzip). */
  bytes: number;
}

/** Both pages weighed, and how they compare. */
export interface BundleReport {
  txClient: BrowserBundle;
  sdkClient: BrowserBundle;
  /** Gzipped bytes the `TxClient` page loads up front beyond the SDK page. */
  deltaGzipBytes: number;
  /** {@link BUNDLE_BUDGET_BYTES}. */
  budgetGzipBytes: number;
  /** The `TxClient` page bundled with its on-demand modules inlined (a bundler without code splitting), gzipped. */
  txClientInlinedGzipBytes: number;
  /** What the delta is made of, largest first (minified bytes). */
  delta: DeltaPart[];
  /** The same on SDK v2. */
  v2: V2BundleReport;
}

/** Minified bytes per package (or `mcp-tx`) in a bundle. */
function bytesBySource(bundle: BrowserBundle): Map<string, number> {
  const bySource = new Map<string, number>();
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? 'mcp-tx';
      bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
    }
  }
  return bySource;
}

/**
 * Bundles and weighs {@link PAGES} (esbuild, browser, minified, gzip level 9). Deterministic: the
 * same sources and lockfile give the same bytes.
 *
 * @example
 * const { deltaGzipBytes, budgetGzipBytes } = await measureBundles();
 */
export async function measureBundles(): Promise<BundleReport> {
  const txClient = await bundleForBrowser(PAGES.txClient);
  const sdkClient = await bundleForBrowser(PAGES.sdkClient);
  const inlined = [
    PAGES.txClient,
    ...txClient.lazy.map(
      ({ module }, i) => `export * as lazy${i} from './${module.replace(/\.ts$/, '.js')}';`,
    ),
  ];
  const { gzipBytes: txClientInlinedGzipBytes } = await bundleForBrowser(inlined.join('\n'));
  const v2Tx = await bundleForBrowser(PAGES.txClientV2);
  const v2Sdk = await bundleForBrowser(PAGES.sdkClientV2);
  const v2: V2BundleReport = {
    txClient: v2Tx,
    sdkClient: v2Sdk,
    deltaGzipBytes: v2Tx.gzipBytes - v2Sdk.gzipBytes,
    delta: deltaOf(v2Tx, v2Sdk),
  };
  return {
    v2,
    txClient,
    sdkClient,
    deltaGzipBytes: txClient.gzipBytes - sdkClient.gzipBytes,
    budgetGzipBytes: BUNDLE_BUDGET_BYTES,
    txClientInlinedGzipBytes,
    delta: deltaOf(txClient, sdkClient),
  };
}

/** What `tx` has beyond `sdk`, per package (or `mcp-tx`), largest first (minified bytes). */
function deltaOf(tx: BrowserBundle, sdk: BrowserBundle): DeltaPart[] {
  const mine = bytesBySource(tx);
  const theirs = bytesBySource(sdk);
  return [...mine]
    .map(([source, bytes]) => ({ source, bytes: bytes - (theirs.get(source) ?? 0) }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** `bytes` in KiB, one decimal. */
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
