// Workspace → topology graph and the worker's layout, checked against the workspace itself.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadWorkspace } from '../../shared/model/load';
import { lintWorkspace } from '../../shared/lint/engine';
import { formatPath, toJsonPointer } from '../../shared/model/path';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { buildTopology, objectIdForPath, searchNodes } from '../../renderer/topology/graph';
import { layeredLayout, NODE_H, NODE_W } from '../../renderer/topology/layout';
import { layoutInputOf, layoutKeyOf } from '../../renderer/topology/layout-client';
import { elementsOf, updateInPlace } from '../../renderer/topology/elements';
import { nearestInDirection, nearestTo } from '../../renderer/topology/keyboard';
import cytoscape from 'cytoscape';
import { syntheticWorkspace } from './synthetic-workspace';
import type { Workspace } from '../../shared/model/schema';
import type { LocatedFinding } from '../../shared/api/contract';

function load(text: string): Workspace {
  const r = loadWorkspace(text, 'x.junction.json');
  if (!r.ok) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
  return r.workspace;
}
const exampleText = readFileSync(exampleWorkspacePath(), 'utf8');

function located(ws: Workspace): LocatedFinding[] {
  return lintWorkspace(ws, { now: new Date('2026-11-22T00:00:00Z') }).findings.map((f) => ({
    ...f,
    where: formatPath(f.path),
    pointer: toJsonPointer(f.path),
  }));
}

describe('buildTopology', () => {
  const ws = load(exampleText);
  const t = buildTopology(ws);

  it('has one node per modelled object and every edge ends on a node', () => {
    const count = (k: string) => t.nodes.filter((n) => n.kind === k).length;
    expect(count('site')).toBe(ws.sites.length);
    expect(count('host')).toBe(ws.hosts.length);
    expect(count('vnet')).toBe(ws.azure.vnets.length);
    expect(count('subnet')).toBe(ws.networks.reduce((a, n) => a + n.subnets.length, 0));
    expect(count('azure-subnet')).toBe(ws.azure.vnets.reduce((a, v) => a + v.subnets.length, 0));
    expect(count('vpn-gateway')).toBe(ws.azure.vpnGateways.length);
    const keys = new Set(t.nodes.map((n) => n.key));
    expect(keys.size).toBe(t.nodes.length);
    for (const e of t.edges) {
      expect(keys.has(e.source), e.source).toBe(true);
      expect(keys.has(e.target), e.target).toBe(true);
    }
    // Each VPN connection is drawn as a tunnel between its gateways.
    expect(
      t.edges.filter((e) => e.kind === 'tunnel' && e.source === ws.azure.connections[0]?.vpnGateway),
    ).toHaveLength(1);
    // Every host attaches to the subnets of its interfaces.
    for (const h of ws.hosts)
      for (const i of h.interfaces)
        expect(t.edges.some((e) => e.source === h.id && e.target === i.subnet)).toBe(true);
  });

  it('puts each finding on the object it is about, and survives duplicate ids', () => {
    const bad = load(exampleText.replace('"id": "hpcadmin01"', '"id": "hn01"'));
    const findings = located(bad);
    const dup = findings.find((f) => f.ruleId === 'WS001');
    expect(dup).toBeDefined();
    expect(objectIdForPath(bad, dup!.path)).toBe('hn01');
    const tb = buildTopology(bad, findings);
    const keys = tb.nodes.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('hn01~2');
    // The badge goes on the second declaration (the one the finding points at), not on the first.
    expect(tb.nodes.find((n) => n.key === 'hn01~2')!.severity).toBe('error');
    expect(tb.nodes.find((n) => n.key === 'hn01')!.severity).toBeUndefined();
  });

  it('searches by name, id and prefix', () => {
    expect(searchNodes(t.nodes, 'hn01').map((n) => n.id)).toContain('hn01');
    const subnet = ws.networks[0]!.subnets[0]!;
    expect(searchNodes(t.nodes, subnet.prefix).map((n) => n.id)).toContain(subnet.id);
    expect(searchNodes(t.nodes, '  ')).toEqual([]);
  });
});

describe('layeredLayout', () => {
  it('places every node once, without overlaps, deterministically', () => {
    const ws = syntheticWorkspace(2000);
    const t = buildTopology(ws);
    expect(t.nodes.length).toBeGreaterThanOrEqual(2000);
    const input = {
      nodes: t.nodes.map((n) => ({ key: n.key, kind: n.kind, ...(n.site ? { site: n.site } : {}) })),
      edges: t.edges,
    };
    const { positions: pos, bands } = layeredLayout(input);
    expect(Object.keys(bands).sort()).toEqual(['az', 'dc']);
    const placed = t.nodes.filter((n) => n.kind !== 'site');
    expect(Object.keys(pos)).toHaveLength(placed.length);
    const cells = new Set(
      placed.map((n) => `${Math.round(pos[n.key]!.x / NODE_W)}:${Math.round(pos[n.key]!.y / NODE_H)}`),
    );
    expect(cells.size).toBe(placed.length);
    expect(layeredLayout(input).positions).toEqual(pos);
    // A site with ~2,000 hosts wraps into a block rather than one endless column.
    const ys = placed.map((n) => pos[n.key]!.y);
    const xs = placed.map((n) => pos[n.key]!.x);
    const h = Math.max(...ys) - Math.min(...ys);
    const w = Math.max(...xs) - Math.min(...xs);
    expect(w / h).toBeGreaterThan(0.5);
    expect(w / h).toBeLessThan(8);
  });
});

