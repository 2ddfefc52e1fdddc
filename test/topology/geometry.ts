// Geometry checks for a drawn diagram, shared by the layout tests and the browser tests (which read the same
// boxes back from the rendered SVG): edges avoid boxes they do not connect, labels avoid boxes, tunnels reach
// both ends.
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** True for a region/network/container box that edges may cross. */
  container: boolean;
  /** Ids of the containers it sits in (an edge may pass through its own ends' containers). */
  ancestors: string[];
}
export interface Line {
  id: string;
  source: string;
  target: string;
  kind: string;
  points: { x: number; y: number }[];
  label?: { x: number; y: number; width: number; height: number };
}

const EPS = 1.5;

function segmentHitsBox(a: { x: number; y: number }, b: { x: number; y: number }, r: Box): boolean {
  // Orthogonal segments only (ELK's routing): shrink the box a little so touching a border does not count.
  const x1 = r.x + EPS;
  const x2 = r.x + r.width - EPS;
  const y1 = r.y + EPS;
  const y2 = r.y + r.height - EPS;
  if (Math.abs(a.y - b.y) < 0.01) {
    const [lo, hi] = a.x < b.x ? [a.x, b.x] : [b.x, a.x];
    return a.y > y1 && a.y < y2 && hi > x1 && lo < x2;
  }
  if (Math.abs(a.x - b.x) < 0.01) {
    const [lo, hi] = a.y < b.y ? [a.y, b.y] : [b.y, a.y];
    return a.x > x1 && a.x < x2 && hi > y1 && lo < y2;
  }
  // A diagonal segment: sample it.
  for (let t = 0; t <= 1; t += 0.02) {
    const x = a.x + (b.x - a.x) * t;
    const y = a.y + (b.y - a.y) * t;
    if (x > x1 && x < x2 && y > y1 && y < y2) return true;
  }
  return false;
}

/** "edge e3 crosses host:vmm01" for every edge segment inside a leaf box that is neither of its ends. */
export function edgesThroughBoxes(boxes: readonly Box[], lines: readonly Line[]): string[] {
  const out: string[] = [];
  for (const l of lines)
    for (const b of boxes) {
      if (b.container || b.id === l.source || b.id === l.target) continue;
      for (let i = 1; i < l.points.length; i++)
        if (segmentHitsBox(l.points[i - 1]!, l.points[i]!, b)) {
          out.push(`edge ${l.id} (${l.source} → ${l.target}) crosses ${b.id}`);
          break;
        }
    }
  return out;
}

export function labelsOverBoxes(boxes: readonly Box[], lines: readonly Line[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const r = l.label;
    if (!r) continue;
    for (const b of boxes) {
      if (b.container) continue;
      const overlap =
        r.x < b.x + b.width - EPS &&
        r.x + r.width > b.x + EPS &&
        r.y < b.y + b.height - EPS &&
        r.y + r.height > b.y + EPS;
      if (overlap) out.push(`label of ${l.id} covers ${b.id}`);
    }
  }
  return out;
}

/** For each edge, whether it starts on its source's box and ends on its target's (within a port's size). */
export function danglingEnds(boxes: readonly Box[], lines: readonly Line[], slack = 8): string[] {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const near = (p: { x: number; y: number }, b: Box) =>
    p.x >= b.x - slack && p.x <= b.x + b.width + slack && p.y >= b.y - slack && p.y <= b.y + b.height + slack;
  const out: string[] = [];
  for (const l of lines) {
    const s = byId.get(l.source);
    const t = byId.get(l.target);
    const first = l.points[0];
    const last = l.points[l.points.length - 1];
    if (!s || !first || !near(first, s)) out.push(`${l.id} does not start at ${l.source}`);
    if (!t || !last || !near(last, t)) out.push(`${l.id} does not end at ${l.target}`);
  }
  return out;
}
