// Issue 22 in the browser console: a workspace file with a state report planted beside it (<ws>.observed.json, as
// `junction receipt import` keeps it). Problems lists the drift beside lint, with the workspace path, the observed
// value, when it was observed and the fixing step; "Show in editor" goes to the place; the diagram and the graph mark the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { loadWorkspace } from '../../shared/model/load';
import { generateAll } from '../../shared/generate/index';
import type { HostState } from '../../shared/state/report';
import { EXAMPLE_TEXT } from '../helpers/example';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt, shotPath } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED drift console end-to-end tests: ${missing}`);

const COLLECTED = '2026-11-22T10:00:00Z';
/** jb01 reports its relay account disabled; everything else it reports matches the model. */
const jb01: HostState = {
  host: 'jb01',
  collected: COLLECTED,
  os: 'windows',
  interfaces: [{ name: 'Ethernet', addresses: ['10.10.99.10/24', '2001:db8:10:99::10/64'] }],
  routes: [
    {
      destination: '0.0.0.0/0',
      nextHop: '10.10.99.1',
      interface: 'Ethernet',
      metric: 0,
      protocol: 'NetMgmt',
    },
  ],
  certificates: [],
  rras: { installed: true, vpnStatus: 'Installed', ipv6Config: 'Prefix: 2011:1234:5678::\n' },
  relayAccounts: [{ name: 'relayUSER', exists: true, enabled: false }],
  vpnConnections: [],
  problems: [],
};

describe.skipIf(!!missing)('drift in the console (Chromium)', () => {
  let host: WebHost;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'junction-drift-e2e-'));
    const file = join(dir, 'contoso.junction.json');
    writeFileSync(file, EXAMPLE_TEXT);
    const entry = {
      host: 'jb01',
      file: 'receipt/state/jb01-20261122T100000Z.json',
      sha256: '0'.repeat(64),
      importedAt: COLLECTED,
      state: jb01,
    };
    writeFileSync(join(dir, 'contoso.observed.json'), JSON.stringify({ version: 1, hosts: { jb01: entry } }));
    host = await startWebHost({
      // An empty state directory of its own: no Azure snapshot is compared.
      api: createHost({
        frontDoor: 'web',
        settings: memorySettings({ azure: { connection: { stateDir: join(dir, 'azure-state') } } }),
        startupPath: file,
      }),
      root: RENDERER,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('Problems lists the planted drift with path, observed value, time and fixing step; the editor, the diagram and the graph follow', async () => {
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(host.url);
    await page.click('nav [data-screen="problems"]');
    const panel = page.getByTestId('drift-panel');
    const item = panel.locator('[data-drift="relay-account"]');
    await item.waitFor({ timeout: 20_000 });
    expect(await panel.locator('[data-drift]').count()).toBe(1);
    expect(await item.getAttribute('data-host')).toBe('jb01');
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('$.licenseLinks[0].relayAccount.name');
    expect(text).toContain('Observed: disabled');
    expect(text).toContain(`at ${COLLECTED}`);
    const ws = loadWorkspace(EXAMPLE_TEXT, 'contoso.junction.json');
    if (!ws.ok) throw new Error('example does not load');
    const step = generateAll(ws.workspace).steps.find(
      (s) => s.target.id === 'jb01' && s.scenario === 'license-link',
    )!;
    expect(text).toContain(`Fix: run step ${step.number} (${step.title})`);
    // Beside lint: the lint groups are on the same list.
    expect(await page.locator('.problem-list .group[data-group="RET001"]').count()).toBe(1);
    await page.screenshot({ path: shotPath('drift-problems') });

    const at = ws.source.locate(['licenseLinks', 0, 'relayAccount', 'name'])!;
    await item.getByRole('button', { name: 'Show in editor' }).click();
    await expect.poll(() => page.getByTestId('caret-problems').textContent()).toContain(`Line ${at.line}`);
    expect(
      await page
        .getByLabel('Workspace document')
        .evaluate(
          (t) =>
            (t as HTMLTextAreaElement).value.slice(0, (t as HTMLTextAreaElement).selectionStart).split('\n')
              .length,
        ),
    ).toBe(at.line);

    await page.click('nav [data-screen="topology"]');
    await page.click('[role="tab"][data-mode="diagram"]');
    await page.waitForSelector('[data-testid="diagram-viewport"] g.node[data-id="host:jb01"].drifted', {
      timeout: 60_000,
    });
    const drifted = await page.$$eval('[data-testid="diagram-viewport"] g.node.drifted', (g) =>
      g.map((e) => e.getAttribute('data-id')),
    );
    expect(drifted).toEqual(['host:jb01']);
    expect(await page.getByTestId('diagram-drift').textContent()).toBe('1 host drifted');
    const dash = await page.$eval(
      'g.node[data-id="host:jb01"] > rect',
      (r) => getComputedStyle(r).strokeDasharray,
    );
    expect(dash).not.toBe('none');
    await page.screenshot({ path: shotPath('drift-diagram') });

    // The graph view marks the same one host.
    await page.click('[role="tab"][data-mode="graph"]');
    await expect
      .poll(() => page.getByTestId('topology-canvas').getAttribute('data-drift-nodes'), { timeout: 30_000 })
      .toBe('1');
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
