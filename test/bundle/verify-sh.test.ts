// verify.sh run for real (bash + sha256sum + openssl) on built bundles, for the checks docs/bundle-format.md requires
// of every verifier: case-insensitive duplicates, signer.crt holding signer.pem's key, and a pinned fingerprint.
// The forged bundles below are correctly signed, so only the check under test can catch them.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../../electron/bundle/build';
import { verifyBundle } from '../../electron/bundle/verify';
import { signDetached, type Signer } from '../../electron/bundle/signing';
import { VERIFY_PS1 } from '../../shared/bundle/scripts';
import { parsePs } from '../generate/ps-parse';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

let signer: Signer;
let other: Signer;
let pristine: string;
let split: string;

beforeAll(async () => {
  signer = await signerFor(makeTestKey('Junction Sender'));
  other = await signerFor(makeTestKey('Mallory'));
  const opts = { signer, junctionVersion: '0.1.0', createdAt: '2026-11-22T00:00:00.000Z' };
  pristine = join(tempDir(), 'pristine');
  await buildBundle(sampleInput(), { ...opts, out: pristine, format: 'dir' });
  const big = sampleInput();
  big.artifacts.push({ path: 'GW01/big.bin', role: 'data', host: 'GW01', bytes: new Uint8Array(3000).fill(7) });
  split = join(tempDir(), 'split');
  await buildBundle(big, { ...opts, out: split, format: 'dir', mediaLimit: 1024 });
});

