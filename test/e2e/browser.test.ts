// End to end in browser mode: the real web host, the built renderer, Debian's Chromium driven by playwright-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { loadWorkspace } from '../../shared/model/load';
import { buildTopology } from '../../renderer/topology/graph';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt, shotPath } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED browser end-to-end tests: ${missing}`);

const exampleText = readFileSync(exampleWorkspacePath(), 'utf8');

describe.skipIf(!!missing)('desktop console in browser mode (Chromium)', () => {
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    host = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings() }),
      root: RENDERER,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  const editor = () => page.locator('textarea.code');
  // Replacing the whole document through Playwright's fill() goes through the browser's undo stack and takes
  // seconds for 700 lines; setting the value and firing the same input event React listens to is equivalent.
  const setText = (text: string) =>
    editor().evaluate((el, value) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
  const go = (screen: string) => page.click(`nav [data-screen="${screen}"]`);

  it('opens the embedded example by default, and takes the token out of the address bar', async () => {
    await expect.poll(() => page.locator('.doc-name').textContent()).toBe('Contoso hybrid HPC');
    expect(page.url()).not.toContain('token=');
    expect(await editor().inputValue()).toBe(exampleText);
    await expect.poll(() => page.locator('.pane-head .sev').textContent()).toBe('Schema valid');
    await page.screenshot({ path: shotPath('01-workspace') });
  });

  it('draws the topology on a canvas, with one node per object, and finds a host by search', async () => {
    await go('topology');
    const canvas = page.getByTestId('topology-canvas');
    const r = loadWorkspace(exampleText, 'example.json');
    if (!r.ok) throw new Error('example does not load');
    const expected = buildTopology(r.workspace).nodes.length;
    await expect.poll(() => canvas.getAttribute('data-painted'), { timeout: 10_000 }).toBe(String(expected));
    expect(await canvas.locator('canvas').count()).toBeGreaterThan(0);
    await page.fill('input[aria-label="Search topology"]', 'hn01');
    await page.press('input[aria-label="Search topology"]', 'Enter');
    await expect.poll(() => page.getByTestId('details').locator('h2').textContent()).toBe('HN01');
    await page.screenshot({ path: shotPath('02-topology-search') });
    await page.fill('input[aria-label="Search topology"]', '');
    await page.keyboard.press('Escape');
  });

  it('shows a planted lint problem in Problems, jumps to its object and line, and clears it when fixed', async () => {
    await go('workspace');
    await setText(exampleText.replace('"id": "hpcadmin01"', '"id": "hn01"'));
    await go('problems');
    const group = page.locator('[data-group="WS001"]');
    await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(1);
    expect(await group.locator('.problem .msg').first().textContent()).toContain('id "hn01" is already used');
    expect(await group.locator('.fix').first().textContent()).toMatch(/^Fix: rename this id/);
    expect(await page.locator('nav [data-screen="problems"] .count.error').count()).toBe(1);
    await page.screenshot({ path: shotPath('03-problems') });

    // Keyboard: focus the problem, Enter jumps to its object in the topology.
    await group.locator('[data-problem]').first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('details').locator('h2').textContent()).toBe('HPCADMIN01'); // the object the finding points at, though it now carries id hn01
    expect(await page.getByTestId('details').textContent()).toContain('WS001');
    await page.screenshot({ path: shotPath('04-topology-problem') });

    await go('problems');
    await group.getByRole('button', { name: 'Show in editor' }).first().click();
    await expect.poll(() => page.getByTestId('caret-problems').textContent()).toContain('already used');
    expect(await page.locator('.gutter .marker.error').count()).toBeGreaterThan(0);
    await page.screenshot({ path: shotPath('05-editor-problem') });

    await setText(exampleText);
    await go('problems');
    await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('.all-clear').textContent()).toContain('rules pass');
    expect(await page.locator('nav [data-screen="problems"] .count').count()).toBe(0);
  });

  it('shows schema errors inline at the field', async () => {
    await go('workspace');
    await setText(exampleText.replace('"schemaVersion": 1', '"schemaVersion": "one"'));
    await expect
      .poll(() => page.locator('.pane-head .sev').textContent(), { timeout: 10_000 })
      .toMatch(/1 schema problem/);
    await page.locator('.side-pane .plink').first().click();
    await expect.poll(() => page.getByTestId('caret-problems').textContent()).toContain('Line 3');
    expect(await page.locator('.gutter .marker.error').count()).toBe(1);
    await page.screenshot({ path: shotPath('06-schema-error') });
    await setText(exampleText);
    await expect
      .poll(() => page.locator('.pane-head .sev').textContent(), { timeout: 10_000 })
      .toBe('Schema valid');
  });

  it('saves under a typed path in browser mode (no native dialog) and lists it as recent', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'junction-e2e-')), 'estate.junction.json');
    await page.getByRole('button', { name: 'Save as…' }).click();
    await page.getByLabel('Path').fill(target);
    await page.screenshot({ path: shotPath('07-save-as') });
    await page.getByRole('button', { name: 'Save', exact: true }).last().click();
    await expect.poll(() => page.locator('.doc-path').textContent()).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe(exampleText);
    await expect.poll(() => page.locator('.recent-path').first().textContent()).toBe(target);

    // And opens it again through the typed-path prompt, after the example replaced it.
    await page.getByRole('button', { name: 'New from example' }).click();
    await expect.poll(() => page.locator('.doc-path').textContent()).toMatch(/embedded example/);
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByLabel('Path').fill(target);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('.doc-path').textContent()).toBe(target);
    expect(await page.locator('.dirty').count()).toBe(0);
  });

  it('marks capabilities that have not landed as placeholders, and switches themes', async () => {
    await page.keyboard.press('Control+4');
    expect(await page.locator('.pill').textContent()).toMatch(
      /Not available yet · arrives with issues 3 and 5/,
    );
    await page.screenshot({ path: shotPath('08-generate-placeholder') });
    await go('certificates');
    expect(await page.locator('.pill').textContent()).toMatch(/issue 4/);
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.keyboard.press('Control+Shift+L');
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(after).not.toBe(before);
    await page.keyboard.press('Control+2');
    await expect.poll(() => page.getByTestId('topology-canvas').getAttribute('data-painted')).not.toBeNull();
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath(`09-topology-${after}`) });
    await go('problems');
    await page.screenshot({ path: shotPath(`10-problems-${after}`) });
  });

  it('ran without CSP violations or page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
