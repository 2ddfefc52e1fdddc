// A diagram as Graphviz DOT: containers as clusters, NICs as record fields, tunnels dashed. Every piece of
// workspace text goes through dotString(), the one escaping function for DOT.
import type { Diagram, DiagramNode } from './diagram';
import { portText } from './text';

/** A DOT double-quoted string: backslash and quote escaped, line breaks as DOT's \n, other controls dropped. */
export function dotString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the output
    .replace(/[\u0000-\u001f\u007f]/g, '')}"`;
}

const STYLE: Record<DiagramNode['kind'], string> = {
  site: '',
  network: '',
  subnet: 'shape=box, style="rounded,filled", fillcolor="#e8eef7"',
  host: 'shape=box',
  gateway: 'shape=box, style=filled, fillcolor="#fff4e0"',
  device: 'shape=box, style=filled, fillcolor="#fff4e0"',
};

export function renderDot(d: Diagram, title: string): string {
  const kids = new Map<string | undefined, DiagramNode[]>();
  for (const n of d.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  const lines = [
    `digraph ${dotString(title)} {`,
    '  rankdir=LR;',
    '  compound=true;',
    '  node [fontname="DejaVu Sans", fontsize=11];',
    '  edge [fontname="DejaVu Sans", fontsize=10];',
  ];
  const emit = (n: DiagramNode, depth: number) => {
    const pad = '  '.repeat(depth);
    const inner = kids.get(n.id);
    if (inner?.length) {
      lines.push(
        `${pad}subgraph ${dotString(`cluster_${n.id}`)} {`,
        `${pad}  label=${dotString(`${n.label}${n.detail ? ` · ${n.detail}` : ''}`)};`,
      );
      for (const c of inner) emit(c, depth + 1);
      lines.push(`${pad}}`);
      return;
    }
    const text = [
      n.label,
      n.detail,
      ...(n.hostCount !== undefined ? [`${n.hostCount} hosts`] : []),
      ...n.badges.map((b) => `[${b.label}]`),
      ...n.ports.map((p) => `● ${portText(p)}`),
    ]
      .filter(Boolean)
      .join('\n');
    lines.push(
      `${pad}${dotString(n.id)} [label=${dotString(text)}${STYLE[n.kind] ? `, ${STYLE[n.kind]}` : ''}];`,
    );
  };
  for (const n of kids.get(undefined) ?? []) emit(n, 1);
  const leafOf = (id: string): { node: string; cluster?: string } => {
    const inner = kids.get(id);
    if (!inner?.length) return { node: id };
    // DOT edges join nodes: an edge to a container ends at its first leaf, clipped at the cluster border.
    let first: DiagramNode = inner[0]!;
    while (kids.get(first.id)?.length) first = kids.get(first.id)![0]!;
    return { node: first.id, cluster: `cluster_${id}` };
  };
  for (const e of d.edges) {
    const s = leafOf(e.source);
    const t = leafOf(e.target);
    const attrs = [
      e.kind === 'tunnel'
        ? 'style=dashed, color="#7b3fb5", penwidth=2'
        : e.kind === 'flow'
          ? 'style=dotted, color="#1f7a4d"'
          : 'arrowhead=none, color="#5b6f8c"',
    ];
    if (e.label) attrs.push(`label=${dotString(e.label)}`);
    if (s.cluster) attrs.push(`ltail=${dotString(s.cluster)}`);
    if (t.cluster) attrs.push(`lhead=${dotString(t.cluster)}`);
    lines.push(`  ${dotString(s.node)} -> ${dotString(t.node)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
