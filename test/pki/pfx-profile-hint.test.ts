// The PFX profile line of cert inspect says what the file holds and whether OpenSSL 3 needs -legacy for it, and
// openssl itself is asked whether that is true (issue #17: one message said RC2-40 and then "3DES, not RC2").
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { createCertificateFiles } from '../../electron/pki/create';
import { parseCertificateFile } from '../../shared/pki/parse';
import { auditCertificate } from '../../shared/pki/audit';
import { openssl, opensslStatus, opensslSelfSigned, passwordFile, tempDir } from './openssl';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'Pa55word!';
const pw = passwordFile(dir, PASSWORD);

function profileCheck(path: string) {
  const file = parseCertificateFile(new Uint8Array(readFileSync(path)), PASSWORD);
  const c = auditCertificate(file, { now: new Date() }).checks.find((x) => x.id === 'pfx-profile')!;
  return { file, text: `${c.detail} ${c.hint ?? ''}` };
}

/** Whether OpenSSL 3 opens the file with its default provider (no -legacy). */
const opensWithoutLegacy = (path: string) =>
  opensslStatus(['pkcs12', '-in', path, '-passin', `file:${pw}`, '-noout']).status === 0;

describe('PFX profile line against openssl', () => {
  it('an openssl -legacy export (certificates under RC2-40) is not called 3DES-only and says OpenSSL 3 needs -legacy', () => {
    const c = opensslSelfSigned(dir, 'old');
    const out = join(dir, 'old.pfx');
    openssl([
      'pkcs12',
      '-export',
      '-legacy',
      '-inkey',
      c.key,
      '-in',
      c.pem,
      '-out',
      out,
      '-passout',
      `file:${pw}`,
    ]);
    const { file, text } = profileCheck(out);
    expect(file.pfx!.certEncryption).toMatch(/RC2/);
    expect(opensWithoutLegacy(out)).toBe(false);
    expect(text).not.toMatch(/not RC2/);
    expect(text).not.toMatch(/without -legacy/);
    expect(text).toMatch(/RC2-40/);
    expect(text).toMatch(/needs -legacy/);
  });

  it("Junction's legacy profile (3DES throughout) says OpenSSL 3 opens it without -legacy, and it does", async () => {
    const now = Date.now();
    const made = await createCertificateFiles({
      spec: {
        purpose: 'hpc-management',
        subject: 'CN=WinAzureHPCCert',
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 400 * 86_400_000),
        hash: 'sha256',
      },
      keySize: 2048,
      profile: 'legacy',
      password: PASSWORD,
      outDir: dir,
      name: 'hpc',
    });
    const { file, text } = profileCheck(made.files.pfx);
    expect(file.pfx!.profile).toBe('legacy');
    expect(opensWithoutLegacy(made.files.pfx)).toBe(true);
    expect(text).toMatch(/without -legacy/);
    expect(text).not.toMatch(/RC2-40/);
  });
});
