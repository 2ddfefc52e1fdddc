// Writing a bundle to a folder or removable drive. The copy goes into .junction-partial-<bundleId> on the target,
// each file fsynced, then one rename commits it; the signature is copied last, so an interrupted copy can never
// verify. A rerun resumes: files already in the partial folder with the right hash are kept. Afterwards the
// bundle is read back from the media and verified before the write counts as done.
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, statfs, access } from 'node:fs/promises';
import { basename, join, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseManifest, RECEIPT_DIR } from '../../shared/bundle/manifest';
import { parseSha256Sums } from '../../shared/bundle/sums';
import { fsyncDir } from '../services/atomic-write';
import { walk, insideRoot, fsyncTree } from './fsutil';
import { openSink } from './direct-write';
import { CHUNK, hashFile } from './hash';
import { progressTracker, throwIfAborted, FAT32_MAX_FILE, type ProgressListener } from './progress';
import { publicKeyFingerprint } from './signing';
import { verifyBundleDir, type VerifyResult } from './verify';
import { listRemovableDrives, type Drive } from './drives';

export class MediaError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

// statfs f_type magic numbers (linux/magic.h) for the file systems removable media actually carry.
const FS_TYPES: Record<number, { name: string; maxFile?: number }> = {
  0x4d44: { name: 'vfat', maxFile: FAT32_MAX_FILE },
  0x2011bab0: { name: 'exfat' },
  0x5346544e: { name: 'ntfs' },
  0x7366746e: { name: 'ntfs3' },
  0xef53: { name: 'ext4' },
  0x9123683e: { name: 'btrfs' },
  0x58465342: { name: 'xfs' },
  0x01021994: { name: 'tmpfs' },
  0x794c7630: { name: 'overlayfs' },
};

export interface TargetInfo {
  fsName: string;
  freeBytes: number;
  maxFile?: number;
}

/** Largest file per file-system name, as drive listings report them (lsblk, Get-Volume): FAT's limits. */
const NAME_LIMITS: Record<string, number> = {
  vfat: FAT32_MAX_FILE,
  fat32: FAT32_MAX_FILE,
  fat: FAT32_MAX_FILE,
  msdos: FAT32_MAX_FILE,
  fat16: 2 * 1024 ** 3 - 1,
};

