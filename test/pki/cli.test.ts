// `junction cert` end to end: in-process through runCli with a fake CliIo, and once as a real process.
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli';
import { EXAMPLE_TEXT } from '../helpers/example';
import { openssl, opensslStatus, opensslThumbprint, tempDir, passwordFile } from './openssl';

const dir = tempDir();
// The openssl-made keys in here are unencrypted test keys: do not leave them behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'correct horse battery staple';
const pw = passwordFile(dir, PASSWORD);
const wrongPw = passwordFile(dir, 'nope', 'wrong.txt');

describe('junction cert (in-process)', () => {
  let thumbprint = '';
  beforeAll(async () => {
    const r = await cli(['cert', 'new', '--purpose', 'remote-console', '--subject', 'CN=Remote Console Connect', '--days', '365', '--out', 'out', '--password-file', pw], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    thumbprint = /thumbprint ([0-9A-F]{40})/.exec(r.out)![1]!;
  });

  it('new writes .cer/.pem/.pfx, prints the thumbprint openssl computes, and never the password', async () => {
    const cer = join(dir, 'out', 'remote-console-connect.cer');
    expect(opensslThumbprint(cer, 'DER')).toBe(thumbprint);
    expect(existsSync(join(dir, 'out', 'remote-console-connect.pem'))).toBe(true);
    const info = opensslStatus(['pkcs12', '-info', '-noout', '-in', join(dir, 'out', 'remote-console-connect.pfx'), '-passin', `file:${pw}`]);
    expect(info.status).toBe(0);
    expect(info.err).toMatch(/MAC: sha256/);
    // refuses to overwrite
    const again = await cli(['cert', 'new', '--purpose', 'remote-console', '--subject', 'CN=Remote Console Connect', '--out', 'out', '--password-file', pw], dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists\n {2}fix: .*--force/);
  });

  it('the password can come from JUNCTION_PFX_PASSWORD and is not echoed', async () => {
    const secret = 'env-secret-Ω';
    const r = await cli(['cert', 'new', '--purpose', 'hpc-management', '--subject', 'CN=WinAzureHPCCert', '--profile', 'legacy', '--out', 'env', '--json'], dir, { JUNCTION_PFX_PASSWORD: secret });
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain(secret);
    const j = JSON.parse(r.out);
    expect(j.profile).toBe('legacy');
    const pfx = join(dir, j.files.pfx);
    const info = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-in', pfx, '-passin', 'env:PW'], { env: { ...process.env, PW: secret }, encoding: 'utf8' });
    expect(info.status).toBe(0);
    expect(info.stderr).toMatch(/MAC: sha1/);
    expect(info.stderr).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
  });

  it('without any password source, new stops with the fix', async () => {
    const r = await cli(['cert', 'new', '--purpose', 'remote-console', '--subject', 'CN=x', '--out', 'nopw'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs a password\n {2}fix: pass --password-file FILE .* JUNCTION_PFX_PASSWORD/);
    expect(existsSync(join(dir, 'nopw'))).toBe(false);
  });

  it('inspect --json reports the audit and exit 0; --purpose rd-gateway-tls makes it fail with exit 1', async () => {
    const pfx = join('out', 'remote-console-connect.pfx');
    const r = await cli(['cert', 'inspect', pfx, '--password-file', pw, '--purpose', 'remote-console', '--thumbprint', thumbprint, '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.certificate.thumbprint).toBe(thumbprint);
    expect(j.hasPrivateKey).toBe(true);
    expect(j.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual([
      'validity:pass', 'x509-v3:pass', 'key-size:pass', 'signature-hash:pass', 'key-usage:pass', 'extended-key-usage:pass', 'chain:info', 'private-key:pass', 'pfx-profile:info', 'key-provider:pass', 'thumbprint:pass',
    ]);
    const wrongPurpose = await cli(['cert', 'inspect', pfx, '--password-file', pw, '--purpose', 'rd-gateway-tls'], dir);
    expect(wrongPurpose.code).toBe(1);
    expect(wrongPurpose.out).toMatch(/FAIL {2}enhanced key usage contains Server Authentication/);
  });

  it('wrong password, corrupt file and non-certificate: one line + fix, exit 2, no stack', async () => {
    const pfx = join('out', 'remote-console-connect.pfx');
    writeFileSync(join(dir, 'cut.cer'), readFileSync(join(dir, 'out', 'remote-console-connect.cer')).subarray(0, 200));
    writeFileSync(join(dir, 'ws.json'), '{"not":"a certificate"}');
    const cases: [string[], RegExp][] = [
      [['cert', 'inspect', pfx, '--password-file', wrongPw], /^junction cert: out\/remote-console-connect\.pfx: the PFX password is wrong .*\n {2}fix: /],
      [['cert', 'inspect', pfx], /the PFX is password-protected\n {2}fix: pass --password-file/],
      [['cert', 'inspect', 'cut.cer'], /^junction cert: cut\.cer: the file is damaged or truncated .*\n {2}fix: /],
      [['cert', 'inspect', 'ws.json'], /^junction cert: ws\.json: the file is neither DER, PEM nor PFX.*\n {2}fix: /],
      [['cert', 'inspect', 'missing.cer'], /missing\.cer: no such file/],
      [['cert', 'new', '--purpose', 'remote-console', '--subject', 'CN=x', '--issuer-pfx', pfx, '--issuer-password-file', wrongPw, '--password-file', pw, '--out', 'x'], /the PFX password is wrong/],
      [['cert', 'new', '--purpose', 'web', '--subject', 'CN=x'], /--purpose "web" is not known/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err.trim().split('\n')).toHaveLength(2);
    }
  });

  it('issuing from a non-CA PFX is refused; from a CA PFX the leaf chains to it', async () => {
    const notCa = await cli(['cert', 'new', '--purpose', 'remote-console', '--subject', 'CN=y', '--issuer-pfx', join('out', 'remote-console-connect.pfx'), '--issuer-password-file', pw, '--password-file', pw, '--out', 'y'], dir);
    expect(notCa.code).toBe(2);
    expect(notCa.err).toMatch(/is not a CA/);
    expect((await cli(['cert', 'new', '--purpose', 'ca', '--subject', 'CN=Junction Test CA', '--name', 'ca', '--out', 'ca', '--password-file', pw], dir)).code).toBe(0);
    const leaf = await cli(['cert', 'new', '--purpose', 'rd-gateway-tls', '--subject', 'CN=rdgw.contoso.com', '--issuer-pfx', 'ca/ca.pfx', '--issuer-password-file', pw, '--password-file', pw, '--out', 'ca'], dir);
    expect(leaf.code).toBe(0);
    const v = opensslStatus(['verify', '-CAfile', join(dir, 'ca', 'ca.pem'), '-purpose', 'sslserver', join(dir, 'ca', 'rdgw.contoso.com.pem')]);
    expect(v.out).toMatch(/: OK/);
    expect(openssl(['x509', '-in', join(dir, 'ca', 'rdgw.contoso.com.pem'), '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:rdgw\.contoso\.com/);
  });

  it('new --from-workspace takes the entry, picks the legacy profile for old Windows, prints where to record the thumbprint', async () => {
    const ws = JSON.parse(EXAMPLE_TEXT);
    const now = Date.now();
    const rc = ws.certificates.find((c: { id: string }) => c.id === 'cert-remote-console');
    rc.notBefore = new Date(now - 86_400_000).toISOString();
    rc.notAfter = new Date(now + 500 * 86_400_000).toISOString();
    const vmm = ws.hosts.find((h: { id: string }) => h.id === 'vmm01');
    vmm.os = 'Windows Server 2012 R2';
    writeFileSync(join(dir, 'estate.junction.json'), JSON.stringify(ws, null, 2));
    const r = await cli(['cert', 'new', '--from-workspace', 'estate.junction.json', '--id', 'cert-remote-console', '--out', 'ws', '--password-file', pw], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/legacy profile \(vmm01 imports the \.pfx on Windows Server 2016 or older/);
    const tp = /certificates\[\d+\]\.thumbprint = "([0-9A-F]{40})"/.exec(r.out)![1]!;
    expect(opensslThumbprint(join(dir, 'ws', 'cert-remote-console.cer'), 'DER')).toBe(tp);
    expect(r.out).toContain('cert-remote-console.pfx -> vmm01 VMMDatabase');
    const t = openssl(['x509', '-inform', 'DER', '-in', join(dir, 'ws', 'cert-remote-console.cer'), '-noout', '-text', '-dates']);
    expect(t).toMatch(/Subject: CN = Remote Console Connect/);
    expect(t).toMatch(/TLS Web Client Authentication/);
    expect(t).toContain(`notAfter=${openssl(['x509', '-noout', '-enddate'], openssl(['x509', '-inform', 'DER', '-in', join(dir, 'ws', 'cert-remote-console.cer')])).trim().slice(9)}`);
    const nb = new Date(openssl(['x509', '-inform', 'DER', '-in', join(dir, 'ws', 'cert-remote-console.cer'), '-noout', '-enddate']).trim().slice(9));
    expect(Math.abs(nb.getTime() - new Date(rc.notAfter).getTime())).toBeLessThan(1000);
    // a trusted-CA entry cannot be made here
    const tls = await cli(['cert', 'new', '--from-workspace', 'estate.junction.json', '--id', 'cert-rdgw-tls', '--out', 'ws', '--password-file', pw], dir);
    expect(tls.code).toBe(2);
    expect(tls.err).toMatch(/issued by a trusted CA/);
    const none = await cli(['cert', 'new', '--from-workspace', 'estate.junction.json', '--id', 'nope', '--password-file', pw], dir);
    expect(none.err).toMatch(/no certificate with id "nope"\n {2}fix: certificates in this workspace: cert-hpc-mgmt, cert-remote-console, cert-rdgw-tls/);
  });
});

describe('junction cert as a real process', () => {
  it('node bin/junction.mjs cert inspect after node scripts/build.mjs cli', () => {
    // The CLI alone: a full build would empty dist/renderer under the browser tests running beside this one.
    execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'pipe' });
    const file = join(dir, 'out', 'remote-console-connect.cer');
    const r = spawnSync(process.execPath, ['bin/junction.mjs', 'cert', 'inspect', file, '--purpose', 'remote-console'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`thumbprint          ${opensslThumbprint(file, 'DER')}`);
    const bad = spawnSync(process.execPath, ['bin/junction.mjs', 'cert', 'inspect', join(dir, 'out', 'remote-console-connect.pfx')], { encoding: 'utf8', env: { ...process.env, JUNCTION_PFX_PASSWORD: 'wrong' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/the PFX password is wrong/);
  });
});
