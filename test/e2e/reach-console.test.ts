// Issue 20 in the browser console: the Workspace screen's panel names the flows the unsaved edits open, and a
// failing intent is picked on the network diagram and traced hop by hop like a reach answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { EXAMPLE_TEXT, rawExample } from '../helpers/example';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED reach console end-to-end tests: ${missing}`);

describe.skipIf(!!missing)('reach diff and failing flows in the console (Chromium)', () => {
  let host: WebHost;
  let browser: Browser;
  let saved: string;

  beforeAll(async () => {
    ensureBuilt();
    const raw = rawExample();
    raw.intents = [{ from: 'cc01', to: 'Internet', port: 443, expect: 'blocked', why: 'CycleCloud must never reach the Internet' }];
    saved = JSON.stringify(raw, null, 2);
    const file = join(mkdtempSync(join(tmpdir(), 'junction-reach-e2e-')), 'contoso.junction.json');
    writeFileSync(file, saved);
    host = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings(), startupPath: file }),
      root: RENDERER,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('an unsaved Deny→Allow shows as an opened flow, and the intent it breaks is traced on the diagram', async () => {
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url);
    const panel = page.getByTestId('reach-diff-panel');
    await expect.poll(() => panel.textContent(), { timeout: 20_000 }).toContain('No unsaved edits.');

    // nsg-cyclecloud's BlockOutbound is the first Deny of the document: the admin allows it, unsaved.
    expect(EXAMPLE_TEXT.indexOf('"access": "Deny"')).toBeGreaterThan(0);
    await page.getByLabel('Workspace document').fill(saved.replace('"access": "Deny"', '"access": "Allow"'));
    await expect.poll(() => page.getByTestId('reach-diff-summary').textContent(), { timeout: 20_000 }).toMatch(/^[1-9]\d* opened, 0 closed/);
    const opened = await panel.locator('li[data-change="opened"] .msg').allTextContents();
    expect(opened).toContain('snet-cyclecloud → Internet TCP 443: blocked → reachable');
    expect(await panel.locator('li[data-change="opened"] .fix').first().textContent()).toMatch(/Decided by NSG rule nsg-cyclecloud\/BlockOutbound line \d+/);

    await page.click('nav [data-screen="topology"]');
    await page.click('[role="tab"][data-mode="diagram"]');
    await page.waitForSelector('[data-testid="diagram-viewport"] .diagram-svg svg g.node', { timeout: 60_000 });
    const select = page.getByLabel('Failing flow');
    await expect.poll(() => select.locator('option').allTextContents(), { timeout: 20_000 }).toContain(
      'intent 1: cc01 → Internet TCP 443 (reachable, expected blocked)',
    );
    await select.selectOption({ label: 'intent 1: cc01 → Internet TCP 443 (reachable, expected blocked)' });
    await page.waitForSelector('[data-testid="diagram-trace"]', { timeout: 30_000 });
    const hops = await page.$$eval('[data-testid="diagram-trace"] .hop', (c) => c.map((e) => e.getAttribute('data-hop')));
    expect(hops[0]).toBe('host:cc01');
    expect(hops.length).toBeGreaterThan(1);
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
