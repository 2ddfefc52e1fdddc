// Topology as a network diagram: the whole estate when it is small enough to read, else sites and networks with
// host counts, where a click on a network opens it. Details of the selected object (NSG rules, routes, NICs), the
// last "why can't A reach B" answer traced hop by hop, and SVG/PNG export of what is shown.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { parseTree, findNodeAtLocation } from 'jsonc-parser';
import { buildDiagram, workspaceIdOf, type DiagramNode } from '../../../shared/topology/diagram';
import type { DiagramLayout } from '../../../shared/topology/layout';
import { portText } from '../../../shared/topology/text';
import { renderSvg } from '../../../shared/topology/svg';
import { traceOnDiagram } from '../../../shared/topology/trace';
import { focusDiagram, withDetail, type DetailLevel } from '../../../shared/topology/view';
import { requestDiagramLayout } from '../../topology/diagram-client';
import { downloadPng, downloadText } from '../../topology/download';
import { useHealth, useStores, useWs } from '../context';
import { DiagramCanvas } from './DiagramCanvas';
import { driftedHostsOf, useDrift } from '../DriftPanel';
import { FailingFlowSelect, failingFlowKey, useFailingFlows } from './FailingFlows';

/** Past this many hosts the first view is the overview; a network opens on a click. */
export const FULL_VIEW_MAX_HOSTS = 150;
/** Plain hosts shown per subnet before the rest fold into one box. */
const HOSTS_PER_SUBNET = 12;