function copyOf(src: string): string {
  const dst = join(tempDir(), 'b');
  cpSync(src, dst, { recursive: true });
  return dst;
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Rewrites SHA256SUMS (through `edit`) and signs it again with the trusted key: the signature stays valid. */
function resign(dir: string, edit: (sums: string) => string): void {
  const sums = edit(readFileSync(join(dir, 'SHA256SUMS'), 'utf8'));
  writeFileSync(join(dir, 'SHA256SUMS'), sums);
  writeFileSync(join(dir, 'SHA256SUMS.sig'), signDetached(Buffer.from(sums), signer.privateKey));
  expect(
    spawnSync('openssl', ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'], { cwd: dir }).status,
  ).toBe(0);
}

function verifySh(dir: string, ...args: string[]) {
  const r = spawnSync('bash', ['verify.sh', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr, stdout: r.stdout, stderr: r.stderr };
}

describe('verify.sh', () => {
  it('without the expected signer fingerprint fails instead of reporting OK, and says to pass the one received out of band', () => {
    const ok = verifySh(pristine, signer.fingerprint);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.stdout).toContain('OK: signature and every file verified');

    for (const args of [[], ['']]) {
      const r = verifySh(pristine, ...args);
      expect(r.status, r.out).not.toBe(0);
      expect(r.stdout).not.toMatch(/^OK/m);
      expect(r.stderr).toMatch(/fingerprint/i);
      expect(r.stderr).toContain('out of band');
    }
    // Not a fingerprint at all (e.g. the folder argument given first) is refused, not taken as one.
    const folder = verifySh(pristine, tempDir());
    expect(folder.status).not.toBe(0);
    expect(folder.stdout).not.toMatch(/^OK/m);
    // The colon-separated upper-case form Junction prints is accepted.
    const colons = signer.fingerprint.toUpperCase().match(/../g)!.join(':');
    expect(verifySh(pristine, colons).status).toBe(0);
  });

  it('refuses SHA256SUMS entries that differ only by case, like the Junction verifier', async () => {
    const b = copyOf(pristine);
    const body = readFileSync(join(b, 'files/GW01/01-routes.ps1'));
    writeFileSync(join(b, 'files/GW01/01-ROUTES.ps1'), "Write-Host 'not the routes you verified'\n");
    resign(b, (s) => `${s}${sha(readFileSync(join(b, 'files/GW01/01-ROUTES.ps1')))}  files/GW01/01-ROUTES.ps1\n`);
    expect(sha(body)).not.toBe(sha(readFileSync(join(b, 'files/GW01/01-ROUTES.ps1'))));
    // sha256sum alone is satisfied: every listed file matches.
    expect(spawnSync('sha256sum', ['--strict', '--quiet', '-c', 'SHA256SUMS'], { cwd: b }).status).toBe(0);

    const r = await verifyBundle(b, { trusted: new Set([signer.fingerprint]) });
    expect(r.problems.map((p) => p.code)).toContain('duplicate-entry');
    const sh = verifySh(b, signer.fingerprint);
    expect(sh.status, sh.out).toBe(1);
    expect(sh.stdout).not.toMatch(/^OK/m);
    expect(sh.stderr).toMatch(/duplicate entry in SHA256SUMS: files\/GW01\/01-ROUTES\.ps1/);
  });

  it('refuses a signer.crt that holds a different key than signer.pem, like the Junction verifier', async () => {
    const b = copyOf(pristine);
    const crt = readFileSync(join(b, 'signer.crt'), 'utf8');
    writeFileSync(join(b, 'signer.crt'), other.certPem);
    resign(b, (s) => s.replace(`${sha(crt)}  signer.crt\n`, `${sha(other.certPem)}  signer.crt\n`));
    expect(spawnSync('sha256sum', ['--strict', '--quiet', '-c', 'SHA256SUMS'], { cwd: b }).status).toBe(0);

    const r = await verifyBundle(b, { trusted: new Set([signer.fingerprint]) });
    expect(r.problems.map((p) => p.code)).toContain('signer-mismatch');
    const sh = verifySh(b, signer.fingerprint);
    expect(sh.status, sh.out).toBe(1);
    expect(sh.stdout).not.toMatch(/^OK/m);
    expect(sh.stderr).toContain('signer.crt and signer.pem hold different keys');

    // A signer.crt that is no certificate at all is refused too.
    const c = copyOf(pristine);
    writeFileSync(join(c, 'signer.crt'), 'not a certificate\n');
    resign(c, (s) => s.replace(`${sha(crt)}  signer.crt\n`, `${sha('not a certificate\n')}  signer.crt\n`));
    const bad = verifySh(c, signer.fingerprint);
    expect(bad.status, bad.out).toBe(1);
    expect(bad.stderr).toContain('signer.crt');
  });

  it('the RUNBOOK commands pass the fingerprint: run as written, they verify the bundle', () => {
    for (const dir of [pristine, split]) {
      const md = readFileSync(join(dir, 'RUNBOOK.md'), 'utf8');
      const commands = [...md.matchAll(/```sh\n([^`]*?)\n```/g)].map((m) => m[1]!).filter((c) => c.startsWith('bash verify.sh'));
      expect(commands).toEqual([`bash verify.sh ${signer.fingerprint}`]);
      const html = readFileSync(join(dir, 'RUNBOOK.html'), 'utf8');
      expect(html).toContain(`<pre>bash verify.sh ${signer.fingerprint}</pre>`);
      expect(html).toContain(`-ExpectedSigner ${signer.fingerprint}</pre>`);
      const r = spawnSync('bash', ['-c', commands[0]!], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('OK: signature and every file verified');
    }
    // The split-file section names the fingerprint argument for both scripts.
    const md = readFileSync(join(split, 'RUNBOOK.md'), 'utf8');
    expect(md).toContain('`bash verify.sh <fingerprint> <folder>`');
    expect(md).toContain('`verify.ps1 -ExpectedSigner <fingerprint> -ReassembleTo <folder>`');
    const out = tempDir();
    const r = verifySh(split, signer.fingerprint, out);
    expect(r.status, r.out).toBe(0);
    expect(readFileSync(join(out, 'big.bin')).equals(Buffer.alloc(3000, 7))).toBe(true);
  });
});

describe('verify.ps1', () => {
  it('parses, and stops before any OK when -ExpectedSigner is missing', async () => {
    const { errors, root } = await parsePs(VERIFY_PS1);
    expect(errors).toEqual([]);
    // The if-statement on a missing -ExpectedSigner must end the script with a non-zero exit, not warn and go on.
    const ifs: { cond: string; body: string; start: number }[] = [];
    const visit = (n: typeof root) => {
      if (n.type === 'if_statement') {
        const cond = n.children.find((c) => c?.type === 'pipeline');
        const block = n.children.find((c) => c?.type === 'statement_block');
        if (cond && block) ifs.push({ cond: cond.text, body: block.text, start: n.startIndex });
      }
      for (const c of n.children) if (c) visit(c);
    };
    visit(root);
    const guard = ifs.find((i) => /^-not\s+\$ExpectedSigner$/i.test(i.cond.trim()));
    expect(guard, ifs.map((i) => i.cond).join('\n')).toBeDefined();
    expect(guard!.body).toMatch(/\bexit\s+[1-9]/);
    expect(guard!.body).toContain('out of band');
    expect(guard!.start).toBeLessThan(VERIFY_PS1.indexOf("Write-Host 'OK:"));
    expect(VERIFY_PS1).not.toMatch(/WARNING: no -ExpectedSigner/);
  });
});
