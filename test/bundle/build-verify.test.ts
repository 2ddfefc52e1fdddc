// Build in all three forms, check them with stock tools only, and check determinism and splitting.
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildBundle, BuildError, type BundleInput } from '../../electron/bundle/build';
import { verifyBundle } from '../../electron/bundle/verify';
import { loadPfxSigner, SigningError, type Signer } from '../../electron/bundle/signing';
import { makeTestKey, sampleInput, signerFor, tempDir, type TestKey } from './helpers';

const AT = '2026-11-22T00:00:00.000Z';
let key: TestKey;
let signer: Signer;

beforeAll(async () => {
  key = makeTestKey();
  signer = await signerFor(key);
});

async function build(input: BundleInput, format: 'dir' | 'tar' | 'zip', extra: { mediaLimit?: number; out?: string } = {}) {
  const out = extra.out ?? join(tempDir(), `bundle.${format}`);
  const r = await buildBundle(input, { out, format, signer, junctionVersion: '0.1.0', createdAt: AT, ...(extra.mediaLimit ? { mediaLimit: extra.mediaLimit } : {}) });
  return { out, r };
}

describe('bundle build', () => {
  it('a folder bundle passes sha256sum -c, openssl dgst -verify and its own verify.sh', async () => {
    const { out } = await build(sampleInput(), 'dir');
    expect(execFileSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toContain('files/GW01/01-routes.ps1: OK');
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toContain('Verified OK');
    // The pinned fingerprint a far side computes with openssl alone equals the one Junction prints.
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', 'signer.pem', '-outform', 'DER'], { cwd: out });
    expect(createHash('sha256').update(der).digest('hex')).toBe(signer.fingerprint);
    const ok = spawnSync('bash', ['verify.sh', signer.fingerprint], { cwd: out, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('OK: signature and every file verified');
    const wrong = spawnSync('bash', ['verify.sh', 'ab'.repeat(32)], { cwd: out, encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('is not the expected signer');
  });

  it('tar and zip forms open with tar -tf and unzip -t and verify', async () => {
    const tar = await build(sampleInput(), 'tar');
    const listing = execFileSync('tar', ['-tf', tar.out], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('SHA256SUMS.sig');
    expect(listing).toContain('files/GW01/01-routes.ps1');
    const zip = await build(sampleInput(), 'zip');
    expect(execFileSync('unzip', ['-t', zip.out], { encoding: 'utf8' })).toContain('No errors detected');
    for (const b of [tar, zip]) {
      const v = await verifyBundle(b.out, { trusted: new Set([signer.fingerprint]) });
      expect(v.problems).toEqual([]);
      expect(v.ok).toBe(true);
    }
    // Unpacked by stock tar, the bundle passes the stock checks too.
    const x = tempDir();
    execFileSync('tar', ['-xf', tar.out, '-C', x]);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: x }).status).toBe(0);
    expect(spawnSync('bash', ['verify.sh', signer.fingerprint], { cwd: x }).status).toBe(0);
  });

  it('is deterministic: the same inputs give byte-identical archives', async () => {
    for (const format of ['tar', 'zip'] as const) {
      const a = await build(sampleInput(), format);
      const b = await build(sampleInput(), format);
      expect(readFileSync(a.out).equals(readFileSync(b.out)), format).toBe(true);
    }
    const c = await build({ ...sampleInput(), workspace: { sha256: 'b'.repeat(64) } }, 'tar');
    const d = await build(sampleInput(), 'tar');
    expect(readFileSync(c.out).equals(readFileSync(d.out))).toBe(false);
  });

  it('splits files above the media limit; sha256sum checks the parts and verify.sh rebuilds the whole', async () => {
    const src = tempDir();
    const big = randomBytes(5000);
    writeFileSync(join(src, 'big.bin'), big);
    const input = sampleInput();
    input.artifacts.push({ path: 'GW01/big.bin', role: 'data', sourceFile: join(src, 'big.bin') });
    const { out, r } = await build(input, 'dir', { mediaLimit: 2048 });
    const entry = r.manifest.files.find((f) => f.path === 'files/GW01/big.bin')!;
    expect(entry.parts?.map((p) => p.size)).toEqual([2048, 2048, 904]);
    expect(readdirSync(join(out, 'files/GW01')).filter((n) => n.startsWith('big.bin'))).toEqual(['big.bin.part-000', 'big.bin.part-001', 'big.bin.part-002']);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    const rebuilt = tempDir();
    const run = spawnSync('bash', ['verify.sh', signer.fingerprint, rebuilt], { cwd: out, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(rebuilt, 'big.bin')).equals(big)).toBe(true);
    expect((await verifyBundle(out, { trusted: new Set([signer.fingerprint]) })).ok).toBe(true);
  });

  it('refuses unsafe or colliding artifact names and an existing output', async () => {
    const bad = sampleInput();
    bad.artifacts.push({ path: '../escape.ps1', role: 'script', bytes: 'x' });
    await expect(build(bad, 'dir')).rejects.toThrow(/"\.\." segment/);
    const dup = sampleInput();
    dup.artifacts.push({ path: 'gw01/01-ROUTES.ps1', role: 'script', bytes: 'x' });
    await expect(build(dup, 'dir')).rejects.toBeInstanceOf(BuildError);
    const dir = tempDir();
    mkdirSync(join(dir, 'exists'));
    await expect(build(sampleInput(), 'dir', { out: join(dir, 'exists') })).rejects.toThrow(/already exists/);
  });

  it('reads legacy and modern PFX files and names a wrong password', async () => {
    const legacy = makeTestKey('Legacy Signer', true);
    expect((await loadPfxSigner(legacy.pfx, legacy.passwordFile)).subject).toContain('Legacy Signer');
    const wrongPw = join(tempDir(), 'pw');
    writeFileSync(wrongPw, 'nope\n');
    const err = await loadPfxSigner(key.pfx, wrongPw).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningError);
    expect((err as SigningError).message).toMatch(/wrong password/);
  });
});
