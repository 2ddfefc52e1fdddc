// The network diagram: geometry of the laid-out example (edges around boxes, labels off boxes, every NIC port with
// its address, both ends of every tunnel), and `junction topology` exports checked by independent tools (resvg
// parses the SVG, Graphviz parses the DOT), byte-identical across runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { buildDiagram } from '../../shared/topology/diagram';
import { layoutDiagram, type DiagramLayout } from '../../shared/topology/layout';
import { focusDiagram, resolveFocus, withDetail } from '../../shared/topology/view';
import { cli } from '../helpers/cli';
import { EXAMPLE_PATH } from '../helpers/example';
import { danglingEnds, edgesThroughBoxes, labelsOverBoxes, type Box, type Line } from './geometry';

const exampleText = readFileSync(EXAMPLE_PATH, 'utf8');
function load(text: string): Workspace {
  const r = loadWorkspace(text, 'ws.junction.json');
  if (!r.ok) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
  return r.workspace;
}

export function geometryOf(l: DiagramLayout): { boxes: Box[]; lines: Line[] } {
  const parents = new Set(l.nodes.map((n) => n.parent).filter(Boolean));
  const byId = new Map(l.nodes.map((n) => [n.id, n]));
  const anc = (id: string) => {
    const out: string[] = [];
    for (let p = byId.get(id)?.parent; p; p = byId.get(p)?.parent) out.push(p);
    return out;
  };
  return {
    boxes: l.nodes.map((n) => ({
      id: n.id,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
      container: parents.has(n.id),
      ancestors: anc(n.id),
    })),
    lines: l.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      points: e.points,
      label: e.label,
    })),
  };
}

