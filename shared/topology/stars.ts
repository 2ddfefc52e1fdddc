// The inside of a big network, fast: each subnet with the hosts that hang off it alone (one NIC, no other link)
// is a star, drawn as the subnet box, a trunk, and its hosts in a column; stars are packed in rows at about
// 16:10. The trunk runs between the subnet and its hosts, inside the star's own rectangle, so no edge can cross
// another box. Anything else in the view is laid out by ELK and placed below.
import type { Diagram, DiagramEdge, DiagramNode } from './diagram';
import { measureLeaf, placeLeaf, type DiagramLayout, type PlacedEdge, type PlacedNode } from './layout';

const GAP = 10;
const TRUNK = 24;
const MARGIN = 16;
const SPACING = 36;

export interface Star {
  subnet: DiagramNode;
  hosts: { node: DiagramNode; edge: DiagramEdge }[];
}

export function splitStars(d: Diagram): { stars: Star[]; rest: Diagram } {
  const degree = new Map<string, number>();
  for (const e of d.edges) for (const id of [e.source, e.target]) degree.set(id, (degree.get(id) ?? 0) + 1);
  const byId = new Map(d.nodes.map((n) => [n.id, n]));
  const stars = new Map<string, Star>();
  const taken = new Set<string>();
  for (const e of d.edges) {
    if (e.kind !== 'nic') continue;
    const [subnetId, hostId] =
      byId.get(e.source)?.kind === 'subnet' ? [e.source, e.target] : [e.target, e.source];
    const subnet = byId.get(subnetId);
    const host = byId.get(hostId);
    if (
      !subnet ||
      !host ||
      subnet.kind !== 'subnet' ||
      host.kind !== 'host' ||
      degree.get(hostId) !== 1 ||
      host.ports.length > 1
    )
      continue;
    const star = stars.get(subnetId) ?? { subnet, hosts: [] };
    star.hosts.push({ node: host, edge: e });
    stars.set(subnetId, star);
    taken.add(hostId);
  }
  // A subnet that also has other links stays with the rest, with all its hosts, so ELK sees the whole picture.
  for (const [id, star] of stars) {
    if ((degree.get(id) ?? 0) !== star.hosts.length) {
      stars.delete(id);
      star.hosts.forEach((h) => taken.delete(h.node.id));
    } else taken.add(id);
  }
  const rest: Diagram = {
    nodes: d.nodes.filter((n) => !taken.has(n.id)),
    edges: d.edges.filter((e) => !taken.has(e.source) && !taken.has(e.target)),
  };
  // Subnets with nothing attached are stars of their own (a lone box).
  for (const n of rest.nodes.filter((x) => x.kind === 'subnet' && !degree.get(x.id)))
    stars.set(n.id, { subnet: n, hosts: [] });
  const lone = new Set(rest.nodes.filter((x) => x.kind === 'subnet' && !degree.get(x.id)).map((x) => x.id));
  return {
    stars: [...stars.values()],
    rest: { nodes: rest.nodes.filter((n) => !lone.has(n.id)), edges: rest.edges },
  };
}

function drawStar(
  star: Star,
  ox: number,
  oy: number,
): { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number } {
  const sm = measureLeaf(star.subnet);
  const hostX = ox + sm.width + 2 * TRUNK;
  const nodes: PlacedNode[] = [placeLeaf(star.subnet, ox, oy, sm)];
  const edges: PlacedEdge[] = [];
  let y = oy;
  let width = sm.width;
  const trunkX = ox + sm.width + TRUNK;
  const fromY = oy + sm.height / 2;
  for (const { node, edge } of star.hosts) {
    const m = measureLeaf(node);
    const placed = placeLeaf(node, hostX, y, m);
    nodes.push(placed);
    const toY = placed.ports[0]?.y ?? y + m.height / 2;
    const points = [
      { x: ox + sm.width, y: fromY },
      { x: trunkX, y: fromY },
      { x: trunkX, y: toY },
      { x: hostX, y: toY },
    ];
    edges.push({
      id: edge.id,
      kind: edge.kind,
      source: edge.source,
      target: edge.target,
      points: edge.source === star.subnet.id ? points : points.reverse(),
    });
    width = Math.max(width, hostX - ox + m.width);
    y += m.height + GAP;
  }
  return { nodes, edges, width, height: Math.max(sm.height, y - oy - (star.hosts.length ? GAP : 0)) };
}

export function packStars(stars: Star[], rest?: DiagramLayout): DiagramLayout {
  const sizes = stars.map((s) => drawStar(s, 0, 0));
  const area = sizes.reduce((a, s) => a + (s.width + SPACING) * (s.height + SPACING), 0);
  const rowWidth = Math.max(...sizes.map((s) => s.width), Math.sqrt(area * 1.6));
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  let x = MARGIN;
  let y = MARGIN;
  let rowH = 0;
  let maxX = 0;
  stars.forEach((star, i) => {
    const size = sizes[i]!;
    if (x > MARGIN && x + size.width > MARGIN + rowWidth) {
      x = MARGIN;
      y += rowH + SPACING;
      rowH = 0;
    }
    const drawn = drawStar(star, x, y);
    nodes.push(...drawn.nodes);
    edges.push(...drawn.edges);
    x += size.width + SPACING;
    maxX = Math.max(maxX, x);
    rowH = Math.max(rowH, size.height);
  });
  let height = y + rowH + MARGIN;
  if (rest) {
    const dy = height;
    for (const n of rest.nodes)
      nodes.push({
        ...n,
        y: n.y + dy,
        lines: n.lines.map((l) => ({ ...l, y: l.y + dy })),
        ports: n.ports.map((p) => ({ ...p, y: p.y + dy })),
      });
    for (const e of rest.edges)
      edges.push({
        ...e,
        points: e.points.map((p) => ({ ...p, y: p.y + dy })),
        ...(e.label ? { label: { ...e.label, y: e.label.y + dy } } : {}),
      });
    height += rest.height;
    maxX = Math.max(maxX, rest.width);
  }
  edges.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  return { width: Math.ceil(maxX + MARGIN), height: Math.ceil(height), nodes, edges };
}
