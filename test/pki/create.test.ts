// Every file Junction creates, re-read by openssl: key usage, EKU, signature algorithm, key size, both PFX
// profiles, the thumbprint, and the chain of a workspace-CA-issued certificate.
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { readFileSync, statSync, rmSync } from 'node:fs';
import { createCertificateFiles } from '../../electron/pki/create';
import { loadIssuerPfx } from '../../shared/pki/issuer';
import { parseCertificateFile } from '../../shared/pki/parse';
import type { CertPurpose, CertSpec } from '../../shared/pki/build';
import type { PfxProfile } from '../../shared/pki/pkcs12';
import { openssl, opensslStatus, opensslThumbprint, tempDir, passwordFile } from './openssl';

const DAY = 86_400_000;
const now = Date.now();
const spec = (purpose: CertPurpose, subject: string, extra: Partial<CertSpec> = {}): CertSpec => ({
  purpose, subject, notBefore: new Date(now - 60_000), notAfter: new Date(now + 400 * DAY), hash: 'sha256', ...extra,
});

const dir = tempDir();
// The openssl-made keys in here are unencrypted test keys: do not leave them behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'Pa55 wörd!';
const pw = passwordFile(dir, PASSWORD);

function text(der: string): string {
  return openssl(['x509', '-inform', 'DER', '-in', der, '-noout', '-text']);
}

/** The block under an "X509v3 <name>" heading of openssl -text output. */
function ext(t: string, name: string): string | undefined {
  const m = new RegExp(`X509v3 ${name}:( critical)? *\\n\\s*(.+)`).exec(t);
  return m ? `${m[1] ? 'critical ' : ''}${m[2]!.trim()}` : undefined;
}

