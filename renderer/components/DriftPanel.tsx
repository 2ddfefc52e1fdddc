// Drift on the Problems screen (issue 22): each difference between the document and what the hosts and Azure were
// last seen to have (drift.report, the same answer as `junction drift`), with the workspace path, the observed value,
// when it was observed and the step that fixes it. Asked again when the valid model, the file or the saved text changes.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DriftAnswer, DriftItemView } from '../../shared/api/drift-api';
import { buildTopology } from '../topology/graph';
import { hasOwnFile } from '../stores/workspace';
import { useStores, useWs } from './context';

export interface DriftState {
  answer: DriftAnswer | null;
  error: string | null;
  refresh(): void;
}

export function useDrift(): DriftState {
  const { api, ws } = useStores();
  const workspace = useWs((s) => s.workspace);
  const origin = useWs((s) => s.origin);
  const savedText = useWs((s) => s.savedText);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ answer: DriftAnswer | null; error: string | null }>({
    answer: null,
    error: null,
  });
  useEffect(() => {
    if (!workspace) return;
    let live = true;
    const s = ws.getState();
    api['drift.report']({
      fileName: s.fileName || 'workspace.junction.json',
      text: s.text,
      ...(hasOwnFile(s) ? { workspace: s.origin } : {}),
    }).then(
      (answer) => live && setState({ answer, error: null }),
      (e: unknown) => live && setState({ answer: null, error: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [api, ws, workspace, origin, savedText, tick]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, refresh };
}

/** Drifted workspace host ids (empty until an answer is in). */
export function driftedHostsOf(answer: DriftAnswer | null): ReadonlySet<string> {
  return new Set(answer?.ok ? answer.driftedHosts : []);
}

function shown(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length ? v.map(shown).join(', ') : 'none';
  return JSON.stringify(v);
}

export function DriftPanel() {
  const { ui } = useStores();
  const workspace = useWs((s) => s.workspace);
  const drift = useDrift();
  const topo = useMemo(() => (workspace ? buildTopology(workspace) : null), [workspace]);
  const a = drift.answer;
  const items = a?.ok ? a.items : [];

  const showInEditor = (i: DriftItemView) => {
    if (i.line !== undefined) ui.getState().showInEditor(i.line, i.column);
  };
  const hostKey = (i: DriftItemView) => topo?.byId.get(i.host);

  return (
    <div className="group drift-group" data-group="drift" data-testid="drift-panel">
      <div className="group-head">
        <span className={`sev-dot ${items.length ? 'warning' : 'ok'}`} />
        <span className="rule-id">DRIFT</span>
        <span className="rule-name">The model against what the hosts and Azure were last seen to have</span>
        <span className={`count ${items.length ? 'warning' : ''}`}>{items.length}</span>
        <button className="small" onClick={drift.refresh} title="Read the observed state again">
          Refresh
        </button>
      </div>
      {drift.error && <p className="group-note error-text">Drift not compared: {drift.error}</p>}
      {a && !a.ok && <p className="group-note error-text">{a.error}</p>}
      {a?.ok && a.note && <p className="muted small group-note">{a.note}</p>}
      {a?.ok && a.hasObserved && items.length === 0 && (
        <p className="muted small group-note">
          No drift: {a.observedHosts} host report{a.observedHosts === 1 ? '' : 's'}
          {a.azureSnapshot ? ` and Azure as read ${a.azureSnapshot.savedAt}` : ''} match the model.
        </p>
      )}
      {items.map((i, n) => {
        const key = hostKey(i);
        return (
          <div
            key={n}
            className="problem warning drift"
            data-problem
            data-drift={i.kind}
            data-host={i.host}
            tabIndex={0}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && key) {
                e.preventDefault();
                ui.getState().showInTopology(key);
              } else if (e.key === 'e' && i.line !== undefined) {
                // As for lint findings: the editor takes the focus during this keydown.
                e.preventDefault();
                showInEditor(i);
              }
            }}
          >
            <div className="problem-main">
              <span className="msg">{i.message}</span>
              <span className="loc">
                <span className="obj">{i.host}</span>
                <code>{i.path}</code>
                {i.line !== undefined && ` line ${i.line}`}
              </span>
              <span className="drift-observed">
                Model: {shown(i.expected)} · Observed:{' '}
                <span className="observed-value">{shown(i.observed)}</span>
                {i.observedAt && <> · at {i.observedAt}</>}
                {i.source && <span className="muted"> ({i.source})</span>}
              </span>
              <span className="fix">Fix: {i.fix.text}</span>
            </div>
            <div className="problem-actions">
              {key && (
                <button onClick={() => ui.getState().showInTopology(key)} title="Enter">
                  Show in topology
                </button>
              )}
              {i.line !== undefined && (
                <button onClick={() => showInEditor(i)} title="E">
                  Show in editor
                </button>
              )}
            </div>
          </div>
        );
      })}
      {a?.ok && a.unobserved.length > 0 && a.hasObserved && (
        <p className="muted small group-note">
          Not observed yet (no state report): {a.unobserved.join(', ')}
        </p>
      )}
      {a?.ok && a.azureNotCompared && (
        <p className="muted small group-note">Azure not compared: {a.azureNotCompared}</p>
      )}
    </div>
  );
}
