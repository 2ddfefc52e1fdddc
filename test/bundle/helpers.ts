// Shared fixtures for the bundle tests: a throwaway signing key made by openssl, and a small bundle input.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPfxSigner, type Signer } from '../../electron/bundle/signing';
import type { BundleInput } from '../../electron/bundle/build';

export function tempDir(prefix = 'junction-bundle-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestKey {
  dir: string;
  pfx: string;
  passwordFile: string;
  certPem: string;
}

/** A self-signed RSA signer in a password-protected PFX; the unencrypted key exists only inside openssl's pipe. */
export function makeTestKey(cn = 'Junction Test Signer', legacy = false): TestKey {
  const dir = tempDir('junction-key-');
  const passwordFile = join(dir, 'password.txt');
  const password = 'correct horse battery staple';
  writeFileSync(passwordFile, password + '\n');
  // openssl reads each password from the environment: never on the command line, where `ps` would show it.
  const env = { ...process.env, JPW: password };
  const keyEnc = join(dir, 'key.enc.pem');
  const certPem = join(dir, 'cert.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', 'env:JPW', '-out', keyEnc], { stdio: 'pipe', env });
  execFileSync('openssl', ['req', '-x509', '-key', keyEnc, '-passin', 'env:JPW', '-out', certPem, '-days', '30', '-subj', `/CN=${cn}`], { stdio: 'pipe', env });
  const pfx = join(dir, 'signer.pfx');
  execFileSync(
    'openssl',
    ['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', keyEnc, '-passin', 'env:JPW', '-in', certPem, '-out', pfx, '-passout', 'env:JPW'],
    { stdio: 'pipe', env },
  );
  return { dir, pfx, passwordFile, certPem };
}

export async function signerFor(key: TestKey): Promise<Signer> {
  return loadPfxSigner(key.pfx, key.passwordFile);
}

export function sampleInput(extra: Partial<BundleInput> = {}): BundleInput {
  return {
    workspace: { name: 'contoso.junction.json', sha256: 'a'.repeat(64) },
    artifacts: [
      { path: 'GW01/01-routes.ps1', role: 'script', host: 'GW01', step: 1, bytes: "Write-Host 'routes'\n" },
      { path: 'GW01/02-certs.ps1', role: 'script', host: 'GW01', step: 2, bytes: "Write-Host 'certs'\n" },
      { path: 'GW01/remote-console.cer', role: 'certificate', host: 'GW01', step: 2, bytes: new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff]) },
      { path: 'HN01/01-license-link.ps1', role: 'script', host: 'HN01', step: 1, bytes: "Write-Host 'license link'\n" },
    ],
    hosts: [
      {
        host: 'GW01',
        steps: [
          { step: 1, title: 'Routes and metrics', script: 'GW01/01-routes.ps1', needs: ['Administrator'], check: 'Get-NetRoute shows 10.0.0.0/16' },
          { step: 2, title: 'Remote Console certificate', script: 'GW01/02-certs.ps1', files: ['GW01/remote-console.cer'] },
        ],
      },
      { host: 'HN01', steps: [{ step: 1, title: 'License Link', script: 'HN01/01-license-link.ps1' }] },
    ],
    ...extra,
  };
}
