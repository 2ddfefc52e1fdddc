// Topology → cytoscape elements: what each node shows, where it goes, and updating labels and badges in place.
import type { Core, ElementDefinition } from 'cytoscape';
import type { Topology, TopoNode } from './graph';
import type { LayoutResult } from './layout';

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** What a node shows: everything but its position and, for a site band, its size (both from the layout). */
export function nodeData(n: TopoNode, colors: Record<string, string>): Record<string, unknown> {
  if (n.kind === 'site') return { id: n.key, objId: n.id, kind: 'site', display: `${n.label} — ${n.sub}` };
  const badge = n.problems
    ? `${n.severity === 'error' ? '✖' : n.severity === 'warning' ? '▲' : 'ℹ'} ${n.problems}  `
    : '';
  const data: Record<string, unknown> = {
    id: n.key,
    objId: n.id,
    kind: n.kind,
    display: `${badge}${clip(n.label, 26)}\n${clip(n.sub, 30)}`,
    color: colors[n.kind],
  };
  if (n.severity) data.severity = n.severity;
  return data;
}

export function elementsOf(t: Topology, layout: LayoutResult, colors: Record<string, string>): ElementDefinition[] {
  const els: ElementDefinition[] = [];
  for (const n of t.nodes) {
    const data = nodeData(n, colors);
    if (n.kind === 'site') {
      const b = layout.bands[n.key];
      if (b) els.push({ group: 'nodes', data: { ...data, w: b.w, h: b.h }, position: { x: b.x, y: b.y } });
      continue;
    }
    const position = layout.positions[n.key];
    els.push(position ? { group: 'nodes', data, position } : { group: 'nodes', data });
  }
  for (const e of t.edges)
    els.push({
      group: 'edges',
      data: { id: e.key, source: e.source, target: e.target, kind: e.kind, label: e.label ?? '' },
    });
  return els;
}

/**
 * The same nodes and links as on the canvas, with new labels or lint badges (a re-check, a fix elsewhere): update
 * what changed on the elements in place. Re-adding thousands of elements would redo all of their styles and bounds.
 */
export function updateInPlace(cy: Core, t: Topology, colors: Record<string, string>): number {
  let changed = 0;
  cy.batch(() => {
    for (const n of t.nodes) {
      const el = cy.getElementById(n.key);
      const want = nodeData(n, colors);
      const have = el.data() as Record<string, unknown>;
      const diff: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(want)) if (have[k] !== v) diff[k] = v;
      const cleared = n.kind !== 'site' && have.severity !== undefined && want.severity === undefined;
      if (cleared) el.removeData('severity');
      if (Object.keys(diff).length) el.data(diff);
      if (cleared || Object.keys(diff).length) changed++;
    }
    for (const e of t.edges) {
      const el = cy.getElementById(e.key);
      if (el.data('label') !== (e.label ?? '')) {
        el.data('label', e.label ?? '');
        changed++;
      }
    }
  });
  return changed;
}

