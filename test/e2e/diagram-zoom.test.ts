// The diagram's worker is up before its tab is clicked (bench/diagram.bench.ts: starting it and loading ELK was most
// of the first paint of a 13-box overview). Zooming the network diagram restyles only the overlay labels: the scale they undo (--inv) is set on their own
// layer, not on the stage that holds the SVG, so a wheel step does not send every box and text of a large diagram
// through style recalculation (bench/diagram.bench.ts measured ~50–75 ms per wheel step at 2,000 boxes before).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED diagram zoom test: ${missing}`);

describe.skipIf(!!missing)('network diagram zoom (Chromium)', () => {
  let host: WebHost;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    host = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings() }),
      root: RENDERER,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('starts the diagram worker while the Graph tab is shown, so the first click on Network diagram does not wait for ELK to load', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(host.url);
    await page.click('nav [data-screen="topology"]');
    await page.waitForSelector('[data-testid="topology-canvas"]', { state: 'attached', timeout: 60_000 });
    await expect
      .poll(() => page.workers().map((w) => w.url()), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('diagram.worker')]));
    expect(await page.getAttribute('[role="tab"][data-mode="graph"]', 'aria-selected')).toBe('true');
    await page.close();
  }, 90_000);

  it('keeps the overlay scale off the SVG while the overlay labels still hold their size', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(host.url);
    await page.click('nav [data-screen="topology"]');
    await page.click('[role="tab"][data-mode="diagram"]');
    await page.waitForSelector('[data-testid="diagram-viewport"] .diagram-svg svg g.node', {
      timeout: 60_000,
    });
    const viewport = '[data-testid="diagram-viewport"]';
    for (let i = 0; i < 12 && (await page.getAttribute(viewport, 'data-lod')) === 'near'; i++)
      await page.getByRole('button', { name: 'Zoom out' }).click();
    await page.getByRole('button', { name: 'Zoom out' }).click();
    const seen = await page.evaluate(() => {
      const vp = document.querySelector('[data-testid="diagram-viewport"]')!;
      const inv = (el: Element | null) => (el ? getComputedStyle(el).getPropertyValue('--inv').trim() : null);
      const overlay = vp.querySelector('.diagram-overlay');
      return {
        scale: Number(vp.getAttribute('data-scale')),
        svg: inv(vp.querySelector('.diagram-svg svg')),
        text: inv(vp.querySelector('.diagram-svg text')),
        overlay: inv(overlay),
        overlayHeight: overlay?.getBoundingClientRect().height ?? 0,
      };
    });
    expect(seen.svg).toBe('');
    expect(seen.text).toBe('');
    // data-scale is rounded to 3 decimals; --inv is exact.
    expect(Math.abs(Number(seen.overlay) * seen.scale - 1)).toBeLessThan(0.01);
    expect(seen.overlayHeight).toBeGreaterThanOrEqual(12);
    await page.close();
  }, 90_000);
});