describe('diagram of the example', () => {
  let layout: DiagramLayout;
  const ws = load(exampleText);
  beforeAll(async () => {
    layout = await layoutDiagram(buildDiagram(ws));
  });

  it('nests sites ⊃ networks ⊃ subnets and puts every host in its network or site', () => {
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const s of ws.networks.flatMap((n) => n.subnets))
      expect(byId.get(`subnet:${s.id}`)?.parent).toMatch(/^net:/);
    for (const h of ws.hosts) {
      const parent = byId.get(byId.get(`host:${h.id}`)!.parent!)!;
      expect(['network', 'site']).toContain(parent.kind);
    }
    // Contained boxes lie inside their parents' boxes.
    for (const n of layout.nodes) {
      if (!n.parent) continue;
      const p = byId.get(n.parent)!;
      expect(
        n.x >= p.x &&
          n.y >= p.y &&
          n.x + n.width <= p.x + p.width + 0.5 &&
          n.y + n.height <= p.y + p.height + 0.5,
        `${n.id} inside ${p.id}`,
      ).toBe(true);
    }
  });

  it('no edge passes through a box it does not connect, and no label covers a box', () => {
    const g = geometryOf(layout);
    expect(edgesThroughBoxes(g.boxes, g.lines)).toEqual([]);
    expect(labelsOverBoxes(g.boxes, g.lines)).toEqual([]);
  });

  it('draws every NIC of the example as a port with its address, and marks default routes with their metrics', () => {
    for (const h of ws.hosts) {
      const n = layout.nodes.find((x) => x.id === `host:${h.id}`)!;
      expect(n.ports.map((p) => p.nic)).toEqual(h.interfaces.map((i) => i.name));
      for (const [k, itf] of h.interfaces.entries()) {
        const text = n.lines.filter((l) => l.kind === 'nic')[k]!.text;
        if (itf.address) expect(text).toContain(itf.address);
        if (itf.defaultGateway) expect(text).toContain(`default via ${itf.defaultGateway}`);
        if (itf.routeMetric) expect(text).toContain(`metric ${itf.routeMetric}`);
        // The port sits on the host's border.
        const p = n.ports[k]!;
        expect(Math.min(Math.abs(p.x - n.x), Math.abs(p.x - n.x - n.width))).toBeLessThan(1);
      }
    }
  });

  it('draws both ends of every tunnel: the S2S VPN reaches an on-premises end, License Link the junction box', () => {
    const tunnels = layout.edges.filter((e) => e.kind === 'tunnel');
    expect(tunnels.length).toBe(
      ws.azure.connections.length + ws.licenseLinks.length + ws.hnv.s2sConnections.length,
    );
    const g = geometryOf(layout);
    expect(danglingEnds(g.boxes, g.lines)).toEqual([]);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const siteOf = (id: string): string | undefined => {
      let n = byId.get(id);
      while (n && n.kind !== 'site') n = n.parent ? byId.get(n.parent) : undefined;
      return n?.id;
    };
    for (const c of ws.azure.connections) {
      const t = tunnels.find((e) => e.source === `gw:${c.vpnGateway}`)!;
      const lng = ws.azure.localNetworkGateways.find((l) => l.id === c.localNetworkGateway)!;
      expect(siteOf(t.target)).toBe(`site:${lng.represents}`);
    }
    for (const l of ws.licenseLinks)
      expect(
        tunnels.some((e) => e.source === `host:${l.nodeGroup}` && e.target === `host:${l.junctionBox}`),
      ).toBe(true);
  });

  it('puts NSGs and route tables as badges on the subnets they attach to, with their rules', () => {
    for (const s of ws.azure.vnets.flatMap((v) => v.subnets)) {
      const n = layout.nodes.find((x) => x.id === `subnet:${s.id}`)!;
      if (s.nsg) {
        const b = n.source.badges.find((x) => x.kind === 'nsg')!;
        expect(b.ref).toBe(s.nsg);
        expect(b.lines.length).toBe(ws.azure.nsgs.find((x) => x.id === s.nsg)!.rules.length);
      }
      if (s.routeTable)
        expect(n.source.badges.some((x) => x.kind === 'route-table' && x.ref === s.routeTable)).toBe(true);
    }
  });

  it('zoomed out shows sites and networks with host counts, and keeps the tunnels between them', () => {
    const d = withDetail(buildDiagram(ws), 'networks');
    expect(new Set(d.nodes.map((n) => n.kind))).toEqual(new Set(['site', 'network', 'device']));
    const total = ws.hosts.reduce((n, h) => n + (h.count ?? 1), 0);
    const counted = d.nodes.reduce((n, x) => n + (x.hostCount ?? 0), 0);
    expect(counted).toBe(total);
    expect(d.edges.filter((e) => e.kind === 'tunnel').length).toBeGreaterThanOrEqual(2);
  });

  it('a focus on a site is the whole site', () => {
    const d = buildDiagram(ws);
    const site = ws.sites.find((x) => x.kind === 'on-premises')!;
    const f = focusDiagram(d, resolveFocus(d, site.id));
    const inSite = ws.hosts.filter((h) => h.site === site.id).map((h) => `host:${h.id}`);
    expect(f.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(inSite));
  });

  it('a focus keeps the object, its neighbours and their containers', () => {
    const d = buildDiagram(ws);
    const f = focusDiagram(d, resolveFocus(d, 'JB01'.toLowerCase()));
    const ids = f.nodes.map((n) => n.id);
    const l = ws.licenseLinks[0]!;
    expect(ids).toEqual(
      expect.arrayContaining([`host:${l.junctionBox}`, `host:${l.nodeGroup}`, `host:${l.licenseServer}`]),
    );
    expect(ids.filter((id) => id.startsWith('host:')).length).toBeLessThan(ws.hosts.length);
  });
});

