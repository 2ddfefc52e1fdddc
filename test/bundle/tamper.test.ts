// The tamper matrix: each way a bundle can be damaged or forged is rejected with its own code and message, by
// Junction and (where the script can see it) by the stock-tools verify.sh; unpacking never writes outside the target.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, lstatSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, statSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { buildBundle } from '../../electron/bundle/build';
import { verifyBundle, type VerifyCode } from '../../electron/bundle/verify';
import { signDetached, type Signer } from '../../electron/bundle/signing';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

let signer: Signer;
let other: Signer;
let pristine: string;
let pristineTar: string;
let pristineZip: string;
let foreign: string;

beforeAll(async () => {
  signer = await signerFor(makeTestKey('Junction Sender'));
  other = await signerFor(makeTestKey('Mallory'));
  const d = tempDir();
  const opts = { signer, junctionVersion: '0.1.0', createdAt: '2026-11-22T00:00:00.000Z' };
  pristine = join(d, 'pristine');
  await buildBundle(sampleInput(), { ...opts, out: pristine, format: 'dir' });
  pristineTar = join(d, 'pristine.tar');
  await buildBundle(sampleInput(), { ...opts, out: pristineTar, format: 'tar' });
  pristineZip = join(d, 'pristine.zip');
  await buildBundle(sampleInput(), { ...opts, out: pristineZip, format: 'zip' });
  foreign = join(d, 'foreign');
  await buildBundle(sampleInput(), { ...opts, signer: other, out: foreign, format: 'dir' });
});

function copyOf(src: string): string {
  const dst = join(tempDir(), 'b');
  cpSync(src, dst, { recursive: true });
  return dst;
}

const sumsLine = (path: string) => `${'0'.repeat(64)}  ${path}\n`;

interface Case {
  name: string;
  code: VerifyCode;
  make: () => Promise<string> | string;
  /** verify.sh must also refuse it (cases it can see with sha256sum + openssl + bash). */
  script?: boolean;
}

const CASES: Case[] = [
  {
    name: 'a flipped byte',
    code: 'hash-mismatch',
    script: true,
    make: () => {
      const b = copyOf(pristine);
      const f = join(b, 'files/GW01/01-routes.ps1');
      const bytes = readFileSync(f);
      bytes[3] = bytes[3]! ^ 0x01;
      writeFileSync(f, bytes);
      return b;
    },
  },
  { name: 'a missing file', code: 'missing-file', script: true, make: () => { const b = copyOf(pristine); rmSync(join(b, 'files/HN01/01-license-link.ps1')); return b; } },
  { name: 'an extra file', code: 'extra-file', script: true, make: () => { const b = copyOf(pristine); writeFileSync(join(b, 'files/GW01/backdoor.ps1'), 'evil'); return b; } },
  {
    name: 'a swapped signature',
    code: 'signature-invalid',
    script: true,
    make: () => {
      const b = copyOf(pristine);
      writeFileSync(join(b, 'SHA256SUMS.sig'), signDetached(readFileSync(join(b, 'SHA256SUMS')), other.privateKey));
      return b;
    },
  },
  { name: 'a missing signature', code: 'signature-missing', script: true, make: () => { const b = copyOf(pristine); rmSync(join(b, 'SHA256SUMS.sig')); return b; } },
  { name: 'a wrong signer', code: 'signer-untrusted', script: true, make: () => copyOf(foreign) },
  { name: 'an absolute path', code: 'unsafe-path-absolute', script: true, make: () => { const b = copyOf(pristine); appendFileSync(join(b, 'SHA256SUMS'), sumsLine('/etc/passwd')); return b; } },
  { name: 'a .. segment', code: 'unsafe-path-dotdot', script: true, make: () => { const b = copyOf(pristine); appendFileSync(join(b, 'SHA256SUMS'), sumsLine('files/../../outside')); return b; } },
  {
    name: 'a symlink',
    code: 'symlink',
    script: true,
    make: () => {
      const b = copyOf(pristine);
      rmSync(join(b, 'files/GW01/01-routes.ps1'));
      symlinkSync('/etc/hostname', join(b, 'files/GW01/01-routes.ps1'));
      return b;
    },
  },
  {
    name: 'a duplicate entry',
    code: 'duplicate-entry',
    script: true,
    make: () => {
      const b = copyOf(pristine);
      const first = readFileSync(join(b, 'SHA256SUMS'), 'utf8').split('\n')[0]!;
      appendFileSync(join(b, 'SHA256SUMS'), `${first}\n`);
      return b;
    },
  },
  { name: 'a size mismatch', code: 'size-mismatch', script: true, make: () => { const b = copyOf(pristine); appendFileSync(join(b, 'files/GW01/02-certs.ps1'), '\n'); return b; } },
  {
    name: 'a truncated tar',
    code: 'truncated-archive',
    make: () => {
      const f = join(tempDir(), 'cut.tar');
      cpSync(pristineTar, f);
      truncateSync(f, Math.floor(statSync(f).size / 2));
      return f;
    },
  },
  {
    name: 'a truncated zip',
    code: 'truncated-archive',
    make: () => {
      const f = join(tempDir(), 'cut.zip');
      cpSync(pristineZip, f);
      truncateSync(f, statSync(f).size - 30);
      return f;
    },
  },
];

