// Independent checks: every claim Junction makes about a certificate file is re-read with the openssl binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs openssl and returns status + stderr instead of throwing (to assert that a PFX does not open). */
export function opensslStatus(args: string[]): { status: number; out: string; err: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export function tempDir(prefix = 'junction-pki-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function passwordFile(dir: string, password: string, name = 'pw.txt'): string {
  const p = join(dir, name);
  writeFileSync(p, `${password}\n`, { mode: 0o600 });
  return p;
}

/** OpenSSL's own SHA-1 fingerprint, reformatted the Windows way. */
export function opensslThumbprint(certPath: string, inform: 'DER' | 'PEM'): string {
  const out = openssl(['x509', '-inform', inform, '-in', certPath, '-noout', '-fingerprint', '-sha1']);
  return out.trim().replace(/^.*=/, '').replace(/:/g, '');
}

export interface OpensslCertOptions {
  bits?: number;
  keyAlg?: 'rsa' | 'ec';
  hash?: string;
  subject?: string;
  ext?: string[];
}

/** A self-signed certificate made by openssl req -x509, written as PEM and DER; returns the paths. */
export function opensslSelfSigned(dir: string, name: string, o: OpensslCertOptions = {}): { pem: string; der: string; key: string } {
  const key = join(dir, `${name}.key`);
  const pem = join(dir, `${name}.pem`);
  const der = join(dir, `${name}.cer`);
  const newkey = o.keyAlg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', `rsa:${o.bits ?? 2048}`];
  openssl([
    'req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', pem, '-days', '365', `-${o.hash ?? 'sha256'}`,
    '-subj', o.subject ?? `/CN=${name}`,
    ...(o.ext ?? []).flatMap((e) => ['-addext', e]),
  ]);
  openssl(['x509', '-in', pem, '-outform', 'DER', '-out', der]);
  return { pem, der, key };
}

/** An expired certificate: `openssl ca` with explicit -startdate/-enddate (OpenSSL 3.0's req -x509 cannot backdate). */
export function opensslExpired(dir: string, name: string): { pem: string; key: string } {
  const ca = join(dir, `${name}-ca`);
  execFileSync('mkdir', ['-p', join(ca, 'new')]);
  writeFileSync(join(ca, 'index.txt'), '');
  writeFileSync(join(ca, 'serial'), '1000\n');
  const conf = join(ca, 'ca.cnf');
  writeFileSync(
    conf,
    [
      '[ca]', 'default_ca = junction', '[junction]', `dir = ${ca}`, 'database = $dir/index.txt', 'new_certs_dir = $dir/new',
      'serial = $dir/serial', 'default_md = sha256', 'policy = any', 'unique_subject = no', 'copy_extensions = none',
      'x509_extensions = rc', '[any]', 'commonName = supplied', '[rc]', 'basicConstraints = CA:FALSE',
      'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth', '',
    ].join('\n'),
  );
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const pem = join(dir, `${name}.pem`);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['ca', '-batch', '-config', conf, '-selfsign', '-keyfile', key, '-in', csr, '-out', pem, '-notext', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  return { pem, key };
}