describe('junction topology', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-topology-'));
    // Workspace text that would break SVG or DOT if it were spliced raw.
    const doc = JSON.parse(exampleText) as { hosts: { name: string }[] };
    doc.hosts[0]!.name = 'HN01 <script>alert(1)</script> & "q" \\ x';
    writeFileSync(join(dir, 'hostile.junction.json'), JSON.stringify(doc));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => cli(['topology', ...args], dir);

  it('writes an SVG that resvg parses, naming every host, the same bytes every time', async () => {
    const a = await run([EXAMPLE_PATH, '--out', 'a.svg']);
    expect(a.code, a.err).toBe(0);
    expect((await run([EXAMPLE_PATH, '--format', 'svg', '--out', 'b.svg'])).code).toBe(0);
    const svg = readFileSync(join(dir, 'a.svg'), 'utf8');
    expect(readFileSync(join(dir, 'b.svg'), 'utf8')).toBe(svg);
    for (const h of load(exampleText).hosts) expect(svg).toContain(`>${h.name}`);
    // resvg is a strict SVG parser: the PNG export fails on a malformed document.
    expect((await run([EXAMPLE_PATH, '--out', 'a.png'])).code).toBe(0);
  });

  it('writes a PNG of the SVG\u2019s size, identical across runs', async () => {
    await run([EXAMPLE_PATH, '--out', 'one.png']);
    await run([EXAMPLE_PATH, '--out', 'two.png']);
    const one = readFileSync(join(dir, 'one.png'));
    expect(one.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(readFileSync(join(dir, 'two.png')).equals(one)).toBe(true);
    await run([EXAMPLE_PATH, '--out', 'size.svg']);
    const m = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(readFileSync(join(dir, 'size.svg'), 'utf8'))!;
    expect([one.readUInt32BE(16), one.readUInt32BE(20)]).toEqual([Number(m[1]), Number(m[2])]);
  });

  it('writes DOT that Graphviz parses, with every host, the same bytes every time', async () => {
    expect((await run([EXAMPLE_PATH, '--out', 'a.dot'])).code).toBe(0);
    expect((await run([EXAMPLE_PATH, '--format', 'dot', '--out', 'b.dot'])).code).toBe(0);
    const dot = readFileSync(join(dir, 'a.dot'), 'utf8');
    expect(readFileSync(join(dir, 'b.dot'), 'utf8')).toBe(dot);
    const r = spawnSync('dot', ['-Tsvg', join(dir, 'a.dot')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const h of load(exampleText).hosts) expect(r.stdout).toContain(h.name);
  });

  it('escapes workspace text: markup stays text in SVG, quotes and backslashes stay text in DOT', async () => {
    const hostile = join(dir, 'hostile.junction.json');
    expect((await run([hostile, '--out', 'h.svg'])).code).toBe(0);
    const svg = readFileSync(join(dir, 'h.svg'), 'utf8');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('HN01 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; \\ x');
    expect((await run([hostile, '--out', 'h.png'])).code).toBe(0);
    expect((await run([hostile, '--out', 'h.dot'])).code).toBe(0);
    const out = execFileSync('dot', ['-Tplain', join(dir, 'h.dot')], { encoding: 'utf8' });
    expect(out).toContain('<script>alert(1)</script>');
  });

  it('draws a focused network flat, as the console opens one (no region boxes around it)', async () => {
    const net = load(exampleText).networks[0]!;
    expect((await run([EXAMPLE_PATH, '--out', 'net.svg', '--focus', net.id])).code).toBe(0);
    const svg = readFileSync(join(dir, 'net.svg'), 'utf8');
    expect(svg).not.toMatch(/class="node site/);
    for (const s of net.subnets) expect(svg).toContain(`data-id="subnet:${s.id}"`);
  });

  it('focuses on one object, and refuses an unknown id, a bad format or detail with the fix (exit 2)', async () => {
    expect((await run([EXAMPLE_PATH, '--out', 'f.svg', '--focus', 'jb01'])).code).toBe(0);
    const unknown = await run([EXAMPLE_PATH, '--out', 'f.svg', '--focus', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--focus "nope": no object/);
    const fmt = await run([EXAMPLE_PATH, '--out', 'f.gif']);
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/is not one of svg, png, dot/);
    expect((await run([EXAMPLE_PATH, '--out', 'f.svg', '--detail', 'all'])).code).toBe(2);
    const bad = await run([join(dir, 'missing.junction.json'), '--out', 'x.svg']);
    expect(bad.code).toBe(2);
    expect(bad.err).not.toMatch(/\n\s+at /);
  });
});