describe('tamper matrix', () => {
  const messages = new Map<string, string>();

  it('the pristine bundle verifies (and so does verify.sh)', async () => {
    const r = await verifyBundle(pristine, { trusted: new Set([signer.fingerprint]) });
    expect(r.problems).toEqual([]);
    expect(spawnSync('bash', ['verify.sh', signer.fingerprint], { cwd: pristine }).status).toBe(0);
  });

  it.each(CASES)('$name is rejected as $code', async (c) => {
    const path = await c.make();
    const r = await verifyBundle(path, { trusted: new Set([signer.fingerprint]) });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain(c.code);
    const p = r.problems.find((x) => x.code === c.code)!;
    expect(p.fix.length).toBeGreaterThan(10);
    messages.set(c.name, p.message.replace(/[0-9a-f]{64}|\/tmp\/\S+/g, ''));
    if (c.script) {
      const sh = spawnSync('bash', ['verify.sh', signer.fingerprint], { cwd: path, encoding: 'utf8' });
      expect(sh.status, `${c.name}: ${sh.stdout}${sh.stderr}`).not.toBe(0);
    }
  });

  it('gives every case its own message', () => {
    expect(messages.size).toBe(CASES.length);
    const distinct = new Set([...messages.entries()].filter(([n]) => !n.startsWith('a truncated')).map(([, m]) => m));
    expect(distinct.size).toBe(CASES.length - 2);
  });

  it('refuses an untrusted signer even when everything else is intact, showing the fingerprint it claims', async () => {
    const r = await verifyBundle(foreign, { trusted: new Set() });
    expect(r.problems[0]?.code).toBe('signer-untrusted');
    expect(r.signer?.fingerprint).toBe(other.fingerprint);
    // The fingerprint is what the media claims: shown to compare, never offered as the value to pin (finding 5).
    expect(r.problems[0]?.message).toMatch(/claims to be signed by .*Mallory/);
    expect(r.problems[0]?.message).toContain(other.fingerprint.toUpperCase().match(/../g)!.join(':'));
    expect(r.problems[0]?.message).toContain('no signer is pinned in the trust store');
    expect(r.problems[0]?.fix).not.toContain(other.fingerprint);
    expect(r.problems[0]?.fix).toMatch(/compare it with the fingerprint the sender gave you by a separate channel/);
    const one = await verifyBundle(foreign, { trusted: new Set([signer.fingerprint]), pinned: 1 });
    expect(one.problems[0]?.message).toContain('it is not the one signer pinned in the trust store');
    const given = await verifyBundle(foreign, { trusted: new Set([signer.fingerprint]), pinned: 0 });
    expect(given.problems[0]?.message).toContain('no signer is pinned in the trust store, nor the fingerprint given with --trust');
    expect((await verifyBundle(foreign, { trusted: new Set([other.fingerprint]) })).ok).toBe(true);
  });
});

describe('hostile archives never write outside the target', () => {
  async function hostileTar(entries: { name: string; type?: 'file' | 'symlink'; body?: string; linkname?: string }[]): Promise<string> {
    const f = join(tempDir(), 'hostile.tar');
    const pack = tar.pack();
    const done = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(f));
    for (const e of entries) {
      if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname! });
      else pack.entry({ name: e.name }, e.body ?? 'x');
    }
    pack.finalize();
    await done;
    return f;
  }

  it.each([
    ['absolute path', 'unsafe-path-absolute'],
    ['.. segment', 'unsafe-path-dotdot'],
    ['symlink', 'symlink'],
    ['duplicate', 'duplicate-entry'],
  ] as const)('a tar entry with a %s is refused as %s', async (kind, code) => {
    const base = tempDir();
    const dest = join(base, 'inside', 'x');
    const marker = `junction-escape-${randomBytes(4).toString('hex')}`;
    const absTarget = join(base, marker);
    const entries =
      kind === 'absolute path'
        ? [{ name: absTarget, body: 'pwned' }]
        : kind === '.. segment'
          ? [{ name: `../../${marker}`, body: 'pwned' }]
          : kind === 'symlink'
            ? [{ name: 'link', type: 'symlink' as const, linkname: base }, { name: `link/${marker}`, body: 'pwned' }]
            : [{ name: 'manifest.json', body: 'first' }, { name: 'manifest.json', body: 'second' }];
    const f = await hostileTar(entries);
    const r = await verifyBundle(f, { trusted: new Set([signer.fingerprint]), extractTo: dest });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain(code);
    expect(existsSync(absTarget)).toBe(false);
    expect(existsSync(join(base, 'inside', marker))).toBe(false);
    // Refused from the archive's index: not even the first copy is written.
    if (kind === 'duplicate') expect(existsSync(join(dest, 'manifest.json'))).toBe(false);
  });
});

