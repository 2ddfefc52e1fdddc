// Diagram → positions, with ELK's layered algorithm: compound nodes (sites ⊃ networks ⊃ subnets, hosts), one port
// per NIC at its line in the host box, orthogonal edge routing around nodes, and edge labels given room of their
// own so they never sit on a node. Coordinates are absolute (ELK's ROOT coordinate mode). Deterministic: ELK's
// layered algorithm with a fixed seed gives the same layout for the same input.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Diagram, DiagramEdgeKind, DiagramNode, DiagramNodeKind, DiagramPort } from './diagram';
import { FONT, portText, textWidth } from './text';
import { packStars, splitStars } from './stars';

export { FONT, MIN_FONT, portText, textWidth } from './text';

const LINE = 17;
const PAD = 10;
const HEADER = 26;

export interface PlacedLine {
  text: string;
  kind: 'label' | 'detail' | 'nic' | 'badge';
  size: number;
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  kind: DiagramNodeKind;
  parent?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: PlacedLine[];
  ports: (DiagramPort & { x: number; y: number; side: 'west' | 'east' })[];
  source: DiagramNode;
}

export interface PlacedEdge {
  id: string;
  kind: DiagramEdgeKind;
  source: string;
  target: string;
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** A leaf box's size and text, before placement; the first NIC line starts at nicTop. */
export function measureLeaf(n: DiagramNode): {
  width: number;
  height: number;
  lines: Omit<PlacedLine, 'x' | 'y'>[];
  nicTop: number;
} {
  const lines = leafLines(n);
  const width = Math.max(...lines.map((l) => textWidth(l.text, l.size))) + 2 * PAD;
  const height = lines.length * LINE + 2 * PAD - 4;
  return { width, height, lines, nicTop: PAD + (lines.length - n.ports.length) * LINE };
}

/** A leaf placed at (x, y): its text lines and NIC ports on the borders (the first west, the others east). */
export function placeLeaf(n: DiagramNode, x: number, y: number, m = measureLeaf(n)): PlacedNode {
  return {
    id: n.id,
    kind: n.kind,
    parent: n.parent,
    x,
    y,
    width: m.width,
    height: m.height,
    lines: m.lines.map((l, k) => ({ ...l, x: x + PAD, y: y + PAD + k * LINE + l.size - 1 })),
    ports: n.ports.map((p, k) => ({
      ...p,
      x: k === 0 ? x : x + m.width,
      y: y + m.nicTop + k * LINE + LINE / 2 - 2,
      side: k === 0 ? ('west' as const) : ('east' as const),
    })),
    source: n,
  };
}

/** The text lines of a leaf box, top to bottom, before placement. */
function leafLines(n: DiagramNode): Omit<PlacedLine, 'x' | 'y'>[] {
  const lines: Omit<PlacedLine, 'x' | 'y'>[] = [{ text: n.label, kind: 'label', size: FONT.label }];
  if (n.detail) lines.push({ text: n.detail, kind: 'detail', size: FONT.detail });
  if (n.hostCount !== undefined)
    lines.push({
      text: `${n.hostCount} host${n.hostCount === 1 ? '' : 's'}`,
      kind: 'detail',
      size: FONT.detail,
    });
  for (const b of n.badges) lines.push({ text: `[${b.label}]`, kind: 'badge', size: FONT.line });
  for (const p of n.ports) lines.push({ text: `● ${portText(p)}`, kind: 'nic', size: FONT.line });
  return lines;
}

function containerTitle(n: DiagramNode): string {
  const count = n.hostCount
    ? `  ·  ${n.hostCount} host${n.hostCount === 1 ? '' : 's'} outside its networks`
    : '';
  return `${n.label}${n.detail ? `  ·  ${n.detail}` : ''}${count}`;
}

const DIRECTION: Record<string, string> = { right: 'RIGHT', down: 'DOWN' };

export interface LayoutOptions {
  direction?: 'right' | 'down';
  /**
   * Lay out without the containers (one network's inside, say): ELK then packs unconnected groups (a subnet with
   * its hosts) into rows at a readable aspect ratio, which its hierarchical mode cannot do.
   */
  flat?: boolean;
}

let elk: InstanceType<typeof ELK> | undefined;

export async function layoutDiagram(d: Diagram, opts: LayoutOptions = {}): Promise<DiagramLayout> {
  if (opts.flat) {
    const parents = new Set(d.nodes.map((n) => n.parent));
    const containers = new Set(
      d.nodes
        .filter((n) => (n.kind === 'site' || n.kind === 'network') && parents.has(n.id))
        .map((n) => n.id),
    );
    d = {
      nodes: d.nodes
        .filter((n) => !containers.has(n.id))
        .map(({ parent, ...n }) => (parent && containers.has(parent) ? n : { ...n, parent })),
      edges: d.edges.filter((e) => !containers.has(e.source) && !containers.has(e.target)),
    };
    // A subnet with hosts hanging off it is laid out by hand (ELK takes seconds for a few hundred of them);
    // whatever else there is (a host between two subnets, a gateway) goes to ELK, below the stars.
    const { stars, rest } = splitStars(d);
    if (stars.length) return packStars(stars, rest.nodes.length ? await layoutElk(rest, opts) : undefined);
  }
  return layoutElk(d, opts);
}

async function layoutElk(d: Diagram, opts: LayoutOptions): Promise<DiagramLayout> {
  elk ??= new ELK();
  const children = new Map<string | undefined, DiagramNode[]>();
  for (const n of d.nodes) {
    const list = children.get(n.parent) ?? [];
    list.push(n);
    children.set(n.parent, list);
  }
  const sizes = new Map<string, { width: number; height: number; lines: Omit<PlacedLine, 'x' | 'y'>[] }>();

  const toElk = (n: DiagramNode): ElkNode => {
    const kids = children.get(n.id);
    if (kids?.length) {
      const title = containerTitle(n);
      const badgeLines = n.badges.map((b) => `[${b.label}]`);
      const header = HEADER + badgeLines.length * LINE;
      return {
        id: n.id,
        children: kids.map(toElk),
        layoutOptions: {
          'elk.padding': `[top=${header + 8},left=${PAD + 4},bottom=${PAD + 4},right=${PAD + 4}]`,
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          'elk.nodeSize.minimum': `(${Math.max(textWidth(title, FONT.title), ...badgeLines.map((b) => textWidth(b, FONT.line))) + 2 * PAD + 8}, ${header + 30})`,
        },
      };
    }
    const { width, height, lines, nicTop } = measureLeaf(n);
    sizes.set(n.id, { width, height, lines });
    return {
      id: n.id,
      width,
      height,
      ports: n.ports.map((p, k) => ({
        id: p.id,
        width: 8,
        height: 8,
        // The first NIC receives the edge from its subnet (west), the others lead to theirs (east).
        x: k === 0 ? -4 : width - 4,
        y: nicTop + k * LINE + LINE / 2 - 6,
        layoutOptions: { 'elk.port.side': k === 0 ? 'WEST' : 'EAST' },
      })),
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
    };
  };

  const edges: ElkExtendedEdge[] = d.edges.map((e) => ({
    id: e.id,
    sources: [e.sourcePort ?? e.source],
    targets: [e.targetPort ?? e.target],
    labels: e.label ? [{ text: e.label, width: textWidth(e.label, FONT.line) + 6, height: LINE }] : [],
  }));

  const root: ElkNode = {
    id: 'root',
    children: (children.get(undefined) ?? []).map(toElk),
    edges,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': DIRECTION[opts.direction ?? 'right']!,
      ...(opts.flat
        ? { 'elk.separateConnectedComponents': 'true', 'elk.aspectRatio': '1.6' }
        : { 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' }),
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeNode': '16',
      'elk.spacing.edgeEdge': '10',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.labelNode': '8',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.layered.spacing.edgeNodeBetweenLayers': '18',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
  };

  const out = await elk.layout(root);
  const byId = new Map(d.nodes.map((n) => [n.id, n]));
  const nodes: PlacedNode[] = [];
  const walk = (e: ElkNode) => {
    for (const c of e.children ?? []) {
      const n = byId.get(c.id)!;
      const x = c.x ?? 0;
      const y = c.y ?? 0;
      const w = c.width ?? 0;
      const h = c.height ?? 0;
      const size = sizes.get(n.id);
      let lines: PlacedLine[];
      if (size) {
        lines = size.lines.map((l, k) => ({ ...l, x: x + PAD, y: y + PAD + k * LINE + l.size - 1 }));
      } else {
        lines = [{ text: containerTitle(n), kind: 'label', size: FONT.title, x: x + PAD + 2, y: y + 20 }];
        n.badges.forEach((b, k) =>
          lines.push({
            text: `[${b.label}]`,
            kind: 'badge',
            size: FONT.line,
            x: x + PAD + 2,
            y: y + 20 + (k + 1) * LINE,
          }),
        );
      }
      const ports = n.ports.map((p, k) => {
        const ep = c.ports?.find((q) => q.id === p.id);
        // FIXED_POS ports: the side is ours, so the centre sits exactly on that border.
        return {
          ...p,
          x: k === 0 ? x : x + w,
          y: (ep?.y ?? y) + 4,
          side: k === 0 ? ('west' as const) : ('east' as const),
        };
      });
      nodes.push({
        id: n.id,
        kind: n.kind,
        parent: n.parent,
        x,
        y,
        width: w,
        height: h,
        lines,
        ports,
        source: n,
      });
      walk(c);
    }
  };
  walk(out);

  const placedEdges: PlacedEdge[] = [];
  const edgeById = new Map(d.edges.map((x) => [x.id, x]));
  const collect = (e: ElkNode) => {
    for (const ed of (e.edges ?? []) as ElkExtendedEdge[]) {
      const src = edgeById.get(ed.id)!;
      const points: { x: number; y: number }[] = [];
      for (const s of ed.sections ?? []) {
        if (points.length === 0) points.push(s.startPoint);
        points.push(...(s.bendPoints ?? []), s.endPoint);
      }
      const l = ed.labels?.[0];
      const pe: PlacedEdge = {
        id: src.id,
        kind: src.kind,
        source: src.source,
        target: src.target,
        points: points.map((p) => ({ x: p.x, y: p.y })),
      };
      if (l && src.label)
        pe.label = { text: src.label, x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 };
      placedEdges.push(pe);
    }
    for (const c of e.children ?? []) collect(c);
  };
  collect(out);
  placedEdges.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  return { width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0), nodes, edges: placedEdges };
}
