import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { LocatedFinding } from '../../shared/api/contract';
import type { Severity } from '../../shared/lint/types';
import { buildTopology, nodeForPath } from '../topology/graph';
import { useStores, useWs } from './context';
import { DriftPanel } from './DriftPanel';

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface ProblemGroup {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  items: LocatedFinding[];
}

export function groupFindings(findings: readonly LocatedFinding[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const f of findings) {
    const g = groups.get(f.ruleId) ?? {
      ruleId: f.ruleId,
      ruleName: f.ruleName,
      severity: f.severity,
      items: [],
    };
    if (ORDER[f.severity] < ORDER[g.severity]) g.severity = f.severity;
    g.items.push(f);
    groups.set(f.ruleId, g);
  }
  return [...groups.values()].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId),
  );
}

export function ProblemsScreen() {
  const { ui } = useStores();
  const findings = useWs((s) => s.findings);
  const loadProblems = useWs((s) => s.loadProblems);
  const workspace = useWs((s) => s.workspace);
  const status = useWs((s) => s.status);
  const [show, setShow] = useState<Record<Severity, boolean>>({ error: true, warning: true, info: true });
  const list = useRef<HTMLDivElement>(null);
  const topo = useMemo(() => (workspace ? buildTopology(workspace) : null), [workspace]);
  const groups = useMemo(() => groupFindings(findings.filter((f) => show[f.severity])), [findings, show]);

  // Arrow keys move between problems; Enter/Space activate the focused action.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(list.current?.querySelectorAll<HTMLElement>('[data-problem]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = items[e.key === 'ArrowDown' ? Math.min(items.length - 1, i + 1) : Math.max(0, i - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  if (status === 'empty')
    return (
      <section className="screen empty-state">
        <h1>Problems</h1>
        <p className="muted">Open a workspace to lint it.</p>
      </section>
    );

  const total = findings.length + loadProblems.length;
  return (
    <section className="screen problems-screen" aria-label="Problems">
      <header className="screen-head">
        <h1>Problems</h1>
        <span className="muted">
          {total === 0
            ? 'No problems: the workspace is lint-clean'
            : `${total} in ${groups.length + (loadProblems.length ? 1 : 0)} groups`}
        </span>
        <span className="spacer" />
        <div className="filters" role="group" aria-label="Severity filter">
          {(['error', 'warning', 'info'] as const).map((s) => (
            <label key={s} className={`filter ${s}`}>
              <input
                type="checkbox"
                checked={show[s]}
                onChange={(e) => setShow({ ...show, [s]: e.target.checked })}
              />
              {s === 'error' ? 'Errors' : s === 'warning' ? 'Warnings' : 'Info'} (
              {findings.filter((f) => f.severity === s).length})
            </label>
          ))}
        </div>
      </header>
      <div className="problem-list" ref={list} onKeyDown={onKey}>
        {loadProblems.length > 0 && (
          <div className="group" data-group="schema">
            <div className="group-head">
              <span className="sev-dot error" />
              <span className="rule-id">SCHEMA</span>
              <span className="rule-name">The document does not match the workspace schema</span>
              <span className="count error">{loadProblems.length}</span>
            </div>
            {loadProblems.map((p, i) => (
              <div
                key={i}
                className="problem"
                data-problem
                tabIndex={0}
                onKeyDown={(e) =>
                  e.key === 'Enter' &&
                  p.position &&
                  ui.getState().showInEditor(p.position.line, p.position.column)
                }
              >
                <div className="problem-main">
                  <span className="msg">{p.message}</span>
                  <span className="loc">
                    {p.path && <code>{p.path}</code>} {p.position && `line ${p.position.line}`}
                  </span>
                  <span className="fix">Fix: {p.fix}</span>
                </div>
                <div className="problem-actions">
                  {p.position && (
                    <button onClick={() => ui.getState().showInEditor(p.position!.line, p.position!.column)}>
                      Show in editor
                    </button>
                  )}
                </div>
              </div>
            ))}
            <p className="muted small group-note">
              Lint runs once the document matches the schema; the topology shows the last valid version
              meanwhile.
            </p>
          </div>
        )}
        {groups.map((g) => (
          <div key={g.ruleId} className="group" data-group={g.ruleId}>
            <div className="group-head">
              <span className={`sev-dot ${g.severity}`} />
              <span className="rule-id">{g.ruleId}</span>
              <span className="rule-name">{g.ruleName}</span>
              <span className={`count ${g.severity}`}>{g.items.length}</span>
            </div>
            {g.items.map((f, i) => {
              const node = topo ? nodeForPath(topo.nodes, f.path) : undefined;
              const objectId = node && node.kind !== 'site' ? node.key : undefined;
              return (
                <div
                  key={i}
                  className={`problem ${f.severity}`}
                  data-problem
                  data-rule={f.ruleId}
                  tabIndex={0}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && objectId) {
                      e.preventDefault();
                      ui.getState().showInTopology(objectId);
                    } else if (e.key === 'e' && f.position) {
                      // The editor takes the focus during this keydown: without this, the "e" is typed into it.
                      e.preventDefault();
                      ui.getState().showInEditor(f.position.line, f.position.column);
                    }
                  }}
                >
                  <div className="problem-main">
                    <span className="msg">{f.message}</span>
                    <span className="loc">
                      {node && <span className="obj">{node.id}</span>}
                      <code>{f.where}</code>
                      {f.position && ` line ${f.position.line}`}
                    </span>
                    <span className="fix">Fix: {f.fix}</span>
                  </div>
                  <div className="problem-actions">
                    {objectId && (
                      <button onClick={() => ui.getState().showInTopology(objectId)} title="Enter">
                        Show in topology
                      </button>
                    )}
                    {f.position && (
                      <button
                        onClick={() => ui.getState().showInEditor(f.position!.line, f.position!.column)}
                        title="E"
                      >
                        Show in editor
                      </button>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        ))}
        {total === 0 && (
          <div className="all-clear">
            <span className="sev-dot ok" /> All lint rules pass for this workspace.
          </div>
        )}
        <DriftPanel />
      </div>
    </section>
  );
}
