// Signing and certificate keys in the OS key store (issues 4 and 5), through the host's dispatch as the desktop app
// calls it: a key store that really encrypts, the real settings file (conf), openssl-made keys, and the bundles
// checked with stock tools (sha256sum, openssl). What must never happen: the plain key, its DER or the .pfx
// password in the settings file, a response or a bundle.
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BundleBuildResult,
  CertCreateResult,
  KeyImportResult,
  KeyStoreView,
} from '../../shared/api/contract';
import { createHost, dispatch, memorySettings, type HostCapabilities } from '../../electron/services/host';
import { openConfSettings } from '../../electron/web/settings';
import { safeStorageVault, type SafeStorageLike } from '../../electron/main/secrets';
import { aesStorage } from './test-vault';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { makeSigningPfx } from './signing-key';

const text = readFileSync(exampleWorkspacePath(), 'utf8');
const fileName = 'contoso-hybrid.junction.json';
const PASSWORD = 'import pass 7';
const CERT_PASSWORD = 'created pass 9';

function host(caps: Omit<HostCapabilities, 'frontDoor'> & { frontDoor?: HostCapabilities['frontDoor'] }) {
  const api = createHost({ frontDoor: 'electron', ...caps });
  const call = <T>(ch: string, req: unknown) => dispatch(api, ch, req) as Promise<T>;
  return { api, call };
}

/** SHA-256 of the DER public key, computed by openssl alone. */
function opensslFingerprint(certArgs: string[]): string {
  const pub = execFileSync('openssl', ['x509', ...certArgs, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
  return execFileSync('sha256sum', { input: der }).toString().split(' ')[0]!;
}

function opensslThumbprint(certArgs: string[]): string {
  const out = execFileSync('openssl', ['x509', ...certArgs, '-noout', '-fingerprint', '-sha1']).toString();
  return out.split('=')[1]!.trim().replace(/:/g, '');
}

/** Every form of the private key that must not reach the file: PKCS#8 and PKCS#1 DER base64, and PEM lines. */
function keyForms(keyPem: string): string[] {
  const k = createPrivateKey(keyPem);
  const pkcs8 = k.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const pkcs1 = k.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const lines = keyPem.split('\n').filter((l) => l.length === 64);
  return [pkcs8, pkcs1, pkcs8.slice(100, 160), pkcs1.slice(100, 160), ...lines];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)],
  );
}

/** The checks the far side runs: sha256sum -c and openssl dgst -verify, with the bundle's own signer.pem. */
function verifyWithStockTools(out: string, pubkeyFile = 'signer.pem') {
  const sums = spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
  expect(sums.status, sums.stderr).toBe(0);
  const sig = spawnSync(
    'openssl',
    ['dgst', '-sha256', '-verify', pubkeyFile, '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'],
    { cwd: out, encoding: 'utf8' },
  );
  expect(sig.stdout.trim(), sig.stderr).toBe('Verified OK');
}

