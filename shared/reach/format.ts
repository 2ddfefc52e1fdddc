// The hop-by-hop explanation as people read it in a terminal or the "why can't A reach B" panel.
import { formatPath } from '../model/path';
import type { ReachResult } from './types';

const VERDICT_TEXT = { reachable: 'REACHABLE', blocked: 'BLOCKED', 'no-route': 'NO ROUTE' } as const;
const MARK = { pass: 'ok', blocked: 'BLOCKED', 'no-route': 'NO ROUTE' } as const;

export function formatReach(r: ReachResult): string {
  const lines = [`${r.source.label} → ${r.destination.label} ${r.query.protocol.toUpperCase()} ${r.query.port}: ${VERDICT_TEXT[r.verdict]}`];
  r.hops.forEach((h, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. [${MARK[h.outcome]}] ${h.text}`);
    if (h.decidedBy?.path) lines.push(`      decided by ${h.decidedBy.name} at ${formatPath(h.decidedBy.path)}`);
    for (const a of h.assumptions ?? []) lines.push(`      assumes: ${a}`);
  });
  if (r.decisive) lines.push(`  verdict: ${VERDICT_TEXT[r.verdict].toLowerCase()} at ${r.decisive.at}${r.decisive.decidedBy ? ` by ${r.decisive.decidedBy.name}` : ''}`);
  return lines.join('\n') + '\n';
}
