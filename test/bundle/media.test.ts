// Writing to media: atomic commit, read-back, resume, refusing files the target cannot hold, a killed writer
// that leaves nothing verifiable and the previous bundle intact, and the drive listing parsers.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildBundle } from '../../electron/bundle/build';
import { verifyBundle } from '../../electron/bundle/verify';
import { writeBundleToMedia, MediaError, targetInfo, driveFor } from '../../electron/bundle/media';
import { parseLsblk, parseWindowsVolumes, listRemovableDrives } from '../../electron/bundle/drives';
import { Cancelled, parseSize } from '../../electron/bundle/progress';
import type { Signer } from '../../electron/bundle/signing';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

let signer: Signer;
beforeAll(async () => {
  signer = await signerFor(makeTestKey());
});

async function bundleWith(name: string, payloadBytes: number, mediaLimit?: number): Promise<string> {
  const src = tempDir();
  writeFileSync(join(src, 'payload.bin'), randomBytes(payloadBytes));
  const input = sampleInput();
  input.artifacts.push({ path: 'GW01/payload.bin', role: 'data', sourceFile: join(src, 'payload.bin') });
  const out = join(tempDir(), name);
  await buildBundle(input, { out, format: 'dir', signer, junctionVersion: '0.1.0', ...(mediaLimit ? { mediaLimit } : {}) });
  return out;
}

const trusted = () => new Set([signer.fingerprint]);

describe('bundle write', () => {
  it('writes atomically, reads back, and is idempotent', async () => {
    const b = await bundleWith('bundle-a', 100_000);
    const media = tempDir('junction-media-');
    const progress: number[] = [];
    const r = await writeBundleToMedia(b, media, { onProgress: (p) => progress.push(p.bytesDone) });
    expect(r.readBack.ok).toBe(true);
    expect(r.readBack.filesChecked).toBeGreaterThan(10);
    expect(progress.at(-1)).toBeGreaterThan(100_000);
    expect(readdirSync(media)).toEqual(['bundle-a']);
    expect((await verifyBundle(join(media, 'bundle-a'), { trusted: trusted() })).ok).toBe(true);
    const again = await writeBundleToMedia(b, media);
    expect(again.alreadyPresent).toBe(true);
  });

  it('refuses a file larger than the media allows and says how to fix it', async () => {
    const b = await bundleWith('bundle-big', 10_000);
    const err = await writeBundleToMedia(b, tempDir(), { mediaLimit: 8192 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).message).toMatch(/payload\.bin is 10000 bytes/);
    expect((err as MediaError).fix).toMatch(/--media-limit/);
    // The console has no --media-limit: it names its own checkbox instead.
    const fix = 'tick the split box';
    const worded = await writeBundleToMedia(b, tempDir(), { mediaLimit: 8192, tooLargeFix: fix }).catch((e: unknown) => e);
    expect((worded as MediaError).fix).toBe(fix);
    // Built for that limit, the same payload fits.
    const split = await bundleWith('bundle-split', 30_000, 8192);
    expect((await writeBundleToMedia(split, tempDir(), { mediaLimit: 8192 })).readBack.ok).toBe(true);
  });

  it('knows FAT32 from the drive listing when statfs cannot tell (Windows, macOS, FUSE): a 4 GiB file is refused', async () => {
    const b = await bundleWith('bundle-fat', 1000);
    // A sparse file just over FAT32's limit: the size check runs before anything is read or copied.
    const big = join(b, 'files', 'big.vhd');
    writeFileSync(big, '');
    truncateSync(big, 4 * 1024 ** 3);
    const target = tempDir();
    const drives = async () => [{ device: '/dev/sdz1', mountpoint: target, fstype: 'vfat', label: 'TRANSFER' }];
    const err = await writeBundleToMedia(b, join(target), { drives }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).message).toMatch(/big\.vhd is 4294967296 bytes; the target \(vfat\) allows at most 4294967295 bytes per file/);
    expect((err as MediaError).fix).toMatch(/--media-limit 4GiB/);
    expect(readdirSync(target)).toEqual([]); // nothing was written
    // Listed as NTFS, or not listed, the same folder has no per-file limit.
    expect((await targetInfo(target, async () => [{ device: '/dev/sdz1', mountpoint: target, fstype: 'ntfs' }])).maxFile).toBeUndefined();
    expect((await targetInfo(target, async () => [])).maxFile).toBeUndefined();
    expect((await targetInfo(target, drives)).maxFile).toBe(4 * 1024 ** 3 - 1);
  });

  it('finds the listed drive holding a folder: longest mount point, drive letters case-blind', () => {
    const drives = [
      { device: '/dev/sdb1', mountpoint: '/media/admin/USB' },
      { device: '/dev/sdc1', mountpoint: '/media/admin/USB/inner' },
      { device: 'E:', mountpoint: 'E:\\' },
    ];
    expect(driveFor('/media/admin/USB/bundles', drives)?.device).toBe('/dev/sdb1');
    expect(driveFor('/media/admin/USB/inner/x', drives)?.device).toBe('/dev/sdc1');
    expect(driveFor('/media/admin/USB2/x', drives)).toBeUndefined();
    expect(driveFor('e:\\Bundles\\contoso', drives)?.device).toBe('E:');
    expect(driveFor('E:/Bundles', drives)?.device).toBe('E:');
    expect(driveFor('F:\\', drives)).toBeUndefined();
  });

  it('cancels via AbortSignal and resumes from the partial copy', async () => {
    const b = await bundleWith('bundle-c', 3_000_000);
    const media = tempDir('junction-media-');
    const ac = new AbortController();
    const err = await writeBundleToMedia(b, media, {
      signal: ac.signal,
      throttleBytesPerSecond: 20_000_000,
      onProgress: (p) => {
        if (p.filesDone >= 8) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Cancelled);
    expect(existsSync(join(media, 'bundle-c'))).toBe(false);
    const r = await writeBundleToMedia(b, media);
    expect(r.resumedFiles).toBeGreaterThanOrEqual(7);
    expect(r.readBack.ok).toBe(true);
  });

  it('a writer killed mid-copy leaves nothing that verifies and the previous bundle intact', async () => {
    const media = tempDir('junction-media-');
    const previous = await bundleWith('bundle-old', 50_000);
    expect((await writeBundleToMedia(previous, media)).readBack.ok).toBe(true);
    const next = await bundleWith('bundle-new', 4 * 1024 * 1024);
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'slow-writer.ts'), next, media, String(2 * 1024 * 1024)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          if (l === 'DONE') reject(new Error('the writer finished before it could be interrupted'));
          else if ((JSON.parse(l) as { bytesDone: number }).bytesDone > 1024 * 1024) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    await new Promise((r) => child.once('exit', r));
    const names = readdirSync(media).sort();
    expect(names).toContain('bundle-old');
    expect(names).not.toContain('bundle-new');
    const partial = names.find((n) => n.startsWith('.junction-partial-'))!;
    expect(partial).toBeDefined();
    for (const n of names.filter((x) => x !== 'bundle-old')) {
      const v = await verifyBundle(join(media, n), { trusted: trusted() });
      expect(v.ok, n).toBe(false);
    }
    expect((await verifyBundle(join(media, 'bundle-old'), { trusted: trusted() })).ok).toBe(true);
    // The next run resumes and completes; the old bundle is still there.
    const done = await writeBundleToMedia(next, media);
    expect(done.readBack.ok).toBe(true);
    expect(done.resumedFiles).toBeGreaterThan(0);
    expect((await verifyBundle(join(media, 'bundle-old'), { trusted: trusted() })).ok).toBe(true);
  });

  it('keeps a different bundle of the same name aside instead of deleting it', async () => {
    const media = tempDir('junction-media-');
    const one = await bundleWith('same-name', 1000);
    const two = await bundleWith('same-name', 2000);
    await writeBundleToMedia(one, media);
    const r = await writeBundleToMedia(two, media);
    expect(r.movedAside).toBeDefined();
    expect((await verifyBundle(r.movedAside!, { trusted: trusted() })).ok).toBe(true);
    expect((await verifyBundle(r.final, { trusted: trusted() })).manifest?.bundleId).toBe(r.bundleId);
  });
});

