// The network diagram in the browser console: geometry read back from the rendered page (edges around boxes,
// labels off boxes, every NIC port with its address, both ends of every tunnel), level of detail by zoom, the
// overview of a large estate, a reach answer traced on the map, and screenshots at 1280×720 and 1920×1080.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { loadWorkspace } from '../../shared/model/load';
import { syntheticDocument } from '../desktop/synthetic-workspace';
import { danglingEnds, edgesThroughBoxes, labelsOverBoxes, type Box, type Line } from '../topology/geometry';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER, chromiumMissing, ensureBuilt, shotPath } from './harness';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED diagram end-to-end tests: ${missing}`);

const example = (() => {
  const r = loadWorkspace(readFileSync(exampleWorkspacePath(), 'utf8'), 'example.junction.json');
  if (!r.ok) throw new Error('example does not load');
  return r.workspace;
})();

/** Boxes and edges as the page drew them: the SVG's own attributes, in its user units. */
async function drawnGeometry(
  page: Page,
): Promise<{ boxes: Box[]; lines: Line[]; ports: { host: string; text: string }[] }> {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="diagram-viewport"] .diagram-svg svg')!;
    const num = (el: Element, a: string) => Number(el.getAttribute(a));
    const boxes = Array.from(svg.querySelectorAll('g.node')).map((g) => {
      const r = g.querySelector('rect')!;
      const ancestors: string[] = [];
      for (
        let p = g.getAttribute('data-parent');
        p;
        p = svg.querySelector(`g.node[data-id="${CSS.escape(p)}"]`)?.getAttribute('data-parent') ?? null
      )
        ancestors.push(p);
      return {
        id: g.getAttribute('data-id')!,
        x: num(r, 'x'),
        y: num(r, 'y'),
        width: num(r, 'width'),
        height: num(r, 'height'),
        container: g.classList.contains('container'),
        ancestors,
      };
    });
    const lines = Array.from(svg.querySelectorAll('g.edge')).map((g) => {
      const d = g.querySelector('path')!.getAttribute('d')!;
      const points = [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => ({
        x: Number(m[1]),
        y: Number(m[2]),
      }));
      const lr = g.querySelector('rect.edge-label-bg');
      return {
        id: g.getAttribute('data-id')!,
        source: g.getAttribute('data-source')!,
        target: g.getAttribute('data-target')!,
        kind: g.getAttribute('class')!.split(' ')[1]!,
        points,
        ...(lr
          ? {
              label: { x: num(lr, 'x'), y: num(lr, 'y'), width: num(lr, 'width'), height: num(lr, 'height') },
            }
          : {}),
      };
    });
    const ports = Array.from(svg.querySelectorAll('g.node.host text.nic')).map((t) => ({
      host: t.closest('g.node')!.getAttribute('data-id')!,
      text: t.textContent ?? '',
    }));
    return { boxes, lines, ports };
  });
}

describe.skipIf(!!missing)('network diagram (Chromium)', () => {
  let host: WebHost;
  let big: WebHost;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    host = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings() }),
      root: RENDERER,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'junction-diagram-')), 'synthetic.junction.json');
    writeFileSync(file, JSON.stringify(syntheticDocument(2000)));
    big = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings(), startupPath: file }),
      root: RENDERER,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await big?.close();
  });

  async function openDiagram(url: string, width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await page.click('nav [data-screen="topology"]');
    await page.click('[role="tab"][data-mode="diagram"]');
    await page.waitForSelector('[data-testid="diagram-viewport"] .diagram-svg svg g.node', {
      timeout: 60_000,
    });
    return page;
  }

  it('draws the example as a diagram whose geometry holds: edges around boxes, labels off boxes, tunnels end to end', async () => {
    const page = await openDiagram(host.url, 1920, 1080);
    const g = await drawnGeometry(page);
    expect(g.boxes.length).toBeGreaterThan(example.hosts.length);
    expect(edgesThroughBoxes(g.boxes, g.lines)).toEqual([]);
    expect(labelsOverBoxes(g.boxes, g.lines)).toEqual([]);
    expect(danglingEnds(g.boxes, g.lines)).toEqual([]);
    const tunnels = g.lines.filter((l) => l.kind === 'tunnel');
    expect(tunnels.length).toBe(
      example.azure.connections.length + example.licenseLinks.length + example.hnv.s2sConnections.length,
    );
    for (const c of example.azure.connections) {
      const t = tunnels.find((l) => l.source === `gw:${c.vpnGateway}`);
      expect(t, `tunnel of ${c.id}`).toBeDefined();
      const end = g.boxes.find((b) => b.id === t!.target)!;
      const lng = example.azure.localNetworkGateways.find((l) => l.id === c.localNetworkGateway)!;
      expect(end.ancestors).toContain(`site:${lng.represents}`);
    }
    // Every NIC of the example is a port line with its address.
    for (const h of example.hosts)
      for (const itf of h.interfaces) {
        const line = g.ports.find((p) => p.host === `host:${h.id}` && p.text.includes(itf.name));
        expect(line, `${h.id} ${itf.name}`).toBeDefined();
        if (itf.address) expect(line!.text).toContain(itf.address);
      }
    await page.screenshot({ path: shotPath('diagram-1920x1080') });
    // The chosen view stays chosen when the admin leaves Topology and comes back.
    await page.click('nav [data-screen="problems"]');
    await page.click('nav [data-screen="topology"]');
    expect(await page.getAttribute('[role="tab"][data-mode="diagram"]', 'aria-selected')).toBe('true');
    await page.close();
  });

  it('at 1280×720 the default view shows no text smaller than the minimum; zooming in reveals hosts, then NICs', async () => {
    const page = await openDiagram(host.url, 1280, 720);
    const visibleTextSizes = () =>
      page.evaluate(() =>
        Array.from(
          document.querySelectorAll(
            '[data-testid="diagram-viewport"] text, [data-testid="diagram-viewport"] .diagram-overlay',
          ),
        )
          .filter(
            (e) => (e as HTMLElement).getClientRects().length > 0 && getComputedStyle(e).display !== 'none',
          )
          .map((e) => e.getBoundingClientRect().height),
      );
    const sizes = await visibleTextSizes();
    expect(sizes.length).toBeGreaterThan(0);
    // A line box of 12 px text is at least 12 px tall.
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: shotPath('diagram-1280x720') });
    const lod = () => page.getAttribute('[data-testid="diagram-viewport"]', 'data-lod');
    const before = await lod();
    expect(before).not.toBe('near');
    const zoomIn = page.getByRole('button', { name: 'Zoom in' });
    const seen = new Set([before]);
    for (let i = 0; i < 12 && (await lod()) !== 'near'; i++) {
      await zoomIn.click();
      seen.add(await lod());
    }
    expect([...seen]).toEqual(expect.arrayContaining(['mid', 'near']));
    expect(Math.min(...(await visibleTextSizes()))).toBeGreaterThanOrEqual(12);
    await page.close();
  });

  it('shows an NSG as a badge on its subnet and its rules in the details', async () => {
    const page = await openDiagram(host.url, 1920, 1080);
    const subnet = example.azure.vnets.flatMap((v) => v.subnets).find((s) => s.nsg)!;
    await page.locator(`g.node[data-id="subnet:${subnet.id}"] rect`).first().click({ force: true });
    const details = page.getByTestId('diagram-details');
    await expect.poll(() => details.textContent()).toContain(`NSG ${subnet.nsg}`);
    const nsg = example.azure.nsgs.find((n) => n.id === subnet.nsg)!;
    expect(await details.locator('details li').count()).toBeGreaterThanOrEqual(nsg.rules.length);
    await page.close();
  });

  it('traces a reach answer from the Health screen hop by hop, marking the hop that decided', async () => {
    const page = await openDiagram(host.url, 1920, 1080);
    const lic = example.licenseLinks[0]!;
    await page.click('nav [data-screen="health"]');
    await page.getByLabel('From', { exact: true }).fill(lic.nodeGroup);
    await page.getByLabel('To', { exact: true }).fill(lic.licenseServer);
    await page.getByLabel('Port', { exact: true }).fill(String(lic.licensePorts[0]));
    await page.click('button.reach-ask');
    await page.waitForSelector('.reach-verdict', { timeout: 20_000 });
    await page.click('nav [data-screen="topology"]');
    await page.click('[role="tab"][data-mode="diagram"]');
    await page.waitForSelector('[data-testid="diagram-trace"]', { timeout: 30_000 });
    const hops = await page.$$eval('[data-testid="diagram-trace"] .hop', (c) =>
      c.map((e) => e.getAttribute('data-hop')),
    );
    expect(hops[0]).toBe(`host:${lic.nodeGroup}`);
    expect(hops).toContain(`host:${lic.junctionBox}`);
    await page.close();
  }, 60_000);

  it('opens a 2,000-node estate on its overview (sites and networks with counts); a click opens a network', async () => {
    const page = await openDiagram(big.url, 1280, 720);
    const kinds = await page.$$eval('g.node', (gs) => [
      ...new Set(gs.map((g) => g.getAttribute('class')!.split(' ')[1])),
    ]);
    expect(kinds.sort()).toEqual(['network', 'site']);
    await expect
      .poll(() => page.getByTestId('diagram-stats').textContent())
      .toMatch(/hosts · \d+ objects shown/);
    await page.locator('g.node.network[data-id="net:net3"] rect').first().click({ force: true });
    await expect.poll(() => page.locator('.diagram-toolbar .crumbs').textContent()).toContain('Network 3');
    await page.waitForSelector('g.node.host', { timeout: 60_000, state: 'attached' });
    const hosts = await page.$$eval('g.node.host', (gs) => gs.length);
    expect(hosts).toBeGreaterThan(10);
    const g = await drawnGeometry(page);
    expect(edgesThroughBoxes(g.boxes, g.lines)).toEqual([]);
    await page.close();
    expect(errors).toEqual([]);
  }, 180_000);
});
