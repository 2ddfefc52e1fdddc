import { useMemo } from 'react';
import { useStores, useUi, useWs } from './context';
import { Editor, type Marker } from './Editor';
import { ReachDiffPanel } from './ReachDiffPanel';
import { useDiscardGuard } from './UnsavedGuard';

export function WorkspaceScreen({ onOpen }: { onOpen(): void }) {
  const { ws, ui } = useStores();
  const guard = useDiscardGuard();
  const status = useWs((s) => s.status);
  const text = useWs((s) => s.text);
  const fileName = useWs((s) => s.fileName);
  const loadProblems = useWs((s) => s.loadProblems);
  const findings = useWs((s) => s.findings);
  const workspace = useWs((s) => s.workspace);
  const recent = useWs((s) => s.recent);
  const target = useUi((s) => s.editorTarget);

  const markers = useMemo<Marker[]>(
    () => [
      ...loadProblems
        .filter((p) => p.position)
        .map((p) => ({
          line: p.position!.line,
          column: p.position!.column,
          severity: 'error' as const,
          message: p.message,
          fix: p.fix,
          ...(p.path ? { where: p.path } : {}),
        })),
      ...findings
        .filter((f) => f.position)
        .map((f) => ({
          line: f.position!.line,
          column: f.position!.column,
          severity: f.severity,
          message: f.message,
          fix: f.fix,
          where: f.where,
          rule: f.ruleId,
        })),
    ],
    [loadProblems, findings],
  );

  if (status === 'empty') {
    return (
      <section className="screen empty-state" aria-label="Workspace">
        <h1>Open a workspace</h1>
        <p className="muted">
          A workspace describes one hybrid estate: sites, networks, hosts, Azure resources, tunnels and
          certificates.
        </p>
        <div className="empty-actions">
          <button className="primary" onClick={onOpen}>
            Open workspace…
          </button>
          <button onClick={() => guard('"New from example"', () => ws.getState().openExample())}>
            New from example
          </button>
        </div>
        <RecentList recent={recent} onOpen={(p) => guard(`Opening ${p}`, () => ws.getState().openFile(p))} />
      </section>
    );
  }

  const stats = workspace
    ? [
        ['Sites', workspace.sites.length],
        ['Networks', workspace.networks.length + workspace.azure.vnets.length],
        ['Hosts', workspace.hosts.length],
        [
          'Tunnels',
          workspace.azure.connections.length +
            workspace.licenseLinks.length +
            workspace.hnv.s2sConnections.length,
        ],
        ['Certificates', workspace.certificates.length],
      ]
    : [];

  return (
    <section className="screen workspace-screen" aria-label="Workspace">
      <div className="editor-pane">
        <div className="pane-head">
          <span className="pane-title">{fileName}</span>
          <span className="muted">{text.split('\n').length} lines</span>
          <span className="spacer" />
          {findings.length > 0 && (
            <span className="muted">
              {findings.length} lint {findings.length === 1 ? 'finding' : 'findings'} · marked in the gutter,
              listed under Problems
            </span>
          )}
          {loadProblems.length > 0 ? (
            <span className="sev error">
              {loadProblems.length} schema {loadProblems.length === 1 ? 'problem' : 'problems'}
            </span>
          ) : (
            <span className="sev ok">Schema valid</span>
          )}
        </div>
        <Editor
          text={text}
          onChange={(t) => ws.getState().edit(t)}
          markers={markers}
          target={target}
          label="Workspace document"
        />
      </div>
      <aside className="side-pane">
        {workspace && (
          <div className="panel">
            <h2>{workspace.name}</h2>
            {workspace.description && <p className="muted small">{workspace.description}</p>}
            <dl className="stats">
              {stats.map(([k, v]) => (
                <div key={k as string}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </div>
        )}
        <ReachDiffPanel />
        <div className="panel">
          <h2>Schema problems</h2>
          {loadProblems.length === 0 ? (
            <p className="muted small">None. Lint results are on the Problems screen.</p>
          ) : (
            <ul className="plist" aria-label="Schema problems">
              {loadProblems.map((p, i) => (
                <li key={i}>
                  <button
                    className="plink"
                    onClick={() =>
                      p.position && ui.getState().showInEditor(p.position.line, p.position.column)
                    }
                  >
                    <span className="sev-dot error" />
                    <span>
                      <span className="loc">
                        {p.position ? `Line ${p.position.line}` : ''} {p.path && <code>{p.path}</code>}
                      </span>
                      <span className="msg">{p.message}</span>
                      <span className="fix">Fix: {p.fix}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <RecentList recent={recent} onOpen={(p) => guard(`Opening ${p}`, () => ws.getState().openFile(p))} />
      </aside>
    </section>
  );
}

function RecentList({
  recent,
  onOpen,
}: {
  recent: { path: string; name: string; openedAt: string }[];
  onOpen(path: string): void;
}) {
  return (
    <div className="panel">
      <h2>Recent</h2>
      {recent.length === 0 ? (
        <p className="muted small">Workspaces you open or save appear here.</p>
      ) : (
        <ul className="recent">
          {recent.map((r) => (
            <li key={r.path}>
              <button className="plink" onClick={() => onOpen(r.path)} title={r.path}>
                <span className="recent-name">{r.name}</span>
                <span className="recent-path">{r.path}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
