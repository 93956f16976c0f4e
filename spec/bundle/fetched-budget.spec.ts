import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../../bench/browser-bundle.js';
import { FETCHED_BUDGET_BYTES, type FetchedReport } from '../../bench/fetched-bundle.js';
import { describeInChromium } from '../helpers/chromium.js';

// Two bundlers build four pages each (SDK v1's pair, SDK v2's), Chromium loads the eight: seconds, more on a loaded machine
const TIMEOUT_MS = 180_000;

/** bench/fetched-bundle.ts in a process of its own (Vite and Chromium stay out of Jest's module registry). */
async function measure(): Promise<FetchedReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/fetched-bundle.ts'],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  return JSON.parse(stdout) as FetchedReport;
}

describeInChromium('the browser bundle as Chromium fetches it', () => {
  let report: FetchedReport;
  beforeAll(async () => {
    report = await measure();
  }, TIMEOUT_MS);

  it('should build and load both pages with esbuild (code splitting) and with Vite, each call answered', () => {
    expect(report.comparisons.map(({ bundler }) => bundler)).toEqual(['esbuild', 'vite']);
    for (const { txClient, sdkClient } of report.comparisons) {
      expect(JSON.parse(txClient.outcome.slice('done '.length))).toEqual({
        text: '1',
        events: expect.arrayContaining(['request', 'response']),
      });
      expect(sdkClient.outcome).toBe('done {"text":"1","events":[]}');
    }
  });

  it('should build and load the SDK v2 pages too (mcp-tx/v2 and the bare v2 client), each call answered', () => {
    expect(report.v2Comparisons.map(({ bundler }) => bundler)).toEqual(['esbuild', 'vite']);
    for (const { txClient, sdkClient } of report.v2Comparisons) {
      expect(JSON.parse(txClient.outcome.slice('done '.length))).toEqual({
        text: '1',
        events: expect.arrayContaining(['request', 'ack', 'response']),
      });
      expect(sdkClient.outcome).toBe('done {"text":"1","events":[]}');
      expect(
        txClient.files.map(({ path }) => path).filter((path) => /compress|task-run|warmup/.test(path)),
      ).toEqual([]);
    }
  });

  describe.each(['esbuild', 'vite'])('built with %s', (bundler) => {
    it('should fetch at most 25 KiB more gzipped JavaScript for the TxClient page than for the bare SDK page', () => {
      const comparison = report.comparisons.find((c) => c.bundler === bundler);
      expect(FETCHED_BUDGET_BYTES).toBe(25 * 1024);
      expect(comparison?.deltaGzipBytes).toBeGreaterThan(0);
      expect(comparison?.deltaGzipBytes).toBeLessThanOrEqual(FETCHED_BUDGET_BYTES);
    });

    it('should fetch neither the compression codec nor the task run for a keyed call', () => {
      const files = report.comparisons.find((c) => c.bundler === bundler)?.txClient.files ?? [];
      expect(files.map(({ path }) => path).filter((path) => /compress|task-run|warmup/.test(path))).toEqual(
        [],
      );
    });
  });
});
