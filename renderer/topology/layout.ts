// A deterministic layered layout, cheap enough for thousands of nodes and run in a Web Worker: each site is a
// horizontal band of columns (networks → subnets → hosts and gateways), columns wrap so a site with 2,000 hosts stays a
// block instead of a line, and each column is ordered by its neighbours in the previous one to keep edges short.
import type { EdgeKind, NodeKind } from './graph';

export interface LayoutInput {
  nodes: { key: string; kind: NodeKind; site?: string }[];
  edges: { source: string; target: string; kind: EdgeKind }[];
}

export type Positions = Record<string, { x: number; y: number }>;

/** A site's band, drawn as one plain node behind its members (compound nodes cost too much at 2,000 nodes). */
export interface Band {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LayoutResult {
  positions: Positions;
  bands: Record<string, Band>;
}

const RANK: Partial<Record<NodeKind, number>> = {
  network: 0,
  vnet: 0,
  'logical-network': 0,
  nsg: 0,
  'route-table': 0,
  subnet: 1,
  'azure-subnet': 1,
  'vm-network': 1,
  host: 2,
  'vpn-gateway': 2,
  'local-gateway': 2,
  'hnv-gateway': 3,
  cyclecloud: 3,
};

export const NODE_W = 168;
export const NODE_H = 34;
const COL_GAP = 60;
const ROW_GAP = 12;
const SITE_GAP = 160;
const BAND_PAD = 28;
const MIN_ROWS = 16;

export function layeredLayout(input: LayoutInput): LayoutResult {
  const pos: Positions = {};
  const bands: Record<string, Band> = {};
  const neighbours = new Map<string, string[]>();
  for (const e of input.edges) {
    (neighbours.get(e.source) ?? neighbours.set(e.source, []).get(e.source)!).push(e.target);
    (neighbours.get(e.target) ?? neighbours.set(e.target, []).get(e.target)!).push(e.source);
  }
  const sites = input.nodes.filter((n) => n.kind === 'site').map((n) => n.key);
  const orphanSite = '\u0000none';
  const bySite = new Map<string, LayoutInput['nodes']>();
  for (const n of input.nodes) {
    if (n.kind === 'site') continue;
    const s = n.site ?? orphanSite;
    (bySite.get(s) ?? bySite.set(s, []).get(s)!).push(n);
  }
  const order = [...sites, ...(bySite.has(orphanSite) ? [orphanSite] : [])];
  const index = new Map<string, number>();
  let y0 = 0;
  for (const site of order) {
    const members = bySite.get(site) ?? [];
    const ranks: LayoutInput['nodes'][] = [];
    for (const n of members) {
      const r = RANK[n.kind] ?? 3;
      (ranks[r] ??= []).push(n);
    }
    let x = 0;
    const placed: string[] = [];
    for (const column of ranks) {
      if (!column || column.length === 0) continue;
      // Barycentre on already placed neighbours; stable on input order.
      const keyed = column.map((n, i) => {
        const placed = (neighbours.get(n.key) ?? [])
          .map((k) => index.get(k))
          .filter((v): v is number => v !== undefined);
        const bc = placed.length
          ? placed.reduce((a, b) => a + b, 0) / placed.length
          : Number.MAX_SAFE_INTEGER;
        return { n, bc, i };
      });
      keyed.sort((a, b) => a.bc - b.bc || a.i - b.i);
      // One column while it fits; big columns wrap into a roughly square block.
      const rows = Math.min(keyed.length, Math.max(MIN_ROWS, Math.ceil(Math.sqrt(keyed.length))));
      const top = -((rows - 1) * (NODE_H + ROW_GAP)) / 2;
      keyed.forEach(({ n }, i) => {
        index.set(n.key, i);
        const sub = Math.floor(i / rows);
        pos[n.key] = { x: x + sub * (NODE_W + COL_GAP / 2), y: top + (i % rows) * (NODE_H + ROW_GAP) };
        placed.push(n.key);
      });
      x += Math.ceil(keyed.length / rows) * (NODE_W + COL_GAP / 2) + COL_GAP;
    }
    // Sites stack top to bottom (on-premises first, as declared), each band starting at the left edge.
    let minY = Infinity;
    let maxY = -Infinity;
    let maxX = 0;
    for (const k of placed) {
      minY = Math.min(minY, pos[k]!.y);
      maxY = Math.max(maxY, pos[k]!.y);
      maxX = Math.max(maxX, pos[k]!.x);
    }
    if (placed.length === 0) continue;
    for (const k of placed) pos[k]!.y += y0 - minY;
    const h = maxY - minY + NODE_H + 2 * BAND_PAD;
    const w = maxX + NODE_W + 2 * BAND_PAD;
    if (site !== orphanSite) bands[site] = { x: maxX / 2, y: y0 + (maxY - minY) / 2, w, h };
    y0 += maxY - minY + NODE_H + SITE_GAP;
  }
  return { positions: pos, bands };
}
