// The host side of the browser-mode path browser: one folder's entries. Only directory entries are read (names,
// kinds, sizes from lstat/stat); nothing listed is opened, so a FIFO or a device can never block or be read.
import { opendir, lstat, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../../shared/api/contract';
import type { FolderEntry, FolderListing } from '../../shared/api/files-api';
import type { ChannelHandlers } from './host';

/** Enough for any folder an admin browses to; beyond it the listing says so and the path can be typed. */
export const MAX_ENTRIES = 5000;

const fail = (code: 'bad-request' | 'not-found' | 'forbidden', msg: string) =>
  new ApiError(code, `files.list: path: ${msg}`);

export async function listFolder(path: string): Promise<FolderListing> {
  if (!isAbsolute(path))
    throw fail(
      'bad-request',
      `"${path}" is not an absolute path; start it at / (or a drive letter on Windows)`,
    );
  const dir = resolve(path);
  const self = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw fail('not-found', `${dir}: no such folder`);
    if (e.code === 'EACCES' || e.code === 'EPERM') throw fail('forbidden', `${dir}: permission denied`);
    throw e;
  });
  // A link to a folder is followed (home folders often are links); anything that is not a folder is refused.
  const target = self.isSymbolicLink() ? await stat(dir).catch(() => undefined) : self;
  if (!target?.isDirectory()) throw fail('bad-request', `${dir} is not a folder`);

  const entries: FolderEntry[] = [];
  let truncated = false;
  let handle;
  try {
    handle = await opendir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw fail('forbidden', `${dir}: permission denied`);
    throw e;
  }
  for await (const d of handle) {
    if (entries.length >= MAX_ENTRIES) {
      truncated = true;
      break;
    }
    entries.push(await entryOf(dir, d.name, d));
  }
  entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const parent = dirname(dir);
  return { path: dir, ...(parent !== dir ? { parent } : {}), entries, truncated };
}

const rank = (e: FolderEntry) => (e.kind === 'dir' ? 0 : 1);

async function entryOf(
  dir: string,
  name: string,
  d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean },
): Promise<FolderEntry> {
  if (d.isDirectory()) return { name, kind: 'dir' };
  if (d.isFile()) {
    const s = await lstat(join(dir, name)).catch(() => undefined);
    return { name, kind: 'file', ...(s ? { size: s.size } : {}) };
  }
  if (d.isSymbolicLink()) {
    // stat only reads the target's inode: a link to a FIFO is reported as `other`, not opened.
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s) return { name, kind: 'link' };
    if (s.isDirectory()) return { name, kind: 'dir' };
    if (s.isFile()) return { name, kind: 'file', size: s.size };
  }
  return { name, kind: 'other' };
}

export function filesHandlers(): ChannelHandlers<'files.list'> {
  return { 'files.list': (req) => listFolder(req.path) };
}
