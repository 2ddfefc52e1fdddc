// The Generate & Bundle and Certificates stores without React, against the real host; and the tokenizer.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createHost, memorySettings } from '../../electron/services/host';
import { safeStorageVault } from '../../electron/main/secrets';
import { exampleWorkspacePath } from '../../electron/services/paths';
import {
  chosenKey,
  createGenerateStore,
  FAT32_MAX_FILE,
  RUNBOOK,
  selectionOf,
  signMode,
} from '../../renderer/stores/generate';
import { createCertStore, splitSans } from '../../renderer/stores/certs';
import { languageOf, tokenize, type Language } from '../../renderer/highlight/tokenize';
import { makeSigningPfx } from './signing-key';
import { aesStorage } from './test-vault';

const text = readFileSync(exampleWorkspacePath(), 'utf8');
const doc = () => ({ fileName: 'contoso.junction.json', text });

describe('generate store', () => {
  let dir: string;
  let pfx: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-gen-store-'));
    pfx = makeSigningPfx(dir, 'pw store');
  });

  it('previews everything, then narrows to the selection', async () => {
    const s = createGenerateStore(createHost({ frontDoor: 'test' }), doc);
    await s.getState().refresh();
    const all = s.getState().preview!;
    expect(all.files.length).toBeGreaterThan(0);
    expect(s.getState().shown).toBe(all.files[0]!.path);
    const host = all.targets[0]!.id;
    s.getState().setAllHosts(false);
    s.getState().toggleHost(host);
    await s.getState().refresh();
    expect(selectionOf(s.getState()).hosts).toEqual([host]);
    expect(s.getState().preview!.files.every((f) => f.host === host)).toBe(true);
    s.getState().show(RUNBOOK);
    await s.getState().refresh();
    expect(s.getState().shown).toBe(RUNBOOK);
  });

  it('builds with progress polled from the host, then offers the result to verify and write', async () => {
    const api = createHost({ frontDoor: 'test' });
    const s = createGenerateStore(api, doc, { pollMs: 5 });
    await s.getState().refresh();
    s.getState().set({ out: join(dir, 'b1'), signKey: pfx, format: 'dir' });
    await s.getState().buildBundle('pw store');
    const b = s.getState().build;
    expect(b.status, b.error).toBe('done');
    expect(s.getState().verifyPath).toBe(join(dir, 'b1'));
    expect(s.getState().writeSource).toBe(join(dir, 'b1'));
    expect(JSON.stringify(s.getState())).not.toContain('pw store');
    await s.getState().verifyBundle();
    expect(s.getState().verify.result?.ok).toBe(true);
    s.getState().set({ writeTarget: mkdtempSync(join(tmpdir(), 'junction-gen-media-')) });
    await s.getState().writeBundle();
    expect(s.getState().write.result?.readBack.ok).toBe(true);
  });

  it('adds the Azure export and the FAT32 split when asked, and only then', async () => {
    const host = createHost({ frontDoor: 'test' });
    const sent: Record<string, unknown>[] = [];
    const api = {
      ...host,
      'bundle.build': (req: Parameters<(typeof host)['bundle.build']>[0]) => {
        sent.push(req as Record<string, unknown>);
        return host['bundle.build'](req);
      },
    };
    const s = createGenerateStore(api, doc, { pollMs: 5 });
    await s.getState().refresh();
    s.getState().set({ out: join(dir, 'plain'), signKey: pfx, format: 'dir' });
    await s.getState().buildBundle('pw store');
    const files = (d: string) =>
      (
        JSON.parse(readFileSync(join(dir, d, 'manifest.json'), 'utf8')) as { files: { path: string }[] }
      ).files.map((f) => f.path);
    expect(files('plain').some((p) => p.startsWith('files/azure/'))).toBe(false);
    expect(sent[0]).not.toHaveProperty('mediaLimit');
    expect(sent[0]).not.toHaveProperty('azureExport');
    s.getState().set({ out: join(dir, 'extras'), azureExport: 'arm', splitForFat32: true });
    await s.getState().buildBundle('pw store');
    expect(s.getState().build.status, s.getState().build.error).toBe('done');
    // FAT32's limit (4 GiB - 1): nothing in this bundle is that large, so no file is split, but the request says so.
    expect(sent[1]).toMatchObject({ azureExport: 'arm', mediaLimit: FAT32_MAX_FILE });
    expect(files('extras').some((p) => p.startsWith('files/azure/arm/'))).toBe(true);
    expect(files('extras')).not.toContain('files/azure/az-network.sh');
  });

  it("shows a failed build with the host's reason", async () => {
    const s = createGenerateStore(createHost({ frontDoor: 'test' }), doc);
    await s.getState().refresh();
    s.getState().set({ out: join(dir, 'b2'), signKey: join(dir, 'missing.pfx') });
    await s.getState().buildBundle('x');
    expect(s.getState().build.status).toBe('failed');
    expect(s.getState().build.error).toMatch(/cannot read the signing key .*missing\.pfx/);
  });
});

