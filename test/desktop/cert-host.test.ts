// The certificate channels through the host's dispatch; every claim about a produced file is checked by openssl.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertAudit, CertCreateResult } from '../../shared/api/contract';
import { createHost, dispatch } from '../../electron/services/host';
import { exampleWorkspacePath } from '../../electron/services/paths';

const api = createHost({ frontDoor: 'test' });
const PASSWORD = 'pfx pass 7';
const x509 = (file: string) => execFileSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8' });

describe('certificate channels', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-cert-host-'));
  });

  it('names the offending field when a request is invalid', async () => {
    const base = { purpose: 'remote-console', subject: 'CN=RC', days: 30, keySize: 2048, profile: 'modern', outDir: dir, password: PASSWORD };
    await expect(dispatch(api, 'cert.create', { ...base, subject: 'RC' })).rejects.toThrow(/cert\.create: subject: a distinguished name starting with CN=/);
    await expect(dispatch(api, 'cert.create', { ...base, keySize: 1024 })).rejects.toThrow(/cert\.create: keySize/);
    await expect(dispatch(api, 'cert.create', { ...base, password: '' })).rejects.toThrow(/cert\.create: password: the \.pfx needs a password/);
    await expect(dispatch(api, 'cert.create', { ...base, name: '../evil' })).rejects.toThrow(/cert\.create: name:/);
    await expect(dispatch(api, 'cert.create', { ...base, purpose: 'code-signing' })).rejects.toThrow(/cert\.create: purpose:/);
    await expect(dispatch(api, 'cert.inspect', { path: '' })).rejects.toThrow(/cert\.inspect: path:/);
  });

  let rc: CertCreateResult;
  it('creates a Remote Console certificate that openssl reads as client authentication, digital signature, SHA-256, RSA 2048', async () => {
    rc = (await dispatch(api, 'cert.create', { purpose: 'remote-console', subject: 'CN=Remote Console Connect', days: 365, keySize: 2048, profile: 'modern', outDir: dir, password: PASSWORD })) as CertCreateResult;
    expect(rc.files.cer).toBe(join(dir, 'remote-console-connect.cer'));
    const text = x509(rc.files.cer);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature/);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect(text).toMatch(/Subject: CN\s*=\s*Remote Console Connect/);
    const fp = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', rc.files.cer, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
    expect(rc.thumbprint).toBe(fp.split('=')[1]!.trim().replace(/:/g, ''));
    expect(rc.audit.ok).toBe(true);
    expect(rc.audit.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(rc.audit.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['validity', 'key-size', 'signature-hash', 'key-usage', 'extended-key-usage']));
    // The PFX opens with the password (modern profile: OpenSSL 3 without -legacy) and the key is not in the clear.
    const p12 = spawnSync('openssl', ['pkcs12', '-in', rc.files.pfx, '-passin', `pass:${PASSWORD}`, '-noout'], { encoding: 'utf8' });
    expect(p12.status, p12.stderr).toBe(0);
    expect(readFileSync(rc.files.pfx).includes(Buffer.from('PRIVATE KEY'))).toBe(false);
  });

  it('refuses to overwrite an existing certificate', async () => {
    await expect(
      dispatch(api, 'cert.create', { purpose: 'remote-console', subject: 'CN=Remote Console Connect', days: 365, keySize: 2048, profile: 'modern', outDir: dir, password: PASSWORD }),
    ).rejects.toThrow(/already exists/);
  });

  it('creates an RD Gateway certificate with server authentication and the SANs, in the legacy profile', async () => {
    const r = (await dispatch(api, 'cert.create', { purpose: 'rd-gateway-tls', subject: 'CN=rdgw.contoso.com', sans: ['rdconnect.contoso.com'], days: 90, keySize: 3072, profile: 'legacy', outDir: dir, name: 'rdgw', password: PASSWORD })) as CertCreateResult;
    const text = x509(r.files.cer);
    expect(text).toMatch(/TLS Web Server Authentication/);
    expect(text).toMatch(/DNS:rdconnect\.contoso\.com/);
    expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    const p12 = spawnSync('openssl', ['pkcs12', '-legacy', '-in', r.files.pfx, '-passin', `pass:${PASSWORD}`, '-noout'], { encoding: 'utf8' });
    expect(p12.status, p12.stderr).toBe(0);
  });

  it('inspects the .pfx with its password: the key matches, the profile is reported, every requirement passes', async () => {
    const a = (await dispatch(api, 'cert.inspect', { path: rc.files.pfx, password: PASSWORD, purpose: 'remote-console' })) as CertAudit;
    expect(a.format).toBe('pfx');
    expect(a.hasPrivateKey).toBe(true);
    expect(a.pfx?.profile).toBe('modern');
    expect(a.checks.find((c) => c.id === 'private-key')?.status).toBe('pass');
    expect(a.ok).toBe(true);
    expect(a.certificate.thumbprint).toBe(rc.thumbprint);
    expect(a.certificate.extendedKeyUsage?.[0]?.label).toBe('Client Authentication (1.3.6.1.5.5.7.3.2)');
  });

  it('explains a wrong password, a missing file and a non-certificate without a stack trace', async () => {
    await expect(dispatch(api, 'cert.inspect', { path: rc.files.pfx, password: 'nope' })).rejects.toThrow(/the PFX password is wrong/);
    await expect(dispatch(api, 'cert.inspect', { path: join(dir, 'none.cer') })).rejects.toMatchObject({ code: 'not-found' });
    writeFileSync(join(dir, 'junk.cer'), 'hello');
    await expect(dispatch(api, 'cert.inspect', { path: join(dir, 'junk.cer') })).rejects.toThrow(/junk\.cer: the file is neither DER, PEM nor PFX/);
  });

  it('fails the audit of an openssl certificate with a wrong EKU, with the seed hint for the failed item', async () => {
    const key = join(dir, 'bad.key');
    const crt = join(dir, 'bad.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/CN=wrong', '-addext', 'extendedKeyUsage=serverAuth', '-addext', 'keyUsage=digitalSignature'], { stdio: 'pipe' });
    const a = (await dispatch(api, 'cert.inspect', { path: crt, purpose: 'remote-console' })) as CertAudit;
    expect(a.ok).toBe(false);
    const eku = a.checks.find((c) => c.id === 'extended-key-usage')!;
    expect(eku.status).toBe('fail');
    expect(eku.hint).toMatch(/1\.3\.6\.1\.5\.5\.7\.3\.2/);
  });

  it('creates a certificate from a workspace entry, with its placements and the profile its hosts need', async () => {
    const text = readFileSync(exampleWorkspacePath(), 'utf8');
    const ws = JSON.parse(text) as { certificates: { id: string; issuer?: string; purpose: string; placements: unknown[] }[] };
    const entry = ws.certificates.find((c) => (c.issuer ?? 'self') === 'self' && c.placements.length > 0 && c.purpose !== 'ca')!;
    const r = (await dispatch(api, 'cert.createFromWorkspace', { fileName: 'contoso.junction.json', text, id: entry.id, outDir: dir, password: PASSWORD })) as CertCreateResult;
    expect(r.files.pfx).toBe(join(dir, `${entry.id}.pfx`));
    expect(r.placements).toHaveLength(entry.placements.length);
    expect(r.recordAt).toMatch(/^certificates\[\d+\]\.thumbprint$/);
    expect(r.profileReason.length).toBeGreaterThan(10);
    expect(r.audit.ok).toBe(true);
    x509(r.files.cer);
    await expect(dispatch(api, 'cert.createFromWorkspace', { fileName: 'c.json', text, id: 'nope', outDir: dir, password: PASSWORD })).rejects.toThrow(/id: no certificate "nope"/);
  });
});
