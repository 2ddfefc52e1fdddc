// End to end in browser mode, the leftovers of issues #16 and #17: after "Write to media" the console says exactly
// what the read-back checked and whether the signer is pinned here, as `junction bundle write` does; path fields
// and the Open dialog get the host's folder browser (a browser cannot hand a path over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_CHANNELS, type BundleBuildResult, type GeneratePreview } from '../../shared/api/contract';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { formatFingerprint } from '../../shared/bundle/sums';
import { EXAMPLE_TEXT } from '../helpers/example';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER,
  chromiumMissing,
  ensureBuilt,
  opensslSigner,
  shotPath,
} from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED leftovers end-to-end tests: ${missing}`);

describe.skipIf(!!missing)('console leftovers of #16 and #17 (Chromium)', () => {
  let host: WebHost;
  let api: ReturnType<typeof createHost>;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let wsFile: string;
  let built: BundleBuildResult;
  let pfx: string;
  const PASSWORD = 'leftovers signer';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'junction-e2e-leftovers-'));
    process.env.JUNCTION_STATE_DIR = mkdtempSync(join(tmpdir(), 'junction-e2e-leftovers-state-'));
    ({ pfx } = opensslSigner(dir, 'Leftovers signer', PASSWORD));
    wsFile = join(dir, 'estate.junction.json');
    writeFileSync(wsFile, EXAMPLE_TEXT);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'other.junction.json'),
      EXAMPLE_TEXT.replace('"Contoso hybrid HPC"', '"Browsed estate"'),
    );
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    api = createHost({ frontDoor: 'web', settings: memorySettings(), startupPath: wsFile });
    const preview = (await dispatch(api, 'generate.preview', {
      fileName: 'estate.junction.json',
      text: EXAMPLE_TEXT,
    })) as GeneratePreview;
    built = (await dispatch(api, 'bundle.build', {
      fileName: 'estate.junction.json',
      text: EXAMPLE_TEXT,
      hosts: [preview.targets[0]!.id],
      format: 'dir',
      out: join(dir, 'bundle'),
      signKey: pfx,
      password: PASSWORD,
    })) as BundleBuildResult;
    host = await startWebHost({ api, root: RENDERER });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.setDefaultTimeout(10_000);
    await page.goto(host.url);
    await page.locator('.doc-path', { hasText: wsFile }).waitFor({ timeout: 30_000 });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  const go = (screen: string) => page.click(`nav [data-screen="${screen}"]`);

  it('after Write to media, says what the read-back checked and whether the signer is pinned here', async () => {
    await go('generate');
    const write = page.getByRole('form', { name: 'Write to media' });
    const outcome = page.getByTestId('write-outcome');
    const writeOnce = async () => {
      await write.getByLabel('Bundle folder').fill(built.out);
      await write
        .getByLabel('Target', { exact: true })
        .fill(mkdtempSync(join(tmpdir(), 'junction-e2e-leftovers-media-')));
      await write.getByRole('button', { name: 'Write and verify' }).click();
      await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 20_000 }).toBe('ok');
    };
    await writeOnce();
    expect(await outcome.locator('.outcome-title').textContent()).not.toMatch(/verified/);
    expect(await page.getByTestId('write-readback').textContent()).toMatch(
      /^\d+ files \(.+\) match the source's SHA256SUMS, signed by the key the bundle carries$/,
    );
    const signer = page.getByTestId('write-signer');
    expect(await signer.getAttribute('data-pinned')).toBe('no');
    expect(await signer.textContent()).toContain(
      `${formatFingerprint(built.fingerprint)} is NOT pinned here`,
    );
    await outcome.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('60-write-signer-not-pinned') });

    await dispatch(api, 'trust.pin', { fingerprint: built.fingerprint });
    await writeOnce();
    await expect.poll(() => signer.getAttribute('data-pinned')).toBe('yes');
    expect(await signer.textContent()).toBe(`${formatFingerprint(built.fingerprint)} is pinned here`);
    expect(consoleErrors).toEqual([]);
  });

  it("the Open dialog browses the host's folders: down into a folder, up again, a file opens; a FIFO is listed but not offered", async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const prompt = page.getByRole('dialog', { name: 'Open workspace' });
    await prompt.getByLabel('Path').fill(`${dir}/`);
    await prompt.getByRole('button', { name: 'Browse folders…' }).click();
    const browser = prompt.getByTestId('path-browser');
    await expect.poll(() => browser.getByTestId('path-browser-folder').textContent()).toBe(dir);
    expect(await browser.locator('[data-name="pipe"]').getAttribute('data-kind')).toBe('other');
    expect(await browser.locator('[data-name="pipe"]').isDisabled()).toBe(true);
    expect(await browser.locator('[data-name="signer.pfx"]').isDisabled()).toBe(true);
    await browser.locator('[data-name="sub"]').click();
    await expect.poll(() => browser.getByTestId('path-browser-folder').textContent()).toBe(join(dir, 'sub'));
    await browser.getByRole('button', { name: 'Up one folder' }).click();
    await expect.poll(() => browser.getByTestId('path-browser-folder').textContent()).toBe(dir);
    await browser.locator('[data-name="sub"]').click();
    await page.screenshot({ path: shotPath('61-open-dialog-path-browser') });
    await browser.locator('[data-name="other.junction.json"]').click();
    expect(await prompt.getByLabel('Path').inputValue()).toBe(join(dir, 'sub', 'other.junction.json'));
    await prompt.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('.doc-name').textContent()).toBe('Browsed estate');
  });

  it("path fields on the Generate screen pick a file through the host's browser, only of the field's kind", async () => {
    await go('generate');
    const form = page.getByRole('form', { name: 'Build a bundle' });
    await form.locator('[data-path-browser="pfx"]').click();
    const browser = page
      .locator('[role="dialog"][data-for="Signing key (.pfx)"]')
      .getByTestId('path-browser');
    // It opens where the last browse ended (dir/sub); the signing key is one folder up.
    await expect.poll(() => browser.getByTestId('path-browser-folder').textContent()).toBe(join(dir, 'sub'));
    await browser.getByRole('button', { name: 'Up one folder' }).click();
    await expect.poll(() => browser.getByTestId('path-browser-folder').textContent()).toBe(dir);
    expect(await browser.locator('[data-name="estate.junction.json"]').isDisabled()).toBe(true);
    await browser.locator('[data-name="signer.pfx"]').click();
    expect(await form.getByLabel('Signing key (.pfx)').inputValue()).toBe(pfx);
    expect(await page.getByTestId('path-browser').count()).toBe(0);
    // The output path chooses a folder.
    await form.locator('button[title="Browse for Output path"]').click();
    const folders = page.locator('[role="dialog"][data-for="Output path"]').getByTestId('path-browser');
    await expect.poll(() => folders.getByTestId('path-browser-folder').textContent()).toBe(dir);
    await folders.getByRole('button', { name: 'Choose this folder' }).click();
    // The output must be new: the folder is where it goes, the name is typed after it.
    expect(await form.getByLabel('Output path').inputValue()).toBe(`${dir}/`);
    expect(consoleErrors).toEqual([]);
  });

  it('errors on the screens name the fields, never a channel or a --flag', async () => {
    const shown: string[] = [];
    const clean = (t: string | null) => {
      shown.push(t ?? '');
      expect(t).not.toMatch(
        new RegExp(`(^|\\W)(${API_CHANNELS.map((c) => c.replace(/\./g, '\\.')).join('|')}):`),
      );
      expect(t).not.toMatch(/(^|[^\w-])--[a-z]/);
    };
    await go('generate');
    const verify = page.getByRole('form', { name: 'Verify a bundle' });
    await verify.getByLabel('Bundle path').fill(built.out);
    await verify.getByLabel('Signer fingerprint for this check').fill('abc');
    await verify.getByRole('button', { name: 'Verify' }).click();
    const outcome = page.getByTestId('verify-outcome');
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('error');
    const v = await outcome.textContent();
    clean(v);
    expect(v).toContain('Signer fingerprint for this check: not a SHA-256 fingerprint');

    const form = page.getByRole('form', { name: 'Build a bundle' });
    await form.getByLabel('Output path').fill(join(dir, 'never-built'));
    await form.getByLabel('Signing key (.pfx)').fill(join(dir, 'missing.pfx'));
    await form.getByLabel('PFX password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Build bundle' }).click();
    const b = page.getByTestId('build-outcome');
    await expect.poll(() => b.getAttribute('data-outcome'), { timeout: 20_000 }).toBe('error');
    clean(await b.textContent());

    await page.getByRole('button', { name: 'Open…' }).click();
    const prompt = page.getByRole('dialog', { name: 'Open workspace' });
    await prompt.getByLabel('Path').fill('relative/estate.junction.json');
    await prompt.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => prompt.getByTestId('path-prompt-error').count()).toBe(1);
    clean(await prompt.getByTestId('path-prompt-error').textContent());
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    expect(shown.every((t) => t.length > 0)).toBe(true);
  });
});
