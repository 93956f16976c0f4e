import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.js';
import { serveDemoUi, type DemoUi } from '../../src/cli/demo/ui/serve.js';
import type { CallOptions, TxResult } from '../../src/index.js';
import { describeInChromium, launchChromium, type ChromiumSession } from '../helpers/chromium.js';

/** What the page exposes for the console (see page/main.ts). */
interface PageDemo {
  transfer(key?: string, options?: CallOptions): Promise<TxResult>;
  link: { setLoss(loss: number): void };
}

/** The number a counter of the live view shows. */
async function counter(page: Page, name: string): Promise<number> {
  const text = await page.locator(`[data-counter="${name}"] b`).textContent();
  return Number((text ?? '').replace(/,/g, ''));
}

/** Waits for `condition`, polling, for at most `ms`. */
async function until(condition: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeInChromium('mcp-tx demo --ui, in headless Chromium', () => {
  describe.each(['v1', 'v2'] as const)('on SDK %s', (sdk) => {
    let assets: string;
    let ui: DemoUi;
    let chromium: ChromiumSession;
    let page: Page;

    beforeAll(async () => {
      assets = await mkdtemp(join(tmpdir(), 'mcp-tx-ui-'));
      await buildUi(assets);
      ui = await serveDemoUi({ port: 0, assetsDir: assets, sdk });
      chromium = await launchChromium();
      page = await chromium.open(ui.url);
      await page.waitForSelector('#fire:enabled', { timeout: 30_000 }); // the client connected
    }, 90_000);

    afterAll(async () => {
      await chromium?.close();
      await ui?.close();
      if (assets) await rm(assets, { recursive: true, force: true });
    });

    it("should speak the SDK major's protocol from the tab: the stateless 2026-07-28 one on v2", async () => {
      const era = await page.evaluate(() => {
        const { client } = (globalThis as unknown as { mcpTxDemo: { client: object } }).mcpTxDemo;
        const sdk = (client as { sdk?: { getProtocolEra?: () => string } }).sdk;
        return sdk?.getProtocolEra?.() ?? 'initialize (SDK v1)';
      });
      expect(era).toBe(sdk === 'v2' ? 'modern' : 'initialize (SDK v1)');
    });

    it('should run a keyed call from the tab once and mark its replay duplicate', async () => {
      const [first, replay] = await page.evaluate(async () => {
        const demo = (globalThis as unknown as { mcpTxDemo: PageDemo }).mcpTxDemo;
        // No lost answer and no attempt timeout on a slow machine: the first call's own result is no replay.
        demo.link.setLoss(0);
        const a = await demo.transfer(undefined, { timeoutMs: 20_000 });
        const b = await demo.transfer(a.idempotencyKey, { timeoutMs: 20_000 });
        return [a, b].map(({ idempotencyKey, duplicate, ack }) => ({ idempotencyKey, duplicate, ack }));
      });
      expect(first).toEqual({ idempotencyKey: expect.any(String), duplicate: false, ack: true });
      expect(replay).toEqual({ ...first, duplicate: true });
      expect(ui.endpoint.ledger.runs.get(first!.idempotencyKey)).toBe(1);
      const rows = page.locator(`li.call[data-key="${first!.idempotencyKey}"]`);
      await until(async () => (await rows.count()) === 2);
      expect(await rows.evaluateAll((li) => li.map((e) => e.getAttribute('data-state')))).toEqual([
        'duplicate', // newest first
        'response',
      ]);
    }, 60_000);

    it('should move the counters and the plot under 20 % loss, and read exactly once on the ledger', async () => {
      await page.locator('#loss').evaluate((loss) => {
        (loss as unknown as { value: string }).value = '0.2';
        loss.dispatchEvent(new Event('input'));
      });
      const before = await counter(page, 'completed');
      const ran = ui.endpoint.check();
      await page.fill('#count', '20');
      await page.click('#fire');
      await until(
        async () => (await counter(page, 'completed')) + (await counter(page, 'failed')) >= before + 20,
        90_000,
      );
      expect(await counter(page, 'failed')).toBe(0);
      expect(await counter(page, 'calls')).toBe(before + 20);
      expect(await counter(page, 'acks')).toBeGreaterThanOrEqual(before + 20);
      expect(await counter(page, 'attempts')).toBeGreaterThanOrEqual(before + 20);
      const plotted = page.locator('#latency');
      await until(async () => (await plotted.getAttribute('data-points')) === String(before + 20));

      const check = ui.endpoint.check();
      expect(check).toMatchObject({
        keys: ran.keys + 20,
        executions: ran.executions + 20,
        doubleExecutions: 0,
      });
      const ledger = page.locator('#ledger');
      await until(async () => (await ledger.getAttribute('data-executions')) === String(check.executions));
      expect(await ledger.getAttribute('data-verdict')).toBe('exactly-once');
      expect(await ledger.locator('.key.twice').count()).toBe(0);
      if (process.env.SCREENSHOT === '1' && sdk === 'v1') await page.screenshot({ path: 'docs/demo-ui.png' });
    }, 120_000);

    it('should log no console error, page error or failed request', () => {
      expect(chromium.errors).toEqual([]);
    });
  });
});
