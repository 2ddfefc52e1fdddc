// Archives from hostile media: the signature and the signed sizes are checked from the archive's own index and its
// small control files, before a single byte is written; bundle entries are stored, so a compressed entry (a zip
// bomb) is refused without expanding it. inspect and diff never unpack at all.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../../electron/bundle/build';
import { verifyBundle } from '../../electron/bundle/verify';
import type { Signer } from '../../electron/bundle/signing';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

let signer: Signer;
let other: Signer;
let zipFile: string;
let tarFile: string;
let foreignZip: string;
let foreignTar: string;

beforeAll(async () => {
  signer = await signerFor(makeTestKey('Junction Sender'));
  other = await signerFor(makeTestKey('Mallory'));
  const d = tempDir();
  const opts = { signer, junctionVersion: '0.1.0', createdAt: '2026-11-22T00:00:00.000Z' };
  zipFile = join(d, 'b.zip');
  await buildBundle(sampleInput(), { ...opts, out: zipFile, format: 'zip' });
  tarFile = join(d, 'b.tar');
  await buildBundle(sampleInput(), { ...opts, out: tarFile, format: 'tar' });
  foreignZip = join(d, 'foreign.zip');
  await buildBundle(sampleInput(), { ...opts, signer: other, out: foreignZip, format: 'zip' });
  foreignTar = join(d, 'foreign.tar');
  await buildBundle(sampleInput(), { ...opts, signer: other, out: foreignTar, format: 'tar' });
}, 60_000);

