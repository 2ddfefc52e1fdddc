import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { connect } from './api/client';
import { createWorkspaceStore, hasOwnFile } from './stores/workspace';
import { createUiStore } from './stores/ui';
import { createGenerateStore } from './stores/generate';
import { createCertStore } from './stores/certs';
import { createApplyStore } from './stores/apply';
import { createHealthStore } from './stores/health';
import { StoresContext, type Stores } from './components/context';
import { App } from './components/App';

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  const api = connect();
  if ('error' in api) {
    root.render(
      <div className="fatal">
        <h1>Junction</h1>
        <p>{api.error}</p>
      </div>,
    );
    return;
  }
  const ws = createWorkspaceStore(api);
  const ui = createUiStore();
  // Both screens act on the document as it is in the editor, saved or not.
  const doc = () => ({ fileName: ws.getState().fileName, text: ws.getState().text });
  const gen = createGenerateStore(api, doc);
  const certs = createCertStore(api, doc);
  const apply = createApplyStore(api, doc);
  const health = createHealthStore(api, doc);
  const [info, settings] = await Promise.all([
    api['app.info']({}).catch(() => null),
    api['settings.get']({}).catch(() => null),
  ]);
  if (settings) ui.getState().setTheme(settings.theme);
  const stores: Stores = { api, ws, ui, gen, certs, apply, health, info };
  root.render(
    <StrictMode>
      <StoresContext.Provider value={stores}>
        <App />
      </StoresContext.Provider>
    </StrictMode>,
  );
  // After a reload, reopen the file that was open (this tab's session remembers it), not the startup document.
  const last = lastOpened();
  ws.subscribe((s, prev) => {
    if (s.origin !== prev.origin && (hasOwnFile(s) || s.origin === 'example')) rememberOpened(s.origin);
  });
  await ws.getState().refreshRecent();
  // A file that has gone since stays unopened, with the reason shown, rather than quietly replaced by another.
  if (last === 'example') return ws.getState().openExample();
  if (last) return void (await ws.getState().openFile(last));
  // Otherwise open what the front door was started with; `npm start` with no argument means the embedded example.
  const startup = await api['workspace.startup']({}).catch(() => ({}) as { path?: string });
  if (startup.path) await ws.getState().openFile(startup.path);
  else await ws.getState().openExample();
}

const LAST_OPENED = 'junction.lastOpened';

function lastOpened(): string | null {
  try {
    return sessionStorage.getItem(LAST_OPENED);
  } catch {
    return null;
  }
}

function rememberOpened(origin: string): void {
  try {
    sessionStorage.setItem(LAST_OPENED, origin);
  } catch {
    // Storage refused (a locked-down profile): a reload then opens the startup document, as before.
  }
}

void boot();
