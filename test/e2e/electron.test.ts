// The same flow through the real desktop shell with Playwright's Electron driver. It runs where an Electron
// binary exists; elsewhere it is reported as skipped, with the reason, never as a pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { ROOT, ensureBuilt, opensslSigner, shotPath } from './harness';

function electronBinary(): { path?: string; reason?: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p)
      ? { path: p }
      : { reason: `no Electron binary at ${String(p)}` };
  } catch (e) {
    return { reason: (e as Error).message.split('\n')[0] };
  }
}

const electron = electronBinary();
if (!electron.path) console.warn(`SKIPPED Electron end-to-end test: ${electron.reason}`);

describe.skipIf(!electron.path)(
  `desktop console in Electron${electron.path ? '' : ` (skipped: ${electron.reason})`}`,
  () => {
    let app: ElectronApplication;
    let page: Page;
    const exampleText = readFileSync(exampleWorkspacePath(), 'utf8');

    beforeAll(async () => {
      ensureBuilt();
      app = await _electron.launch({
        executablePath: electron.path!,
        args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
        env: {
          ...process.env,
          JUNCTION_USER_DATA: `${ROOT}test-results/electron-user-data`,
          JUNCTION_STATE_DIR: `${ROOT}test-results/electron-state`,
        },
      });
      page = await app.firstWindow();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('runs the renderer isolated: window.junction has exactly the contract, no Node', async () => {
      await expect
        .poll(() => page.locator('.doc-name').textContent(), { timeout: 20_000 })
        .toBe('Contoso hybrid HPC');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
        'undefined',
      );
      expect(await page.evaluate(() => location.protocol)).toBe('app:');
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0]!;
        // Present at runtime (webContents.getLastWebPreferences) though missing from this version's typings.
        return (
          w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }
        ).getLastWebPreferences();
      });
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    });

    it('shows the topology, and a planted lint problem appears in Problems and clears when fixed', async () => {
      await page.click('nav [data-screen="topology"]');
      await expect
        .poll(() => page.getByTestId('topology-canvas').getAttribute('data-painted'), { timeout: 20_000 })
        .not.toBeNull();
      await page.screenshot({ path: shotPath('electron-topology') });
      await page.click('nav [data-screen="workspace"]');
      const setText = (text: string) =>
        page.locator('textarea.code').evaluate((el, value) => {
          Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, text);
      await setText(exampleText.replace('"id": "hpcadmin01"', '"id": "hn01"'));
      await page.click('nav [data-screen="problems"]');
      await expect.poll(() => page.locator('[data-group="WS001"]').count(), { timeout: 10_000 }).toBe(1);
      await setText(exampleText);
      await expect.poll(() => page.locator('[data-group="WS001"]').count(), { timeout: 10_000 }).toBe(0);
    });

    it('builds a signed bundle that stock tools verify, then verifies it in the app', async () => {
      const work = mkdtempSync(join(tmpdir(), 'junction-electron-bundle-'));
      const password = 'electron signer pass';
      const signer = opensslSigner(work, 'Electron bundle signer', password);
      await page.click('nav [data-screen="generate"]');
      const form = page.getByRole('form', { name: 'Build a bundle' });
      const out = join(work, 'bundle');
      await form.getByLabel('Output path').fill(out);
      // The .pfx path, whichever signing mode the key store offers first.
      const pfxMode = form.getByRole('radio', { name: '.pfx file + password' });
      if (await pfxMode.count()) await pfxMode.check();
      await form.getByLabel('Signing key (.pfx)').fill(signer.pfx);
      await form.getByLabel('PFX password').fill(password);
      await form.getByRole('button', { name: 'Build bundle' }).click();
      await expect
        .poll(() => page.getByTestId('build-outcome').getAttribute('data-outcome'), { timeout: 20_000 })
        .toBe('ok');
      expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
      const sig = spawnSync(
        'openssl',
        ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'],
        { cwd: out, encoding: 'utf8' },
      );
      expect(sig.stdout.trim()).toBe('Verified OK');
      // The built fingerprint is offered for this one check; the app verifies every file against it. The path
      // comes from "Browse…": the native dialog is answered by a stub in the main process, as a person would.
      const verify = page.getByRole('form', { name: 'Verify a bundle' });
      await verify.getByLabel('Bundle path').fill('');
      await app.evaluate(({ dialog }, picked) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [picked] })) as typeof dialog.showOpenDialog;
      }, out);
      await verify.getByRole('button', { name: 'Browse…' }).click();
      await expect.poll(() => verify.getByLabel('Bundle path').inputValue()).toBe(out);
      await verify.getByRole('button', { name: 'Verify' }).click();
      await expect
        .poll(() => page.getByTestId('verify-outcome').getAttribute('data-outcome'), { timeout: 20_000 })
        .toBe('ok');
      await page.screenshot({ path: shotPath('electron-bundle') });
    });

    it('refuses navigation away from the app and new windows', async () => {
      await page.evaluate(() => {
        window.open('https://example.com/');
        location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(app.windows()).toHaveLength(1);
      expect(page.url()).toMatch(/^app:\/\/junction\//);
    });
  },
);
