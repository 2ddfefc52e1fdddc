// End to end in browser mode: the real web host, the built renderer, Debian's Chromium driven by playwright-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { appendFileSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { loadWorkspace } from '../../shared/model/load';
import { buildTopology } from '../../renderer/topology/graph';
import { formatFingerprint } from '../../shared/bundle/sums';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  RENDERER,
  chromiumMissing,
  ensureBuilt,
  opensslSigner,
  shotPath,
  resizesAfterPaint,
} from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED browser end-to-end tests: ${missing}`);

const exampleText = readFileSync(exampleWorkspacePath(), 'utf8');

describe.skipIf(!!missing)('desktop console in browser mode (Chromium)', () => {
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  let work: string;
  let signPfx: string;
  let signerFp: string;
  let stateDir: string;
  const SIGN_PASSWORD = 'e2e signer pass';

  beforeAll(async () => {
    ensureBuilt();
    // The bundle signing key an admin would bring: made by openssl, not by Junction.
    work = mkdtempSync(join(tmpdir(), 'junction-e2e-bundle-'));
    // The trust store the console pins into (and the CLI reads): a fresh one, never the admin's own.
    stateDir = mkdtempSync(join(tmpdir(), 'junction-e2e-state-'));
    process.env.JUNCTION_STATE_DIR = stateDir;
    ({ pfx: signPfx, fingerprint: signerFp } = opensslSigner(work, 'E2E bundle signer', SIGN_PASSWORD));
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
    expect(await resizesAfterPaint(page)).toBe(0);
    // A real change of size still reaches cytoscape (Junction's own ResizeObserver replaces cytoscape's).
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width - 120, height: size.height });
    await expect.poll(() => resizesAfterPaint(page, 0)).toBeGreaterThan(0);
    await page.setViewportSize(size);
    await page.fill('input[aria-label="Search topology"]', 'hn01');
    await page.press('input[aria-label="Search topology"]', 'Enter');
    await expect.poll(() => page.getByTestId('details').locator('h2').textContent()).toBe('HN01');
    await page.screenshot({ path: shotPath('02-topology-search') });
    // Arrow keys from the canvas walk to a neighbouring object and back.
    await canvas.locator('.cy').focus();
    const heading = () => page.getByTestId('details').locator('h2').textContent();
    const moved = async (key: string) => {
      const before = await heading();
      await page.keyboard.press(key);
      await expect.poll(heading).not.toBe(before);
      return heading();
    };
    const next = await moved('ArrowDown');
    expect(next).toBeTruthy();
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
    // The example keeps its RET001 warnings (it models the retired Cloud Services burst on purpose): no error is left.
    expect(await page.locator('[data-group="RET001"]').count()).toBe(1);
    expect(await page.locator('nav [data-screen="problems"] .count.error').count()).toBe(0);
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

  it('previews the generated scripts of the example with syntax highlighting', async () => {
    await page.keyboard.press('Control+4');
    const tree = page.getByRole('tree', { name: 'Generated files' });
    await expect
      .poll(() => tree.locator('[data-path$=".ps1"]').count(), { timeout: 10_000 })
      .toBeGreaterThan(2);
    const first = tree.locator('[data-path$=".ps1"]').first();
    const path = (await first.getAttribute('data-path'))!;
    await first.click();
    await expect.poll(() => page.getByTestId('shown-file').textContent()).toBe(path);
    const code = page.getByRole('region', { name: `Preview of ${path}` });
    expect(await code.getAttribute('data-lang')).toBe('powershell');
    expect(await code.locator('.tok-command').count()).toBeGreaterThan(3);
    expect(await code.locator('.tok-comment').count()).toBeGreaterThan(0);
    // The text shown is the generated script, character for character.
    const shown = await code.locator('.cl').allInnerTexts();
    const r = loadWorkspace(exampleText, 'example.json');
    if (!r.ok) throw new Error('example does not load');
    expect(shown.map((l) => l.replace(/\u200b/g, '')).join('\n')).toBe(
      (await import('../../shared/generate/index'))
        .generateAll(r.workspace)
        .files.find((f) => f.path === path)!
        .content.replace(/\r\n/g, '\n')
        .replace(/\n$/, ''),
    );
    // Deselecting a target removes its files; the runbook stays one click away.
    const host = path.split('/')[0]!;
    await page.locator('.gen-pick label.check', { hasText: host }).locator('input').uncheck();
    await expect.poll(() => tree.locator(`[data-path^="${host}/"]`).count()).toBe(0);
    await page.locator('.gen-pick label.check', { hasText: host }).locator('input').check();
    await expect.poll(() => tree.locator(`[data-path^="${host}/"]`).count()).toBeGreaterThan(0);
    await first.click();
    await page.screenshot({ path: shotPath('11-generate-preview') });
  });

  let bundleDir: string;
  it('builds a signed bundle, verifies it, rejects a tampered copy and writes it to media', async () => {
    bundleDir = join(work, 'contoso-bundle');
    const form = page.getByRole('form', { name: 'Build a bundle' });
    await form.getByLabel('Output path').fill(bundleDir);
    await form.getByLabel('Signing key (.pfx)').fill(signPfx);
    await form.getByLabel('PFX password').fill(SIGN_PASSWORD);
    await form.getByRole('button', { name: 'Build bundle' }).click();
    const built = page.getByTestId('build-outcome');
    await expect.poll(() => built.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('ok');
    expect(await page.getByTestId('build-fingerprint').textContent()).toBe(formatFingerprint(signerFp));
    expect(await form.getByLabel('PFX password').inputValue()).toBe('');
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: bundleDir }).status).toBe(0);
    const sig = spawnSync(
      'openssl',
      ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'],
      { cwd: bundleDir, encoding: 'utf8' },
    );
    expect(sig.stdout.trim()).toBe('Verified OK');
    await page.screenshot({ path: shotPath('12-bundle-built') });

    const verify = page.getByRole('form', { name: 'Verify a bundle' });
    expect(await verify.getByLabel('Bundle path').inputValue()).toBe(bundleDir);
    // Browser mode has no native dialog: no "Browse…" button that could only fail, anywhere on the screen.
    expect(await page.locator('[data-browse]').count()).toBe(0);
    // Nothing pinned and no fingerprint typed: the signer is refused, and its fingerprint is shown for comparison.
    await verify.getByLabel('Signer fingerprint for this check').fill('');
    await verify.getByRole('button', { name: 'Verify' }).click();
    const outcome = page.getByTestId('verify-outcome');
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('error');
    expect(await outcome.locator('.code-tag').first().textContent()).toBe('signer-untrusted');
    // Pinning takes the explicit confirmation, and lands in the trust store the CLI reads.
    const pin = page.getByTestId('pin-signer');
    expect(await pin.textContent()).toContain(formatFingerprint(signerFp));
    const pinButton = pin.getByRole('button', { name: 'Pin this signer' });
    expect(await pinButton.isDisabled()).toBe(true);
    await pin.getByRole('checkbox').check();
    await pinButton.click();
    await expect.poll(() => page.getByTestId('trusted-signer').count()).toBe(1);
    const store = JSON.parse(readFileSync(join(stateDir, 'trusted-signers.json'), 'utf8')) as {
      signers: { fingerprint: string; subject?: string }[];
    };
    expect(store.signers.map((x) => x.fingerprint)).toEqual([signerFp]);
    expect(store.signers[0]!.subject).toContain('E2E bundle signer');
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('ok');
    expect(await outcome.textContent()).toContain('E2E bundle signer');
    expect(await outcome.textContent()).toContain('pinned');
    expect(await page.getByTestId('pin-signer').count()).toBe(0);

    const tampered = join(work, 'tampered');
    cpSync(bundleDir, tampered, { recursive: true });
    appendFileSync(join(tampered, 'RUNBOOK.md'), '\nrun evil.ps1 first\n');
    await verify.getByLabel('Bundle path').fill(tampered);
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('error');
    expect(await outcome.locator('.outcome-title').textContent()).toMatch(/^.?Rejected: \d+ problem/);
    expect(await outcome.locator('.reject-msg').first().textContent()).toMatch(/RUNBOOK\.md/);
    expect(await outcome.locator('.code-tag').first().textContent()).toBe('size-mismatch');
    await outcome.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('13-bundle-tampered') });

    const media = mkdtempSync(join(tmpdir(), 'junction-e2e-media-'));
    const write = page.getByRole('form', { name: 'Write to media' });
    expect(await write.getByLabel('Bundle folder').inputValue()).toBe(bundleDir);
    await write.getByLabel('Target', { exact: true }).fill(media);
    await write.getByRole('button', { name: 'Write and verify' }).click();
    const written = page.getByTestId('write-outcome');
    await expect.poll(() => written.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('ok');
    expect(await written.textContent()).toContain(join(media, 'contoso-bundle'));
    expect(
      spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: join(media, 'contoso-bundle') }).status,
    ).toBe(0);
    await written.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('14-bundle-written') });
  });

  it('creates a Remote Console certificate and inspects it with every requirement passing', async () => {
    await page.keyboard.press('Control+5');
    const certDir = join(work, 'certs');
    const form = page.getByRole('form', { name: 'Create a certificate' });
    await expect.poll(() => form.getByLabel('Purpose').locator('option').count()).toBe(4);
    await form.getByLabel('Purpose').selectOption('remote-console');
    await form.getByLabel('Subject', { exact: true }).fill('CN=Remote Console Connect');
    await form.getByLabel('Output folder').fill(certDir);
    await form.getByLabel('PFX password').fill('cert pass 1');
    await form.getByRole('button', { name: 'Create certificate' }).click();
    const created = page.getByTestId('create-outcome');
    await expect.poll(() => created.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('ok');
    const cer = join(certDir, 'remote-console-connect.cer');
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', cer, '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toMatch(/TLS Web Client Authentication/);

    // Inspect the .pfx with its password: the key and the profile are checked too.
    const inspect = page.getByRole('form', { name: 'Inspect a certificate' });
    expect(await inspect.getByLabel('Certificate file').inputValue()).toBe(cer);
    await inspect.getByLabel('Certificate file').fill(join(certDir, 'remote-console-connect.pfx'));
    await inspect.getByLabel('Password (.pfx only)').fill('cert pass 1');
    await inspect.getByRole('button', { name: 'Inspect' }).click();
    const outcome = page.getByTestId('inspect-outcome');
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('ok');
    expect(await outcome.locator('.outcome-title').textContent()).toMatch(/All \d+ requirements pass/);
    const checks = page.getByRole('list', { name: 'Checklist' }).locator('[data-check]');
    expect(await checks.count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('[data-check][data-status="fail"]').count()).toBe(0);
    expect(await page.locator('[data-check="extended-key-usage"]').getAttribute('data-status')).toBe('pass');
    expect(await page.locator('[data-check="private-key"]').getAttribute('data-status')).toBe('pass');
    const thumb = execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', cer, '-noout', '-fingerprint', '-sha1'],
      { encoding: 'utf8' },
    );
    expect(await page.getByTestId('thumbprint').textContent()).toBe(
      thumb.split('=')[1]!.trim().replace(/:/g, ''),
    );
    // The workspace's own certificates are listed with where each file goes.
    expect(await page.locator('[data-cert] .placements-table tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: shotPath('15-certificates') });
    await page.locator('[data-check]').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('15b-certificates-checklist') });
  });

  it('opens Apply and Health, and switches themes', async () => {
    await go('apply');
    expect(await page.locator('.apply-screen h1').textContent()).toBe('Apply to Azure');
    await go('health');
    await expect.poll(() => page.locator('.health-screen h1').textContent()).toBe('Health');
    expect(await page.locator('.pill').count()).toBe(0);
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
    await go('generate');
    await page.screenshot({ path: shotPath(`16-generate-${after}`) });
    await go('certificates');
    await page.screenshot({ path: shotPath(`17-certificates-${after}`) });
  });

  it('says "Online" only for ARM answering at a check; the browser\'s network flag shows only as "No network"', async () => {
    const arm = page.getByTestId('arm-status');
    expect(await arm.textContent()).toBe('Azure: not checked');
    expect(await arm.getAttribute('title')).toMatch(/has not been checked this session/);
    await page.context().setOffline(true);
    try {
      await expect.poll(() => page.getByTestId('no-network').count()).toBe(1);
      expect(await arm.textContent()).toBe('Azure: not checked');
    } finally {
      await page.context().setOffline(false);
    }
    await expect.poll(() => page.getByTestId('no-network').count()).toBe(0);
    expect(await page.locator('.statusbar').textContent()).not.toMatch(/Online/);
  });

  it('offers "Browse…" where the front door has native dialogs, and asks only for the field\'s purpose', async () => {
    // The renderer half of the desktop dialogs, in Chromium: the host's answers say "electron" and play the
    // dialog (the host half, and the real dialog, are covered by the host and Electron tests).
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    try {
      const asked: unknown[] = [];
      await other.route(/\/api\/app\.info$/, async (route) => {
        const real = await route.fetch();
        const body = (await real.json()) as { ok: true; result: Record<string, unknown> };
        await route.fulfill({ response: real, json: { ok: true, result: { ...body.result, frontDoor: 'electron' } } });
      });
      await other.route(/\/api\/dialog\.openPath$/, async (route) => {
        asked.push(route.request().postDataJSON());
        await route.fulfill({ json: { ok: true, result: { status: 'chosen', path: '/media/usb/contoso.pfx' } } });
      });
      await other.goto(host.url);
      await other.click('nav [data-screen="certificates"]');
      const field = other.getByLabel('Certificate file');
      await field.fill('');
      await other.locator('[data-browse="certificate"]').click();
      await expect.poll(() => field.inputValue()).toBe('/media/usb/contoso.pfx');
      expect(asked).toEqual([{ purpose: 'certificate' }]);
      await other.screenshot({ path: shotPath('18-certificates-browse') });
    } finally {
      await other.close();
    }
  });

  it('still paints the topology when the layout worker cannot load (laid out inline instead)', async () => {
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    try {
      let blocked = 0;
      await other.route(/layout\.worker-[^/]*\.js/, (route) => {
        blocked++;
        return route.abort();
      });
      // Hold the contract's answers back so the worker's load error arrives before any layout is asked for: the
      // error must not be lost for want of a listener (it was, once in a while, in CI).
      await other.route(/\/api\//, async (route) => {
        await new Promise((r) => setTimeout(r, 700));
        return route.continue();
      });
      await other.goto(host.url);
      await other.click('nav [data-screen="topology"]');
      await expect
        .poll(async () => (await other.getByTestId('topology-canvas').getAttribute('data-painted')) ?? '')
        .toMatch(/^[1-9]\d*$/);
      expect(blocked).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('opens every screen before the workspace has loaded without a render loop or page error', async () => {
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    other.on('pageerror', (e) => errors.push(e.message));
    other.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    try {
      // Hold the workspace back so each screen first renders with none (a selector returning a fresh [] then
      // sent the Certificates screen into an endless re-render).
      await other.route(/\/api\/workspace\./, async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        return route.continue();
      });
      await other.goto(host.url);
      for (const screen of ['certificates', 'generate', 'apply', 'health', 'problems', 'topology', 'workspace'])
        await other.click(`nav [data-screen="${screen}"]`);
      expect(await other.locator('.doc-name').textContent()).toBe('No workspace open');
      await other.click('nav [data-screen="certificates"]');
      await expect.poll(() => other.locator('.doc-name').textContent(), { timeout: 15_000 }).not.toBe('No workspace open');
      expect(errors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('ran without CSP violations or page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