/** Rewrites an archive with python3's zipfile/tarfile: `edit` is Python run per entry with `name`, `data`, `info`. */
function repack(src: string, kind: 'zip' | 'tar', py: string): string {
  const out = join(tempDir(), `edited.${kind}`);
  const script =
    kind === 'zip'
      ? [
          'import sys, zipfile',
          'src = zipfile.ZipFile(sys.argv[1])',
          'dst = zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED)',
          'for info in src.infolist():',
          '    name = info.filename; data = src.read(info); compress = zipfile.ZIP_STORED',
          ...py.split('\n').map((l) => `    ${l}`),
          '    if data is not None: dst.writestr(info, data, compress_type=compress)',
          'dst.close()',
        ]
      : [
          'import io, sys, tarfile',
          'src = tarfile.open(sys.argv[1])',
          'dst = tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT)',
          'for info in src.getmembers():',
          '    name = info.name; data = src.extractfile(info).read() if info.isfile() else b""',
          ...py.split('\n').map((l) => `    ${l}`),
          '    if data is None: continue',
          '    info.size = len(data) if info.isfile() else 0',
          '    dst.addfile(info, io.BytesIO(data) if info.isfile() else None)',
          'dst.close()',
        ];
  const r = spawnSync('python3', ['-c', script.join('\n'), src, out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

/** Everything under a folder, in bytes; 0 when it does not exist. */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = statSync(join(dir, name));
    if (st.isFile()) n += st.size;
  }
  return n;
}

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: process.cwd(),
    env: { JUNCTION_STATE_DIR: tempDir() },
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const trusted = () => new Set([signer.fingerprint]);

describe('archives are checked before anything is unpacked (finding 2)', () => {
  it('the pristine zip and tar still verify', async () => {
    expect((await verifyBundle(zipFile, { trusted: trusted() })).problems).toEqual([]);
    expect((await verifyBundle(tarFile, { trusted: trusted() })).problems).toEqual([]);
  });

  it('refuses a deflated zip bomb entry without expanding it', async () => {
    // 256 MiB of zeros deflates to about 250 KB: written out it would fill the temp folder.
    const bomb = repack(zipFile, 'zip', 'pass');
    // The bomb itself, appended with python so the entry is really deflated.
    const r = spawnSync(
      'python3',
      [
        '-c',
        'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "a", zipfile.ZIP_DEFLATED)\nwith z.open("files/zeros.bin", "w", force_zip64=True) as w:\n    for _ in range(256):\n        w.write(bytes(1 << 20))\nz.close()',
        bomb,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(bomb).size).toBeLessThan(2 << 20);
    const dest = join(tempDir(), 'x');
    const v = await verifyBundle(bomb, { trusted: trusted(), extractTo: dest });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.code)).toContain('compressed-entry');
    expect(v.problems.find((p) => p.code === 'compressed-entry')?.message).toMatch(
      /files\/zeros\.bin.*compressed/,
    );
    expect(bytesUnder(dest)).toBe(0);
  });

  it('refuses a compressed copy of a listed file before writing it', async () => {
    const deflated = repack(zipFile, 'zip', 'if name.endswith(".ps1"): compress = zipfile.ZIP_DEFLATED');
    const dest = join(tempDir(), 'x');
    const v = await verifyBundle(deflated, { trusted: trusted(), extractTo: dest });
    expect(v.problems.map((p) => p.code)).toContain('compressed-entry');
    expect(bytesUnder(dest)).toBe(0);
  });

  it.each(['zip', 'tar'] as const)(
    'refuses a %s entry whose size disagrees with the signed manifest before writing a byte',
    async (kind) => {
      const grown = repack(
        kind === 'zip' ? zipFile : tarFile,
        kind,
        'if name.endswith(".ps1"): data = data + b"\\n# appended\\n" * 1000',
      );
      const dest = join(tempDir(), 'x');
      const v = await verifyBundle(grown, { trusted: trusted(), extractTo: dest });
      expect(v.ok).toBe(false);
      expect(v.problems.map((p) => p.code)).toContain('size-mismatch');
      expect(bytesUnder(dest)).toBe(0);
    },
  );

  it.each(['zip', 'tar'] as const)(
    'refuses a %s entry the signed list does not name before writing a byte',
    async (kind) => {
      const py =
        kind === 'zip'
          ? 'if name == "manifest.json": dst.writestr("files/extra.bin", b"x" * 100000)'
          : 'pass';
      const extra = kind === 'zip' ? repack(zipFile, 'zip', py) : tarWithExtra();
      const dest = join(tempDir(), 'x');
      const v = await verifyBundle(extra, { trusted: trusted(), extractTo: dest });
      expect(v.problems.map((p) => p.code)).toContain('extra-file');
      expect(bytesUnder(dest)).toBe(0);
    },
  );

  function tarWithExtra(): string {
    return repack(
      tarFile,
      'tar',
      'if name == "manifest.json":\n    x = tarfile.TarInfo("files/extra.bin"); x.size = 100000; dst.addfile(x, io.BytesIO(b"x" * 100000))',
    );
  }

  it.each(['zip', 'tar'] as const)(
    'checks the signer of a %s before unpacking: an unpinned signer writes nothing',
    async (kind) => {
      const dest = join(tempDir(), 'x');
      const v = await verifyBundle(kind === 'zip' ? foreignZip : foreignTar, {
        trusted: trusted(),
        extractTo: dest,
      });
      expect(v.problems.map((p) => p.code)).toEqual(['signer-untrusted']);
      expect(bytesUnder(dest)).toBe(0);
    },
  );

  it('checks the signature of an archive before unpacking: a changed SHA256SUMS writes nothing', async () => {
    const forged = repack(tarFile, 'tar', 'if name == "SHA256SUMS": data = data.replace(b"0", b"1", 1)');
    const dest = join(tempDir(), 'x');
    const v = await verifyBundle(forged, { trusted: trusted(), extractTo: dest });
    expect(v.problems.map((p) => p.code)).toEqual(['signature-invalid']);
    expect(bytesUnder(dest)).toBe(0);
  });
});

describe('a tar cut short at an entry boundary', () => {
  it('is named as truncated, not as a smaller bundle missing files', async () => {
    // The offset of an entry header in the middle: cut there, what remains is a whole number of tar records.
    const r = spawnSync(
      'python3',
      [
        '-c',
        'import sys, tarfile\nm = tarfile.open(sys.argv[1]).getmembers()\nprint(m[len(m) // 2].offset)',
        tarFile,
      ],
      { encoding: 'utf8' },
    );
    const at = Number(r.stdout.trim());
    expect(at % 512).toBe(0);
    const cut = join(tempDir(), 'cut.tar');
    writeFileSync(cut, readFileSync(tarFile).subarray(0, at));
    const v = await verifyBundle(cut, { trusted: trusted(), extractTo: join(tempDir(), 'x') });
    expect(v.problems.map((p) => p.code)).toEqual(['truncated-archive']);
    expect(v.problems[0]!.message).toMatch(/cut short/);
  });
});

