// Shared fixtures for the bundle tests: a throwaway signing key made by openssl, and a small bundle input.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CHECKSUMS,
  RECORD,
  STAGE_SCRIPT,
  checksumsText,
  type StagedFile,
  type StagingRecord,
} from '../../shared/stage/plan';
import { renderStageScript } from '../../shared/stage/script';
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
  execFileSync(
    'openssl',
    [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-aes-256-cbc',
      '-pass',
      'env:JPW',
      '-out',
      keyEnc,
    ],
    { stdio: 'pipe', env },
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-key',
      keyEnc,
      '-passin',
      'env:JPW',
      '-out',
      certPem,
      '-days',
      '30',
      '-subj',
      `/CN=${cn}`,
    ],
    { stdio: 'pipe', env },
  );
  const pfx = join(dir, 'signer.pfx');
  execFileSync(
    'openssl',
    [
      'pkcs12',
      '-export',
      ...(legacy ? ['-legacy'] : []),
      '-inkey',
      keyEnc,
      '-passin',
      'env:JPW',
      '-in',
      certPem,
      '-out',
      pfx,
      '-passout',
      'env:JPW',
    ],
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
      {
        path: 'GW01/remote-console.cer',
        role: 'certificate',
        host: 'GW01',
        step: 2,
        bytes: new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff]),
      },
      {
        path: 'HN01/01-license-link.ps1',
        role: 'script',
        host: 'HN01',
        step: 1,
        bytes: "Write-Host 'license link'\n",
      },
    ],
    hosts: [
      {
        host: 'GW01',
        steps: [
          {
            step: 1,
            title: 'Routes and metrics',
            script: 'GW01/01-routes.ps1',
            needs: ['Administrator'],
            check: 'Get-NetRoute shows 10.0.0.0/16',
          },
          {
            step: 2,
            title: 'Remote Console certificate',
            script: 'GW01/02-certs.ps1',
            files: ['GW01/remote-console.cer'],
          },
        ],
      },
      { host: 'HN01', steps: [{ step: 1, title: 'License Link', script: 'HN01/01-license-link.ps1' }] },
    ],
    ...extra,
  };
}

/**
 * A staging dir as `junction stage fetch --out DIR` lays it out, for the example's slurm 2.5.0 project; the blob is
 * `blobBytes` long (large enough to be split when a test needs parts).
 */
export function makeStaging(blobBytes = 5000): string {
  const dir = tempDir('junction-staging-');
  const files: StagedFile[] = [];
  const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
  const put = (path: string, content: string | Buffer, role: StagedFile['role'], mode = 0o644) => {
    const abs = join(dir, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content, { mode });
    files.push({
      path,
      size: Buffer.byteLength(content),
      sha256: sha(content),
      role,
      project: 'slurm',
      version: '2.5.0',
    });
  };
  put(
    'staging/cyclecloud/slurm/2.5.0/project.ini',
    '[project]\nname = slurm\nversion = 2.5.0\n',
    'project-source',
  );
  put(
    'staging/cyclecloud/slurm/2.5.0/build/slurm/project.ini',
    '[project]\nname = slurm\n',
    'project-source',
  );
  put(
    'staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz',
    Buffer.from(Array.from({ length: blobBytes }, (_, i) => (i * 7) % 256)),
    'blob',
  );
  put(CHECKSUMS, checksumsText(files), 'checksums');
  put(STAGE_SCRIPT, renderStageScript([{ name: 'slurm', version: '2.5.0' }]), 'script', 0o755);
  const record: StagingRecord = {
    format: 'junction-staging/1',
    createdAt: '2026-11-20T00:00:00.000Z',
    projects: [],
    artifacts: [],
    files,
  };
  writeFileSync(join(dir, ...RECORD.split('/')), JSON.stringify(record, null, 2) + '\n');
  return dir;
}
