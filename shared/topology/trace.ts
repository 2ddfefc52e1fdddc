// A reach answer on the diagram: the boxes its hops pass through, in order, and the one that decided. A hop names
// a host, subnet, VNet, site, NSG, route table, connection or License Link; NSGs and route tables are badges, so
// their hop lands on the subnet (or NIC's host) that carries them; a connection or link lands on its tunnel's ends.
import type { Diagram } from './diagram';
import { workspaceIdOf } from './diagram';

export interface TraceHop {
  at: string;
  outcome: 'pass' | 'blocked' | 'no-route';
}

export interface Trace {
  /** Diagram node ids in the order the packet meets them (consecutive duplicates dropped). */
  nodes: string[];
  /** The node where the deciding hop sits, for a negative verdict. */
  decidedAt?: string;
}

export function traceOnDiagram(
  d: Diagram,
  ends: { source?: string; destination?: string },
  hops: readonly TraceHop[],
  decisive?: number,
): Trace {
  const byWsId = new Map<string, string[]>();
  for (const n of d.nodes) {
    const id = workspaceIdOf(n.id);
    byWsId.set(id, [...(byWsId.get(id) ?? []), n.id]);
    for (const b of n.badges) if (b.ref) byWsId.set(b.ref, [...(byWsId.get(b.ref) ?? []), n.id]);
  }
  const place = (at: string | undefined, near?: string): string | undefined => {
    if (!at) return undefined;
    const hits = byWsId.get(at);
    if (hits?.length) {
      // A hop at a subnet id that is also a host id (or an NSG on several subnets): prefer a host, then the one
      // next to the previous box.
      const host = hits.find((h) => h.startsWith('host:'));
      if (host) return host;
      if (near) {
        const touching = hits.find((h) =>
          d.edges.some((e) => (e.source === h && e.target === near) || (e.target === h && e.source === near)),
        );
        if (touching) return touching;
      }
      return hits[0];
    }
    return undefined;
  };
  const nodes: string[] = [];
  const push = (id: string | undefined) => {
    if (id && nodes[nodes.length - 1] !== id) nodes.push(id);
  };
  push(place(ends.source));
  let decidedAt: string | undefined;
  hops.forEach((h, i) => {
    const id = place(h.at, nodes[nodes.length - 1]);
    push(id);
    if (i === decisive) decidedAt = id ?? nodes[nodes.length - 1];
  });
  if (decisive === undefined) push(place(ends.destination));
  return decidedAt ? { nodes, decidedAt } : { nodes };
}
