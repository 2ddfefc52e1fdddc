// Issue 17's review of `cert inspect`: a client-auth certificate that openssl's `req -x509` marks CA:TRUE is still
// inspected as a client certificate (its EKUs decide, not basicConstraints); a missing keyCertSign is fixed with
// `-KeyUsage CertSign`, not DigitalSignature; a certificate with 29 days left is expiring, not "expired".
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificateFile } from '../../shared/pki/parse';
import { auditCertificate } from '../../shared/pki/audit';
import { openssl, opensslSelfSigned, tempDir } from './openssl';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const parse = (p: string) => parseCertificateFile(new Uint8Array(readFileSync(p)));

describe('cert inspect: purpose, fixes and expiry wording', () => {
  it('infers the purpose from the EKUs even when openssl added basicConstraints CA:TRUE', () => {
    const c = opensslSelfSigned(dir, 'client', {
      ext: ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'],
    });
    expect(openssl(['x509', '-in', c.pem, '-noout', '-ext', 'basicConstraints'])).toMatch(/CA:TRUE/);
    const r = auditCertificate(parse(c.pem), { now: new Date() });
    expect(r).toMatchObject({ purpose: 'remote-console', purposeInferred: true, ok: true });
  });

  it('still infers "ca" for a CA without EKUs', () => {
    const c = opensslSelfSigned(dir, 'ca', {
      ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'],
    });
    expect(auditCertificate(parse(c.pem), { now: new Date() }).purpose).toBe('ca');
  });

  it('names the missing key usage in the New-SelfSignedCertificate fix (CertSign for keyCertSign)', () => {
    const c = opensslSelfSigned(dir, 'not-a-signer', { ext: ['keyUsage=critical,digitalSignature'] });
    const r = auditCertificate(parse(c.pem), { purpose: 'ca', now: new Date() });
    const ku = r.checks.find((x) => x.id === 'key-usage')!;
    expect(ku.status).toBe('fail');
    expect(ku.hint).toContain('-KeyUsage CertSign');
    expect(ku.hint).not.toContain('DigitalSignature');
  });

  it('calls 29 days left "expires in", never "Certificate is expired"', () => {
    const key = join(dir, 'soon.key');
    const pem = join(dir, 'soon.pem');
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      pem,
      '-days',
      '29',
      '-subj',
      '/CN=soon',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      'extendedKeyUsage=clientAuth',
    ]);
    const r = auditCertificate(parse(pem), { purpose: 'remote-console', now: new Date() });
    const v = r.checks.find((x) => x.id === 'validity')!;
    expect(v.status).toBe('warn');
    expect(v.detail).toMatch(/\(2[89] days left\)$/);
    expect(v.hint).toMatch(/^expires in 2[89] days: /);
    expect(v.hint).not.toMatch(/is expired|has expired/);
  });
});
