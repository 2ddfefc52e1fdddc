// Text measures and NIC wording shared by the layout, the SVG and DOT writers and the console (no ELK here, so
// the console's main bundle does not carry the layout engine).
import type { DiagramPort } from './diagram';

/** Font sizes (px); nothing in the diagram is drawn smaller than MIN_FONT. */
export const FONT = { title: 14, label: 13, detail: 12, line: 12 } as const;
export const MIN_FONT = 12;

/** Approximate advance widths (in em) of DejaVu Sans / Segoe UI, generous so text stays inside its box. */
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) {
    if ("il.,:;|!'`1 ()[]".includes(ch)) em += 0.36;
    else if ('MWmw@%'.includes(ch)) em += 0.9;
    else if (ch >= 'A' && ch <= 'Z') em += 0.72;
    else if (ch.charCodeAt(0) > 0x2000) em += 1;
    else em += 0.62;
  }
  return Math.ceil(em * size);
}

export function portText(p: DiagramPort): string {
  const parts = [`${p.nic}${p.address ? ` ${p.address}` : ''}`];
  if (p.defaultRoute) {
    const r = p.defaultRoute;
    const metric = `metric ${r.routeMetric ?? 'auto'}${r.interfaceMetric !== undefined ? `+${r.interfaceMetric}` : '+auto'}`;
    parts.push(`default via ${r.via} · ${metric}`);
  }
  return parts.join(' · ');
}