describe('generate store with the key store', () => {
  let dir: string;
  let pfx: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-key-store-'));
    pfx = makeSigningPfx(dir, 'pw keys');
  });
  const desktop = () => {
    const settings = memorySettings();
    const api = createHost({
      frontDoor: 'electron',
      settings,
      vault: safeStorageVault(aesStorage(), 'linux', () => false),
    });
    return { api, settings };
  };

  it('signs with a .pfx where the front door has no key store, and says there is none', async () => {
    const s = createGenerateStore(createHost({ frontDoor: 'web' }), doc);
    expect(signMode(s.getState())).toBe('pfx'); // before the list is loaded, too
    await s.getState().loadKeys();
    expect(s.getState().keyStore).toMatchObject({ available: false, keys: [] });
    s.getState().set({ signWith: 'stored' });
    expect(signMode(s.getState())).toBe('pfx');
    const ok = await s.getState().importKey(pfx, 'pw keys');
    expect(ok).toBe(false);
    expect(s.getState().keyImport.error).toMatch(/web front door has no OS key store/);
  });

  it('imports a .pfx, picks it, builds with it without a password, and removes it', async () => {
    const { api, settings } = desktop();
    const s = createGenerateStore(api, doc, { pollMs: 5 });
    await s.getState().refresh();
    await s.getState().loadKeys();
    expect(signMode(s.getState())).toBe('pfx'); // an empty key store: the .pfx stays the default
    expect(await s.getState().importKey(pfx, 'wrong')).toBe(false);
    expect(s.getState().keyImport.error).toMatch(/wrong password/);
    expect(await s.getState().importKey(pfx, 'pw keys', { label: ' Signer A ' })).toBe(true);
    const key = chosenKey(s.getState())!;
    expect(key.label).toBe('Signer A');
    expect(signMode(s.getState())).toBe('stored');
    expect(JSON.stringify(s.getState())).not.toContain('pw keys');
    expect(JSON.stringify(settings.get('keys'))).not.toContain('PRIVATE KEY');

    s.getState().set({ out: join(dir, 'stored-build'), format: 'dir', signKey: '' });
    await s.getState().buildBundle('');
    const b = s.getState().build;
    expect(b.status, b.error).toBe('done');
    expect(b.result?.fingerprint).toBe(key.fingerprint);
    await s.getState().verifyBundle();
    expect(s.getState().verify.result?.ok).toBe(true);

    // The admin can still choose the .pfx although a key is stored.
    s.getState().set({ signWith: 'pfx', signKey: pfx, out: join(dir, 'pfx-build') });
    await s.getState().buildBundle('pw keys');
    expect(s.getState().build.result?.fingerprint).toBe(key.fingerprint);

    await s.getState().removeKey(key.id);
    expect(s.getState().keyStore?.keys).toEqual([]);
    expect(settings.get('keys')).toEqual({});
    s.getState().set({ signWith: 'stored', out: join(dir, 'none-build') });
    await s.getState().buildBundle('');
    expect(s.getState().build.status).toBe('failed');
    expect(s.getState().build.error).toMatch(/key store holds no key: import a \.pfx/);
  });

  it('creates a certificate whose key is kept, which the generate store then offers', async () => {
    const { api } = desktop();
    const certs = createCertStore(api, doc);
    const gen = createGenerateStore(api, doc);
    const out = mkdtempSync(join(tmpdir(), 'junction-keep-store-'));
    certs.getState().setForm({ outDir: out, name: 'kept', subject: 'CN=Kept In Store', keepKey: true });
    const r = await certs.getState().createCert('pw kept');
    expect(r?.storedKey?.label).toBe('Kept In Store');
    await gen.getState().loadKeys();
    expect(chosenKey(gen.getState())?.id).toBe(r?.storedKey?.id);
    // Without a key store the same form fails with the reason, and writes nothing.
    const web = createCertStore(createHost({ frontDoor: 'web' }), doc);
    const out2 = mkdtempSync(join(tmpdir(), 'junction-keep-store-'));
    web.getState().setForm({ outDir: out2, name: 'kept', keepKey: true });
    expect(await web.getState().createCert('pw')).toBeUndefined();
    expect(web.getState().create.error).toMatch(/no OS key store.*without keepKey/);
  });
});

