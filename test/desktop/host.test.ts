// The host object all front doors share: validation at the boundary, recent list and settings.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_CHANNELS, ApiError } from '../../shared/api/contract';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { openConfSettings, electronUserDataDir } from '../../electron/web/settings';
import { MAX_RECENT, withRecent } from '../../shared/settings/schema';
import { openDialogOptions, PATH_PURPOSE_IDS } from '../../shared/api/dialogs';

describe('dispatch', () => {
  const api = createHost({ frontDoor: 'test' });
  it('implements every channel of the contract', () => {
    expect(Object.keys(api).sort()).toEqual([...API_CHANNELS].sort());
  });
  it('validates before any service code runs', async () => {
    await expect(dispatch(api, 'no.such', {})).rejects.toMatchObject({ code: 'unknown-channel' });
    await expect(dispatch(api, 'workspace.openFile', {})).rejects.toThrow(/workspace\.openFile: path:/);
    await expect(dispatch(api, 'settings.update', { theme: 'neon' })).rejects.toBeInstanceOf(ApiError);
    await expect(dispatch(api, 'toString', {})).rejects.toMatchObject({ code: 'unknown-channel' });
  });
  it('turns a missing file into a located problem, not a crash', async () => {
    const r = (await dispatch(api, 'workspace.openFile', { path: '/nonexistent/x.junction.json' })) as {
      ok: boolean;
      problems: { message: string }[];
    };
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.message).toMatch(/no such file/);
  });
  it('tells the browser front door it has no native dialog and no key store', async () => {
    expect(await dispatch(api, 'dialog.openWorkspace', {})).toMatchObject({ status: 'unsupported' });
    expect(await dispatch(api, 'dialog.openPath', { purpose: 'pfx' })).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/type the path/),
    });
    expect(await dispatch(api, 'secrets.status', {})).toMatchObject({ protection: 'none' });
  });
});

