// Small file-system helpers shared by build, write and verify: a recursive lstat walk and safe joins.
import { lstat, readdir, open, mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { comparePaths } from '../../shared/bundle/paths';
import { fsyncDir } from '../services/atomic-write';

export interface WalkEntry {
  path: string; // relative, "/"-separated
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
}

/** Lists a tree without following symlinks; sorted by path bytes. */
export async function walk(root: string): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  async function visit(dir: string, prefix: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const abs = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const st = await lstat(abs);
      if (st.isSymbolicLink()) out.push({ path: rel, kind: 'symlink', size: 0 });
      else if (st.isDirectory()) {
        out.push({ path: rel, kind: 'dir', size: 0 });
        await visit(abs, rel);
      } else if (st.isFile()) out.push({ path: rel, kind: 'file', size: st.size });
      else out.push({ path: rel, kind: 'other', size: st.size });
    }
  }
  await visit(root, '');
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

/** Joins a checked relative bundle path onto a root and proves the result stays inside it. */
export function insideRoot(root: string, rel: string): string {
  const base = resolve(root);
  const target = resolve(base, ...rel.split('/'));
  const r = relative(base, target);
  if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) throw new Error(`path escapes the target: ${rel}`);
  return target;
}

export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsyncs every directory of a tree, deepest first, so renames and new entries are durable. */
export async function fsyncTree(root: string): Promise<void> {
  const dirs = (await walk(root)).filter((e) => e.kind === 'dir').map((e) => join(root, ...e.path.split('/')));
  for (const d of dirs.reverse()) await fsyncDir(d);
  await fsyncDir(root);
}

export async function ensureParent(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
}
