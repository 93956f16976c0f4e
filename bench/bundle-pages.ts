import { bundleForBrowser, type BrowserBundle } from './browser-bundle.js';

/**
 * The budget of DESIGN section 7: a page with `TxClient` may load at most 25 KiB more JavaScript,
 * minified and gzipped, than the same page with the bare SDK client.
 */
export const BUNDLE_BUDGET_BYTES = 25 * 1024;

const TRANSPORT =
  "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';";
const URL_OF_SERVER = "new URL('/mcp', location.href)";

/** Two pages that connect to an MCP server over Streamable HTTP: one through mcp-tx, one bare. */
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
};

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
  const tx = bytesBySource(txClient);
  const sdk = bytesBySource(sdkClient);
  const delta = [...tx]
    .map(([source, bytes]) => ({ source, bytes: bytes - (sdk.get(source) ?? 0) }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    txClient,
    sdkClient,
    deltaGzipBytes: txClient.gzipBytes - sdkClient.gzipBytes,
    budgetGzipBytes: BUNDLE_BUDGET_BYTES,
    txClientInlinedGzipBytes,
    delta,
  };
}

/** `bytes` in KiB, one decimal. */
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