describe('created certificates, read back with openssl', () => {
  const made: Record<string, Awaited<ReturnType<typeof createCertificateFiles>>> = {};

  beforeAll(async () => {
    made['rc'] = await createCertificateFiles({ spec: spec('remote-console', 'CN=Remote Console Connect'), keySize: 2048, profile: 'modern', password: PASSWORD, outDir: dir, name: 'rc' });
    made['hpc'] = await createCertificateFiles({ spec: spec('hpc-management', 'CN=WinAzureHPCCert'), keySize: 2048, profile: 'legacy', password: PASSWORD, outDir: dir, name: 'hpc' });
    made['ca'] = await createCertificateFiles({ spec: spec('ca', 'CN=Contoso Junction CA, O=Contoso', { hash: 'sha384' }), keySize: 3072, profile: 'modern', password: PASSWORD, outDir: dir, name: 'ca' });
    const issuer = loadIssuerPfx(new Uint8Array(readFileSync(made['ca'].files.pfx)), PASSWORD);
    made['tls'] = await createCertificateFiles({ spec: spec('rd-gateway-tls', 'CN=rdconnect.contoso.com', { subjectAltNames: ['rdconnect.contoso.com', '203.0.113.10'] }), keySize: 3072, issuer, profile: 'legacy', password: PASSWORD, outDir: dir, name: 'tls' });
  });

  it('remote-console: KU digitalSignature (critical), EKU clientAuth, sha256WithRSAEncryption, 2048 bit, self-signed v3', () => {
    const t = text(made['rc']!.files.cer);
    expect(t).toContain('Version: 3 (0x2)');
    expect(t).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(t).toMatch(/Public-Key: \(2048 bit\)/);
    expect(ext(t, 'Key Usage')).toBe('critical Digital Signature');
    expect(ext(t, 'Extended Key Usage')).toBe('TLS Web Client Authentication');
    expect(t).toMatch(/Issuer: CN = Remote Console Connect/);
    expect(t).toMatch(/Subject: CN = Remote Console Connect/);
    // openssl accepts it as its own root for client authentication
    const v = opensslStatus(['verify', '-CAfile', made['rc']!.files.pem, '-purpose', 'sslclient', made['rc']!.files.pem]);
    expect(v.out + v.err).toContain(': OK');
  });

  it('hpc-management: client authentication with an exchange-capable key usage', () => {
    const t = text(made['hpc']!.files.cer);
    expect(ext(t, 'Key Usage')).toBe('critical Digital Signature, Key Encipherment');
    expect(ext(t, 'Extended Key Usage')).toBe('TLS Web Client Authentication');
    expect(t).toMatch(/sha256WithRSAEncryption/);
    expect(t).toMatch(/Public-Key: \(2048 bit\)/);
  });

  it('ca: CA:TRUE critical, keyCertSign, the requested hash and key size', () => {
    const t = text(made['ca']!.files.cer);
    expect(ext(t, 'Basic Constraints')).toBe('critical CA:TRUE');
    expect(ext(t, 'Key Usage')).toBe('critical Digital Signature, Certificate Sign, CRL Sign');
    expect(t).toMatch(/Signature Algorithm: sha384WithRSAEncryption/);
    expect(t).toMatch(/Public-Key: \(3072 bit\)/);
  });

  it('rd-gateway-tls issued by the workspace CA: serverAuth, SANs, chain verifies in openssl', () => {
    const t = text(made['tls']!.files.cer);
    expect(ext(t, 'Extended Key Usage')).toBe('TLS Web Server Authentication');
    expect(ext(t, 'Subject Alternative Name')).toBe('DNS:rdconnect.contoso.com, IP Address:203.0.113.10');
    expect(t).toMatch(/Public-Key: \(3072 bit\)/); // the size asked for, not a default
    expect(t).toMatch(/Signature Algorithm: sha256WithRSAEncryption/); // the leaf's hash, though its CA uses SHA-384
    expect(t).toMatch(/Issuer: O = Contoso, CN = Contoso Junction CA/);
    expect(t).toMatch(/X509v3 Authority Key Identifier/);
    const v = opensslStatus(['verify', '-CAfile', made['ca']!.files.pem, '-purpose', 'sslserver', made['tls']!.files.pem]);
    expect(v.out + v.err).toContain(': OK');
    // and not against an unrelated root
    const bad = opensslStatus(['verify', '-CAfile', made['rc']!.files.pem, made['tls']!.files.pem]);
    expect(bad.status).not.toBe(0);
  });

  it('the thumbprint Junction prints equals openssl x509 -fingerprint -sha1, for DER and PEM', () => {
    for (const m of Object.values(made)) {
      expect(m.thumbprint).toMatch(/^[0-9A-F]{40}$/);
      expect(opensslThumbprint(m.files.cer, 'DER')).toBe(m.thumbprint);
      expect(opensslThumbprint(m.files.pem, 'PEM')).toBe(m.thumbprint);
    }
  });

  const profiles: [string, PfxProfile, RegExp[]][] = [
    ['rc', 'modern', [/MAC: sha256/, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC.*PRF hmacWithSHA256/, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/]],
    ['hpc', 'legacy', [/MAC: sha1/, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/]],
  ];
  it.each(profiles)('%s.pfx (%s profile) opens in openssl pkcs12 with the password and has the promised algorithms', (name, _profile, expected) => {
    const pfx = made[name]!.files.pfx;
    // 3DES and SHA-1 are in OpenSSL 3's default provider, so even the legacy profile opens without -legacy.
    const info = opensslStatus(['pkcs12', '-info', '-noout', '-in', pfx, '-passin', `file:${pw}`]);
    expect(info.status, info.err).toBe(0);
    for (const re of expected) expect(info.err + info.out).toMatch(re);
    // key and certificate inside belong together and match the .cer
    const certOut = openssl(['pkcs12', '-in', pfx, '-passin', `file:${pw}`, '-clcerts', '-nokeys']);
    const keyOut = openssl(['pkcs12', '-in', pfx, '-passin', `file:${pw}`, '-nocerts', '-nodes']);
    const certMod = openssl(['x509', '-noout', '-modulus'], certOut);
    const keyMod = openssl(['rsa', '-noout', '-modulus'], keyOut);
    expect(keyMod).toBe(certMod);
    expect(openssl(['x509', '-noout', '-fingerprint', '-sha1'], certOut).replace(/^.*=|:|\s/g, '')).toBe(made[name]!.thumbprint);
    // Seed 001 item 5: without the CSP name attribute on the key bag Windows imports the key into "Microsoft Enhanced
    // Cryptographic Provider v1.0", which cannot sign SHA-256; openssl prints the attribute by its name.
    const keyBag = openssl(['pkcs12', '-info', '-in', pfx, '-passin', `file:${pw}`, '-nocerts', '-nodes']);
    expect(keyBag).toMatch(/Bag Attributes[\s\S]*Microsoft CSP Name: Microsoft Enhanced RSA and AES Cryptographic Provider\n[\s\S]*PRIVATE KEY/);
    // the wrong password is refused by openssl too (the MAC is real)
    expect(opensslStatus(['pkcs12', '-info', '-noout', '-in', pfx, '-passin', 'pass:wrong']).status).not.toBe(0);
  });

  it('the CA-issued PFX carries the chain (leaf + CA) so Windows can import the issuer', () => {
    const certs = openssl(['pkcs12', '-in', made['tls']!.files.pfx, '-passin', `file:${pw}`, '-nokeys']);
    expect(certs.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const parsed = parseCertificateFile(new Uint8Array(readFileSync(made['tls']!.files.pfx)), PASSWORD);
    expect(parsed.certificates.map((c) => c.thumbprint)).toEqual([made['tls']!.thumbprint, made['ca']!.thumbprint]);
  });

  it('no private key is written outside the PFX, and the PFX is readable by its owner only', () => {
    for (const m of Object.values(made)) {
      expect(readFileSync(m.files.pem, 'utf8')).not.toMatch(/PRIVATE KEY/);
      expect(readFileSync(m.files.cer).includes(Buffer.from('PRIVATE'))).toBe(false);
    }
    expect(statSync(made['rc']!.files.pfx).mode & 0o077).toBe(0);
  });

  it('a PFX written by openssl -export (modern and -legacy RC2) is read back by Junction with the key', () => {
    const keyPem = join(dir, 'rc.key.pem');
    openssl(['pkcs12', '-in', made['rc']!.files.pfx, '-passin', `file:${pw}`, '-nocerts', '-nodes', '-out', keyPem]);
    for (const legacy of [false, true]) {
      const out = join(dir, `openssl-${legacy}.pfx`);
      openssl(['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', keyPem, '-in', made['rc']!.files.pem, '-out', out, '-passout', `file:${pw}`]);
      const p = parseCertificateFile(new Uint8Array(readFileSync(out)), PASSWORD);
      expect(p.hasPrivateKey).toBe(true);
      expect(p.certificates[0]!.thumbprint).toBe(made['rc']!.thumbprint);
      expect(p.pfx!.mac).toBe(legacy ? 'sha1' : 'sha256');
    }
  });
});
