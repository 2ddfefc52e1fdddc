// Electron's security checklist (electron.org/docs/latest/tutorial/security), item by item where it applies,
// checked against the values main uses, the main-process source, the built preload bundle and the packaging
// config. No Electron binary is needed: the options factory imports only Electron's types.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createContext, runInContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { API_CHANNELS, MENU_COMMANDS } from '../../shared/api/contract';
import {
  APP_ORIGIN,
  RENDERER_CSP,
  isAllowedNavigation,
  isTrustedSenderUrl,
  mainWindowOptions,
} from '../../electron/main/security';
import { buildBridge } from '../../electron/preload/bridge';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Whitespace-normalised, so the checks survive reformatting but not a change of meaning.
const mainSource = readFileSync(`${root}electron/main/main.ts`, 'utf8')
  .replace(/\s+/g, ' ')
  .replace(/\( /g, '(')
  .replace(/ \)/g, ')');
const preloadBundle = `${root}dist/electron/preload.cjs`;

beforeAll(() => {
  if (!existsSync(preloadBundle)) {
    const r = spawnSync(process.execPath, [`${root}scripts/build.mjs`, 'electron'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
  }
});

describe('Electron security checklist', () => {
  const web = mainWindowOptions('/app/preload.cjs').webPreferences!;

  it('#3 context isolation, #4 sandbox, #2 no Node integration anywhere', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(mainSource).toMatch(/app\.enableSandbox\(\)/);
  });

  it('#6 webSecurity on, #8 no insecure content, #9 no experimental features, #10 no Blink features, #12 no <webview>', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.enableBlinkFeatures).toBe('');
    expect(web.webviewTag).toBe(false);
    expect(mainSource).toMatch(/will-attach-webview[\s\S]{0,80}preventDefault/);
    expect(mainSource).not.toMatch(/webSecurity:\s*false|allowRunningInsecureContent:\s*true/);
  });

  it('#7 a strict Content Security Policy on every response and in the page', () => {
    const directives = Object.fromEntries(
      RENDERER_CSP.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(RENDERER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*|http:|https:/);
    expect(mainSource).toMatch(/headers\.set\('Content-Security-Policy', RENDERER_CSP\)/);
    // The page carries the same policy (minus frame-ancestors, which a meta tag cannot set).
    const html = readFileSync(`${root}renderer/index.html`, 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(RENDERER_CSP.replace("; frame-ancestors 'none'", ''));
  });

  it('#13 navigation limited with a real URL parser, #14 new windows denied, #15 no shell.openExternal', () => {
    expect(mainSource).toMatch(
      /'will-navigate', \(event, url\) => \{\s*if \(!isAllowedNavigation\(url\)\) event\.preventDefault\(\)/,
    );
    expect(mainSource).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(mainSource).not.toMatch(/openExternal/);
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of [
      'https://evil.test/',
      'file:///etc/passwd',
      'app://junction.evil.test/',
      'app://evil@junction/',
      'javascript:alert(1)',
      'app:junction',
    ])
      expect(isAllowedNavigation(url), url).toBe(false);
  });

  it('#5 permission requests denied', () => {
    expect(mainSource).toMatch(
      /setPermissionRequestHandler\(\(_wc, _perm, callback\) => callback\(false\)\)/,
    );
    expect(mainSource).toMatch(/setPermissionCheckHandler\(\(\) => false\)/);
  });

  it('#17 every IPC message: sender frame checked against our origin, payload validated by the contract', () => {
    expect(mainSource).toMatch(
      /ipcMain\.handle\(channelName, async \(event, payload\) => \{\s*if \(!isTrustedSenderUrl\(event\.senderFrame\?\.url\)\) throw[\s\S]{0,120}return dispatch\(api, channelName, payload\)/,
    );
    expect(mainSource).not.toMatch(/ipcMain\.on\(/);
    // Dependencies' listeners count too: electron-store's answers any sender, so main removes it right after the
    // store is made (the library's source still registers exactly that channel).
    const storeLib = readFileSync(`${root}node_modules/electron-store/index.js`, 'utf8');
    const libChannels = [...storeLib.matchAll(/ipcMain\.(?:on|handle)\('([^']+)'/g)].map((m) => m[1]);
    expect(libChannels).toEqual(['electron-store-get-data']);
    expect(mainSource).toMatch(/new Store<SettingsData>\([\s\S]*?\}\);[\s\S]{0,400}ipcMain\.removeAllListeners\('electron-store-get-data'\)/);
    expect(isTrustedSenderUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of [
      undefined,
      '',
      'file:///app/dist/renderer/index.html',
      'http://127.0.0.1:5173/',
      'app://other/',
      'app://junction:80@evil/',
    ])
      expect(isTrustedSenderUrl(url), String(url)).toBe(false);
  });

  it('#16 the app is served from a custom secure scheme, not file://', () => {
    expect(mainSource).toMatch(
      /registerSchemesAsPrivileged\(\[\s*\{ scheme: APP_SCHEME, privileges: \{ standard: true, secure: true/,
    );
    expect(mainSource).toMatch(
      /if \(!file\.startsWith\(rendererRoot \+ sep\)\) return new Response\('forbidden', \{ status: 403 \}\)/,
    );
    expect(mainSource).not.toMatch(/loadFile\(|file:\/\//);
  });

  it('the preload exposes exactly one named method per channel and nothing generic (built bundle, sandboxed CJS)', async () => {
    const exposed: Record<string, Record<string, unknown>> = {};
    const invoked: [string, unknown][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => (exposed[k] = v) },
      ipcRenderer: {
        invoke: async (ch: string, p: unknown) => (invoked.push([ch, p]), 'ok'),
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const required: string[] = [];
    const sandbox = createContext({
      require: (m: string) => (required.push(m), m === 'electron' ? electron : undefined),
      module: { exports: {} },
      exports: {},
    });
    runInContext(readFileSync(preloadBundle, 'utf8'), sandbox);
    // A sandboxed preload can require only Electron's own modules.
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(Object.keys(exposed).sort()).toEqual(['junction', 'junctionMenu']);
    expect(Object.keys(exposed.junction!).sort()).toEqual([...API_CHANNELS].sort());
    expect(Object.keys(exposed.junctionMenu!)).toEqual(['onCommand']);
    for (const ch of API_CHANNELS)
      await (exposed.junction![ch] as (r: unknown) => Promise<unknown>)({ probe: ch });
    expect(invoked.map(([c]) => c)).toEqual([...API_CHANNELS]);
    expect(invoked.every(([c, p]) => (p as { probe: string }).probe === c)).toBe(true);
    expect(Object.keys(exposed.junction!)).not.toContain('invoke');
    expect(MENU_COMMANDS.length).toBeGreaterThan(0);
  });

  it('the bridge object is frozen and bound to fixed channels', () => {
    const calls: string[] = [];
    const b = buildBridge(async (c) => (calls.push(c), undefined)) as unknown as Record<string, unknown>;
    expect(Object.isFrozen(b)).toBe(true);
    expect(() => ((b as Record<string, unknown>)['shell.exec'] = () => 0)).toThrow();
  });
});

describe('packaging (electron-builder.yml)', () => {
  const cfg = parseYaml(readFileSync(`${root}electron-builder.yml`, 'utf8'));
  it('builds offline installers and never phones home', () => {
    expect(cfg.publish).toBeNull();
    expect(cfg.electronDist).toBeTruthy();
    expect(cfg.npmRebuild).toBe(false);
    expect(cfg.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(cfg.win.target).toEqual(expect.arrayContaining(['nsis', 'portable']));
    expect(JSON.stringify(cfg)).not.toMatch(/nsis-web|electron-updater|autoUpdate/);
    expect(cfg.deb.depends).toContain('libsecret-1-0');
    // Checklist #19, fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect in the shipped binary; code only
    // from the integrity-checked app.asar (the main process never forks a Node child that would need runAsNode).
    expect(cfg.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(cfg.asar).toBe(true);
    for (const f of ['main.ts', 'secrets.ts'].map((n) => `${root}electron/main/${n}`).filter(existsSync))
      expect(readFileSync(f, 'utf8')).not.toMatch(/\bfork\(|ELECTRON_RUN_AS_NODE/);
    expect(cfg.electronVersion).toBe(
      JSON.parse(readFileSync(`${root}node_modules/electron/package.json`, 'utf8')).version,
    );
  });

  it('npm run dist names a missing Electron and how to provide it offline, before building anything', () => {
    const r = spawnSync(process.execPath, [`${root}scripts/dist.mjs`, '-c.electronDist=/nonexistent/electron-zips'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no Electron at /nonexistent/electron-zips');
    expect(r.stderr).toMatch(/approve its install script .* or unpack electron-v\d+\.\d+\.\d+-/s);
    expect(r.stderr).toContain('ELECTRON_BUILDER_CACHE');
    expect(r.stdout).toBe(''); // nothing was built
  });

  it('ships real icons: a 512 px PNG for Linux and an ICO with a 256 px entry for Windows', () => {
    const png = readFileSync(`${root}${cfg.linux.icon}`);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR width and height, big-endian; electron-builder wants at least 256 px, Linux app stores 512 px.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    const ico = readFileSync(`${root}${cfg.win.icon}`);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const entries = Array.from({ length: count }, (_, i) => {
      const at = 6 + 16 * i;
      const size = ico.readUInt8(at) || 256;
      const len = ico.readUInt32LE(at + 8);
      const off = ico.readUInt32LE(at + 12);
      return { size, png: ico.subarray(off, off + len) };
    });
    expect(entries.map((e) => e.size)).toContain(256);
    for (const e of entries) {
      expect(e.png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(e.png.readUInt32BE(16)).toBe(e.size);
    }
  });
});
