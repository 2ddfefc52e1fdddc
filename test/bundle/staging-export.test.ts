// `bundle build --staging DIR --azure-export both`: the staged CycleCloud tree travels at its staged path, under
// the signature, with a step on the CycleCloud server; the Azure export is valid and carries no secret; a staged
// file changed after `stage fetch` recorded it stops the build.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, statSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { CHECKSUMS, RECORD, STAGE_SCRIPT } from '../../shared/stage/plan';
import { parseManifest } from '../../shared/bundle/manifest';
import { makeStaging, makeTestKey, tempDir, type TestKey } from './helpers';

const EXAMPLE = join(process.cwd(), 'examples/contoso-hybrid.junction.json');

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
    env: {},
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

let key: TestKey;
let staging: string;
let bundle: string;
let buildOut: string;

beforeAll(async () => {
  key = makeTestKey('Staging Signer');
  staging = makeStaging();
  bundle = join(tempDir(), 'with-staging');
  const r = await cli([
    'bundle',
    'build',
    EXAMPLE,
    '--out',
    bundle,
    '--sign-key',
    key.pfx,
    '--password-file',
    key.passwordFile,
    '--staging',
    staging,
    '--azure-export',
    'both',
  ]);
  expect(r.err).not.toContain('internal error');
  expect(r.code, r.err).toBe(0);
  buildOut = r.out;
});

