// What `bundle write` and `bundle verify` say about trust, and what the copy keeps: a read-back proves the copy
// matches the source, not that the signer is trusted, and the scripts stay executable where the media allows it.
import { describe, expect, it, beforeAll } from 'vitest';
import { statSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildBundle } from '../../electron/bundle/build';
import type { Signer } from '../../electron/bundle/signing';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

let signer: Signer;
let other: Signer;
let bundle: string;

beforeAll(async () => {
  signer = await signerFor(makeTestKey('Junction Sender'));
  other = await signerFor(makeTestKey('Someone Else'));
  bundle = join(tempDir(), 'contoso');
  await buildBundle(sampleInput(), {
    signer,
    junctionVersion: '0.1.0',
    out: bundle,
    format: 'dir',
    createdAt: '2026-11-22T00:00:00.000Z',
  });
}, 60_000);

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

const colons = (fp: string) => fp.toUpperCase().match(/../g)!.join(':');

function shFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.sh')).sort();
}

describe('bundle write says what it checked (finding 4)', () => {
  it('never calls a copy signed by an unpinned key verified', async () => {
    const w = await cli([
      'bundle',
      'write',
      bundle,
      '--to',
      tempDir('junction-media-'),
      '--state-dir',
      tempDir(),
    ]);
    expect(w.code, w.err).toBe(0);
    expect(w.out).not.toMatch(/verified/i);
    expect(w.out).toMatch(/read back: \d+ files .* match the source/);
    expect(w.out).toContain(`signer ${colons(signer.fingerprint)} is NOT pinned here`);
    expect(w.out).toMatch(/junction bundle verify/);
  });

  it('says the signer is pinned when it is', async () => {
    const state = tempDir();
    const v = await cli(['bundle', 'verify', bundle, '--trust', signer.fingerprint, '--state-dir', state]);
    expect(v.code, v.err).toBe(0);
    const w = await cli([
      'bundle',
      'write',
      bundle,
      '--to',
      tempDir('junction-media-'),
      '--state-dir',
      state,
    ]);
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain(`signer ${colons(signer.fingerprint)} is pinned here`);
  });
});

describe('bundle write keeps file modes (finding 7)', () => {
  it('verify.sh, apply.sh and every generated .sh stay executable in the written copy', async () => {
    const media = tempDir('junction-media-');
    const w = await cli(['bundle', 'write', bundle, '--to', media, '--state-dir', tempDir()]);
    expect(w.code, w.err).toBe(0);
    const copy = join(media, 'contoso');
    const scripts = shFiles(bundle);
    expect(scripts).toEqual(expect.arrayContaining(['verify.sh', 'apply.sh']));
    expect(shFiles(copy)).toEqual(scripts);
    for (const p of scripts) {
      const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
      expect(mode(join(bundle, p)), p).toBe('755');
      expect(mode(join(copy, p)), p).toBe('755');
    }
  });
});

describe('untrusted signer message in the CLI (finding 5)', () => {
  it('counts no pinned signers as none, shows the claimed fingerprint to compare and never offers it to pin', async () => {
    const r = await cli(['bundle', 'verify', bundle, '--state-dir', tempDir(), '--trust', other.fingerprint]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[signer-untrusted] the bundle claims to be signed by');
    expect(r.err).toContain(colons(signer.fingerprint));
    expect(r.err).toContain('no signer is pinned in the trust store, nor the fingerprint given with --trust');
    expect(r.err).not.toMatch(/pinned signer\(s\) do not match/);
    expect(r.err).not.toContain(`--trust ${signer.fingerprint}`);
    expect(r.err).toMatch(/fix: compare it with the fingerprint the sender gave you by a separate channel/);
  });
});

describe('the trust model, where the admin reads it (finding 6)', () => {
  const EXAMPLE = join(process.cwd(), 'examples/contoso-hybrid.junction.json');

  it('bundle build prints the SHA-256 of verify.sh and verify.ps1, which the far side checks before running them', async () => {
    const key = makeTestKey('Build Signer');
    const out = join(tempDir(), 'b');
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
    ]);
    expect(r.code, r.err).toBe(0);
    for (const script of ['verify.sh', 'verify.ps1']) {
      const want = createHash('sha256')
        .update(readFileSync(join(out, script)))
        .digest('hex');
      expect(r.out).toMatch(new RegExp(`${script.replace('.', '\\.')} +SHA-256 ${want}`));
    }
    expect(r.out).toMatch(/fingerprint and these two hashes/);
  });

  it('the RUNBOOK says to verify with a verifier you trust, gives the stock-tool check, and runs scripts with bash', () => {
    const md = readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8');
    const html = readFileSync(join(bundle, 'RUNBOOK.html'), 'utf8');
    for (const doc of [md, html]) {
      expect(doc).not.toMatch(/\.\/verify\.sh|\.\/apply\.sh/);
      expect(doc).toContain(`bash verify.sh ${signer.fingerprint}`);
      expect(doc).toContain('junction bundle verify');
      expect(doc).toContain('openssl dgst -sha256 -verify signer.pem -signature SHA256SUMS.sig SHA256SUMS');
      expect(doc).toContain('sha256sum --strict -c SHA256SUMS');
      expect(doc).toMatch(/SHA-256 of verify\.sh/);
    }
    // The stock-tool check works as printed: the first line gives the fingerprint, the second passes.
    const block = /```sh\n(openssl pkey[^`]*?)\n```/.exec(md)![1]!.split('\n');
    const fp = spawnSync('bash', ['-c', block[0]!], { cwd: bundle, encoding: 'utf8' });
    expect(fp.stdout.split(' ')[0]).toBe(signer.fingerprint);
    const check = spawnSync('bash', ['-c', block[1]!], { cwd: bundle, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('Verified OK');
  });

  it("README, docs/bundle-format.md and the scripts' usage text run scripts with bash and state the trust model", () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const format = readFileSync(join(process.cwd(), 'docs/bundle-format.md'), 'utf8');
    const verifySh = readFileSync(join(bundle, 'verify.sh'), 'utf8');
    const applySh = readFileSync(join(bundle, 'apply.sh'), 'utf8');
    for (const doc of [readme, format, verifySh, applySh])
      expect(doc).not.toMatch(/\.\/verify\.sh|\.\/apply\.sh/);
    expect(verifySh).toContain('# Usage: bash verify.sh');
    for (const doc of [readme, format]) {
      expect(doc).toMatch(/[Tt]rust model/);
      expect(doc).toContain('junction bundle verify');
      expect(doc).toMatch(/SHA-256 .*`bundle build` prints/);
    }
  });
});