describe('bundle inspect and diff on hostile archives', () => {
  it('inspect reads an archive without unpacking it and says who it claims to be signed by', async () => {
    const r = await cli(['bundle', 'inspect', foreignZip]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/claims to be signed by .*Mallory/);
    expect(r.out).toMatch(/NOT pinned/);
  });

  it('diff says when a side is signed by a key that is not pinned', async () => {
    const d = await cli(['bundle', 'diff', zipFile, foreignZip]);
    expect(d.err).toMatch(/foreign\.zip claims to be signed by key [0-9A-F:]+, which is NOT pinned here/);
  });

  it('inspect refuses a zip bomb, naming the file and the entry, without a stack trace', async () => {
    const bomb = repack(zipFile, 'zip', 'if name == "manifest.json": compress = zipfile.ZIP_DEFLATED');
    const r = await cli(['bundle', 'inspect', bomb]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(bomb);
    expect(r.err).toMatch(/manifest\.json.*compressed/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each(['zip', 'tar'] as const)(
    'inspect and diff refuse a %s whose signature does not match',
    async (kind) => {
      const forged = repack(
        kind === 'zip' ? zipFile : tarFile,
        kind,
        'if name == "manifest.json": data = data.replace(b"2026-11-22", b"2026-11-23", 1)',
      );
      const ins = await cli(['bundle', 'inspect', forged]);
      expect(ins.code).toBe(2);
      expect(ins.err).toMatch(/manifest\.json does not match/);
      const d = await cli(['bundle', 'diff', zipFile, forged]);
      expect(d.code).toBe(2);
      expect(d.err).toContain(forged);
      expect(readFileSync(zipFile).length).toBeGreaterThan(0);
    },
  );
});

describe('bundle readers against damaged archives (bounded fuzz)', () => {
  // A small deterministic generator, so a failing case can be replayed from its index.
  function prng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each(['zip', 'tar'] as const)(
    'a mutated %s is refused with a named reason, never a throw or a hang, and writes nothing',
    async (kind) => {
      const rand = prng(kind === 'zip' ? 16 : 61);
      const original = readFileSync(kind === 'zip' ? zipFile : tarFile);
      const dir = tempDir();
      for (let i = 0; i < 40; i++) {
        const bytes = Buffer.from(original);
        const how = i % 4;
        let damaged: Buffer;
        if (how === 0) damaged = bytes.subarray(0, Math.floor(rand() * bytes.length));
        else if (how === 1) {
          for (let k = 0; k < 1 + Math.floor(rand() * 8); k++)
            bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
          damaged = bytes;
        } else if (how === 2) {
          // Damage the index itself: the zip central directory at the end, the first tar headers at the start.
          const at =
            kind === 'zip'
              ? bytes.length - 1 - Math.floor(rand() * Math.min(4096, bytes.length))
              : Math.floor(rand() * 1024);
          bytes[at] = Math.floor(rand() * 256);
          damaged = bytes;
        } else
          damaged = Buffer.from(
            Array.from({ length: 1 + Math.floor(rand() * 4096) }, () => Math.floor(rand() * 256)),
          );
        const f = join(dir, `case-${i}.${kind}`);
        writeFileSync(f, damaged);
        const dest = join(dir, `out-${i}`);
        const v = await verifyBundle(f, { trusted: trusted(), extractTo: dest });
        const shown = `case ${i} (${how})`;
        // Cut short or not an archive at all: refused. (A flipped byte may land in padding and change nothing.)
        if (how === 0 || how === 3) expect(v.ok, shown).toBe(false);
        for (const p of v.problems) {
          expect(p.message, shown).toMatch(/\S/);
          expect(p.fix, shown).toMatch(/\S/);
        }
        if (!v.ok && !v.problems.some((p) => p.code === 'hash-mismatch'))
          expect(bytesUnder(dest), shown).toBe(0);
        const ins = await cli(['bundle', 'inspect', f]);
        expect([0, 2], `${shown}: ${ins.err}`).toContain(ins.code);
        expect(ins.err, shown).not.toMatch(/internal error|\n\s+at /);
      }
    },
    120_000,
  );
});