describe('hostile zip archives never write outside the target', () => {
  interface ZipEntry {
    name: string;
    body: string;
    /** st_mode stored in the high 16 bits of the entry's external attributes (the Unix "version made by"). */
    mode?: number;
  }

  /** Writes the entries as given, names untouched (python3's zipfile keeps a leading "/" and ".." in writestr). */
  function hostileZip(entries: ZipEntry[]): string {
    const f = join(tempDir(), 'hostile.zip');
    const py = [
      'import json, sys, warnings, zipfile',
      'warnings.simplefilter("ignore")',
      'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:',
      '    for e in json.loads(sys.stdin.read()):',
      '        i = zipfile.ZipInfo(e["name"], (2000, 1, 1, 0, 0, 0))',
      '        i.create_system = 3',
      '        i.external_attr = e["mode"] << 16',
      '        z.writestr(i, e["body"])',
    ].join('\n');
    const r = spawnSync('python3', ['-c', py, f], { input: JSON.stringify(entries.map((e) => ({ mode: 0o100644, ...e }))), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // The names really are in the central directory as written (python3 reads them back unchanged).
    const listed = spawnSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(i.filename for i in zipfile.ZipFile(sys.argv[1]).infolist()))', f], { encoding: 'utf8' });
    expect(listed.stdout.trim().split('\n')).toEqual(entries.map((e) => e.name));
    return f;
  }

  const KINDS = ['absolute path', '.. segment', 'symlink', 'case-only duplicate', 'exact duplicate'] as const;
  const CODES: Record<(typeof KINDS)[number], VerifyCode> = {
    'absolute path': 'unsafe-path-absolute',
    '.. segment': 'unsafe-path-dotdot',
    symlink: 'symlink',
    'case-only duplicate': 'duplicate-entry',
    'exact duplicate': 'duplicate-entry',
  };

  it.each(KINDS)('a zip entry with a %s is refused with its own code and writes nothing outside', async (kind) => {
    const base = tempDir();
    const dest = join(base, 'inside', 'x');
    const marker = `junction-escape-${randomBytes(4).toString('hex')}`;
    const absTarget = join(base, marker);
    // Where each hostile entry would land if it were written as named.
    const wouldBe: string[] = [absTarget, join(base, 'inside', marker)];
    let entries: ZipEntry[];
    if (kind === 'absolute path') entries = [{ name: absTarget, body: 'pwned' }];
    else if (kind === '.. segment') entries = [{ name: `../../${marker}`, body: 'pwned' }];
    else if (kind === 'symlink') {
      // A link to the parent folder, then a file "through" it: written naively, the file lands in base/.
      entries = [
        { name: 'link', body: base, mode: 0o120777 },
        { name: `link/${marker}`, body: 'pwned' },
      ];
    } else if (kind === 'case-only duplicate') {
      entries = [
        { name: 'manifest.json', body: 'first' },
        { name: 'MANIFEST.json', body: 'second' },
      ];
      wouldBe.push(join(dest, 'MANIFEST.json'));
    } else
      entries = [
        { name: 'manifest.json', body: 'first' },
        { name: 'manifest.json', body: 'second' },
      ];
    const f = hostileZip(entries);
    const r = await verifyBundle(f, { trusted: new Set([signer.fingerprint]), extractTo: dest });
    expect(r.ok).toBe(false);
    const codes = r.problems.map((p) => p.code);
    expect(codes).toContain(CODES[kind]);
    // Refused as what it is, not as an unreadable or truncated archive.
    expect(codes).not.toContain('archive-unreadable');
    expect(codes).not.toContain('truncated-archive');
    const p = r.problems.find((x) => x.code === CODES[kind])!;
    expect(p.fix).toContain('do not use this bundle');
    for (const w of wouldBe) expect(existsSync(w), w).toBe(false);
    if (kind === 'symlink') expect(lstatSync(join(dest, 'link'), { throwIfNoEntry: false })?.isSymbolicLink() ?? false).toBe(false);
    // Refused from the archive's index: not even the first copy is written.
    if (kind.endsWith('duplicate')) expect(existsSync(join(dest, 'manifest.json'))).toBe(false);
  });
});
