import type { BrowserBundle } from '../../bench/browser-bundle.js';
import { BUNDLE_BUDGET_BYTES, measureBundles, type BundleReport } from '../../bench/bundle-pages.js';

// esbuild bundles seven pages here: seconds on a loaded machine
const TIMEOUT_MS = 120_000;

/** The files that put bytes into a bundle (its metafile also lists the ones tree-shaken away). */
function bundled(bundle: BrowserBundle): string[] {
  return Object.values(bundle.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([file]) => file),
  );
}

describe('the browser bundle budget', () => {
  let report: BundleReport;
  beforeAll(async () => {
    report = await measureBundles();
  }, TIMEOUT_MS);

  // The budget itself is on what Chromium fetches for a page that makes a keyed call
  // (fetched-budget.spec.ts); this page only connects, bundled without splitting.
  it('should load less up front than the fetched budget allows for the whole keyed-call page', () => {
    expect(report.deltaGzipBytes).toBeGreaterThan(0);
    expect(report.deltaGzipBytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
  });

  it('should leave gzip out of a page whose compression is off, and load it on demand', () => {
    const tx = bundled(report.txClient);
    expect(tx.length).toBeGreaterThan(100);
    expect(tx.filter((file) => /fflate|hdr-histogram|pako/.test(file))).toEqual([]);
    expect(report.txClient.lazy.map((chunk) => chunk.module)).toEqual([
      'src/client/call/task-run.ts',
      'src/client/pool/warmup.ts',
      'src/client/resilience/call-extras.ts',
      'src/protocol/compressed-messages.ts',
    ]);
    const codec = report.txClient.lazy.find((chunk) => chunk.module.includes('compressed'));
    expect(codec?.gzipBytes).toBeGreaterThan(3_000); // fflate is in the chunk
  });

  it('should leave OpenTelemetry out of a page that does not use it', () => {
    expect(bundled(report.txClient).filter((file) => /opentelemetry|src\/telemetry\//.test(file))).toEqual(
      [],
    );
  });

  it('should take no part of zod that the SDK does not load already', () => {
    const sdk = new Set(bundled(report.sdkClient));
    expect(bundled(report.txClient).filter((file) => file.includes('/zod/') && !sdk.has(file))).toEqual([]);
  });

  it('should bundle without a warning and without a Node-only import', () => {
    expect(report.txClient.warnings).toEqual([]);
    expect(report.txClient.nodeImports).toEqual([]);
    expect(report.sdkClient.nodeImports).toEqual([]);
  });

  describe('the SDK v2 page (mcp-tx/v2, no budget of its own yet)', () => {
    it('should bundle without a warning and without a Node-only import', () => {
      expect(report.v2.txClient.warnings).toEqual([]);
      expect(report.v2.txClient.nodeImports).toEqual([]);
      expect(report.v2.sdkClient.nodeImports).toEqual([]);
    });

    it("should take no zod locale (zod's `z`) and leave gzip and OpenTelemetry out", () => {
      const tx = bundled(report.v2.txClient);
      expect(tx.filter((file) => /zod\/v4\/locales\/(?!en\.js)/.test(file))).toEqual([]);
      expect(tx.filter((file) => /fflate|opentelemetry|src\/telemetry\//.test(file))).toEqual([]);
    });
  });

  it(
    'should weigh the same on every run (deterministic)',
    async () => {
      const again = await measureBundles();
      expect(again.deltaGzipBytes).toBe(report.deltaGzipBytes);
      expect(again.v2.deltaGzipBytes).toBe(report.v2.deltaGzipBytes);
    },
    TIMEOUT_MS,
  );
});