describe('Browse… dialogs', () => {
  it('asks the front door for a named purpose only; the renderer cannot pass dialog options', async () => {
    const asked: string[] = [];
    const api = createHost({
      frontDoor: 'electron',
      dialogs: {
        openWorkspace: async () => ({ status: 'canceled' }),
        saveWorkspace: async () => ({ status: 'canceled' }),
        saveBundle: async () => ({ status: 'canceled' }),
        openPath: async (purpose) => {
          asked.push(purpose);
          return { status: 'chosen', path: `/picked/${purpose}` };
        },
      },
    });
    expect(await dispatch(api, 'dialog.openPath', { purpose: 'bundle' })).toEqual({
      status: 'chosen',
      path: '/picked/bundle',
    });
    await expect(dispatch(api, 'dialog.openPath', { purpose: 'anything' })).rejects.toBeInstanceOf(ApiError);
    await expect(
      dispatch(api, 'dialog.openPath', { purpose: 'pfx', properties: ['openFile', 'multiSelections'] }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(asked).toEqual(['bundle']);
  });

  it('maps each purpose to a folder picker or a filtered file picker', () => {
    expect(openDialogOptions('bundle')).toEqual({ title: 'Choose a bundle folder', properties: ['openDirectory'] });
    expect(openDialogOptions('pfx')).toMatchObject({
      properties: ['openFile'],
      filters: [{ extensions: ['pfx', 'p12'] }],
    });
    for (const id of PATH_PURPOSE_IDS) {
      const o = openDialogOptions(id);
      // A file picker always filters (no "all files" surprise); a folder picker never does.
      expect(o.properties[0] === 'openFile', id).toBe(o.filters !== undefined);
    }
  });
});

describe('settings', () => {
  it('keeps recent workspaces most-recent-first, unique and bounded', () => {
    let list = withRecent([], { path: '/a', name: 'A', openedAt: '1' });
    list = withRecent(list, { path: '/b', name: 'B', openedAt: '2' });
    list = withRecent(list, { path: '/a', name: 'A', openedAt: '3' });
    expect(list.map((r) => r.path)).toEqual(['/a', '/b']);
    for (let i = 0; i < 30; i++)
      list = withRecent(list, { path: `/${i}`, name: String(i), openedAt: String(i) });
    expect(list).toHaveLength(MAX_RECENT);
  });

  it('records opened and saved files through the host, not the example', async () => {
    const settings = memorySettings();
    const api = createHost({ frontDoor: 'test', settings });
    await api['workspace.openExample']({});
    expect(settings.get('recent')).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'junction-host-'));
    const example = await api['workspace.openExample']({});
    await api['workspace.save']({ path: join(dir, 'a.junction.json'), text: example.text });
    expect((await api['workspace.recent']({}))[0]?.path).toBe(join(dir, 'a.junction.json'));
    expect(await api['settings.update']({ theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(await api['settings.get']({})).toEqual({ theme: 'dark' });
  });

  it('opens the same settings file as electron-store with conf, validates it and migrates the old layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-conf-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'dark' }));
    const s = openConfSettings(dir);
    expect(s.get('ui').theme).toBe('dark');
    s.set('recent', [{ path: '/x', name: 'X', openedAt: 'now' }]);
    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.recent[0].path).toBe('/x');
    expect(() => s.set('ui', { theme: 'neon' } as never)).toThrow();
    expect(() => s.set('recent', [{ path: 1 }] as never)).toThrow();
  });

  it('drops the pre-1.1 trust key: pinned signers live in the one trust store of electron/bundle/trust.ts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-conf-'));
    const old = {
      ui: { theme: 'light' },
      recent: [],
      secrets: { acceptWeakStorage: false },
      trust: { signers: [] },
    };
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ ...old, __internal__: { migrations: { version: '1.0.0' } } }),
    );
    const s = openConfSettings(dir);
    expect(s.get('ui').theme).toBe('light');
    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk).not.toHaveProperty('trust');
    expect(onDisk.azure).toEqual({});
    expect(onDisk.__internal__.migrations.version).toBe('1.2.0');
    // Shared keys only ever as the key store's base64 ciphertext: the file's own schema refuses anything else.
    expect(() =>
      s.set('azure', { secrets: { psk: { sealed: 'plain text!', backend: 'x', storedAt: 'now' } } }),
    ).toThrow();
    s.set('azure', {
      secrets: { psk: { sealed: 'djEwAAAA', backend: 'gnome_libsecret', storedAt: '2026-12-01T00:00:00Z' } },
    });
    expect(s.get('azure').secrets?.['psk']?.backend).toBe('gnome_libsecret');
  });

  it('adds the key store entries at 1.2.0, which hold only sealed bytes and public metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-conf-'));
    const v11 = { ui: { theme: 'dark' }, recent: [], secrets: { acceptWeakStorage: false }, azure: {} };
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ ...v11, __internal__: { migrations: { version: '1.1.0' } } }),
    );
    const s = openConfSettings(dir);
    const onDisk = () => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk().keys).toEqual({});
    expect(onDisk().__internal__.migrations.version).toBe('1.2.0');
    expect(s.get('ui').theme).toBe('dark');
    const id = 'ab'.repeat(32);
    const entry = {
      sealed: 'djEwAAAA',
      backend: 'gnome_libsecret',
      storedAt: '2026-12-01T00:00:00.000Z',
      label: 'Bundle signer',
      subject: 'CN=Bundle signer',
      fingerprint: id,
      thumbprint: 'A'.repeat(40),
      notAfter: '2027-12-01T00:00:00.000Z',
      origin: 'imported' as const,
    };
    s.set('keys', { [id]: entry });
    expect(onDisk().keys[id].label).toBe('Bundle signer');
    // The file's own schema refuses a PEM in place of the ciphertext, an extra field, or an id that is no fingerprint.
    expect(() => s.set('keys', { [id]: { ...entry, sealed: '-----BEGIN PRIVATE KEY-----' } })).toThrow();
    expect(() => s.set('keys', { [id]: { ...entry, keyPem: 'x' } as never })).toThrow();
    expect(() => s.set('keys', { signer: entry })).toThrow();
    expect(onDisk().keys[id].sealed).toBe('djEwAAAA');
  });

  it('computes Electron userData for productName Junction on each platform', () => {
    expect(electronUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Junction');
    expect(electronUserDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(
      /Roaming[\\/]Junction$/,
    );
    expect(electronUserDataDir({ JUNCTION_USER_DATA: '/override' }, 'linux')).toBe('/override');
  });
});
