import { useEffect, useMemo, useRef, useState } from 'react';
import cytoscape, { type Core } from 'cytoscape';
import { parseTree, findNodeAtLocation } from 'jsonc-parser';
import type { LocatedFinding } from '../../shared/api/contract';
import { buildTopology, nodeForPath, searchNodes } from '../topology/graph';
import { NODE_H, NODE_W, type LayoutResult } from '../topology/layout';
import { layoutInputOf, layoutKeyOf, requestLayout } from '../topology/layout-client';
import { elementsOf, updateInPlace } from '../topology/elements';
import { ARROW_DIRECTION, nearestInDirection, nearestTo } from '../topology/keyboard';
import { KIND_LABEL, KIND_VAR, topologyStyle } from '../topology/style';
import { HEALTH_LEVELS, LEVEL_VAR, healthStyle, paintHealth } from '../topology/health';
import type { HealthLevel, HealthSource } from '../../shared/api/health-api';
import { ageOf } from '../stores/health';
import { useHealth, useStores, useUi, useWs } from './context';
import { Icon } from './icons';
import { useHealthSync } from './health/useHealthSync';
import { LinkAttribution } from './health/attribution';
import { driftedHostsOf, useDrift } from './DriftPanel';
import { NsgRulesTable } from './details/NsgRulesTable';
import type { NsgRule } from '../../shared/model/schema';

const LEVEL_LABEL: Record<HealthLevel, string> = {
  ok: 'OK',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'No data',
};
const SOURCE_LABEL: Record<HealthSource, string> = {
  local: 'this machine',
  'far-side': 'far side',
  azure: 'Azure',
};
/** Kinds a flow can start from in the reach engine (a host, "a node of" a subnet, CycleCloud's server). */
const REACH_KINDS = new Set(['host', 'subnet', 'azure-subnet', 'cyclecloud']);

/** The theme's styles plus the health overlay, whose selectors come last so they win over kind and lint. */
const fullStyle = () => [
  ...topologyStyle(cssVar),
  ...healthStyle(cssVar),
  // A host whose last state report differs from the model (issue 22): a dashed border, beside health's outline.
  {
    selector: 'node.drifted',
    style: { 'border-width': 3, 'border-style': 'dashed' as const, 'border-color': cssVar('--warning') },
  },
];

