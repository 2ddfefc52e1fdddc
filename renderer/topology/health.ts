// Health on the topology: the latest level of each object and edge the probe links run over (HealthSummary.objects
// and .edges), drawn as classes so a change of health is one batched class update — never a new layout, never a
// re-add of elements. Nodes get an outline outside the border, which leaves the border and fill to lint badges.
import type { Core, StylesheetJson } from 'cytoscape';
import type { HealthLevel, HealthSummary } from '../../shared/api/health-api';

export const HEALTH_LEVELS: readonly HealthLevel[] = ['ok', 'degraded', 'down', 'unknown'];
const CLASSES = HEALTH_LEVELS.map((l) => `h-${l}`).join(' ');
const SELECTOR = HEALTH_LEVELS.map((l) => `.h-${l}`).join(', ');

/** The theme variable of each level; the legend and the canvas use the same ones. */
export const LEVEL_VAR: Record<HealthLevel, string> = {
  ok: '--ok',
  degraded: '--warning',
  down: '--error',
  unknown: '--fg-faint',
};

export function healthStyle(css: (name: string) => string): StylesheetJson {
  const node = (level: HealthLevel, width: number, style: 'solid' | 'dashed' = 'solid') => ({
    selector: `node.h-${level}`,
    // outline-* exist in cytoscape ≥ 3.29 but not in its type definitions.
    style: {
      'outline-width': width,
      'outline-offset': 2,
      'outline-color': css(LEVEL_VAR[level]),
      'outline-opacity': 1,
      'outline-style': style,
    } as Record<string, unknown>,
  });
  const edge = (level: HealthLevel, width: number) => ({
    selector: `edge.h-${level}`,
    style: { 'line-color': css(LEVEL_VAR[level]), width, 'z-index': 5 },
  });
  return [
    node('ok', 3),
    node('degraded', 4),
    node('down', 4.5),
    node('unknown', 2, 'dashed'),
    edge('ok', 3),
    edge('degraded', 3.5),
    edge('down', 4),
    edge('unknown', 2),
  ] as StylesheetJson;
}

export interface HealthPaint {
  nodes: number;
  edges: number;
}

/**
 * Puts the summary's levels on the canvas (or takes them off when `show` is false). Objects are matched through
 * `byId` (workspace id → node key); edges by their two ends, in either direction.
 */
export function paintHealth(
  cy: Core,
  byId: ReadonlyMap<string, string>,
  summary: HealthSummary | null,
  show: boolean,
): HealthPaint {
  let nodes = 0;
  let edges = 0;
  cy.batch(() => {
    cy.elements(SELECTOR).removeClass(CLASSES);
    if (!show || !summary) return;
    for (const [id, level] of Object.entries(summary.objects)) {
      const key = byId.get(id);
      const n = key !== undefined ? cy.getElementById(key) : undefined;
      if (n && n.nonempty()) {
        n.addClass(`h-${level}`);
        nodes++;
      }
    }
    for (const e of summary.edges) {
      const a = byId.get(e.a);
      const b = byId.get(e.b);
      if (a === undefined || b === undefined) continue;
      const na = cy.getElementById(a);
      const nb = cy.getElementById(b);
      if (na.empty() || nb.empty()) continue;
      const between = na.edgesWith(nb);
      between.addClass(`h-${e.level}`);
      edges += between.length;
    }
  });
  return { nodes, edges };
}
