// Arrow keys on the topology: from the selected node to the nearest node in that direction, preferring nodes in
// line with it (a node slightly up-right is "right" before one far right but much lower). Pure, so it is tested
// without a canvas.

export type Direction = 'left' | 'right' | 'up' | 'down';

export interface Placed {
  key: string;
  x: number;
  y: number;
}

export const ARROW_DIRECTION: Readonly<Record<string, Direction>> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

/** The key of the node to move to, or undefined when nothing lies that way. */
export function nearestInDirection(nodes: readonly Placed[], from: Placed, dir: Direction): string | undefined {
  let best: { key: string; score: number } | undefined;
  for (const n of nodes) {
    if (n.key === from.key) continue;
    const dx = n.x - from.x;
    const dy = n.y - from.y;
    // Along: distance in the direction asked (must be ahead); across: the sideways offset, weighted so that
    // staying in line wins over being closer.
    const along = dir === 'right' ? dx : dir === 'left' ? -dx : dir === 'down' ? dy : -dy;
    const across = dir === 'left' || dir === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0 || across > along) continue; // within 45° of the direction
    const score = along + 2 * across;
    if (!best || score < best.score || (score === best.score && n.key < best.key)) best = { key: n.key, score };
  }
  return best?.key;
}

/** Where arrow keys start when nothing is selected: the node nearest the middle of the view. */
export function nearestTo(nodes: readonly Placed[], x: number, y: number): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const n of nodes) {
    const d = (n.x - x) ** 2 + (n.y - y) ** 2;
    if (!best || d < best.d) best = { key: n.key, d };
  }
  return best?.key;
}