/** The listed drive holding `dir`: the longest mount point that is a prefix of it (case-blind for drive letters). */
export function driveFor(dir: string, drives: readonly Drive[]): Drive | undefined {
  const norm = (p: string) => (/^[A-Za-z]:/.test(p) ? p.replace(/\//g, '\\').toLowerCase() : p);
  const d = norm(dir);
  const sep = /^[a-z]:/.test(d) ? '\\' : '/';
  let best: Drive | undefined;
  for (const drive of drives) {
    const m = norm(drive.mountpoint).replace(/[\\/]+$/, '');
    if ((d === m || d.startsWith(m + sep)) && (!best || m.length > norm(best.mountpoint).length)) best = drive;
  }
  return best;
}

/**
 * Free space from statfs; the file system from statfs's type on Linux, else (Windows and macOS report no Linux
 * magic, FUSE mounts an unknown one) from the removable-drive listing, so FAT32's 4 GiB limit is known everywhere.
 */
export async function targetInfo(dir: string, drives: () => Promise<Drive[]> = listRemovableDrives): Promise<TargetInfo> {
  const s = await statfs(dir);
  const freeBytes = Number(s.bavail) * Number(s.bsize);
  const fs = FS_TYPES[Number(s.type)];
  if (fs?.maxFile !== undefined) return { fsName: fs.name, freeBytes, maxFile: fs.maxFile };
  const listed = driveFor(dir, await drives().catch(() => []));
  const limit = listed?.fstype ? NAME_LIMITS[listed.fstype.toLowerCase()] : undefined;
  if (limit !== undefined) return { fsName: listed!.fstype!.toLowerCase(), freeBytes, maxFile: limit };
  return { fsName: fs?.name ?? listed?.fstype?.toLowerCase() ?? `0x${Number(s.type).toString(16)}`, freeBytes };
}

export interface WriteOptions {
  mediaLimit?: number;
  /** The fix for a file too large for the target, in the words of the front door that asked (default: the CLI's). */
  tooLargeFix?: string;
  /** Where the target's file system is looked up when statfs cannot tell (tests pass a fixed list). */
  drives?: () => Promise<Drive[]>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Pinned signer fingerprints: the result says whether the bundle's signer is one of them. */
  pinned?: ReadonlySet<string>;
  /** Test hook: cap the copy rate (bytes/second) so an interruption can be staged. */
  throttleBytesPerSecond?: number;
}

export interface WriteResult {
  final: string;
  bundleId: string;
  resumedFiles: number;
  copiedBytes: number;
  alreadyPresent: boolean;
  movedAside?: string;
  /**
   * The copy read back from the media against the source's own SHA256SUMS and signature, under the key the bundle
   * carries: it proves the copy matches the source, not that the signer is trusted (see signer.pinned).
   */
  readBack: VerifyResult;
  signer: { fingerprint: string; pinned: boolean };
}

export async function writeBundleToMedia(source: string, targetDir: string, opts: WriteOptions = {}): Promise<WriteResult> {
  const sumsText = await readFile(join(source, 'SHA256SUMS'), 'utf8').catch(() => {
    throw new MediaError(`${source} is not a bundle folder (no SHA256SUMS)`, 'build one with `junction bundle build ... --format dir`, or unpack the archive first');
  });
  const sums = parseSha256Sums(sumsText);
  if (!sums.ok) throw new MediaError(`${source}/SHA256SUMS: ${sums.message}`, 'rebuild the bundle');
  const pm = parseManifest(await readFile(join(source, 'manifest.json'), 'utf8'));
  if (!pm.ok) throw new MediaError(pm.message, 'rebuild the bundle');
  const bundleId = pm.manifest.bundleId;
  const fingerprint = publicKeyFingerprint(await readFile(join(source, 'signer.pem'), 'utf8'));
  const hashes = new Map(sums.entries.map((e) => [e.path, e.sha256]));
  const signer = { fingerprint, pinned: opts.pinned?.has(fingerprint) ?? false };

  const files = (await walk(source)).filter((e) => e.kind === 'file' && !e.path.startsWith(`${RECEIPT_DIR}/`));
  // The signature goes last: a copy cut short anywhere lacks it and cannot verify.
  files.sort((a, b) => (a.path === 'SHA256SUMS.sig' ? 1 : 0) - (b.path === 'SHA256SUMS.sig' ? 1 : 0));
  const total = files.reduce((n, f) => n + f.size, 0);

  await access(targetDir).catch(() => {
    throw new MediaError(`${targetDir} does not exist`, 'mount the drive or create the folder first');
  });
  const info = await targetInfo(targetDir, opts.drives);
  const limit = Math.min(opts.mediaLimit ?? Infinity, info.maxFile ?? Infinity);
  const tooBig = files.find((f) => f.size > limit);
  if (tooBig)
    throw new MediaError(
      `${tooBig.path} is ${tooBig.size} bytes; the target (${info.fsName}) allows at most ${limit} bytes per file`,
      opts.tooLargeFix ?? `rebuild with --media-limit ${info.maxFile === FAT32_MAX_FILE ? '4GiB' : limit} so large files are split into parts`,
    );

  const final = join(targetDir, basename(source));
  const partial = join(targetDir, `.junction-partial-${bundleId}`);
  const finalExists = await stat(final).then(
    () => true,
    () => false,
  );
  if (finalExists) {
    const same = await readFile(join(final, 'manifest.json'), 'utf8').then((t) => {
      const m = parseManifest(t);
      return m.ok && m.manifest.bundleId === bundleId;
    }, () => false);
    if (same) {
      const readBack = await verifyBundleDir(final, { trusted: new Set([fingerprint]), ...(opts.signal ? { signal: opts.signal } : {}) });
      if (readBack.ok) return { final, bundleId, resumedFiles: 0, copiedBytes: 0, alreadyPresent: true, readBack, signer };
    }
  }
  const existingBytes = await walk(partial).then(
    (es) => es.reduce((n, e) => n + e.size, 0),
    () => 0,
  );
  if (total - existingBytes + 1024 * 1024 > info.freeBytes)
    throw new MediaError(`the bundle needs ${total} bytes; ${targetDir} has ${info.freeBytes} free`, 'free space on the media or use a larger one');

  await mkdir(partial, { recursive: true });
  const progress = progressTracker('write', total, files.length, opts.onProgress);
  let resumedFiles = 0;
  let copiedBytes = 0;
  for (const f of files) {
    throwIfAborted(opts.signal);
    const dest = insideRoot(partial, f.path);
    await mkdir(dirname(dest), { recursive: true });
    const have = await stat(dest).then(
      (s) => s.size,
      () => -1,
    );
    const want = hashes.get(f.path);
    const mode = await modeOf(insideRoot(source, f.path));
    if (have === f.size && want !== undefined && (await hashFile(dest)) === want) {
      await keepMode(dest, mode);
      resumedFiles++;
      progress.bytes(f.size);
      progress.file();
      continue;
    }
    copiedBytes += await copyFileSynced(insideRoot(source, f.path), dest, opts, (n) => progress.bytes(n));
    await keepMode(dest, mode);
    progress.file();
  }
  await mkdir(join(partial, RECEIPT_DIR), { recursive: true });
  await fsyncTree(partial);
  let movedAside: string | undefined;
  if (finalExists) {
    // Never delete what was on the media: a different bundle under the same name is moved aside, intact.
    movedAside = `${final}.previous-${Date.now()}`;
    await rename(final, movedAside);
  }
  await rename(partial, final);
  await fsyncDir(targetDir);
  const readBack = await verifyBundleDir(final, { trusted: new Set([fingerprint]), ...(opts.signal ? { signal: opts.signal } : {}) });
  return { final, bundleId, resumedFiles, copiedBytes, alreadyPresent: false, ...(movedAside ? { movedAside } : {}), readBack, signer };
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

/**
 * The source's permission bits on the copy (verify.sh, apply.sh and the .sh steps are 0755), where the target
 * file system keeps them. FAT32 and exFAT have no such bits: chmod fails or is ignored there, which is fine,
 * because the documents run every script as `bash verify.sh` / `sudo bash apply.sh`.
 */
async function keepMode(file: string, mode: number): Promise<void> {
  await chmod(file, mode).catch(() => undefined);
}

async function copyFileSynced(src: string, dest: string, opts: WriteOptions, onBytes: (n: number) => void): Promise<number> {
  // Past the page cache where the OS allows: progress counts bytes that reached the drive, and the read-back that
  // follows reads the drive, not a cached copy.
  const sink = await openSink(dest, { exclusive: false });
  let n = 0;
  const started = Date.now();
  try {
    for await (const chunk of createReadStream(src, { highWaterMark: opts.throttleBytesPerSecond ? 64 * 1024 : CHUNK }) as AsyncIterable<Buffer>) {
      throwIfAborted(opts.signal);
      await sink.write(chunk);
      n += chunk.length;
      onBytes(chunk.length);
      if (opts.throttleBytesPerSecond) {
        const due = (n / opts.throttleBytesPerSecond) * 1000 - (Date.now() - started);
        if (due > 0) await sleep(due);
      }
    }
  } catch (e) {
    await sink.abort();
    throw e;
  }
  const fh = await sink.end().catch(async (e: unknown) => {
    await sink.abort();
    throw e;
  });
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return n;
}
