// End to end, the Health screen in browser mode: the real web host with a saved workspace whose CycleCloud and
// license server sit on loopback addresses this test listens on, the built renderer in Debian's Chromium. Run the
// probes, see rows with sparklines and a certificate warning, ask why CycleCloud cannot reach the Internet, import a
// far-side report, and see the topology coloured with a legend — without a console error or CSP violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { licenseDownReport, loopbackExample } from '../helpers/example';
import { amqpServer, closeAll, listen, makePki, tlsServer } from '../health/peers';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt, resizesAfterPaint, shotPath } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED Health end-to-end tests: ${missing}`);

const NET = `127.83.${process.pid % 250}`;
const CC = `${NET}.4`;
const LIC = `${NET}.5`;

describe.skipIf(!!missing)('Health screen in browser mode (Chromium) against loopback peers', () => {
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  let dir: string;
  let ws: string;
  let caFile: string;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const pki = makePki();
    const soon = pki.leaf('soon'); // lapses in 5 days: the 7-day warning
    const s = (srv: Server) => (servers.push(srv), srv);
    await listen(s(amqpServer(sockets)), CC, 5672);
    await listen(s(tlsServer(soon.key, soon.cert, sockets)), CC, 9443);
    await listen(s(createServer((c) => c.end())), LIC, 27000); // 27001 stays closed
    dir = mkdtempSync(join(tmpdir(), 'junction-e2e-health-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pki.caPem);
    ws = join(dir, 'estate.junction.json');
    writeFileSync(ws, loopbackExample(CC, LIC));

    const api = createHost({ frontDoor: 'web', settings: memorySettings(), startupPath: ws });
    host = await startWebHost({ api, root: RENDERER });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.setDefaultTimeout(8000);
    await page.goto(host.url);
    await page.locator('.doc-path', { hasText: ws }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await closeAll(servers, sockets);
  });

  const rows = (source: string) => page.locator(`tr.hrow[data-source="${source}"]`);

  it('runs the chosen probe sets and shows rows, sparklines, a certificate warning and link levels', async () => {
    await page.click('nav [data-screen="health"]');
    // Nothing leaves this machine: the outbound set names Azure's public endpoints.
    await page.getByLabel('Set cyclecloud-outbound').uncheck();
    await page.getByLabel('Extra trusted CA').fill(caFile);
    await expect.poll(() => rows('none').count()).toBe(18);

    for (let run = 1; run <= 2; run++) {
      await page.getByTestId('health-run').click();
      await expect
        .poll(() => page.getByTestId('run-outcome').textContent())
        .toBe('✕Ran 4 probes: 2 ok, 1 warning, 1 failing');
      await expect
        .poll(() =>
          page.locator('tr.hrow[data-key="ll-flexlm:tcp:27000|local"] svg.spark').getAttribute('data-points'),
        )
        .toBe(String(run));
    }
    expect(await rows('local').count()).toBe(4);
    expect(await rows('none').count()).toBe(14);
    expect(
      await page.locator('tr.hrow[data-key="ll-flexlm:tcp:27001|local"]').getAttribute('data-status'),
    ).toBe('fail');
    const tls = page.locator('tr.hrow[data-key="cc-main:tls:9443|local"]');
    expect(await tls.getAttribute('data-status')).toBe('warning');
    expect(await tls.getByTestId('cert-chip').textContent()).toMatch(
      /^certificate expires in [45] days \(under 7\)$/,
    );
    expect(await page.getByTestId('cert-warnings').textContent()).toContain(`${CC}:9443`);
    // Issue 17: these probes are meant to run from azure-nodes and the cluster's nodes. Run here, they are labelled
    // "from this machine" and shown beside the link, but the link's level waits for the far side's report.
    const licenseLink = page.locator('[data-link="license-link:ll-flexlm"]');
    expect(await licenseLink.getAttribute('data-level')).toBe('unknown');
    expect(await licenseLink.getAttribute('data-local-level')).toBe('degraded');
    expect(await licenseLink.getByTestId('link-local').textContent()).toMatch(
      /^From this machine \(.*\): 1 of 2 not ok: .*:27001 .* — not this link's status$/,
    );
    expect(await licenseLink.getByTestId('link-decided-by').textContent()).toBe(
      'Unknown · set only by a far-side report from azure-nodes',
    );
    expect(await licenseLink.locator('.link-summary').textContent()).toMatch(
      /^no result from azure-nodes yet: the probes ran only on this machine/,
    );
    expect(await page.locator('[data-link="cyclecloud-cluster:cc-main"]').getAttribute('data-level')).toBe('unknown');
    expect(
      await page.locator('tr.hrow[data-key="ll-flexlm:tcp:27000|local"]').getByTestId('taken-from').textContent(),
    ).toBe('from this machine · meant for azure-nodes: does not set its status');
    // The link's sparkline holds only results that set its level: none yet.
    expect(await licenseLink.locator('svg.spark').count()).toBe(0);
    expect(await licenseLink.locator('.spark-empty').count()).toBe(1);
    expect(await page.getByTestId('session-only').count()).toBe(0);
    expect(existsSync(join(dir, 'estate.health.jsonl'))).toBe(true);
    expect(readFileSync(join(dir, 'estate.health.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);

    // Filters: only the problems, then a link's own probes.
    await page.getByLabel('Filter by status').selectOption('problems');
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('2 of 18');
    await page.getByLabel('Filter by status').selectOption('all');
    await page.locator('[data-link="license-link:ll-flexlm"]').click();
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('2 of 18');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('18 targets');
    await page.screenshot({ path: shotPath('30-health-screen') });
  });

  it('answers "why can\'t CycleCloud reach the Internet" with the deciding NSG rule and its place', async () => {
    const panel = page.getByTestId('reach-panel');
    await panel.getByLabel('From', { exact: true }).fill('cc0l');
    await panel.getByLabel('To', { exact: true }).fill('Internet');
    await panel.getByLabel('Port', { exact: true }).fill('443');
    await panel.getByRole('button', { name: 'Ask' }).click();
    // A typo gets suggestions; choosing one asks again.
    await panel.getByTestId('reach-bad').getByRole('button', { name: 'cc01' }).click();
    const answer = panel.getByTestId('reach-answer');
    await expect.poll(() => answer.getAttribute('data-verdict')).toBe('blocked');
    expect(await panel.getByLabel('From', { exact: true }).inputValue()).toBe('cc01');
    expect(await panel.getByTestId('reach-decider').textContent()).toBe(
      'decided by nsg-cyclecloud/BlockOutbound at $.azure.nsgs[0].rules[4]',
    );
    const decisive = answer.locator('.hop.decisive');
    expect(await decisive.count()).toBe(1);
    expect(await decisive.getAttribute('data-outcome')).toBe('blocked');
    expect(await decisive.textContent()).toContain('denied by rule "BlockOutbound" (priority 4000)');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotPath('31-reach-panel') });
    // The same screen in the dark theme: every colour comes from the theme's variables.
    await page.keyboard.press('Control+Shift+L');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.screenshot({ path: shotPath('31b-reach-panel-dark') });
    await page.keyboard.press('Control+Shift+L');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');

    // The rule's line opens the editor there.
    await decisive.getByRole('button', { name: /^line \d+$/ }).click();
    await expect
      .poll(() => page.locator('nav [data-screen="workspace"]').getAttribute('aria-current'))
      .toBe('page');
    await page.click('nav [data-screen="health"]');
  });

  it('imports a far-side report: the license link goes down, seen from the far side', async () => {
    const report = join(dir, 'azure-nodes-20990101T000000Z.json');
    writeFileSync(report, licenseDownReport(LIC, new Date(Date.now() + 1000).toISOString()));
    await page.getByLabel('Report path').fill(report);
    await page.getByRole('button', { name: 'Import far-side report' }).click();
    await expect
      .poll(() => page.getByTestId('import-outcome').textContent())
      .toBe('✓Imported 1 far-side report: 2 new results');
    expect(await rows('far-side').count()).toBe(2);
    const licenseLink = page.locator('[data-link="license-link:ll-flexlm"]');
    expect(await licenseLink.getAttribute('data-level')).toBe('down');
    expect(await licenseLink.getByTestId('link-decided-by').textContent()).toMatch(
      /^Down · far-side report from azure-nodes · /,
    );
    // This machine's view stays beside it, still not the link's status.
    expect(await licenseLink.getAttribute('data-local-level')).toBe('degraded');
    expect(
      await page.locator('tr.hrow[data-key="ll-flexlm:tcp:27000|far-side"]').getByTestId('taken-from').textContent(),
    ).toBe('from azure-nodes on NODE-07 (far-side report)');
    expect(await page.getByTestId('health-latest').textContent()).toContain('Far side:');
    await page.getByLabel('Filter by source').selectOption('far-side');
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('2 of 20');
    expect(await rows('far-side').first().textContent()).toContain('azure-nodes on NODE-07');
    await page.screenshot({ path: shotPath('33-far-side-import') });
    await page.getByLabel('Filter by source').selectOption('all');
  });

  it('colours the topology by the latest health, with a legend, a toggle and a shortcut back to the reach panel', async () => {
    await page.click('nav [data-screen="topology"]');
    const canvas = page.getByTestId('topology-canvas');
    await expect.poll(() => canvas.getAttribute('data-painted'), { timeout: 15_000 }).not.toBeNull();
    // lic01, cc01, cc-main; the license link's two edges and CycleCloud's two.
    await expect.poll(() => canvas.getAttribute('data-health-nodes')).toBe('3');
    expect(Number(await canvas.getAttribute('data-health-edges'))).toBeGreaterThanOrEqual(4);
    // Colouring is a class change on the elements, never a resize (which would redraw all of them).
    expect(await resizesAfterPaint(page, 300)).toBe(0);
    const legend = page.getByTestId('health-legend');
    expect(await legend.textContent()).toContain('Degraded');
    expect(await page.getByTestId('health-as-of').textContent()).toMatch(
      /latest: this machine .* UTC .* · far side .* UTC/,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: shotPath('32-topology-health') });
    await page.getByLabel('Search topology').fill('lic01');
    await page.getByLabel('Search topology').press('Enter');
    await expect.poll(() => page.getByTestId('details-health').textContent()).toContain('Down');
    // The topology says where its colour came from, and what this machine saw instead.
    const details = page.getByTestId('details-health');
    expect(await details.getByTestId('link-decided-by').first().textContent()).toMatch(
      /far-side report from azure-nodes/,
    );
    expect(await details.getByTestId('link-local').first().textContent()).toMatch(/^From this machine/);
    expect(await page.getByTestId('health-colour-source').textContent()).toBe(
      'colours: far-side reports and Azure only, not probes run on this machine',
    );
    await page.screenshot({ path: shotPath('32b-topology-health-attribution') });

    await page.getByLabel('Show health').uncheck();
    await expect.poll(() => canvas.getAttribute('data-health-nodes')).toBe('0');
    expect(await page.getByTestId('health-legend').count()).toBe(0);
    await page.getByLabel('Show health').check();
    await expect.poll(() => canvas.getAttribute('data-health-nodes')).toBe('3');

    await page.getByRole('button', { name: "Why can't this reach…" }).click();
    const panel = page.getByTestId('reach-panel');
    await expect.poll(() => panel.getByLabel('From', { exact: true }).inputValue()).toBe('lic01');
    expect(
      await panel.getByLabel('To', { exact: true }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
  });

  it('ran without CSP violations or page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
