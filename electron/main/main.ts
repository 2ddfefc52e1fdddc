// The Electron main process: one locked-down window, the app:// protocol serving the built renderer, and IPC
// that answers only our own frame with validated requests. Everything domain-specific is in the host services.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, net } from 'electron';
import Store from 'electron-store';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_CHANNELS, ApiError, type MenuCommand } from '../../shared/api/contract';
import { openDialogOptions } from '../../shared/api/dialogs';
import {
  SETTINGS_CONFIG_NAME,
  SETTINGS_DEFAULTS,
  SETTINGS_MIGRATIONS,
  SETTINGS_PROJECT_VERSION,
  SETTINGS_SCHEMA,
  type SettingsData,
} from '../../shared/settings/schema';
import { createHost, dispatch, type SettingsBackend } from '../services/host';
import { resourcePath } from '../services/paths';
import {
  APP_ENTRY,
  APP_HOST,
  APP_SCHEME,
  RENDERER_CSP,
  isAllowedNavigation,
  isTrustedSenderUrl,
  mainWindowOptions,
} from './security';
import { safeStorageVault, secretStoreStatus } from './secrets';
import { MENU } from './menu';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const rendererRoot = resourcePath('dist', 'renderer');
const here = fileURLToPath(new URL('.', import.meta.url));

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = normalize(join(rendererRoot, rel));
    if (!file.startsWith(rendererRoot + sep)) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', RENDERER_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

function lockDownSessions(): void {
  // Nothing the renderer asks for (camera, notifications, clipboard-read, ...) is granted.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function openSettings(): SettingsBackend {
  // electron-store's types omit projectVersion (it defaults to the app version) but honour it: the settings
  // format has its own version so conf (CLI, browser host) and electron-store migrate identically.
  const store = new Store<SettingsData>({
    name: SETTINGS_CONFIG_NAME,
    defaults: SETTINGS_DEFAULTS,
    schema: SETTINGS_SCHEMA as never,
    migrations: SETTINGS_MIGRATIONS as never,
    ...({ projectVersion: SETTINGS_PROJECT_VERSION } as object),
  });
  // electron-store registers an ipcMain listener for renderer-side stores, answering any frame with the settings
  // folder and app version. The renderer reaches settings only through the contract, so no listener stays that
  // does not check its sender.
  ipcMain.removeAllListeners('electron-store-get-data');
  return { get: (k) => store.get(k), set: (k, v) => store.set(k, v) };
}

function createWindow(startupPath: string | undefined): BrowserWindow {
  const win = new BrowserWindow(
    mainWindowOptions(join(here, 'preload.cjs'), join(here, '../../assets/icon.png')),
  );
  const settings = openSettings();
  const api = createHost({
    frontDoor: 'electron',
    settings,
    ...(startupPath ? { startupPath } : {}),
    secrets: () =>
      secretStoreStatus(safeStorage, process.platform, settings.get('secrets').acceptWeakStorage),
    vault: safeStorageVault(safeStorage, process.platform, () => settings.get('secrets').acceptWeakStorage),
    dialogs: {
      openWorkspace: async () => {
        const r = await dialog.showOpenDialog(win, {
          title: 'Open workspace',
          properties: ['openFile'],
          filters: [{ name: 'Junction workspace', extensions: ['json', 'yaml', 'yml'] }],
        });
        const path = r.filePaths[0];
        return r.canceled || !path ? { status: 'canceled' } : { status: 'chosen', path };
      },
      openPath: async (purpose) => {
        const r = await dialog.showOpenDialog(win, openDialogOptions(purpose));
        const path = r.filePaths[0];
        return r.canceled || !path ? { status: 'canceled' } : { status: 'chosen', path };
      },
      saveWorkspace: async (suggestedName) => {
        const r = await dialog.showSaveDialog(win, {
          title: 'Save workspace',
          defaultPath: suggestedName ?? 'workspace.junction.json',
          filters: [{ name: 'Junction workspace', extensions: ['json'] }],
        });
        return r.canceled || !r.filePath ? { status: 'canceled' } : { status: 'chosen', path: r.filePath };
      },
      saveBundle: async (suggestedName, format) => {
        // A folder bundle is a new folder the build creates, so this is a save dialog for its name, not a folder
        // picker: the build refuses to write into an existing folder.
        const r = await dialog.showSaveDialog(win, {
          title: 'Build bundle as',
          defaultPath: suggestedName,
          ...(format === 'dir'
            ? {}
            : {
                filters: [{ name: format === 'tar' ? 'Tar archive' : 'Zip archive', extensions: [format] }],
              }),
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
        return r.canceled || !r.filePath ? { status: 'canceled' } : { status: 'chosen', path: r.filePath };
      },
    },
  });
  for (const channelName of API_CHANNELS) {
    ipcMain.handle(channelName, async (event, payload) => {
      if (!isTrustedSenderUrl(event.senderFrame?.url))
        throw new ApiError('forbidden', `${channelName}: untrusted sender`);
      return dispatch(api, channelName, payload);
    });
  }
  const send = (command: MenuCommand) => win.webContents.send('junction:menu', command);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      MENU.map((m) => ({
        label: m.label,
        submenu: m.items.map((i) =>
          i.separator
            ? { type: 'separator' as const }
            : i.role
              ? { role: i.role, label: i.label }
              : {
                  label: i.label,
                  ...(i.accelerator ? { accelerator: i.accelerator } : {}),
                  click: () => send(i.command!),
                },
        ),
      })),
    ),
  );
  // The renderer's beforeunload refuses a close or reload while the workspace has unsaved edits; Electron then does
  // nothing unless asked, so ask the admin here and let the window go only if they choose to discard.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      title: 'Unsaved changes',
      message: 'The workspace has unsaved changes.',
      detail: 'Closing or reloading now discards them. Save first with Ctrl+S, or discard them.',
      buttons: ['Keep editing', 'Discard changes'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (choice === 1) event.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}

// One settings directory for the app, the CLI and tests (conf honours the same variable; see electron/web/settings).
if (process.env.JUNCTION_USER_DATA) app.setPath('userData', process.env.JUNCTION_USER_DATA);
const startupArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-') && a !== '.');
app.enableSandbox();
void app.whenReady().then(() => {
  serveRenderer();
  lockDownSessions();
  createWindow(startupArg);
});
app.on('window-all-closed', () => app.quit());
