/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.js';
import { serveDemoUi, type DemoUi } from '../../src/cli/demo/ui/serve.js';
import { describeInChromium, launchChromium, type ChromiumSession } from '../helpers/chromium.js';

/** A box on the page (CSS pixels), with what it is for the failure message. */
interface Box {
  what: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The labels and controls that must not sit on one another. */
const LABELS = [
  'h1',
  'h2',
  '#status',
  '.controls label',
  '.controls button',
  '#count-note',
  '.counter b',
  '.counter span',
  '.ledger .verdict',
];

/** Whether two boxes share more than a pixel's sliver. */
const overlap = (a: Box, b: Box): boolean =>
  Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 1 &&
  Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 1;

/** Boxes of the visible label elements, leaving out pairs where one holds the other. */
async function overlappingLabels(page: Page): Promise<string[]> {
  const boxes = await page.evaluate((selectors) => {
    const elements = selectors.flatMap((s) => [...document.querySelectorAll(s)]);
    return elements
      .map((element, index) => {
        const r = element.getBoundingClientRect();
        const holds = elements.flatMap((other, j) => (j !== index && element.contains(other) ? [j] : []));
        const what = `${element.tagName.toLowerCase()}.${element.className} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
        return { what, x: r.x, y: r.y, width: r.width, height: r.height, index, holds };
      })
      .filter((box) => box.width > 0 && box.height > 0);
  }, LABELS);
  const found: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      if (a.holds.includes(b.index) || b.holds.includes(a.index)) continue;
      if (overlap(a, b)) found.push(`${a.what} / ${b.what}`);
    }
  }
  return found;
}

/** `x,y,width,height` from a data attribute. */
function boxOf(what: string, value: string | null): Box {
  const [x = NaN, y = NaN, width = NaN, height = NaN] = (value ?? '').split(',').map(Number);
  return { what, x, y, width, height };
}

/** The width of a PNG image, from its IHDR header. */
const pngWidth = (png: Buffer): number => png.readUInt32BE(16);

describeInChromium('mcp-tx demo --ui, laid out at a phone width and a desktop width', () => {
  let assets: string;
  let ui: DemoUi;
  let chromium: ChromiumSession;

  beforeAll(async () => {
    assets = await mkdtemp(join(tmpdir(), 'mcp-tx-ui-layout-'));
    await buildUi(assets);
    ui = await serveDemoUi({ port: 0, assetsDir: assets });
    chromium = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await ui?.close();
    if (assets) await rm(assets, { recursive: true, force: true });
  });

  describe.each([400, 1280])('%i px wide', (width) => {
    let page: Page;

    beforeAll(async () => {
      page = await chromium.open(ui.url);
      await page.setViewportSize({ width, height: 900 });
      await page.waitForSelector('#fire:enabled', { timeout: 30_000 }); // the client connected
      await page.fill('#count', '6');
      await page.click('#fire');
      await page.waitForFunction(
        () => Number(document.querySelector('[data-counter="completed"] b')?.textContent) >= 6,
        undefined,
        { timeout: 60_000 },
      );
      await page.waitForSelector('#ledger[data-verdict="exactly-once"]', { timeout: 30_000 });
    }, 120_000);

    afterAll(async () => {
      await page?.close();
    });

    it('should not scroll sideways: the full-page screenshot is as wide as the window', async () => {
      const wide = await page.evaluate((limit) => {
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > limit)
          .slice(0, 5)
          .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
      }, width);
      expect(wide).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(pngWidth(await page.screenshot({ fullPage: true }))).toBe(width);
    });

    it('should lay no label over another', async () => {
      expect(await overlappingLabels(page)).toEqual([]);
    });

    it('should show the queued calls beside the calls, and label the ledger as server-wide next to the tab', async () => {
      const counters = await page
        .locator('[data-counter]')
        .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-counter')));
      expect(counters.slice(0, 2)).toEqual(['calls', 'queued']);
      expect(await page.locator('[data-counter="queued"] b').textContent()).toBe('0'); // all answered
      const headings = await page.locator('.overview h2').allTextContents();
      expect(headings[0]).toMatch(/^\s*This tab/);
      expect(headings[1]).toMatch(/^\s*Server-wide ledger/);
    });

    it('should draw the median label clear of the dots', async () => {
      const canvas = page.locator('#latency');
      expect(Number(await canvas.getAttribute('data-points'))).toBeGreaterThanOrEqual(6);
      const label = boxOf('median label', await canvas.getAttribute('data-median-label'));
      const plot = boxOf('plot area', await canvas.getAttribute('data-plot-area'));
      expect(label.width).toBeGreaterThan(0);
      expect(overlap(label, plot)).toBe(false);
    });

    it('should say so when it clamps the number of transfers', async () => {
      await page.fill('#count', '500');
      await page.locator('#count').dispatchEvent('change');
      expect(await page.inputValue('#count')).toBe('200');
      expect(await page.locator('#count-note').getAttribute('data-clamped')).toBe('true');
      expect(await page.locator('#count-note').textContent()).toBe('clamped to 200 (1 to 200)');
      expect(await overlappingLabels(page)).toEqual([]);
      await page.fill('#count', '7');
      await page.locator('#count').dispatchEvent('change');
      expect(await page.locator('#count-note').textContent()).toBe('');
    });
  });
});