describe('elements on the canvas (headless cytoscape)', () => {
  const ws = load(exampleText);
  const clean = buildTopology(ws);
  // Findings of a planted duplicate id, shown on the unchanged example: the same objects, now with badges.
  const findings = located(load(exampleText.replace('"id": "hpcadmin01"', '"id": "hn01"')));
  const flagged = buildTopology(ws, findings);
  const colors = { host: '#123456' };

  it('lays out the same whatever the lint findings, and differently when an object is added', () => {
    const key = layoutKeyOf(layoutInputOf(clean));
    expect(layoutKeyOf(layoutInputOf(flagged))).toBe(key);
    const more = load(
      exampleText.replace('"hosts": [', '"hosts": [{ "id": "extra01", "name": "EXTRA01", "site": "contoso-dc", "roles": ["head-node"] },'),
    );
    expect(layoutKeyOf(layoutInputOf(buildTopology(more)))).not.toBe(key);
  });

  it('updates badges and severity in place, touching only the nodes whose lint changed', () => {
    const cy = cytoscape({ headless: true, styleEnabled: false });
    cy.add(elementsOf(clean, layeredLayout(layoutInputOf(clean)), colors));
    const before = cy.elements().map((e) => e.id());
    const positions = cy.nodes().map((n) => ({ ...n.position() }));
    const badged = flagged.nodes.filter((n) => n.problems > 0);
    expect(badged.length).toBeGreaterThan(0);

    expect(updateInPlace(cy, flagged, colors)).toBe(badged.length);
    for (const n of badged) {
      expect(cy.getElementById(n.key).data('severity')).toBe(n.severity);
      expect(cy.getElementById(n.key).data('display')).toMatch(new RegExp(`^(✖|▲|ℹ) ${n.problems} `));
    }
    // Nothing was re-added or moved.
    expect(cy.elements().map((e) => e.id())).toEqual(before);
    expect(cy.nodes().map((n) => ({ ...n.position() }))).toEqual(positions);
    // Unchanged again: no work; back to clean: the badges and severities go.
    expect(updateInPlace(cy, flagged, colors)).toBe(0);
    expect(updateInPlace(cy, clean, colors)).toBe(badged.length);
    for (const n of badged) {
      expect(cy.getElementById(n.key).data('severity')).toBeUndefined();
      expect(cy.getElementById(n.key).data('display')).not.toMatch(/^(✖|▲|ℹ)/);
    }
    cy.destroy();
  });
});

describe('arrow keys on the topology', () => {
  // A 3 × 3 grid 100 apart, plus one far off to the right and low.
  const grid = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => ({ key: `n${r}${c}`, x: c * 100, y: r * 100 })));
  const nodes = [...grid, { key: 'far', x: 130, y: 290 }];
  const at = (key: string) => nodes.find((n) => n.key === key)!;

  it('moves to the nearest node in line, each way, and nowhere past the edge', () => {
    expect(nearestInDirection(nodes, at('n11'), 'right')).toBe('n12');
    expect(nearestInDirection(nodes, at('n11'), 'left')).toBe('n10');
    expect(nearestInDirection(nodes, at('n11'), 'up')).toBe('n01');
    expect(nearestInDirection(nodes, at('n11'), 'down')).toBe('n21');
    expect(nearestInDirection(nodes, at('n02'), 'right')).toBeUndefined();
    expect(nearestInDirection(nodes, at('n00'), 'up')).toBeUndefined();
  });

  it('prefers a node in line over a closer one far to the side, and ignores nodes behind', () => {
    // From n20 going right: n21 (100 along, in line) beats "far" (130 along, 10 off).
    expect(nearestInDirection(nodes, at('n20'), 'right')).toBe('n21');
    // From the last row going down, only "far" is below (90 down, 30 aside); from n20 it is too far aside (130).
    expect(nearestInDirection(nodes, at('n21'), 'down')).toBe('far');
    expect(nearestInDirection(nodes, at('n20'), 'down')).toBeUndefined();
    // Every move lands on a node that is strictly ahead.
    for (const from of nodes)
      for (const dir of ['left', 'right', 'up', 'down'] as const) {
        const to = nearestInDirection(nodes, from, dir);
        if (!to) continue;
        const t = at(to);
        const ahead = { right: t.x > from.x, left: t.x < from.x, down: t.y > from.y, up: t.y < from.y }[dir];
        expect(ahead, `${from.key} ${dir} → ${to}`).toBe(true);
      }
  });

  it('starts from the node nearest the middle of the view when nothing is selected', () => {
    expect(nearestTo(nodes, 95, 105)).toBe('n11');
    expect(nearestTo([], 0, 0)).toBeUndefined();
  });
});