describe('certificate store', () => {
  it('creates, then loads the new .cer into Inspect, which passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-cert-store-'));
    const s = createCertStore(createHost({ frontDoor: 'test' }), doc);
    await s.getState().loadOptions();
    expect(s.getState().options?.purposes.map((p) => p.id)).toContain('remote-console');
    s.getState().setForm({ outDir: dir, name: 'rc' });
    const r = await s.getState().createCert('pw');
    expect(r?.files.cer).toBe(join(dir, 'rc.cer'));
    expect(s.getState().inspectPath).toBe(join(dir, 'rc.cer'));
    await s.getState().inspectCert();
    expect(s.getState().inspect.result?.ok).toBe(true);
    s.getState().setInspect({ inspectPath: join(dir, 'rc.pfx') });
    await s.getState().inspectCert('wrong');
    expect(s.getState().inspect.status).toBe('failed');
    expect(s.getState().inspect.error).toMatch(/password is wrong/);
  });
  it('splits SANs on commas, spaces and newlines', () => {
    expect(splitSans(' a.example.com, b.example.com\n10.0.0.5 ')).toEqual([
      'a.example.com',
      'b.example.com',
      '10.0.0.5',
    ]);
  });
});

describe('tokenizer', () => {
  const langs: Language[] = ['powershell', 'bash', 'batch', 'json', 'markdown', 'plain'];
  it('gives every line back exactly, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom(...langs), (s, lang) => {
        const t = s.replace(/\r/g, '');
        const lines = tokenize(t, lang).map((l) => l.map((x) => x.text).join(''));
        const expected = t.split('\n');
        if (expected.length > 1 && expected[expected.length - 1] === '') expected.pop();
        expect(lines).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
  it('colours PowerShell cmdlets, parameters, variables, strings and block comments', () => {
    const lines = tokenize(
      "<# help\nmore #>\n$x = Get-Item -Path 'C:\\a' # note\nif ($x -eq 1) { }",
      'powershell',
    );
    expect(lines[0]).toEqual([{ type: 'comment', text: '<# help' }]);
    expect(lines[1]).toEqual([{ type: 'comment', text: 'more #>' }]);
    const kinds = (i: number) =>
      lines[i]!.filter((t) => t.type !== 'plain').map((t) => `${t.type}:${t.text}`);
    expect(kinds(2)).toEqual([
      'variable:$x',
      'command:Get-Item',
      'param:-Path',
      "string:'C:\\a'",
      'comment:# note',
    ]);
    expect(kinds(3)).toEqual(['keyword:if', 'variable:$x', 'operator:-eq', 'number:1']);
  });
  it('keeps a here-string as a string until it closes', () => {
    const lines = tokenize("$t = @'\n# not a comment\n'@\nWrite-Host", 'powershell');
    expect(lines[1]).toEqual([{ type: 'string', text: '# not a comment' }]);
    expect(lines[3]![0]).toEqual({ type: 'command', text: 'Write-Host' });
  });
  it('colours bash, JSON and Markdown', () => {
    expect(tokenize('set -eu # strict', 'bash')[0]!.map((t) => t.type)).toEqual([
      'keyword',
      'plain',
      'param',
      'plain',
      'comment',
    ]);
    expect(
      tokenize('{"a": "b", "n": 1}', 'json')[0]!
        .filter((t) => t.type !== 'plain')
        .map((t) => t.type),
    ).toEqual(['key', 'string', 'key', 'number']);
    expect(tokenize('# Title\n```\n# code\n```', 'markdown').map((l) => l[0]!.type)).toEqual([
      'heading',
      'code',
      'code',
      'code',
    ]);
  });
  it('picks the language from the path or the generator kind', () => {
    expect(languageOf('a/b.ps1')).toBe('powershell');
    expect(languageOf('x', 'arm-template')).toBe('json');
    expect(languageOf('s.sh')).toBe('bash');
    expect(languageOf('s.cmd')).toBe('batch');
    expect(languageOf('RUNBOOK.md')).toBe('markdown');
  });
});
