// Views of a diagram: a focus on one object and its neighbours, and the level of detail (sites and networks with
// counts when zoomed out, then hosts, then NICs). Edges whose ends are hidden are lifted to the nearest shown
// container and merged, so a zoomed-out view still shows which networks a tunnel joins.
import type { Diagram, DiagramEdge, DiagramNode } from './diagram';
import { workspaceIdOf } from './diagram';

export type DetailLevel = 'networks' | 'hosts' | 'nics';
export const DETAIL_LEVELS: readonly DetailLevel[] = ['networks', 'hosts', 'nics'];

function ancestors(byId: Map<string, DiagramNode>, id: string): string[] {
  const out: string[] = [];
  for (let p = byId.get(id)?.parent; p !== undefined; p = byId.get(p)?.parent) out.push(p);
  return out;
}

export function withDetail(d: Diagram, level: DetailLevel): Diagram {
  if (level === 'nics') return d;
  if (level === 'hosts')
    return {
      nodes: d.nodes.map((n) => (n.ports.length ? { ...n, ports: [] } : n)),
      edges: d.edges.map(({ sourcePort: _s, targetPort: _t, ...e }) => e),
    };
  const byId = new Map(d.nodes.map((n) => [n.id, n]));
  const shown = (n: DiagramNode) =>
    n.kind === 'site' ||
    (n.kind === 'network' && n.parent !== undefined && byId.get(n.parent)?.kind === 'site') ||
    n.parent === undefined;
  const keep = new Set(d.nodes.filter(shown).map((n) => n.id));
  const visible = (id: string) => (keep.has(id) ? id : ancestors(byId, id).find((a) => keep.has(a)));
  const counts = new Map<string, number>();
  for (const n of d.nodes)
    if (n.kind === 'host') {
      const v = visible(n.id);
      const m = /×(\d+)$/.exec(n.label);
      if (v) counts.set(v, (counts.get(v) ?? 0) + (m ? Number(m[1]) : 1));
    }
  const nodes = d.nodes
    .filter((n) => keep.has(n.id))
    .map((n) => ({
      ...n,
      ports: [],
      badges: n.kind === 'network' ? [] : n.badges,
      hostCount: counts.get(n.id) ?? 0,
    }));
  const merged = new Map<string, DiagramEdge & { n: number }>();
  for (const e of d.edges) {
    if (e.kind === 'nic') continue;
    const s = visible(e.source);
    const t = visible(e.target);
    if (!s || !t || s === t) continue;
    const key = `${e.kind}|${s}|${t}`;
    const m = merged.get(key);
    if (m) m.n++;
    else
      merged.set(key, {
        id: e.id,
        kind: e.kind,
        source: s,
        target: t,
        ...(e.label ? { label: e.label } : {}),
        n: 1,
      });
  }
  const edges = [...merged.values()].map(({ n, ...e }) =>
    n > 1 ? { ...e, label: `${e.label ?? e.kind} (+${n - 1})` } : e,
  );
  return { nodes, edges };
}

/** The diagram node ids a user-supplied id names: a diagram id, or a workspace id (case-blind). */
export function resolveFocus(d: Diagram, id: string): string[] {
  if (d.nodes.some((n) => n.id === id)) return [id];
  const want = id.toLowerCase();
  return d.nodes.filter((n) => workspaceIdOf(n.id).toLowerCase() === want).map((n) => n.id);
}

/**
 * The focused nodes, everything inside them (a site's focus is the whole site), their edge neighbours, and the
 * containers that hold all of those.
 */
export function focusDiagram(d: Diagram, ids: readonly string[]): Diagram {
  const byId = new Map(d.nodes.map((n) => [n.id, n]));
  const keep = new Set<string>(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of d.nodes)
      if (n.parent && keep.has(n.parent) && !keep.has(n.id)) {
        keep.add(n.id);
        grew = true;
      }
  }
  const core = new Set(keep);
  for (const e of d.edges) {
    if (core.has(e.source)) keep.add(e.target);
    if (core.has(e.target)) keep.add(e.source);
  }
  for (const id of [...keep]) for (const a of ancestors(byId, id)) keep.add(a);
  return {
    nodes: d.nodes.filter((n) => keep.has(n.id)),
    edges: d.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}
