// End to end, the Apply screen in browser mode: the real web host pointed at the local HTTPS ARM emulator, the built
// renderer in Debian's Chromium. Plan (with a resource someone else created, excluded until taken over), apply with
// the shared key typed in the confirmation, then see the fresh plan find nothing left to change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { portalPut } from '../azure/helpers';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, dispatch, memorySettings, type SettingsBackend } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { ArmEmulator } from '../azure/emulator/server';
import { makePki, type TestPki } from '../azure/emulator/certs';
import { desiredResources } from '../../shared/azure/desired';
import { canonical } from '../../shared/azure/canonical';
import { loadWorkspace } from '../../shared/model/load';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt, shotPath } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED Apply end-to-end tests: ${missing}`);

process.env.JUNCTION_AZURE_POLL_MS = '10';
process.env.JUNCTION_AZURE_RETRY_MS = '50';

const PSK = 'e2e-shared-key-9f3c';
const exampleText = readFileSync(exampleWorkspacePath(), 'utf8');
const ws = loadWorkspace(exampleText, 'example.json');
if (!ws.ok) throw new Error('example does not load');
const desired = desiredResources(ws.workspace).resources;

describe.skipIf(!!missing)('Apply screen in browser mode (Chromium) against the HTTPS ARM emulator', () => {
  let pki: TestPki;
  let emu: ArmEmulator;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  let state: string;
  let settings: SettingsBackend;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    pki = makePki();
    emu = new ArmEmulator({ key: pki.serverKey, cert: pki.serverCert });
    emu.pollsToFinish = 3;
    await emu.start();
    state = mkdtempSync(join(tmpdir(), 'junction-e2e-apply-'));
    settings = memorySettings();
    const api = createHost({ frontDoor: 'web', settings });
    // The service principal, the CA and the state folder are set up front; the endpoint is entered in the UI.
    await dispatch(api, 'azure.settings.update', {
      method: 'certificate',
      tenantId: 'contoso-tenant',
      clientId: '11111111-2222-3333-4444-555555555555',
      certificatePath: pki.clientPemFile,
      caFile: pki.caFile,
      stateDir: state,
    });
    host = await startWebHost({ api, root: RENDERER });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(host.url);
    await page.locator('.doc-name', { hasText: 'Contoso hybrid HPC' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await emu?.stop();
  });

  const put = (path: string, body: unknown) => portalPut(emu, pki, path, body);
  const chip = (action: string) => page.locator(`[data-count="${action}"] .num`);

  it('points the console at the ARM endpoint and plans: Create per resource, an unowned one excluded until taken over', async () => {
    // Someone created the route table in the portal, without Junction's ownership tag.
    const rt = desired.find((d) => d.kind === 'routeTable')!;
    expect(
      await put(new URL(rt.armId, 'https://x').pathname, {
        location: 'westeurope',
        properties: { routes: [] },
      }),
    ).toBe(201);

    page.setDefaultTimeout(5000);
    await page.click('nav [data-screen="apply"]');

    const panel = page.getByRole('form', { name: 'Connection and sign-in' });
    await panel.getByLabel('Cloud', { exact: true }).selectOption('custom');
    await panel.getByLabel('ARM endpoint', { exact: true }).fill(emu.base);
    await panel.getByRole('button', { name: 'Save' }).click();

    await expect.poll(() => panel.locator('.sev.ok').textContent()).toBe('Saved');

    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await expect
      .poll(() => chip('Create').textContent(), { timeout: 15_000 })
      .toBe(String(desired.length - 1));
    expect(await chip('Ignore').textContent()).toBe('1');
    const row = page.locator(`[data-resource="${rt.name}"]`);
    expect(await row.getAttribute('data-action')).toBe('Ignore');
    expect(await row.locator('.unowned-badge').count()).toBe(1);
    expect(await row.locator('.props-diff tr').count()).toBeGreaterThan(0);
    // The property a take-over would add, grouped under its route, the full ARM path in the tooltip.
    expect(await row.locator('.pd-group').first().textContent()).toBe('routes[fabric-mgmt-via-vpn]');
    expect(await row.locator('.pd-path').first().getAttribute('title')).toMatch(
      /^properties\.routes\[fabric-mgmt-via-vpn\]\./,
    );
    expect(await page.getByTestId('apply-open-confirm').textContent()).toBe(
      `Apply ${desired.length - 1} changes…`,
    );
    // One Create opened to show its properties, as an admin reviewing it would.
    await page.locator('[data-resource="cn-hpc-to-contoso"] .res-toggle').click();
    expect(await page.locator('[data-resource="cn-hpc-to-contoso"] .props-diff').textContent()).toContain(
      'IKEv2',
    );
    await page.screenshot({ path: shotPath('20-apply-plan') });
    // A live plan is a check of ARM: the status bar's "Online" is that answer, with its time.
    expect(await page.getByTestId('arm-status').textContent()).toMatch(/^Online · ARM \d\d:\d\d UTC$/);
    expect(await page.getByTestId('arm-status').getAttribute('title')).toMatch(/^Azure Resource Manager answered at .* \(a live plan on Apply\)$/);
    // The snapshot that plan saved goes to a file for the machine where the change will be reviewed offline.
    const snapFile = join(mkdtempSync(join(tmpdir(), 'junction-e2e-snap-')), 'snapshot.json');
    const snapPanel = page.getByTestId('snapshot-panel');
    await snapPanel.getByLabel('Snapshot file').fill(snapFile);
    await snapPanel.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => snapPanel.getByTestId('snapshot-outcome').textContent()).toMatch(/Snapshot exported\d+ resources as ARM returned them/);
    expect((JSON.parse(readFileSync(snapFile, 'utf8')) as { format: string }).format).toBe('junction-azure-snapshot/1');

    await row.getByLabel('take over').check();
    await expect.poll(() => row.getAttribute('data-action'), { timeout: 15_000 }).toBe('Modify');
    expect(await chip('Ignore').textContent()).toBe('0');
    expect(await chip('Modify').textContent()).toBe('1');
  });

  it('applies after a confirmation that names the counts, with the shared key typed for that request only', async () => {
    await page.getByTestId('apply-open-confirm').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.locator('h2').textContent()).toBe(
      `Apply: create ${desired.length - 1}, modify 1 — ${desired.length} resources`,
    );
    const confirm = dialog.getByTestId('confirm-apply');
    expect(await confirm.isDisabled()).toBe(true); // the shared key is still missing
    await dialog.getByLabel('Shared key contoso-s2s-psk').fill(PSK);
    expect(await confirm.textContent()).toBe(`Apply ${desired.length} changes`);
    await page.screenshot({ path: shotPath('20b-apply-confirm') });
    await confirm.click();

    const outcome = page.getByTestId('apply-outcome');
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('ok');
    expect(await outcome.textContent()).toContain(`Applied: ${desired.length} steps done`);
    // The fresh plan after the apply: everything NoChange.
    await expect
      .poll(() => page.getByTestId('verified').textContent(), { timeout: 15_000 })
      .toContain(`${desired.length} unchanged`);
    expect(await chip('NoChange').textContent()).toBe(String(desired.length));
    expect(await chip('Create').textContent()).toBe('0');
    expect(await page.getByTestId('plan-clean').count()).toBe(1);
    await expect.poll(() => page.locator('[data-step-state="done"]').count()).toBe(desired.length);
    expect(await page.getByTestId('apply-log').textContent()).toContain('completed');
    await page.screenshot({ path: shotPath('21-apply-done') });

    for (const d of desired)
      expect(canonical(d.kind, emu.get(d.armId)), d.name).toEqual(canonical(d.kind, d.body));
    expect(emu.secretOf(desired.find((d) => d.kind === 'connection')!.armId)).toEqual({ sharedKey: PSK });
    const junctionPuts = emu.appliedPuts.slice(1); // the first was the portal's
    expect(junctionPuts).toHaveLength(desired.length);
    expect(new Set(junctionPuts).size).toBe(desired.length);
    // Typed for one request: not in the page's fields, the settings, or the state folder.
    expect(
      await page
        .locator('input[type="password"]')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).join('')),
    ).toBe('');
    expect(JSON.stringify(settings.get('azure' as never))).not.toContain(PSK);
    const files = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
    for (const f of files(state)) expect(readFileSync(f, 'utf8')).not.toContain(PSK);
  });

  it('cancels an apply half way and resumes it from the journal, sending no PUT twice', async () => {
    // Two changes in the editor (not saved): the route table and one NSG rule.
    await page.click('nav [data-screen="workspace"]');
    await page.locator('textarea.code').evaluate(
      (el, value) => {
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      exampleText
        .replace('"disableBgpRoutePropagation": false', '"disableBgpRoutePropagation": true')
        .replace('"destinationPorts": ["443"]', '"destinationPorts": ["443", "8443"]'),
    );
    await page.click('nav [data-screen="apply"]');
    await page.getByRole('button', { name: 'Plan again' }).first().click();
    await expect.poll(() => chip('Modify').textContent(), { timeout: 15_000 }).toBe('2');

    const before = emu.appliedPuts.length;
    emu.hangOnPut = before + 1; // the first change lands in Azure, its answer never comes
    emu.onPutApplied = (n) => {
      if (n === before + 1)
        void page.getByTestId('apply-progress').getByRole('button', { name: 'Cancel' }).click();
    };
    await page.getByTestId('apply-open-confirm').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.locator('h2').textContent()).toBe('Apply: modify 2 — 2 resources');
    expect(await dialog.locator('input[type="password"]').count()).toBe(0); // the VPN connection is unchanged: no key asked
    await dialog.getByTestId('confirm-apply').click();
    const outcome = page.getByTestId('apply-outcome');
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('warn');
    emu.onPutApplied = undefined;
    emu.hangOnPut = undefined;
    expect(await outcome.textContent()).toMatch(/Cancelled after 0 steps of 2.*Cancelled at Modify/);
    // The journal is read again once the request returns.
    await expect.poll(() => page.locator('[data-step-state="interrupted"]').count()).toBe(1);
    expect(await page.locator('[data-step-state="pending"]').count()).toBe(1);
    await page.screenshot({ path: shotPath('23-apply-cancelled') });

    await outcome.getByRole('button', { name: 'Resume…' }).click();
    expect(await dialog.locator('h2').textContent()).toMatch(/^Resume apply \d{8}T\d{6}Z-[0-9a-f]{6}$/);
    await dialog.getByRole('button', { name: 'Resume 2 steps' }).click();
    await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('ok');
    await expect
      .poll(() => page.getByTestId('verified').textContent(), { timeout: 15_000 })
      .toContain(`${desired.length} unchanged`);
    await expect.poll(() => page.locator('[data-step-state="verified"]').count()).toBe(1);
    const resumed = emu.appliedPuts.slice(before);
    expect(resumed).toHaveLength(2); // one before the cancel, one after; the first was verified by GET, not sent again
    expect(new Set(resumed).size).toBe(2);
  });

  it('exports the ARM template and reads well in the dark theme', async () => {
    await page.getByRole('button', { name: 'ARM template' }).click();
    await expect
      .poll(() => page.getByTestId('export-result').textContent())
      .toContain('az deployment group create');
    await page.keyboard.press('Control+Shift+L');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForTimeout(200);
    await page.screenshot({ path: shotPath('22-apply-dark') });
    await page.keyboard.press('Control+Shift+L');
  });

  it('ran without CSP violations or page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