describe('keys in the OS key store (desktop front door)', () => {
  let dir: string;
  let userData: string;
  let pfx: string;
  let expected: string;
  let storage: SafeStorageLike;
  let h: ReturnType<typeof host>;
  let settings: ReturnType<typeof openConfSettings>;
  const onDisk = () => readFileSync(join(userData, 'settings.json'), 'utf8');
  const secretForms: string[] = [];
  const responses: string[] = [];
  const record = <T>(r: T): T => {
    responses.push(JSON.stringify(r));
    return r;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-keystore-'));
    userData = mkdtempSync(join(tmpdir(), 'junction-keystore-settings-'));
    process.env.JUNCTION_STATE_DIR = mkdtempSync(join(tmpdir(), 'junction-keystore-state-'));
    pfx = makeSigningPfx(dir, PASSWORD);
    expected = opensslFingerprint(['-in', join(dir, 'signer.crt')]);
    secretForms.push(...keyForms(readFileSync(join(dir, 'signer.key'), 'utf8')));
    settings = openConfSettings(userData);
    storage = aesStorage();
    h = host({
      settings,
      vault: safeStorageVault(storage, 'linux', () => settings.get('secrets').acceptWeakStorage),
    });
  });

  let imported: KeyImportResult;
  it('imports an openssl-made .pfx: only sealed bytes reach the settings file, with the fingerprint openssl computes', async () => {
    const before = await h.call<KeyStoreView>('keys.list', {});
    expect(before).toMatchObject({
      available: true,
      canStore: true,
      keys: [],
      vault: { protection: 'encrypted' },
    });

    imported = record(
      await h.call<KeyImportResult>('keys.import', { pfx, password: PASSWORD, label: 'Bundle signer' }),
    );
    expect(imported.replaced).toBe(false);
    expect(imported.key).toMatchObject({
      id: expected,
      fingerprint: expected,
      label: 'Bundle signer',
      origin: 'imported',
      backend: 'gnome_libsecret',
      thumbprint: opensslThumbprint(['-in', join(dir, 'signer.crt')]),
    });
    expect(imported.key.subject).toContain('CN=Junction test signer');
    const list = record(await h.call<KeyStoreView>('keys.list', {}));
    expect(list.keys).toEqual([imported.key]);

    // Really sealed, by this key store: what is in the file opens to the key, and only with this store.
    const sealed = settings.get('keys')[expected]!.sealed;
    expect(storage.decryptString(Buffer.from(sealed, 'base64'))).toContain('PRIVATE KEY');
    expect(() => aesStorage().decryptString(Buffer.from(sealed, 'base64'))).toThrow();
    const file = onDisk();
    expect(file).toContain(sealed);
    expect(file).not.toContain('PRIVATE KEY');
    expect(file).not.toContain(PASSWORD);
    for (const f of secretForms) expect(file).not.toContain(f);
    for (const r of responses) {
      expect(r).not.toContain(sealed);
      expect(r).not.toContain('PRIVATE KEY');
    }
  });

  it('builds a bundle with the stored key that sha256sum -c and openssl dgst -verify accept, same fingerprint', async () => {
    const out = join(dir, 'bundle-stored');
    const built = record(
      await h.call<BundleBuildResult>('bundle.build', {
        fileName,
        text,
        format: 'dir',
        out,
        storedKey: imported.key.id,
        jobId: 'keystore-build-1',
      }),
    );
    expect(built.fingerprint).toBe(expected);
    expect(built.signerSubject).toContain('Junction test signer');
    verifyWithStockTools(out);
    expect(opensslFingerprint(['-in', join(dir, 'signer.crt')])).toBe(
      execFileSync('sha256sum', {
        input: execFileSync('openssl', ['pkey', '-pubin', '-in', join(out, 'signer.pem'), '-outform', 'DER']),
      })
        .toString()
        .split(' ')[0],
    );
    for (const f of filesUnder(out)) {
      const body = readFileSync(f, 'utf8');
      expect(body, f).not.toContain('PRIVATE KEY');
      expect(body, f).not.toContain(PASSWORD);
    }
  });

  it('replaces the entry when the same key is imported again', async () => {
    const again = await h.call<KeyImportResult>('keys.import', { pfx, password: PASSWORD });
    expect(again.replaced).toBe(true);
    expect(again.key.label).toBe('Junction test signer'); // from the CN when no label is given
    expect(again.store.keys).toHaveLength(1);
  });

  it('refuses a wrong .pfx password with the fix, storing nothing and not echoing it', async () => {
    const err = await dispatch(h.api, 'keys.import', { pfx, password: 'not it' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /keys\.import: .*wrong password or not a PKCS#12 file — type the password/,
    );
    expect((err as Error).message).not.toContain('not it');
    expect(Object.keys(settings.get('keys'))).toEqual([expected]);
  });

  let created: CertCreateResult;
  it('cert.create keepKey keeps a key whose public half is the .cer’s, and signs a bundle the .cer verifies', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'junction-keystore-cert-'));
    created = record(
      await h.call<CertCreateResult>('cert.create', {
        purpose: 'remote-console',
        subject: 'CN=Kept Key Console',
        days: 30,
        keySize: 2048,
        profile: 'modern',
        outDir,
        name: 'kept',
        password: CERT_PASSWORD,
        keepKey: true,
      }),
    );
    const cer = ['-inform', 'DER', '-in', created.files.cer];
    const fp = opensslFingerprint(cer);
    expect(created.storedKey).toMatchObject({
      id: fp,
      fingerprint: fp,
      origin: 'created',
      label: 'Kept Key Console',
      thumbprint: created.thumbprint,
    });
    expect(opensslThumbprint(cer)).toBe(created.thumbprint);
    const keyPem = execFileSync('openssl', [
      'pkcs12',
      '-in',
      created.files.pfx,
      '-nocerts',
      '-nodes',
      '-passin',
      `pass:${CERT_PASSWORD}`,
    ]).toString();
    secretForms.push(...keyForms(keyPem.slice(keyPem.indexOf('-----BEGIN'))));

    // Signed with the kept key, no .pfx password in the request; the public key from the .cer verifies it.
    const out = join(dir, 'bundle-created');
    const built = await h.call<BundleBuildResult>('bundle.build', {
      fileName,
      text,
      format: 'dir',
      out,
      storedKey: fp,
    });
    expect(built.fingerprint).toBe(fp);
    const pub = join(dir, 'kept.pub.pem');
    execFileSync('openssl', ['x509', ...cer, '-noout', '-pubkey', '-out', pub]);
    verifyWithStockTools(out, pub);

    const list = await h.call<KeyStoreView>('keys.list', {});
    expect(list.keys.map((k) => k.fingerprint).sort()).toEqual([expected, fp].sort());
    const file = onDisk();
    expect(file).not.toContain('PRIVATE KEY');
    expect(file).not.toContain(CERT_PASSWORD);
    expect(file).not.toContain(PASSWORD);
    for (const f of secretForms) expect(file).not.toContain(f);
    for (const r of responses) expect(r).not.toContain('PRIVATE KEY');
  });

  it('another machine’s key store cannot open the sealed key: a clear error, not a crash', async () => {
    const other = host({ settings, vault: safeStorageVault(aesStorage(), 'linux', () => false) });
    await expect(
      dispatch(other.api, 'bundle.build', {
        fileName,
        text,
        format: 'dir',
        out: join(dir, 'bundle-other'),
        storedKey: expected,
      }),
    ).rejects.toThrow(/cannot open "Junction test signer" .*import its \.pfx again on this computer/);
    expect(existsSync(join(dir, 'bundle-other'))).toBe(false);
  });

  it('keys.delete removes the key from the list and the file; signing with it then names storedKey', async () => {
    const sealed = settings.get('keys')[expected]!.sealed;
    const v = await h.call<KeyStoreView>('keys.delete', { id: expected });
    expect(v.keys.map((k) => k.id)).toEqual([created.storedKey!.id]);
    expect(onDisk()).not.toContain(sealed);
    expect(onDisk()).not.toContain(expected);
    await expect(
      dispatch(h.api, 'bundle.build', {
        fileName,
        text,
        format: 'dir',
        out: join(dir, 'gone'),
        storedKey: expected,
      }),
    ).rejects.toThrow(/bundle\.build: storedKey: no key [0-9a-f]{16}… in this computer's key store/);
    await expect(dispatch(h.api, 'keys.delete', { id: expected })).rejects.toThrow(
      /keys\.delete: id: no key/,
    );
  });

  it('names the field when a build gives both ways of signing, or neither', async () => {
    const base = { fileName, text, format: 'dir', out: join(dir, 'x') };
    await expect(
      dispatch(h.api, 'bundle.build', { ...base, signKey: pfx, password: PASSWORD, storedKey: expected }),
    ).rejects.toThrow(
      /bundle\.build: signKey: sign either with storedKey .* or with signKey \+ password .*not both/,
    );
    await expect(
      dispatch(h.api, 'bundle.build', { ...base, storedKey: expected, password: '' }),
    ).rejects.toThrow(/bundle\.build: password: sign either with storedKey/);
    await expect(dispatch(h.api, 'bundle.build', base)).rejects.toThrow(
      /bundle\.build: signKey: give signKey \(the signing \.pfx\) and its password, or storedKey/,
    );
    await expect(dispatch(h.api, 'bundle.build', { ...base, signKey: pfx })).rejects.toThrow(
      /bundle\.build: password: the password of the signing \.pfx/,
    );
    await expect(dispatch(h.api, 'bundle.build', { ...base, storedKey: 'abc' })).rejects.toThrow(
      /bundle\.build: storedKey: the id of a key in this computer's key store/,
    );
    await expect(dispatch(h.api, 'keys.delete', { id: '../x' })).rejects.toThrow(/keys\.delete: id:/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

describe('front doors and key stores that cannot keep a key', () => {
  let dir: string;
  let pfx: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-keystore-refuse-'));
    pfx = makeSigningPfx(dir, PASSWORD);
  });
  const createReq = (outDir: string) => ({
    purpose: 'remote-console',
    subject: 'CN=Refused Keep',
    days: 30,
    keySize: 2048,
    profile: 'modern',
    outDir,
    name: 'refused',
    password: CERT_PASSWORD,
    keepKey: true,
  });

  it('the browser front door has no key store: import, keepKey and storedKey say so and what to do', async () => {
    const settings = memorySettings();
    const { api, call } = host({ frontDoor: 'web', settings });
    expect(await call<KeyStoreView>('keys.list', {})).toMatchObject({
      available: false,
      canStore: false,
      vault: { protection: 'none' },
      why: expect.stringMatching(/web front door has no OS key store/),
    });
    await expect(dispatch(api, 'keys.import', { pfx, password: PASSWORD })).rejects.toThrow(
      /keys\.import: the web front door has no OS key store, so private keys are not kept — sign with the \.pfx file/,
    );
    const outDir = mkdtempSync(join(tmpdir(), 'junction-keystore-web-'));
    await expect(dispatch(api, 'cert.create', createReq(outDir))).rejects.toThrow(
      /cert\.create: the web front door has no OS key store.*create it without keepKey/,
    );
    expect(readdirSync(outDir)).toEqual([]); // refused before anything was written
    await expect(
      dispatch(api, 'bundle.build', {
        fileName,
        text,
        format: 'dir',
        out: join(dir, 'b'),
        storedKey: 'a'.repeat(64),
      }),
    ).rejects.toThrow(
      /bundle\.build: storedKey: the web front door has no OS key store — sign with signKey \+ password/,
    );
    expect(settings.get('keys')).toEqual({});
  });

  it('refuses Linux basic_text unless accepted, then stores with the acceptance recorded', async () => {
    const settings = memorySettings();
    const { api, call } = host({
      settings,
      vault: safeStorageVault(
        aesStorage('basic_text'),
        'linux',
        () => settings.get('secrets').acceptWeakStorage,
      ),
    });
    const v = await call<KeyStoreView>('keys.list', {});
    expect(v).toMatchObject({
      available: true,
      canStore: true,
      vault: { protection: 'weak', weakAccepted: false },
    });
    await expect(dispatch(api, 'keys.import', { pfx, password: PASSWORD })).rejects.toThrow(
      /keys\.import: cannot store the key: only basic_text obfuscation is available and it was not accepted — start a secret service/,
    );
    const outDir = mkdtempSync(join(tmpdir(), 'junction-keystore-weak-'));
    await expect(dispatch(api, 'cert.create', createReq(outDir))).rejects.toThrow(/basic_text obfuscation/);
    expect(readdirSync(outDir)).toEqual([]);
    expect(settings.get('keys')).toEqual({});
    const r = await call<KeyImportResult>('keys.import', {
      pfx,
      password: PASSWORD,
      acceptWeakStorage: true,
    });
    expect(r.key.backend).toBe('basic_text');
    expect(settings.get('secrets').acceptWeakStorage).toBe(true);
  });

  it('refuses when the OS offers no key store at all', async () => {
    const settings = memorySettings();
    const { api } = host({
      settings,
      vault: safeStorageVault(aesStorage('unknown', false), 'linux', () => true),
    });
    await expect(dispatch(api, 'keys.import', { pfx, password: PASSWORD })).rejects.toThrow(
      /keys\.import: cannot store the key: the OS offers no key store/,
    );
    expect(settings.get('keys')).toEqual({});
  });
});
