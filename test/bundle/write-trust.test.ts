// What `bundle write` and `bundle verify` say about trust, and what the copy keeps: a read-back proves the copy
// matches the source, not that the signer is trusted, and the scripts stay executable where the media allows it.
import { describe, expect, it, beforeAll } from 'vitest';
import { statSync, readdirSync } from 'node:fs';
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
