// The Generate & Bundle channels through the host's dispatch, checked with stock tools (sha256sum, openssl).
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BundleBuildResult,
  BundleVerifyResult,
  BundleWriteResult,
  GeneratePreview,
  JobStatus,
  TrustedSigner,
} from '../../shared/api/contract';
import { createHost, dispatch } from '../../electron/services/host';
import { createJobs } from '../../electron/services/bundle-service';
import { Cancelled } from '../../electron/bundle/progress';
import { makeSigningPfx } from './signing-key';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { runCli } from '../../electron/cli/main';
import { makeStaging } from '../bundle/helpers';
import { parseManifest } from '../../shared/bundle/manifest';

const text = readFileSync(exampleWorkspacePath(), 'utf8');
const fileName = 'contoso-hybrid.junction.json';
const PASSWORD = 'signing pass 1';

describe('generate and bundle channels', () => {
  const api = createHost({ frontDoor: 'test' });
  let dir: string;
  let pfx: string;
  let stateDir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-bundle-host-'));
    // The trust store the console shares with the CLI: a fresh one for this file, never the admin's own.
    stateDir = mkdtempSync(join(tmpdir(), 'junction-bundle-host-state-'));
    process.env.JUNCTION_STATE_DIR = stateDir;
    pfx = makeSigningPfx(dir, PASSWORD);
  });

  it("previews the scripts of a selection, keeping the full plan's file names", async () => {
    const all = (await dispatch(api, 'generate.preview', { fileName, text })) as GeneratePreview;
    expect(all.ok).toBe(true);
    expect(all.files.length).toBeGreaterThan(3);
    expect(all.runbook).toMatch(/^# Runbook/);
    const target = all.targets[0]!;
    const one = (await dispatch(api, 'generate.preview', {
      fileName,
      text,
      hosts: [target.id],
    })) as GeneratePreview;
    expect(one.steps.length).toBe(target.steps);
    expect(one.files.every((f) => f.host === target.id)).toBe(true);
    for (const f of one.files) expect(all.files.find((g) => g.path === f.path)?.content).toBe(f.content);
    expect(one.targets).toEqual(all.targets);
    const scenario = all.scenarios.find((s) => s.steps > 0)!;
    const byScenario = (await dispatch(api, 'generate.preview', {
      fileName,
      text,
      scenarios: [scenario.id],
    })) as GeneratePreview;
    expect(byScenario.steps.length).toBe(scenario.steps);
  });

  it('reports schema problems instead of generating from a broken document', async () => {
    const r = (await dispatch(api, 'generate.preview', {
      fileName,
      text: '{"schemaVersion": "one"}',
    })) as GeneratePreview;
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('names the offending field when a request is invalid', async () => {
    const base = { fileName, text, out: join(dir, 'x'), signKey: pfx, password: PASSWORD };
    await expect(dispatch(api, 'bundle.build', { ...base, format: 'rar' })).rejects.toThrow(
      /bundle\.build: format:/,
    );
    await expect(dispatch(api, 'bundle.build', { ...base, format: 'dir', out: '' })).rejects.toThrow(
      /bundle\.build: out:/,
    );
    await expect(
      dispatch(api, 'bundle.build', { ...base, format: 'dir', scenarios: ['nope'] }),
    ).rejects.toThrow(/scenarios\.0/);
    await expect(dispatch(api, 'bundle.build', { ...base, format: 'dir', jobId: '../x' })).rejects.toThrow(
      /jobId: a job id/,
    );
    await expect(dispatch(api, 'bundle.verify', { path: dir, fingerprint: '' })).rejects.toThrow(
      /bundle\.verify: fingerprint:/,
    );
    await expect(dispatch(api, 'bundle.verify', { path: dir, fingerprint: 'abc' })).rejects.toThrow(
      /fingerprint: not a SHA-256/,
    );
    await expect(dispatch(api, 'jobs.progress', {})).rejects.toThrow(/jobs\.progress: jobId:/);
  });

  it('refuses a wrong signing password with the reason and the fix, and never echoes the password', async () => {
    const err = await dispatch(api, 'bundle.build', {
      fileName,
      text,
      format: 'dir',
      out: join(dir, 'wrong'),
      signKey: pfx,
      password: 'not it',
    }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(
      /wrong password or not a PKCS#12 file — type the password/,
    );
    expect(String((err as Error).message)).not.toContain('not it');
    expect(existsSync(join(dir, 'wrong'))).toBe(false);
  });

  it('names the screen\'s fields, not the CLI\'s flags or the channel, when the output path exists', async () => {
    const taken = mkdtempSync(join(tmpdir(), 'junction-taken-'));
    const err = await dispatch(api, 'bundle.build', { fileName, text, format: 'dir', out: taken, signKey: pfx, password: PASSWORD }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toBe(`Not built: ${taken} already exists — choose a new "Output path"; Junction never overwrites a bundle`);
  });

  let built: BundleBuildResult;
  it('builds a signed bundle that sha256sum -c and openssl dgst -verify accept, with pollable progress', async () => {
    const out = join(dir, 'bundle');
    const jobId = 'build-job-0001';
    built = (await dispatch(api, 'bundle.build', {
      fileName,
      text,
      format: 'dir',
      out,
      signKey: pfx,
      password: PASSWORD,
      jobId,
    })) as BundleBuildResult;
    expect(built.out).toBe(out);
    expect(built.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(built.signerSubject).toContain('Junction test signer');
    const status = (await dispatch(api, 'jobs.progress', { jobId })) as JobStatus;
    expect(status.state).toBe('done');
    expect(status.progress?.bytesDone).toBe(status.progress?.bytesTotal);
    // Progress counts the payload; the result also counts the control files (manifest, sums, signature, ...).
    expect(status.progress?.filesTotal).toBeGreaterThan(0);
    expect(status.progress!.filesTotal).toBeLessThan(built.files);

    const sums = spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(sums.status, sums.stderr).toBe(0);
    expect(sums.stdout.trim().split('\n').length).toBeGreaterThan(5);
    const sig = spawnSync(
      'openssl',
      ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'],
      { cwd: out, encoding: 'utf8' },
    );
    expect(sig.stdout.trim()).toBe('Verified OK');
    // The fingerprint the UI shows is the one openssl computes from the PFX's certificate.
    const spki = execFileSync('openssl', ['x509', '-in', join(dir, 'signer.crt'), '-noout', '-pubkey']);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: spki });
    const fp = execFileSync('sha256sum', { input: der }).toString().split(' ')[0];
    expect(built.fingerprint).toBe(fp);
    // The password is not in any file of the bundle.
    const grep = spawnSync('grep', ['-rlF', PASSWORD, '.'], { cwd: out, encoding: 'utf8' });
    expect(grep.status, grep.stdout).toBe(1);
  });

  it('verifies the bundle against the pinned fingerprint and rejects a tampered copy with its message', async () => {
    const ok = (await dispatch(api, 'bundle.verify', {
      path: built.out,
      fingerprint: built.fingerprint,
    })) as BundleVerifyResult;
    expect(ok.ok).toBe(true);
    expect(ok.signer?.trusted).toBe(true);
    expect(ok.bundleId).toBe(built.bundleId);
    const other = (await dispatch(api, 'bundle.verify', {
      path: built.out,
      fingerprint: '0'.repeat(64),
    })) as BundleVerifyResult;
    expect(other.ok).toBe(false);
    expect(other.problems[0]?.code).toBe('signer-untrusted');
    const bad = join(dir, 'tampered');
    cpSync(built.out, bad, { recursive: true });
    appendFileSync(join(bad, 'RUNBOOK.md'), 'x');
    const r = (await dispatch(api, 'bundle.verify', {
      path: bad,
      fingerprint: built.fingerprint,
    })) as BundleVerifyResult;
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain('size-mismatch');
    expect(r.problems[0]?.message).toMatch(/RUNBOOK\.md/);
  });

  it('pins a signer in the trust store the CLI reads, verifies with it alone, and unpins it', async () => {
    const plain = { path: built.out };
    expect(await dispatch(api, 'trust.list', {})).toEqual([]);
    const before = (await dispatch(api, 'bundle.verify', plain)) as BundleVerifyResult;
    expect(before.ok).toBe(false);
    expect(before.problems[0]?.code).toBe('signer-untrusted');
    expect(before.signer?.fingerprint).toBe(built.fingerprint);

    // Colons and upper case, as the sender reads it out.
    const spoken = built.fingerprint.toUpperCase().match(/../g)!.join(':');
    const pin = (await dispatch(api, 'trust.pin', { fingerprint: spoken, subject: built.signerSubject })) as {
      pinned: boolean;
      signers: TrustedSigner[];
    };
    expect(pin.pinned).toBe(true);
    expect(pin.signers.map((t) => t.fingerprint)).toEqual([built.fingerprint]);
    expect(
      ((await dispatch(api, 'trust.pin', { fingerprint: built.fingerprint })) as { pinned: boolean }).pinned,
    ).toBe(false);
    const file = JSON.parse(readFileSync(join(stateDir, 'trusted-signers.json'), 'utf8')) as {
      signers: TrustedSigner[];
    };
    expect(file.signers[0]?.subject).toBe(built.signerSubject);

    const after = (await dispatch(api, 'bundle.verify', plain)) as BundleVerifyResult;
    expect(after.ok).toBe(true);
    // The CLI, given the same state directory and no --trust, trusts the signer the console pinned.
    let out = '';
    const io = {
      out: (t: string) => (out += t),
      err: (t: string) => (out += t),
      cwd: dir,
      env: { JUNCTION_STATE_DIR: stateDir },
      isTTY: false,
    };
    expect(await runCli(['bundle', 'verify', built.out], io), out).toBe(0);

    const removed = (await dispatch(api, 'trust.remove', { fingerprint: built.fingerprint })) as {
      removed: boolean;
      signers: TrustedSigner[];
    };
    expect(removed).toEqual({ removed: true, signers: [] });
    expect(((await dispatch(api, 'bundle.verify', plain)) as BundleVerifyResult).problems[0]?.code).toBe(
      'signer-untrusted',
    );
    expect(await runCli(['bundle', 'verify', built.out], { ...io, out: () => {}, err: () => {} })).not.toBe(
      0,
    );

    await expect(dispatch(api, 'trust.pin', { fingerprint: 'abc' })).rejects.toThrow(
      /trust\.pin: fingerprint: not a SHA-256/,
    );
    // A damaged store is reported with the fix, never read as "nobody is trusted" nor overwritten.
    writeFileSync(join(stateDir, 'trusted-signers.json'), '{"version": 1, "signers": [');
    await expect(dispatch(api, 'trust.list', {})).rejects.toThrow(/not valid JSON — fix or delete the file/);
    await expect(dispatch(api, 'trust.pin', { fingerprint: built.fingerprint })).rejects.toThrow(
      /not valid JSON/,
    );
    expect(readFileSync(join(stateDir, 'trusted-signers.json'), 'utf8')).toBe('{"version": 1, "signers": [');
    writeFileSync(join(stateDir, 'trusted-signers.json'), JSON.stringify({ version: 1, signers: [] }));
  });

  it('carries staged CycleCloud projects and the Azure export, split for the media, as the CLI does', async () => {
    // 1.5 MiB blob, 1 MiB limit: the one file larger than the medium allows travels in two parts.
    const staging = makeStaging(1536 * 1024);
    const out = join(dir, 'extras');
    const r = (await dispatch(api, 'bundle.build', {
      fileName,
      text,
      format: 'dir',
      out,
      signKey: pfx,
      password: PASSWORD,
      azureExport: 'both',
      staging,
      mediaLimit: 1024 * 1024,
    })) as BundleBuildResult;
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
    if (!manifest.ok) throw new Error(manifest.message);
    const paths = manifest.manifest.files.map((f) => f.path);
    expect(paths.some((p) => p.startsWith('files/azure/arm/') && p.endsWith('.json'))).toBe(true);
    expect(paths.some((p) => p === 'files/azure/az-network.sh')).toBe(true);
    const blob = manifest.manifest.files.find((f) => f.path.endsWith('slurm-pkgs.tar.gz'))!;
    expect(blob.parts?.map((p) => p.size)).toEqual([1024 * 1024, 512 * 1024]);
    expect(
      manifest.manifest.hosts
        .find((h) => h.host === 'cc01')
        ?.steps.some((st) => /Stage CycleCloud/.test(st.title)),
    ).toBe(true);
    // The far side's own tools: sha256sum over every part, then verify.sh reassembles the blob byte for byte.
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    const rebuilt = mkdtempSync(join(tmpdir(), 'junction-reassembled-'));
    const v = spawnSync('bash', ['verify.sh', r.fingerprint, rebuilt], { cwd: out, encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    const original = readFileSync(join(staging, 'staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz'));
    expect(readFileSync(join(rebuilt, 'slurm-pkgs.tar.gz')).equals(original)).toBe(true);
    // A staged file changed after `stage fetch` recorded it stops the build, with the fix.
    appendFileSync(join(staging, 'staging/cyclecloud/slurm/2.5.0/project.ini'), 'x');
    await expect(
      dispatch(api, 'bundle.build', {
        fileName,
        text,
        format: 'dir',
        out: join(dir, 'extras-bad'),
        signKey: pfx,
        password: PASSWORD,
        staging,
      }),
    ).rejects.toThrow(/^Not built: Staged CycleCloud projects .* does not match staging\/staging\.json[\s\S]*junction stage fetch/);
    // A folder that was never `stage fetch`'s output: named by the console's field, not the CLI's --staging.
    const notStaged = mkdtempSync(join(tmpdir(), 'junction-not-staged-'));
    const wrong = dispatch(api, 'bundle.build', {
      fileName,
      text,
      format: 'dir',
      out: join(dir, 'extras-none'),
      signKey: pfx,
      password: PASSWORD,
      staging: notStaged,
    });
    await expect(wrong).rejects.toThrow(/^Not built: Staged CycleCloud projects .*cannot read .*staging\.json \(ENOENT\)/);
    await expect(wrong).rejects.not.toThrow(/--staging/);
    await expect(
      dispatch(api, 'bundle.build', {
        fileName,
        text,
        format: 'dir',
        out: join(dir, 'x2'),
        signKey: pfx,
        password: PASSWORD,
        mediaLimit: 10,
      }),
    ).rejects.toThrow(/mediaLimit: at least 1 MiB/);
  });

  it('writes the bundle to a folder, reads it back and verifies it', async () => {
    const media = mkdtempSync(join(tmpdir(), 'junction-media-'));
    const r = (await dispatch(api, 'bundle.write', {
      source: built.out,
      target: media,
      jobId: 'write-job-0001',
    })) as BundleWriteResult;
    expect(r.final).toBe(join(media, 'bundle'));
    expect(r.readBack.ok).toBe(true);
    expect(r.readBack.filesChecked).toBeGreaterThan(5);
    const sums = spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: r.final, encoding: 'utf8' });
    expect(sums.status).toBe(0);
    expect(((await dispatch(api, 'jobs.progress', { jobId: 'write-job-0001' })) as JobStatus).state).toBe(
      'done',
    );
  });

  it('builds a zip of one host only, which unzip -t accepts', async () => {
    const all = (await dispatch(api, 'generate.preview', { fileName, text })) as GeneratePreview;
    const target = all.targets[0]!.id;
    const out = join(dir, 'one.zip');
    const r = (await dispatch(api, 'bundle.build', {
      fileName,
      text,
      hosts: [target],
      format: 'zip',
      out,
      signKey: pfx,
      password: PASSWORD,
    })) as BundleBuildResult;
    expect(spawnSync('unzip', ['-tq', out]).status).toBe(0);
    const listing = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' });
    const payload = listing
      .split('\n')
      // files/health/ and files/state/ are the far-side collectors every bundle carries (apply runs them).
      .filter((l) => l.startsWith('files/') && !l.endsWith('/') && !l.startsWith('files/health/') && !l.startsWith('files/state/'));
    expect(payload.length).toBeGreaterThan(0);
    expect(listing).toContain('files/state/collect-state.ps1');
    expect(payload.every((l) => l.startsWith(`files/${target}/`))).toBe(true);
    const v = (await dispatch(api, 'bundle.verify', {
      path: out,
      fingerprint: r.fingerprint,
    })) as BundleVerifyResult;
    expect(v.ok).toBe(true);
  });

  it('cancels a running job through its AbortSignal, and reports it', async () => {
    const jobs = createJobs();
    let seen: AbortSignal | undefined;
    const running = jobs.run('cancel-me-01', async (signal, onProgress) => {
      seen = signal;
      onProgress({ phase: 'build', bytesDone: 1, bytesTotal: 10, filesDone: 0, filesTotal: 2 });
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Cancelled())));
    });
    expect(jobs.status('cancel-me-01')).toMatchObject({ state: 'running', progress: { bytesDone: 1 } });
    expect(jobs.cancel('cancel-me-01')).toBe(true);
    await expect(running).rejects.toThrow(/cancelled by the admin/);
    expect(seen?.aborted).toBe(true);
    expect(jobs.status('cancel-me-01').state).toBe('cancelled');
  });

  it('answers jobs.cancel for unknown and finished jobs', async () => {
    // Unknown and finished jobs cannot be cancelled; the answer says so.
    expect(await dispatch(api, 'jobs.cancel', { jobId: 'never-started' })).toEqual({ cancelled: false });
    expect(await dispatch(api, 'jobs.cancel', { jobId: 'build-job-0001' })).toEqual({ cancelled: false });
    expect(((await dispatch(api, 'jobs.progress', { jobId: 'never-started' })) as JobStatus).state).toBe(
      'unknown',
    );
  });

  it('lists removable drives or says why it cannot', async () => {
    const r = (await dispatch(api, 'bundle.drives', {})) as { drives: unknown[]; error?: string };
    expect(Array.isArray(r.drives)).toBe(true);
    if (r.error) expect(r.error).toMatch(/cannot list removable drives/);
  });
});
