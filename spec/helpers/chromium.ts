import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which the browser specs drive (`apt-get install -y chromium`); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The command that installs it. */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';
/** Headless, sandbox off (root in a container), and nothing that reaches the network on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe`, in real Chromium. Without Chromium the specs are skipped and the command that
 * installs it is printed, except in CI (`CI=true`), where they never skip: a missing Chromium
 * fails loudly.
 */
export function describeInChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('should find Chromium', () => {
        throw new Error(`Chromium is missing at ${CHROMIUM_PATH}; CI must install it: ${CHROMIUM_INSTALL}`);
      });
    });
  }
  // Jest buffers console output per test; stderr shows at once, one line.
  process.stderr.write(
    `\nChromium not found at ${CHROMIUM_PATH}: the browser specs are skipped. Install it with: ${CHROMIUM_INSTALL}\n`,
  );
  describe.skip(name, body);
}

/** A headless Chromium with a fresh profile, and what its pages reported as errors. */
export interface ChromiumSession {
  context: BrowserContext;
  /** Console errors, uncaught page errors and failed requests of every page opened by {@link open}. */
  errors: string[];
  open(url: URL | string): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with {@link CHROMIUM_FLAGS} and a user-data-dir of its own, removed on close. */
export async function launchChromium(): Promise<ChromiumSession> {
  const profile = await mkdtemp(join(tmpdir(), 'mcp-tx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  const errors: string[] = [];
  return {
    context,
    errors,
    async open(url) {
      const page = await context.newPage();
      page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
      page.on('pageerror', (e) => void errors.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => {
        // A fetch aborted on purpose (a timed-out attempt, the page closing) is no error.
        if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()}`);
      });
      await page.goto(String(url));
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
