// Reading files from media that came from outside the boundary. A path on such media may be a FIFO (an open()
// that never returns), a device, a symlink to somewhere else on this machine, or a file far larger than anything
// Junction writes. These helpers open only regular files reached without any symlink, never block on open, and
// stop at a size cap, so a hostile file is refused with its name and the reason instead of hanging or exhausting
// memory. Used by receipt import, bundle verify and inspect; reusable by any other reader of returned media.
import { constants, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export class SafeReadError extends Error {
  constructor(
    /** The file as the admin would type it. */
    readonly file: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const FIX_PLAIN = 'only plain files are read from the media; remove or replace the entry and try again';

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Opens `root/rel` for reading if every component below `root` is a real folder (no symlink) and the last one a
 * regular file. Returns undefined when it does not exist. `root` itself is the path the admin named and may be
 * anything that leads to a folder.
 */
export async function openRegularFile(
  root: string,
  rel: string,
): Promise<{ fh: FileHandle; size: number } | undefined> {
  const parts = rel.split('/').filter(Boolean);
  const shown = join(root, ...parts);
  const rootSt = await stat(root).catch(() => undefined);
  if (!rootSt) return undefined;
  if (!rootSt.isDirectory())
    throw new SafeReadError(root, 'is not a folder', 'point at the bundle folder on the media');
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]!);
    let st: Stats;
    try {
      st = await lstat(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
        return undefined;
      throw new SafeReadError(
        at,
        `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'check the media and its permissions',
      );
    }
    const last = i === parts.length - 1;
    if (last ? !st.isFile() : !st.isDirectory()) {
      const what = kindOf(st);
      throw new SafeReadError(at, `is ${what}${last ? '' : ` on the way to ${shown}`}; refused`, FIX_PLAIN);
    }
  }
  // O_NOFOLLOW and O_NONBLOCK close the gap between the lstat and the open: if the entry was swapped for a link
  // or a FIFO meanwhile, open fails or returns at once instead of following it or waiting for a writer.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fh: FileHandle;
  try {
    fh = await open(at, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new SafeReadError(at, 'became a symbolic link while being read; refused', FIX_PLAIN);
    throw new SafeReadError(
      at,
      `cannot be opened (${code ?? (e as Error).message})`,
      'check the media and its permissions',
    );
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new SafeReadError(at, `is ${kindOf(st)}; refused`, FIX_PLAIN);
  }
  return { fh, size: st.size };
}

/**
 * Whether `root/rel` exists as a folder reached without any symlink; throws when something else is in the way,
 * false when it does not exist. Check a folder this way before listing it.
 */
export async function isPlainFolder(root: string, rel: string): Promise<boolean> {
  let at = root;
  for (const part of rel.split('/').filter(Boolean)) {
    at = join(at, part);
    const st = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw new SafeReadError(
        at,
        `cannot be read (${e.code ?? e.message})`,
        'check the media and its permissions',
      );
    });
    if (!st) return false;
    if (!st.isDirectory()) throw new SafeReadError(at, `is ${kindOf(st)}, not a folder; refused`, FIX_PLAIN);
  }
  return true;
}

function tooLarge(file: string, size: number, cap: number): SafeReadError {
  return new SafeReadError(
    file,
    `is ${size} bytes, more than the ${cap} bytes allowed for it; refused without reading it`,
    'this is not a file Junction wrote; check where the media has been',
  );
}

/** The whole file if it is a regular file of at most `cap` bytes; undefined when it does not exist. */
export async function readRegularFile(root: string, rel: string, cap: number): Promise<Buffer | undefined> {
  const opened = await openRegularFile(root, rel);
  if (!opened) return undefined;
  const file = join(root, ...rel.split('/'));
  try {
    if (opened.size > cap) throw tooLarge(file, opened.size, cap);
    // Read at most cap + 1 bytes: a file that grows while being read is caught too.
    const buf = Buffer.alloc(Math.min(cap + 1, opened.size + 1));
    let got = 0;
    for (;;) {
      const { bytesRead } = await opened.fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got === buf.length) break;
    }
    if (got > cap) throw tooLarge(file, got, cap);
    return buf.subarray(0, got);
  } finally {
    await opened.fh.close();
  }
}

export interface LineLimits {
  /** Whole-file limit. */
  maxBytes: number;
  /** Longest single line. */
  maxLineBytes: number;
}

/**
 * The file's lines (without the newline, a trailing \r dropped), streamed, numbered from 1. Refuses with the
 * file and line number once a line or the file passes its limit, so a 600 MB log costs neither memory nor time
 * beyond the limit. Yields nothing when the file does not exist.
 */
export async function* readRegularLines(
  root: string,
  rel: string,
  limits: LineLimits,
): AsyncGenerator<{ line: string; lineNo: number }> {
  const opened = await openRegularFile(root, rel);
  if (!opened) return;
  const file = join(root, ...rel.split('/'));
  try {
    if (opened.size > limits.maxBytes) throw tooLarge(file, opened.size, limits.maxBytes);
    const chunk = Buffer.alloc(64 * 1024);
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let total = 0;
    let lineNo = 0;
    const take = (tail: Buffer): string => {
      const whole = pending.length ? Buffer.concat([...pending, tail]) : tail;
      pending = [];
      pendingLen = 0;
      const text = whole.toString('utf8');
      return text.endsWith('\r') ? text.slice(0, -1) : text;
    };
    for (;;) {
      const { bytesRead } = await opened.fh.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limits.maxBytes) throw tooLarge(file, total, limits.maxBytes);
      let data = chunk.subarray(0, bytesRead);
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
        lineNo++;
        if (pendingLen + nl > limits.maxLineBytes) throw longLine(file, lineNo, limits.maxLineBytes);
        yield { line: take(data.subarray(0, nl)), lineNo };
        data = data.subarray(nl + 1);
      }
      if (data.length) {
        if (pendingLen + data.length > limits.maxLineBytes)
          throw longLine(file, lineNo + 1, limits.maxLineBytes);
        pending.push(Buffer.from(data));
        pendingLen += data.length;
      }
    }
    if (pendingLen) yield { line: take(Buffer.alloc(0)), lineNo: lineNo + 1 };
  } finally {
    await opened.fh.close();
  }
}

function longLine(file: string, lineNo: number, cap: number): SafeReadError {
  return new SafeReadError(
    `${file}:${lineNo}`,
    `line is longer than ${cap} bytes; refused`,
    'this is not a line Junction wrote; check where the media has been',
  );
}