/** Kind colours travel as data: one mapper instead of a selector per kind keeps style matching cheap at scale. */
function kindColors(): Record<string, string> {
  return Object.fromEntries(Object.entries(KIND_VAR).map(([k, v]) => [k, cssVar(v)]));
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function TopologyScreen() {
  const { ui, health } = useStores();
  const healthSummary = useHealth((s) => s.summary);
  const showHealth = useHealth((s) => s.showOnTopology);
  const workspace = useWs((s) => s.workspace);
  const findings = useWs((s) => s.findings);
  const text = useWs((s) => s.text);
  const selected = useUi((s) => s.selected);
  const search = useUi((s) => s.search);
  const container = useRef<HTMLDivElement>(null);
  /**
   * Where tests and the benchmark read the canvas's state (data-painted, data-health-*): the element around the
   * container, because cytoscape treats any attribute change on its container as a resize and redraws everything.
   */
  const status = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const cyRef = useRef<Core | null>(null);
  const settled = useRef<Promise<void>>(Promise.resolve());
  /** The layout input of the elements on the canvas, to tell a new layout from new labels and badges. */
  const shownKey = useRef<string | null>(null);
  const [laying, setLaying] = useState(false);
  /**
   * Counts element sets put on the canvas: effects that style or select elements re-run on it. `laying` alone is not
   * enough: with the layout already computed it can go true and back to false within one React batch.
   */
  const [placed, setPlaced] = useState(0);
  const [layout, setLayout] = useState<{ ms: number; where: string } | null>(null);
  const [matchIndex, setMatchIndex] = useState(0);
  const [painted, setPainted] = useState(false);
  // Health is asked for once the graph is on the canvas, so its host requests never compete with first paint.
  useHealthSync(painted);
  const drift = useDrift();

  const topo = useMemo(() => {
    const t = performance.now();
    const built = workspace ? buildTopology(workspace, findings) : null;
    performance.measure('junction:graph', { start: t });
    return built;
  }, [workspace, findings]);
  const matches = useMemo(() => (topo ? searchNodes(topo.nodes, search) : []), [topo, search]);

  useEffect(() => {
    const cy = cytoscape({
      container: container.current,
      style: fullStyle(),
      minZoom: 0.03,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      // A viewport texture must be re-made at every zoom step; at 2,000 nodes drawing the elements directly (edges
      // hidden while moving, below) kept 29-36 fps here against 17-25 fps with the texture.
      textureOnViewport: false,
      hideEdgesOnViewport: false,
      motionBlur: false,
      pixelRatio: 'auto',
    });
    // Cytoscape's ResizeObserver reports the new container once, ~100 ms after the first frame, and each report
    // redraws every element: elements go in after that first report (or 250 ms without one), when it costs nothing.
    settled.current = new Promise((resolve) => {
      const t = setTimeout(resolve, 250);
      cy.one('resize', () => {
        clearTimeout(t);
        resolve();
      });
    });
    // Marked for the tests: a redraw of every element that nothing on screen asked for.
    cy.on('resize', () => performance.mark('junction:topology-resize'));
    cy.on('tap', 'node', (e) => {
      if (e.target.data('kind') !== 'site') ui.getState().select(e.target.id());
    });
    cy.on('tap', (e) => {
      if (e.target === cy) ui.getState().select(null);
    });
    cyRef.current = cy;
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, [ui]);

  useEffect(() => {
    // Follow the theme once App has switched the variables (a parent's effect runs after this one).
    const restyle = () => {
      const cy = cyRef.current;
      if (!cy) return;
      cy.batch(() => {
        cy.style(fullStyle());
        cy.nodes().forEach((n) => {
          const v = KIND_VAR[n.data('kind') as keyof typeof KIND_VAR];
          if (v) n.data('color', cssVar(v));
        });
      });
    };
    const mo = new MutationObserver(restyle);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !topo) return;
    let cancelled = false;
    const firstTime = cy.elements().length === 0;
    const input = layoutInputOf(topo);
    const key = layoutKeyOf(input);
    if (!firstTime && key === shownKey.current) {
      updateInPlace(cy, topo, kindColors());
      return;
    }
    const t0 = performance.now();
    setLaying(true);
    // Usually already computed: the layout was asked for when the workspace loaded (App's prefetch).
    void Promise.all([requestLayout(input, key), settled.current]).then(([{ result, ms, where }]) => {
      if (cancelled) return;
      shownKey.current = key;
      // Measures the benchmark reads: waiting (for the layout, usually ready, and cytoscape's first resize report),
      // then putting the elements on the canvas; 'render' follows.
      performance.measure('junction:wait', { start: t0 });
      const tAdd = performance.now();
      const els = elementsOf(topo, result, kindColors());
      cy.batch(() => {
        cy.elements().remove();
        cy.add(els);
      });
      // Past ~1,000 nodes, drop edges while the view moves so panning and zooming stay fluid.
      (cy as unknown as { renderer(): { hideEdgesOnViewport: boolean } }).renderer().hideEdgesOnViewport =
        topo.nodes.length > 1000;
      if (firstTime) fitToLayout(cy, result);
      performance.measure('junction:add', { start: tAdd });
      setLayout({ ms: Math.round(ms), where });
      setLaying(false);
      setPlaced((n) => n + 1);
      const tRender = performance.now();
      cy.one('render', () => {
        performance.measure('junction:render', { start: tRender });
        performance.mark('junction:topology-painted');
        if (status.current) status.current.dataset.painted = String(cy.nodes().length);
        setPainted(true);
      });
    });
    return () => {
      cancelled = true;
    };
  }, [topo]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !topo) return;
    cy.batch(() => {
      cy.elements().removeClass('dim match');
      if (search.trim()) {
        const keys = new Set(matches.map((m) => m.key));
        cy.nodes().forEach((n) => {
          if (n.isParent()) return;
          n.addClass(keys.has(n.id()) ? 'match' : 'dim');
        });
        cy.edges().addClass('dim');
      }
    });
  }, [search, matches, topo, placed]);

  // Health is a class update on the elements already there: no layout, no re-add. Runs again after a layout
  // (placed changes) because the elements were replaced.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !topo || laying) return;
    const painted = paintHealth(cy, topo.byId, healthSummary, showHealth);
    if (status.current) {
      status.current.dataset.healthNodes = String(painted.nodes);
      status.current.dataset.healthEdges = String(painted.edges);
    }
  }, [topo, laying, placed, healthSummary, showHealth]);

  // Drifted hosts, like health: a class on the elements already there.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !topo || laying) return;
    let marked = 0;
    cy.batch(() => {
      cy.nodes('.drifted').removeClass('drifted');
      for (const id of driftedHostsOf(drift.answer)) {
        const key = topo.byId.get(id);
        const n = key !== undefined ? cy.getElementById(key) : undefined;
        if (n && n.nonempty()) {
          n.addClass('drifted');
          marked++;
        }
      }
    });
    if (status.current) status.current.dataset.driftNodes = String(marked);
  }, [topo, laying, placed, drift.answer]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !topo) return;
    cy.elements().unselect();
    if (!selected) return;
    const node = cy.getElementById(selected);
    if (node && node.nonempty()) {
      node.select();
      cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: 180 });
    }
  }, [selected, topo, laying, placed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing =
        (e.target as HTMLElement)?.tagName === 'INPUT' || (e.target as HTMLElement)?.tagName === 'TEXTAREA';
      const cy = cyRef.current;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        searchBox.current?.focus();
      } else if (e.key === 'Escape') ui.getState().select(null);
      else if (!typing && cy && (e.key === '+' || e.key === '='))
        cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      else if (!typing && cy && e.key === '-')
        cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      else if (!typing && cy && e.key === '0') cy.fit(undefined, 30);
      else if (
        cy &&
        ARROW_DIRECTION[e.key] &&
        !e.altKey &&
        !e.ctrlKey &&
        !e.metaKey &&
        // Only from the canvas (or nothing focused): elsewhere arrows keep scrolling lists and panels.
        (document.activeElement === document.body || !!container.current?.contains(document.activeElement))
      ) {
        // Arrow keys walk the graph: to the nearest node that way from the selection (site bands are not stops).
        e.preventDefault();
        const placed = cy
          .nodes('[kind != "site"]')
          .map((n) => ({ key: n.id(), x: n.position('x'), y: n.position('y') }));
        const current = ui.getState().selected;
        const from = current ? placed.find((p) => p.key === current) : undefined;
        const ext = cy.extent();
        const next = from
          ? nearestInDirection(placed, from, ARROW_DIRECTION[e.key]!)
          : nearestTo(placed, (ext.x1 + ext.x2) / 2, (ext.y1 + ext.y2) / 2);
        if (next) ui.getState().select(next);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ui]);

  const selectedNode = topo && selected ? topo.nodes.find((n) => n.key === selected) : undefined;
  const selectedFindings: LocatedFinding[] = useMemo(
    () => (topo && selected ? findings.filter((f) => nodeForPath(topo.nodes, f.path)?.key === selected) : []),
    [topo, findings, selected],
  );

  const showInEditor = () => {
    if (!selectedNode) return;
    const tree = parseTree(text);
    const node = tree ? findNodeAtLocation(tree, [...selectedNode.path]) : undefined;
    if (!node) return ui.getState().go('workspace');
    const before = text.slice(0, node.offset);
    const line = before.split('\n').length;
    ui.getState().showInEditor(line, node.offset - before.lastIndexOf('\n'));
  };

  const selectedHealth = selectedNode && healthSummary ? healthSummary.objects[selectedNode.id] : undefined;
  const selectedLinks =
    selectedNode && healthSummary
      ? healthSummary.links.filter(
          (l) =>
            l.nodes.includes(selectedNode.id) ||
            l.edges.some(([a, b]) => a === selectedNode.id || b === selectedNode.id),
        )
      : [];
  const askWhy = () => {
    if (!selectedNode) return;
    health.getState().prefillReach({ from: selectedNode.id, to: '' });
    ui.getState().go('health');
  };
  const latest = healthSummary?.latest ?? {};
  const latestSources = (['local', 'far-side', 'azure'] as const).filter((s) => latest[s]);

  const kinds = Object.entries(KIND_LABEL).filter(
    ([k]) => k !== 'site' && topo?.nodes.some((n) => n.kind === k),
  );

  return (
    <section className="screen topology-screen" aria-label="Topology">
      <div className="toolbar">
        <div className="search">
          <Icon name="search" size={14} />
          <input
            ref={searchBox}
            value={search}
            placeholder="Search name, id, prefix, role   ( / )"
            aria-label="Search topology"
            spellCheck={false}
            onChange={(e) => {
              ui.getState().setSearch(e.target.value);
              setMatchIndex(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && matches.length) {
                const m = matches[matchIndex % matches.length]!;
                ui.getState().select(m.key);
                setMatchIndex(matchIndex + 1);
              } else if (e.key === 'Escape') ui.getState().setSearch('');
            }}
          />
          {search && (
            <span className="muted small">
              {matches.length} {matches.length === 1 ? 'match' : 'matches'}
              {matches.length ? ' · Enter to step' : ''}
            </span>
          )}
        </div>
        <span className="spacer" />
        <span className="muted small" data-testid="topology-stats">
          {topo ? `${topo.nodes.length} nodes · ${topo.edges.length} links` : ''}
          {layout && ` · layout ${layout.ms} ms (${layout.where})`}
        </span>
        <button
          className="icon-btn"
          onClick={() => cyRef.current?.fit(cyRef.current.nodes('[kind != "site"]'), 30)}
          title="Fit (0)"
          aria-label="Fit to view"
        >
          <Icon name="fit" />
        </button>
      </div>
      <div className="topology-body">
        <div className="canvas-col">
          <div className="canvas-wrap" ref={status} data-testid="topology-canvas">
            <div
              ref={container}
              className="cy"
              tabIndex={0}
              aria-label="Topology graph: arrow keys move between objects, + and - zoom, 0 fits, / searches"
            />
            {laying && <div className="canvas-busy">Laying out…</div>}
            {!workspace && <div className="canvas-empty">Open a workspace to see its topology.</div>}
          </div>
          <div className="legend" aria-label="Legend">
            {kinds.map(([k, label]) => (
              <span key={k} className="legend-item">
                <span
                  className="swatch"
                  style={{ borderColor: `var(${KIND_VAR[k as keyof typeof KIND_VAR]})` }}
                />
                {label}
              </span>
            ))}
            <span className="legend-item">
              <span className="swatch tunnel" />
              Tunnel
            </span>
            <span className="legend-item">
              <span className="swatch sev-error" />
              Error
            </span>
            <span className="legend-item">
              <span className="swatch sev-warning" />
              Warning
            </span>
            <span className="legend-sep" aria-hidden="true" />
            <label className="legend-item health-toggle">
              <input
                type="checkbox"
                checked={showHealth}
                onChange={(e) => health.getState().setShowOnTopology(e.target.checked)}
                aria-label="Show health"
              />
              Health
            </label>
            {showHealth && (
              <span className="health-legend" data-testid="health-legend">
                {HEALTH_LEVELS.map((l) => (
                  <span key={l} className="legend-item">
                    <span
                      className={`swatch health-swatch ${l}`}
                      style={{ outlineColor: `var(${LEVEL_VAR[l]})` }}
                    />
                    {LEVEL_LABEL[l]}
                  </span>
                ))}
                <span className="legend-item muted" data-testid="health-as-of">
                  {latestSources.length
                    ? `latest: ${latestSources.map((s) => `${SOURCE_LABEL[s]} ${latest[s]!.slice(0, 16).replace('T', ' ')} UTC (${ageOf(latest[s])})`).join(' · ')}`
                    : 'no health results yet: run probes or import a far-side report on the Health screen'}
                </span>
                <span className="legend-item muted" data-testid="health-colour-source">
                  colours: far-side reports and Azure only, not probes run on this machine
                </span>
              </span>
            )}
          </div>
        </div>
        <aside className="details" aria-label="Details">
          {!selectedNode ? (
            <div className="details-empty">
              <h2>Details</h2>
              <p className="muted small">
                Select a node to see its properties and problems. Use the search to find a host, subnet or
                prefix.
              </p>
              {topo && (
                <dl className="stats">
                  {(['host', 'subnet', 'azure-subnet', 'vpn-gateway'] as const).map((k) => (
                    <div key={k}>
                      <dt>{KIND_LABEL[k]}s</dt>
                      <dd>{topo.nodes.filter((n) => n.kind === k).length}</dd>
                    </div>
                  ))}
                  <div>
                    <dt>With problems</dt>
                    <dd>{topo.nodes.filter((n) => n.problems > 0).length}</dd>
                  </div>
                </dl>
              )}
            </div>
          ) : (
            <div data-testid="details">
              <div className="details-kind">{KIND_LABEL[selectedNode.kind]}</div>
              <h2>{selectedNode.label}</h2>
              <div className="muted small">
                <code>{selectedNode.id}</code> · {selectedNode.sub}
              </div>
              <div className="details-actions">
                <button onClick={showInEditor}>Show in editor</button>
                {REACH_KINDS.has(selectedNode.kind) && (
                  <button
                    onClick={askWhy}
                    title="Open the reach panel of the Health screen with this as the source"
                  >
                    Why can't this reach…
                  </button>
                )}
              </div>
              {showHealth && (selectedHealth || selectedLinks.length > 0) && (
                <div className="details-health" data-testid="details-health">
                  <h3>Health</h3>
                  {selectedHealth && (
                    <div className="small">
                      <span className={`level-dot ${selectedHealth}`} aria-hidden="true" />{' '}
                      {LEVEL_LABEL[selectedHealth]}
                    </div>
                  )}
                  <ul className="plist">
                    {selectedLinks.map((l) => (
                      <li key={l.id}>
                        <span className={`level-dot ${l.level}`} aria-hidden="true" />
                        <span>
                          <span className="loc">{l.label}</span>
                          <span className="msg">{l.summary}</span>
                          <LinkAttribution l={l} />
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <h3>Problems ({selectedFindings.length})</h3>
              {selectedFindings.length === 0 ? (
                <p className="muted small">None for this object.</p>
              ) : (
                <ul className="plist">
                  {selectedFindings.map((f, i) => (
                    <li key={i} className={f.severity}>
                      <span className={`sev-dot ${f.severity}`} />
                      <span>
                        <span className="loc">
                          <b>{f.ruleId}</b> <code>{f.where}</code>
                        </span>
                        <span className="msg">{f.message}</span>
                        <span className="fix">Fix: {f.fix}</span>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {selectedNode.kind === 'nsg' && (
                <NsgRulesTable rules={(valueAt(workspace, selectedNode.path) as { rules?: NsgRule[] })?.rules ?? []} />
              )}
              <h3>Properties</h3>
              <pre className="props">
                {JSON.stringify(valueAt(workspace, selectedNode.path), null, 2)?.slice(0, 4000)}
              </pre>
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}

/** Fit from the layout's own extent: cy.fit() would measure every label first, which costs seconds at 2,000. */
function fitToLayout(cy: Core, layout: LayoutResult, padding = 30): void {
  let x1 = Infinity,
    y1 = Infinity,
    x2 = -Infinity,
    y2 = -Infinity;
  for (const p of Object.values(layout.positions)) {
    x1 = Math.min(x1, p.x - NODE_W / 2);
    x2 = Math.max(x2, p.x + NODE_W / 2);
    y1 = Math.min(y1, p.y - NODE_H / 2);
    y2 = Math.max(y2, p.y + NODE_H / 2);
  }
  for (const b of Object.values(layout.bands)) {
    x1 = Math.min(x1, b.x - b.w / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2 - 24);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  if (!Number.isFinite(x1)) return;
  const zoom = Math.min(
    cy.maxZoom(),
    Math.max(
      cy.minZoom(),
      Math.min((cy.width() - 2 * padding) / (x2 - x1), (cy.height() - 2 * padding) / (y2 - y1)),
    ),
  );
  cy.viewport({
    zoom,
    pan: { x: (cy.width() - zoom * (x1 + x2)) / 2, y: (cy.height() - zoom * (y1 + y2)) / 2 },
  });
}

function valueAt(ws: unknown, path: readonly (string | number)[]): unknown {
  let cur = ws;
  for (const seg of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}