describe('media facts', () => {
  it('reads the file system and free space of a target', async () => {
    const info = await targetInfo(tempDir());
    const df = execFileSync('df', ['-B1', '--output=avail', tempDir()], { encoding: 'utf8' }).split('\n')[1]!.trim();
    expect(Math.abs(info.freeBytes - Number(df))).toBeLessThan(512 * 1024 * 1024);
    expect(info.fsName.length).toBeGreaterThan(0);
  });

  it('parses lsblk output, keeping only mounted removable devices', () => {
    const json = JSON.stringify({
      blockdevices: [
        { name: 'sda', path: '/dev/sda', rm: false, hotplug: false, tran: 'sata', size: 500, mountpoint: null, children: [{ name: 'sda1', path: '/dev/sda1', rm: false, mountpoint: '/' }] },
        { name: 'sdb', path: '/dev/sdb', rm: true, hotplug: true, tran: 'usb', size: 32e9, mountpoint: null, children: [{ name: 'sdb1', path: '/dev/sdb1', rm: true, fstype: 'vfat', label: 'TRANSFER', size: 32e9, mountpoint: '/media/admin/TRANSFER' }] },
        { name: 'sdc', path: '/dev/sdc', rm: '0', hotplug: '1', tran: null, size: 8e9, mountpoints: ['/mnt/stick', null] },
      ],
    });
    expect(parseLsblk(json)).toEqual([
      { device: '/dev/sdb1', mountpoint: '/media/admin/TRANSFER', label: 'TRANSFER', fstype: 'vfat', size: 32e9 },
      { device: '/dev/sdc', mountpoint: '/mnt/stick', size: 8e9 },
    ]);
  });

  it('parses Get-Volume JSON (one object or an array)', () => {
    expect(parseWindowsVolumes('{"DriveLetter":"E","FileSystemLabel":"USB","FileSystem":"FAT32","Size":100}')).toEqual([
      { device: 'E:', mountpoint: 'E:\\', label: 'USB', fstype: 'fat32', size: 100 },
    ]);
    expect(parseWindowsVolumes('[{"DriveLetter":null},{"DriveLetter":"F","FileSystem":"exFAT"}]')).toHaveLength(1);
  });

  it('lists drives on this machine without failing', async () => {
    const list = await listRemovableDrives();
    for (const d of list) expect(d.mountpoint.length).toBeGreaterThan(0);
  });

  it('parses sizes', () => {
    expect(parseSize('4GiB')).toBe(4 * 1024 ** 3);
    expect(parseSize('700 MiB')).toBe(700 * 1024 ** 2);
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('lots')).toBeUndefined();
  });
});
