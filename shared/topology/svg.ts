// A laid-out diagram as a standalone SVG document, for change records and wikis. Every piece of workspace text
// goes through xml(); the output depends only on the layout, so the same workspace gives the same bytes.
import type { DiagramLayout, PlacedEdge, PlacedNode } from './layout';

/** The one escaping function for XML text and attribute values (SVG). Control characters cannot appear in XML 1.0. */
export function xml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the output
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const n2 = (v: number) => (Math.round(v * 10) / 10).toString();

export const THEME = {
  site: { fill: '#f4f6f9', stroke: '#8a96a8' },
  siteAzure: { fill: '#eef5fc', stroke: '#3b7dd8' },
  network: { fill: '#ffffff', stroke: '#9aa7b8' },
  subnet: { fill: '#e8eef7', stroke: '#5b6f8c' },
  host: { fill: '#ffffff', stroke: '#2f3b4c' },
  gateway: { fill: '#fff4e0', stroke: '#b26a00' },
  device: { fill: '#fff4e0', stroke: '#b26a00' },
  text: '#1d2733',
  detail: '#4a5668',
  edge: { nic: '#5b6f8c', tunnel: '#7b3fb5', flow: '#1f7a4d' },
} as const;

function nodeStyle(n: PlacedNode): { fill: string; stroke: string } {
  if (n.kind === 'site') return n.source.detail.startsWith('Azure') ? THEME.siteAzure : THEME.site;
  return THEME[n.kind];
}

function nodeSvg(n: PlacedNode, container: boolean): string {
  const st = nodeStyle(n);
  const parts = [
    `<g class="node ${n.kind}${container ? ' container' : ''}" data-id="${xml(n.id)}"${n.parent ? ` data-parent="${xml(n.parent)}"` : ''}>`,
    `<title>${xml([n.source.label, n.source.detail, ...n.source.badges.flatMap((b) => [b.label, ...b.lines.map((l) => `  ${l}`)])].filter(Boolean).join('\n'))}</title>`,
    `<rect x="${n2(n.x)}" y="${n2(n.y)}" width="${n2(n.width)}" height="${n2(n.height)}" rx="${container ? 8 : 4}" fill="${st.fill}" stroke="${st.stroke}" stroke-width="${n.kind === 'site' ? 1.5 : 1}"${n.kind === 'site' ? ' stroke-dasharray="6 3"' : ''}/>`,
  ];
  for (const l of n.lines) {
    const weight = l.kind === 'label' ? ' font-weight="600"' : '';
    const fill = l.kind === 'detail' ? THEME.detail : l.kind === 'badge' ? '#8a4b00' : THEME.text;
    parts.push(
      `<text class="${l.kind}" x="${n2(l.x)}" y="${n2(l.y)}" font-size="${l.size}"${weight} fill="${fill}">${xml(l.text)}</text>`,
    );
  }
  for (const p of n.ports) {
    const fill = p.defaultRoute ? '#d14343' : THEME.edge.nic;
    parts.push(
      `<rect class="port" data-port="${xml(p.id)}" x="${n2(p.x - 4)}" y="${n2(p.y - 4)}" width="8" height="8" fill="${fill}"/>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function edgeSvg(e: PlacedEdge): string {
  if (e.points.length < 2) return '';
  const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${n2(p.x)} ${n2(p.y)}`).join(' ');
  const color = THEME.edge[e.kind];
  const dash =
    e.kind === 'tunnel' ? ' stroke-dasharray="8 4"' : e.kind === 'flow' ? ' stroke-dasharray="2 3"' : '';
  const width = e.kind === 'tunnel' ? 2.5 : 1.5;
  const parts = [
    `<g class="edge ${e.kind}" data-id="${xml(e.id)}" data-source="${xml(e.source)}" data-target="${xml(e.target)}">`,
  ];
  parts.push(
    `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash}${e.kind === 'nic' ? '' : ` marker-end="url(#arrow-${e.kind})"`}/>`,
  );
  if (e.label) {
    const l = e.label;
    parts.push(
      `<rect class="edge-label-bg" x="${n2(l.x)}" y="${n2(l.y)}" width="${n2(l.width)}" height="${n2(l.height)}" fill="#ffffff" fill-opacity="0.9"/>`,
      `<text class="edge-label" x="${n2(l.x + 3)}" y="${n2(l.y + l.height - 4)}" font-size="12" fill="${color}">${xml(l.text)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

/** The SVG element alone (no XML prolog), for the console to place in its page. */
export function renderSvg(layout: DiagramLayout, title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvgElement(layout, title)}`;
}

export function renderSvgElement(layout: DiagramLayout, title: string): string {
  const markers = (Object.keys(THEME.edge) as (keyof typeof THEME.edge)[])
    .map(
      (k) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${THEME.edge[k]}"/></marker>`,
    )
    .join('');
  // Containers first (outermost first, as ELK lists them), then leaves, then edges on top so no line hides under a box.
  const parents = new Set(layout.nodes.map((n) => n.parent));
  const containers = layout.nodes.filter((n) => parents.has(n.id));
  const leaves = layout.nodes.filter((n) => !parents.has(n.id));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="DejaVu Sans, Segoe UI, Arial, sans-serif">\n`,
    `<title>${xml(title)}</title>\n`,
    `<defs>${markers}</defs>\n`,
    `<rect width="100%" height="100%" fill="#ffffff"/>\n`,
    ...containers.map((n) => nodeSvg(n, true) + '\n'),
    ...leaves.map((n) => nodeSvg(n, false) + '\n'),
    ...layout.edges.map((e) => edgeSvg(e) + '\n'),
    `</svg>\n`,
  ].join('');
}