export function DiagramScreen() {
  const { ui } = useStores();
  const workspace = useWs((s) => s.workspace);
  const text = useWs((s) => s.text);
  const reachOp = useHealth((s) => s.reachOp);
  const [focus, setFocus] = useState<string | null>(null);
  const [detail, setDetail] = useState<DetailLevel | null>(null);
  const [layout, setLayout] = useState<DiagramLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [showTrace, setShowTrace] = useState(true);
  const failing = useFailingFlows();
  const drift = useDrift();
  const drifted = useMemo(
    () => new Set([...driftedHostsOf(drift.answer)].map((h) => `host:${h}`)),
    [drift.answer],
  );
  const [flowKey, setFlowKey] = useState<string | null>(null);

  const hostTotal = workspace?.hosts.reduce((n, h) => n + (h.count ?? 1), 0) ?? 0;
  const big = workspace ? workspace.hosts.length > FULL_VIEW_MAX_HOSTS : false;
  const full = useMemo(
    () => (workspace ? buildDiagram(workspace, big ? { maxHostsPerSubnet: HOSTS_PER_SUBNET } : {}) : null),
    [workspace, big],
  );
  const level: DetailLevel = detail ?? (big && !focus ? 'networks' : 'nics');
  const shown = useMemo(() => {
    if (!full) return null;
    return withDetail(focus ? focusDiagram(full, [focus]) : full, level);
  }, [full, focus, level]);

  useEffect(() => {
    if (!shown) return;
    let live = true;
    const t = performance.now();
    setError(null);
    requestDiagramLayout(shown, { flat: focus !== null && big }).then(
      (l) => {
        if (!live) return;
        performance.measure('junction:diagram-layout', { start: t });
        setLayout(l);
      },
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [shown, focus, big]);

  const nodeById = useMemo(() => new Map(shown?.nodes.map((n) => [n.id, n]) ?? []), [shown]);
  const sel = selected ? nodeById.get(selected) : undefined;
  const done = reachOp.status === 'done' ? reachOp.result : undefined;
  const answer = done && done.ok ? done : undefined;
  // A failing needed flow or intent chosen on the toolbar is traced the same way, in place of the reach answer.
  const flowAnswer = failing.flows.find((f) => failingFlowKey(f) === flowKey)?.answer;
  const traced = flowAnswer ?? answer;
  const trace = useMemo(
    () =>
      traced && shown && (showTrace || flowAnswer)
        ? traceOnDiagram(
            shown,
            {
              source: traced.source.host ?? traced.source.subnet,
              destination: traced.destination.host ?? traced.destination.subnet,
            },
            traced.hops,
            traced.decisive,
          )
        : undefined,
    [traced, flowAnswer, shown, showTrace],
  );

  const open = useCallback(
    (id: string) => {
      const n = nodeById.get(id);
      if (big && n?.kind === 'network' && !focus) {
        setFocus(id);
        setSelected(null);
      }
    },
    [nodeById, big, focus],
  );
  const select = useCallback(
    (id: string | null) => {
      setSelected(id);
      // In the overview a network opens with one click: there is nothing else to see in it at that level.
      if (id && big && !focus && nodeById.get(id)?.kind === 'network') open(id);
    },
    [big, focus, nodeById, open],
  );

  const showInEditor = (n: DiagramNode) => {
    if (!n.path) return;
    const tree = parseTree(text);
    const node = tree ? findNodeAtLocation(tree, [...n.path]) : undefined;
    if (!node) return ui.getState().go('workspace');
    const before = text.slice(0, node.offset);
    ui.getState().showInEditor(before.split('\n').length, node.offset - before.lastIndexOf('\n'));
  };

  const title = `${workspace?.name ?? 'workspace'}${focus ? ` · ${nodeById.get(focus)?.label ?? ''}` : ''}`;
  const fileBase =
    (workspace?.name ?? 'topology').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'topology';

  if (!workspace) return <div className="canvas-empty">Open a workspace to see its topology.</div>;
  return (
    <div className="diagram-screen">
      <div className="toolbar diagram-toolbar">
        <nav className="crumbs" aria-label="Diagram view">
          <button
            className={focus ? 'link' : 'link current'}
            onClick={() => (setFocus(null), setSelected(null))}
          >
            {big ? 'Overview' : 'Whole estate'}
          </button>
          {focus && <span className="current"> › {nodeById.get(focus)?.label ?? workspaceIdOf(focus)}</span>}
        </nav>
        <label className="small">
          Detail{' '}
          <select
            aria-label="Detail"
            value={level}
            onChange={(e) => setDetail(e.target.value as DetailLevel)}
          >
            <option value="networks">Sites and networks</option>
            <option value="hosts">Hosts</option>
            <option value="nics">Hosts and NICs</option>
          </select>
        </label>
        {answer && (
          <label className="small" title={answer.text}>
            <input type="checkbox" checked={showTrace} onChange={(e) => setShowTrace(e.target.checked)} />{' '}
            Reach {answer.query.from} → {answer.query.to}:{answer.query.port} ({answer.verdict})
          </label>
        )}
        <FailingFlowSelect flows={failing.flows} value={flowKey} onChange={setFlowKey} />
        <span className="spacer" />
        {drifted.size > 0 && (
          <span
            className="small drift-legend"
            data-testid="diagram-drift"
            title="Hosts whose last state report differs from the model: see Problems"
          >
            {drifted.size} host{drifted.size === 1 ? '' : 's'} drifted
          </span>
        )}
        <span className="muted small" data-testid="diagram-stats">
          {hostTotal} hosts{shown ? ` · ${shown.nodes.length} objects shown` : ''}
        </span>
        <button
          disabled={!layout}
          onClick={() => layout && downloadText(`${fileBase}.svg`, renderSvg(layout, title), 'image/svg+xml')}
        >
          Export SVG
        </button>
        <button
          disabled={!layout}
          onClick={() =>
            layout &&
            void downloadPng(`${fileBase}.png`, renderSvg(layout, title), layout.width, layout.height)
          }
        >
          Export PNG
        </button>
      </div>
      <div className="diagram-body">
        {error && <div className="error">Layout failed: {error}</div>}
        {layout ? (
          <DiagramCanvas
            layout={layout}
            title={title}
            selected={selected}
            onSelect={select}
            onOpen={open}
            trace={trace}
            drifted={drifted}
          />
        ) : (
          !error && <div className="canvas-busy">Laying out…</div>
        )}
        {sel && <DiagramDetails node={sel} onEdit={() => showInEditor(sel)} />}
      </div>
    </div>
  );
}

function DiagramDetails({ node, onEdit }: { node: DiagramNode; onEdit: () => void }) {
  return (
    <aside className="details diagram-details" aria-label="Details" data-testid="diagram-details">
      <h3>{node.label}</h3>
      <p className="muted">{node.detail}</p>
      {node.ports.length > 0 && (
        <>
          <h4>NICs</h4>
          <ul>
            {node.ports.map((p) => (
              <li key={p.id}>{portText(p)}</li>
            ))}
          </ul>
        </>
      )}
      {node.badges.map((b) => (
        <details key={b.label} open={b.kind !== 'role'}>
          <summary>{b.label}</summary>
          <ul className="mono small">
            {b.lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        </details>
      ))}
      {node.path && (
        <button className="link" onClick={onEdit}>
          Show in editor
        </button>
      )}
    </aside>
  );
}
