// Test helper: the bundle signing key an admin would bring, made by openssl rather than by Junction.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A signing PFX made by openssl, as an admin would bring one. */
export function makeSigningPfx(dir: string, password: string): string {
  const key = join(dir, 'signer.key');
  const crt = join(dir, 'signer.crt');
  const pfx = join(dir, 'signer.pfx');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/CN=Junction test signer'], { stdio: 'pipe' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', pfx, '-passout', `pass:${password}`], { stdio: 'pipe' });
  return pfx;
}
