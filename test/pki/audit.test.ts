// The audit on certificates made by openssl, one defect each, and the errors for files that are not usable.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificateFile } from '../../shared/pki/parse';
import { auditCertificate, type AuditReport } from '../../shared/pki/audit';
import { PkiError } from '../../shared/pki/errors';
import type { CertPurpose } from '../../shared/pki/build';
import { openssl, opensslExpired, opensslSelfSigned, opensslThumbprint, tempDir } from './openssl';

const dir = tempDir();
// The openssl-made keys in here are unencrypted test keys: do not leave them behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RC = ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const audit = (p: string, purpose: CertPurpose = 'remote-console', password?: string): AuditReport =>
  auditCertificate(parseCertificateFile(bytes(p), password), { purpose, now: new Date() });
const status = (r: AuditReport, id: string) => r.checks.find((c) => c.id === id)?.status;
const failed = (r: AuditReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

function pkiError(f: () => unknown): PkiError {
  try {
    f();
  } catch (e) {
    if (e instanceof PkiError) return e;
    throw e;
  }
  throw new Error('expected a PkiError');
}

describe('audit of openssl-made certificates', () => {
  it('a correct Remote Console certificate passes every check, and facts match openssl', () => {
    const good = opensslSelfSigned(dir, 'good', { ext: RC });
    for (const file of [good.der, good.pem]) {
      const r = audit(file);
      expect(failed(r)).toEqual([]);
      expect(r.ok).toBe(true);
      const c = r.certificate;
      expect(c.subject).toBe('CN=good');
      expect(c.selfSigned).toBe(true);
      expect(c.keyType).toBe('RSA');
      expect(c.keySize).toBe(2048);
      expect(c.signatureHash).toBe('sha256');
      expect(c.keyUsage).toEqual(['digitalSignature']);
      expect(c.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
      expect(c.thumbprint).toBe(opensslThumbprint(good.der, 'DER'));
      const end = openssl(['x509', '-in', good.pem, '-noout', '-enddate']).trim().replace('notAfter=', '');
      expect(c.notAfter.getTime()).toBe(new Date(end).getTime());
    }
  });

  it('expired (openssl ca -startdate/-enddate in the past) fails validity with seed 003\'s hint', () => {
    const r = audit(opensslExpired(dir, 'expired').pem);
    expect(failed(r)).toEqual(['validity']);
    const v = r.checks.find((c) => c.id === 'validity')!;
    expect(v.detail).toContain('expired on 2021-01-01');
    expect(v.hint).toMatch(/has expired or is not yet valid/);
  });

  it('SHA-1 signature fails the signature-hash check', () => {
    const r = audit(opensslSelfSigned(dir, 'sha1', { hash: 'sha1', ext: RC }).der);
    expect(failed(r)).toEqual(['signature-hash']);
    expect(r.certificate.signatureAlgorithm).toBe('sha1WithRSAEncryption');
  });

  it('no EKU fails the Client Authentication requirement', () => {
    const r = audit(opensslSelfSigned(dir, 'noeku', { ext: ['keyUsage=critical,digitalSignature'] }).der);
    expect(failed(r)).toEqual(['extended-key-usage']);
    expect(r.checks.find((c) => c.id === 'extended-key-usage')!.detail).toBe('no enhanced key usage extension');
  });

  it('1024-bit key fails the key size check', () => {
    const r = audit(opensslSelfSigned(dir, 'small', { bits: 1024, ext: RC }).der);
    expect(failed(r)).toEqual(['key-size']);
    expect(r.certificate.keySize).toBe(1024);
  });

  it('wrong EKU (serverAuth) fails for Remote Console but passes as RD Gateway TLS', () => {
    const f = opensslSelfSigned(dir, 'server', { ext: ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:server'] }).der;
    const r = audit(f);
    expect(failed(r)).toEqual(['extended-key-usage']);
    expect(r.checks.find((c) => c.id === 'extended-key-usage')!.detail).toContain('Server Authentication (1.3.6.1.5.5.7.3.1)');
    expect(failed(audit(f, 'rd-gateway-tls'))).toEqual([]);
  });

  it('no key usage fails the digital signature requirement; an ECDSA key is described and flagged', () => {
    expect(failed(audit(opensslSelfSigned(dir, 'noku', { ext: ['extendedKeyUsage=clientAuth'] }).der))).toEqual(['key-usage']);
    const ec = audit(opensslSelfSigned(dir, 'ec', { keyAlg: 'ec', ext: RC }).der);
    expect(ec.certificate.keyType).toBe('EC');
    expect(ec.certificate.keySize).toBe(256);
    expect(ec.certificate.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(failed(ec)).toEqual(['key-size']);
  });

  it('a leaf from an openssl CA: chain passes when the PFX carries the CA, warns when it does not', () => {
    const ca = opensslSelfSigned(dir, 'osslca', { ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'] });
    const key = join(dir, 'leaf.key');
    const csr = join(dir, 'leaf.csr');
    const leaf = join(dir, 'leaf.pem');
    const extFile = join(dir, 'leaf.ext');
    writeFileSync(extFile, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=leaf']);
    openssl(['x509', '-req', '-in', csr, '-CA', ca.pem, '-CAkey', ca.key, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', extFile, '-out', leaf]);
    expect(status(audit(leaf), 'chain')).toBe('warn');
    const pfx = join(dir, 'leaf.pfx');
    openssl(['pkcs12', '-export', '-inkey', key, '-in', leaf, '-certfile', ca.pem, '-out', pfx, '-passout', 'pass:pw']);
    const r = audit(pfx, 'remote-console', 'pw');
    expect(failed(r)).toEqual([]);
    expect(status(r, 'chain')).toBe('pass');
    expect(status(r, 'private-key')).toBe('pass');
    expect(r.file.pfx).toMatchObject({ mac: 'sha256', profile: 'modern' });
    // a CA certificate that did not sign the leaf: the chain is broken
    const other = opensslSelfSigned(dir, 'osslca', { subject: '/CN=osslca', ext: ['basicConstraints=critical,CA:TRUE'] });
    const forged = join(dir, 'forged.pfx');
    openssl(['pkcs12', '-export', '-inkey', key, '-in', leaf, '-certfile', other.pem, '-out', forged, '-passout', 'pass:pw']);
    const broken = audit(forged, 'remote-console', 'pw');
    expect(status(broken, 'chain')).toBe('fail');
    expect(broken.checks.find((c) => c.id === 'chain')!.hint).toMatch(/Certificate chain is broken/);
  });

  it('key provider (seed 001 item 5): no CSP name warns, a provider that cannot sign SHA-256 fails, the AES provider passes', () => {
    const c = opensslSelfSigned(dir, 'csp', { ext: RC });
    const make = (name: string, csp?: string) => {
      const out = join(dir, `${name}.pfx`);
      openssl(['pkcs12', '-export', '-inkey', c.key, '-in', c.pem, '-out', out, '-passout', 'pass:pw', ...(csp ? ['-CSP', csp] : [])]);
      return audit(out, 'remote-console', 'pw');
    };
    const none = make('csp-none');
    expect(none.file.pfx?.keyProvider).toBeUndefined();
    expect(status(none, 'key-provider')).toBe('warn');
    const old = make('csp-old', 'Microsoft Enhanced Cryptographic Provider v1.0');
    expect(old.file.pfx?.keyProvider).toBe('Microsoft Enhanced Cryptographic Provider v1.0');
    expect(status(old, 'key-provider')).toBe('fail');
    expect(old.checks.find((x) => x.id === 'key-provider')!.hint).toMatch(/Microsoft Enhanced RSA and AES Cryptographic Provider/);
    const aes = make('csp-aes', 'Microsoft Enhanced RSA and AES Cryptographic Provider');
    expect(status(aes, 'key-provider')).toBe('pass');
    // A .cer has no key, so there is nothing to say about its provider.
    expect(status(audit(c.der), 'key-provider')).toBeUndefined();
  });

  it('thumbprint with spaces or of another certificate fails; a .cer that does not match the .pfx fails', () => {
    const a = opensslSelfSigned(dir, 'tpa', { ext: RC });
    const b = opensslSelfSigned(dir, 'tpb', { ext: RC });
    const parsed = parseCertificateFile(bytes(a.der));
    const tp = opensslThumbprint(a.der, 'DER');
    const spaced = tp.replace(/(..)/g, '$1 ').trim();
    const check = (t: string) => auditCertificate(parsed, { now: new Date(), thumbprint: t }).checks.find((c) => c.id === 'thumbprint')!;
    expect(check(tp).status).toBe('pass');
    expect(check(tp.toLowerCase()).status).toBe('pass');
    expect(check(spaced)).toMatchObject({ status: 'fail', detail: expect.stringContaining('spaces') });
    expect(check(`\u200e${tp}`).status).toBe('fail');
    expect(check(tp.slice(2)).detail).toContain('38 characters');
    expect(check(opensslThumbprint(b.der, 'DER')).detail).toContain('is not this certificate');
    const mismatch = auditCertificate(parsed, { now: new Date(), counterpart: parseCertificateFile(bytes(b.der)) }).checks.find((c) => c.id === 'counterpart')!;
    expect(mismatch.status).toBe('fail');
    expect(mismatch.hint).toMatch(/SSL\/TLS secure channel/);
  });
});

describe('unusable files give a specific error, never a crash', () => {
  const pfx = join(dir, 'p.pfx');
  const good = opensslSelfSigned(dir, 'forpfx', { ext: RC });
  openssl(['pkcs12', '-export', '-inkey', good.key, '-in', good.pem, '-out', pfx, '-passout', 'pass:right']);

  it('wrong password', () => {
    expect(pkiError(() => parseCertificateFile(bytes(pfx), 'wrong')).code).toBe('wrong-password');
  });
  it('no password for a protected PFX', () => {
    expect(pkiError(() => parseCertificateFile(bytes(pfx))).code).toBe('password-required');
  });
  it('a PFX exported without a password opens without one', () => {
    const open = join(dir, 'open.pfx');
    openssl(['pkcs12', '-export', '-inkey', good.key, '-in', good.pem, '-out', open, '-passout', 'pass:']);
    expect(parseCertificateFile(bytes(open)).hasPrivateKey).toBe(true);
  });
  it('truncated DER and damaged PEM are corrupt', () => {
    const der = bytes(good.der);
    expect(pkiError(() => parseCertificateFile(der.subarray(0, der.length - 40))).code).toBe('corrupt');
    const p = bytes(pfx);
    expect(pkiError(() => parseCertificateFile(p.subarray(0, 300), 'right')).code).toBe('corrupt');
    const pem = readFileSync(good.pem, 'utf8').replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    expect(['corrupt', 'not-a-certificate']).toContain(pkiError(() => parseCertificateFile(new TextEncoder().encode(pem))).code);
  });
  it('a JSON file, a bare private key and a certificate request are not certificates', () => {
    expect(pkiError(() => parseCertificateFile(new TextEncoder().encode('{"name":"x"}'))).code).toBe('not-a-certificate');
    expect(pkiError(() => parseCertificateFile(bytes(good.key))).message).toMatch(/PRIVATE KEY, not a certificate/);
    const csr = join(dir, 'req.csr');
    openssl(['req', '-new', '-key', good.key, '-subj', '/CN=x', '-out', csr]);
    expect(pkiError(() => parseCertificateFile(bytes(csr))).fix).toMatch(/signed by a CA/);
    const keyDer = join(dir, 'key.der');
    openssl(['pkey', '-in', good.key, '-outform', 'DER', '-out', keyDer]);
    expect(pkiError(() => parseCertificateFile(bytes(keyDer))).code).toBe('not-a-certificate');
    expect(pkiError(() => parseCertificateFile(new Uint8Array())).code).toBe('not-a-certificate');
  });
});