describe('bundle build --staging', () => {
  it('carries the staged tree byte for byte, under the signature, and stock tools verify it', () => {
    for (const rel of ['staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz', STAGE_SCRIPT, CHECKSUMS, RECORD])
      expect(readFileSync(join(bundle, rel)).equals(readFileSync(join(staging, rel))), rel).toBe(true);
    const sums = readFileSync(join(bundle, 'SHA256SUMS'), 'utf8');
    expect(sums).toContain('  staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz\n');
    expect(sums).toContain(`  ${STAGE_SCRIPT}\n`);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: bundle }).status).toBe(0);
    expect(
      spawnSync(
        'openssl',
        ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'],
        { cwd: bundle },
      ).status,
    ).toBe(0);
    const fp = /signer fingerprint: ([0-9A-F:]+)/.exec(buildOut)![1]!.replace(/:/g, '').toLowerCase();
    const v = spawnSync('bash', ['verify.sh', fp], { cwd: bundle, encoding: 'utf8' });
    expect(v.stdout + v.stderr).toContain('OK: signature and every file verified');
    expect(v.status).toBe(0);
    // The staged script still checks its own media from inside the bundle.
    const dry = spawnSync('bash', [STAGE_SCRIPT, '--dry-run', '--root', tempDir()], {
      cwd: bundle,
      encoding: 'utf8',
    });
    expect(dry.stdout).toContain('media: 3 files match SHA256SUMS');
    expect(statSync(join(bundle, STAGE_SCRIPT)).mode & 0o111).not.toBe(0);
  });

  it('lists the staged files with role staging and a step on the CycleCloud server, shown in the runbook', () => {
    const m = parseManifest(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    if (!m.ok) throw new Error(m.message);
    const staged = m.manifest.files.filter((f) => f.path.startsWith('staging/'));
    expect(staged.map((f) => f.path).sort()).toEqual(
      [
        CHECKSUMS,
        STAGE_SCRIPT,
        RECORD,
        'staging/cyclecloud/slurm/2.5.0/build/slurm/project.ini',
        'staging/cyclecloud/slurm/2.5.0/project.ini',
        'staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz',
      ].sort(),
    );
    expect(new Set(staged.map((f) => f.role))).toEqual(new Set(['staging']));
    const cc = m.manifest.hosts.find((h) => h.host === 'cc01');
    const step = cc?.steps.find((s) => s.script === STAGE_SCRIPT);
    expect(step).toBeDefined();
    expect(step!.files).toContain('staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz');
    const runbook = readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8');
    // Run through apply.sh, which records it in the receipt; the script itself is named too.
    expect(runbook).toMatch(
      new RegExp(
        `### cc01[\\s\\S]*${step!.step}\\. \\*\\*Stage CycleCloud projects[^\\n]*— run \`sudo bash apply\\.sh --host cc01 --step ${step!.step}\` \\(script \`${STAGE_SCRIPT}\`\\)`,
      ),
    );
    expect(readFileSync(join(bundle, 'RUNBOOK.html'), 'utf8')).toContain(`<code>${STAGE_SCRIPT}</code>`);
  });

  it('refuses a staging dir whose files changed after stage fetch recorded them', async () => {
    const bad = makeStaging();
    // Same size, different bytes: only the hash can tell.
    const blob = join(bad, 'staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz');
    const b = readFileSync(blob);
    b[100] = b[100]! ^ 0xff;
    writeFileSync(blob, b);
    const out = join(tempDir(), 'tampered');
    const r = await cli([
      'bundle',
      'build',
      EXAMPLE,
      '--out',
      out,
      '--sign-key',
      key.pfx,
      '--password-file',
      key.passwordFile,
      '--staging',
      bad,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('slurm-pkgs.tar.gz has SHA-256');
    expect(r.err).toContain('changed after it was fetched');
    expect(existsSync(out)).toBe(false);

    // A resized file and a stray file are caught by checkStagedTree before anything is written.
    const bad2 = makeStaging();
    appendFileSync(join(bad2, 'staging/cyclecloud/slurm/2.5.0/project.ini'), 'x');
    writeFileSync(join(bad2, 'staging/cyclecloud/slurm/blobs/stray.bin'), 'stray');
    const r2 = await cli([
      'bundle',
      'build',
      EXAMPLE,
      '--out',
      out,
      '--sign-key',
      key.pfx,
      '--password-file',
      key.passwordFile,
      '--staging',
      bad2,
    ]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`does not match ${RECORD} (2 problems)`);
    expect(r2.err).toContain('the record says');
    expect(r2.err).toContain('stray.bin: on disk but not in the staging record');
    expect(existsSync(out)).toBe(false);

    const r3 = await cli([
      'bundle',
      'build',
      EXAMPLE,
      '--out',
      out,
      '--sign-key',
      key.pfx,
      '--password-file',
      key.passwordFile,
      '--staging',
      tempDir(),
    ]);
    expect(r3.code).toBe(2);
    expect(r3.err).toContain('staging.json');
  });
});

describe('bundle build --azure-export', () => {
  it('includes the ARM template (api-version 2025-05-01, key as securestring) and a shellcheck-clean az script without the secret', () => {
    const m = parseManifest(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    if (!m.ok) throw new Error(m.message);
    const exported = m.manifest.files.filter((f) => f.role === 'azure-export').map((f) => f.path);
    const arm = exported.filter((p) => p.endsWith('.json'));
    expect(arm.length).toBeGreaterThan(0);
    expect(exported).toContain('files/azure/az-network.sh');
    for (const p of arm) {
      const t = JSON.parse(readFileSync(join(bundle, p), 'utf8')) as {
        resources: { apiVersion: string; type: string; properties: Record<string, unknown> }[];
        parameters: Record<string, { type: string }>;
      };
      expect(t.resources.length).toBeGreaterThan(0);
      for (const r of t.resources) expect(r.apiVersion, r.type).toBe('2025-05-01');
      for (const r of t.resources.filter((x) => x.type === 'Microsoft.Network/connections')) {
        const keyRef = String(r.properties['sharedKey']);
        expect(keyRef).toMatch(/^\[parameters\('[A-Za-z0-9]+'\)\]$/);
        expect(t.parameters[/'(.+)'/.exec(keyRef)![1]!]!.type).toBe('securestring');
      }
    }
    const script = join(bundle, 'files/azure/az-network.sh');
    const sc = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    expect(sc.stdout + sc.stderr).toBe('');
    expect(sc.status).toBe(0);
    const text = readFileSync(script, 'utf8');
    expect(text).toMatch(/json_string "\$JUNCTION_SECRET_[A-Z0-9_]+"/);
    expect(text).not.toMatch(/--shared-key/);
    const runbook = readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8');
    expect(runbook).toContain('Azure changes from a connected machine');
    expect(runbook).toContain(
      'az deployment group create --subscription 00000000-0000-4000-8000-000000000001 -g rg-hpc-burst --template-file files/azure/arm/rg-hpc-burst.json',
    );
    expect(runbook).toMatch(/read -rsp 'value of secret [^']+' JUNCTION_SECRET_/);
  });

  it('rejects an unknown --azure-export form', async () => {
    const r = await cli([
      'bundle',
      'build',
      EXAMPLE,
      '--out',
      join(tempDir(), 'x'),
      '--sign-key',
      key.pfx,
      '--password-file',
      key.passwordFile,
      '--azure-export',
      'bicep',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--azure-export bicep is not one of arm, cli, both');
  });
});
