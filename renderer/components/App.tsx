import { useCallback, useEffect, useState } from 'react';
import type { MenuCommand } from '../../shared/api/contract';
import { isDirty } from '../stores/workspace';
import { prefetchLayout } from '../topology/layout-client';
import { menuCommandForKey } from '../menu-keys';
import type { Screen } from '../stores/ui';
import { useStores, useUi, useWs } from './context';
import { Icon } from './icons';
import { WorkspaceScreen } from './WorkspaceScreen';
import { TopologyTabs } from './topology/TopologyTabs';
import { ProblemsScreen } from './ProblemsScreen';
import { ApplyScreen } from './ApplyScreen';
import { HealthScreen } from './HealthScreen';
import { GenerateScreen } from './GenerateScreen';
import { CertificatesScreen } from './CertificatesScreen';
import { PathPrompt } from './PathPrompt';
import { ArmStatus } from './ArmStatus';
import { UnsavedChangesDialog, useBeforeUnloadGuard, useDiscardGuard } from './UnsavedGuard';

const NAV: { screen: Screen; label: string; key: string }[] = [
  { screen: 'workspace', label: 'Workspace', key: '1' },
  { screen: 'topology', label: 'Topology', key: '2' },
  { screen: 'problems', label: 'Problems', key: '3' },
  { screen: 'generate', label: 'Generate & Bundle', key: '4' },
  { screen: 'certificates', label: 'Certificates', key: '5' },
  { screen: 'apply', label: 'Apply', key: '6' },
  { screen: 'health', label: 'Health', key: '7' },
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

export function App() {
  const { api, ws, ui, info } = useStores();
  const screen = useUi((s) => s.screen);
  const theme = useUi((s) => s.theme);
  const notice = useUi((s) => s.notice);
  const busy = useWs((s) => s.busy);
  const error = useWs((s) => s.error);
  const name = useWs((s) => s.workspace?.name ?? s.fileName);
  const origin = useWs((s) => s.origin);
  const dirty = useWs(isDirty);
  const counts = useWs((s) => s.counts);
  const schemaProblems = useWs((s) => s.loadProblems.length);
  const ready = useWs((s) => s.status === 'ready');
  const [prompt, setPrompt] = useState<null | 'open' | 'save'>(null);
  const [promptError, setPromptError] = useState<string | null>(null);
  const guard = useDiscardGuard();
  useBeforeUnloadGuard();
  const workspace = useWs((s) => s.workspace);

  // Lay the topology out in the worker while the admin is elsewhere, once edits pause, so Topology opens on
  // positions that are ready rather than waiting for a layout of thousands of nodes.
  useEffect(() => {
    if (!workspace) return;
    const t = setTimeout(() => prefetchLayout(workspace), 300);
    return () => clearTimeout(t);
  }, [workspace]);

  useEffect(() => {
    const effective = theme === 'system' ? (prefersDark() ? 'dark' : 'light') : theme;
    document.documentElement.dataset.theme = effective;
  }, [theme]);

  const open = useCallback(
    () =>
      guard('Opening another workspace', async () => {
        const r = await api['dialog.openWorkspace']({});
        if (r.status === 'chosen') await ws.getState().openFile(r.path);
        else if (r.status === 'unsupported') setPrompt('open');
      }),
    [api, ws, guard],
  );
  const openExample = useCallback(
    () => guard('"New from example"', () => ws.getState().openExample()),
    [ws, guard],
  );

  const saveAs = useCallback(async () => {
    const r = await api['dialog.saveWorkspace']({
      suggestedName: ws.getState().fileName || 'workspace.junction.json',
    });
    if (r.status === 'chosen') {
      if (await ws.getState().save(r.path)) ui.getState().notify(`Saved ${r.path}`);
    } else if (r.status === 'unsupported') setPrompt('save');
  }, [api, ws, ui]);

  const save = useCallback(async () => {
    const s = ws.getState();
    if (s.origin === 'example' || s.origin === '' || s.origin === 'editor') return saveAs();
    if (await s.save()) ui.getState().notify(`Saved ${ws.getState().origin}`);
  }, [ws, ui, saveAs]);

  const command = useCallback(
    (c: MenuCommand) => {
      if (c === 'open') void open();
      else if (c === 'open-example') openExample();
      else if (c === 'save') void save();
      else if (c === 'save-as') void saveAs();
      else if (c === 'toggle-theme') {
        const t = ui.getState().toggleTheme(prefersDark());
        void api['settings.update']({ theme: t }).catch(() => undefined);
      } else ui.getState().go(c.slice('screen:'.length) as Screen);
    },
    [api, ui, open, openExample, save, saveAs],
  );

  useEffect(() => window.junctionMenu?.onCommand(command), [command]);

  useEffect(() => {
    // The same keys as the desktop menu, for the browser front door (Electron's menu consumes them first).
    const onKey = (e: KeyboardEvent) => {
      if (window.junctionMenu) return;
      const c = menuCommandForKey(e);
      if (c) {
        e.preventDefault();
        command(c);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [command]);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => ui.getState().notify(null), 4000);
    return () => clearTimeout(t);
  }, [notice, ui]);

  const effectiveDark = theme === 'dark' || (theme === 'system' && prefersDark());
  const problemTotal = counts.error + counts.warning + counts.info + schemaProblems;

  return (
    <div className="app">
      <div
        className={`progress ${busy ? 'on' : ''}`}
        role="progressbar"
        aria-busy={busy ? 'true' : 'false'}
        aria-label={busy ?? 'idle'}
      />
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Junction
        </div>
        <div className="doc" title={origin}>
          <span className="doc-name">{ready ? name : 'No workspace open'}</span>
          {ready && (
            <span className="doc-path">{origin === 'example' ? 'embedded example · not saved' : origin}</span>
          )}
          {dirty && (
            <span className="dirty" title="Unsaved changes">
              ●
            </span>
          )}
        </div>
        <div className="actions">
          <button onClick={() => void open()} title="Open workspace (Ctrl+O)">
            Open…
          </button>
          <button onClick={openExample} title="New from example (Ctrl+Shift+N)">
            New from example
          </button>
          <button
            onClick={() => void save()}
            disabled={!ready}
            title="Save (Ctrl+S)"
            className={dirty ? 'primary' : ''}
          >
            Save
          </button>
          <button onClick={() => void saveAs()} disabled={!ready} title="Save as (Ctrl+Shift+S)">
            Save as…
          </button>
          <button
            className="icon-btn"
            onClick={() => command('toggle-theme')}
            aria-label="Toggle light/dark theme"
            title="Toggle theme (Ctrl+Shift+L)"
          >
            <Icon name={effectiveDark ? 'sun' : 'moon'} />
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Screens">
        {NAV.map((n) => (
          <button
            key={n.screen}
            className={`nav ${screen === n.screen ? 'active' : ''}`}
            aria-current={screen === n.screen ? 'page' : undefined}
            onClick={() => ui.getState().go(n.screen)}
            data-screen={n.screen}
          >
            <Icon name={n.screen} />
            <span className="nav-label">{n.label}</span>
            {n.screen === 'problems' && problemTotal > 0 && (
              <span
                className={`count ${counts.error + schemaProblems > 0 ? 'error' : counts.warning > 0 ? 'warning' : 'info'}`}
              >
                {problemTotal}
              </span>
            )}
            <kbd>^{n.key}</kbd>
          </button>
        ))}
      </nav>
      <main className="content">
        {error && (
          <div className="banner error" role="alert">
            <span>{error}</span>
            <button onClick={() => ws.getState().clearError()} aria-label="Dismiss">
              Dismiss
            </button>
          </div>
        )}
        {screen === 'workspace' && <WorkspaceScreen onOpen={() => void open()} />}
        {screen === 'topology' && <TopologyTabs />}
        {screen === 'problems' && <ProblemsScreen />}
        {screen === 'generate' && <GenerateScreen />}
        {screen === 'certificates' && <CertificatesScreen />}
        {screen === 'apply' && <ApplyScreen />}
        {screen === 'health' && <HealthScreen />}
      </main>
      <footer className="statusbar">
        <ArmStatus />
        <span>
          {info
            ? `${info.frontDoor === 'electron' ? 'Desktop' : info.frontDoor === 'web' ? 'Browser (loopback)' : info.frontDoor} · v${info.version}`
            : ''}
        </span>
        {ready && (
          <span className="counts" aria-label="Problem counts">
            <span className="sev error">{plural(counts.error + schemaProblems, 'error')}</span>
            <span className="sev warning">{plural(counts.warning, 'warning')}</span>
            <span className="sev info">{counts.info} info</span>
          </span>
        )}
        <span className="spacer" />
        {busy && <span className="busy">{busy}…</span>}
        {notice && !busy && <span className="notice">{notice}</span>}
      </footer>
      {prompt && (
        <PathPrompt
          title={prompt === 'open' ? 'Open workspace' : 'Save workspace as'}
          hint="Browser mode has no file dialog. Type the full path of a .junction.json or .yaml file on this machine."
          initial={prompt === 'save' && origin !== 'example' ? origin : ''}
          action={prompt === 'open' ? 'Open' : 'Save'}
          browseFor={prompt === 'open' ? 'workspace' : 'folder'}
          error={promptError}
          onCancel={() => {
            setPrompt(null);
            setPromptError(null);
          }}
          onSubmit={async (path) => {
            // A wrong path keeps the dialog and what was typed, with the reason beside it.
            const ok =
              prompt === 'open' ? await ws.getState().openFile(path) : await ws.getState().save(path);
            if (!ok) {
              setPromptError(ws.getState().error ?? 'That did not work; check the path.');
              return;
            }
            ws.getState().clearError();
            setPrompt(null);
            setPromptError(null);
            if (prompt === 'save') ui.getState().notify(`Saved ${ws.getState().origin}`);
          }}
        />
      )}
      <UnsavedChangesDialog />
    </div>
  );
}
