// Unpacks a project's source archive (a GitHub tarball: one top directory, "owner-repo-<sha>/" or
// "repo-<tag>/") into the staging tree without that top directory, refusing entries that would escape it.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { extract } from 'tar-stream';
import { isBlobReferencingFile } from '../../shared/stage/project-ini';

export interface ExtractedFile {
  /** Inside the project, '/'-separated, without the archive's top directory. */
  path: string;
  size: number;
  sha256: string;
}

export interface Extracted {
  files: ExtractedFile[];
  /** Text of project.ini and spec files, for the blob scan. */
  texts: Map<string, string>;
  skipped: { path: string; reason: string }[];
}

function inside(name: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length < 2) return undefined;
  const rest = parts.slice(1);
  if (rest.some((p) => p === '..') || name.startsWith('/')) return undefined;
  return rest.join('/');
}

export async function extractProjectArchive(archive: string, dest: string): Promise<Extracted> {
  const out: Extracted = { files: [], texts: new Map(), skipped: [] };
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const rel = inside(header.name);
    const done = (e?: unknown) => (e ? ex.destroy(e as Error) : next());
    if (header.type === 'directory') {
      if (rel) mkdir(join(dest, rel), { recursive: true }).then(() => stream.resume(), done);
      else stream.resume();
      stream.on('end', () => done());
      return;
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      out.skipped.push({ path: rel ?? header.name, reason: `${header.type} entries are not staged` });
      stream.on('end', () => done());
      stream.resume();
      return;
    }
    if (!rel) {
      out.skipped.push({ path: header.name, reason: 'outside the archive top directory or contains ".."' });
      stream.on('end', () => done());
      stream.resume();
      return;
    }
    const target = join(dest, rel);
    const hash = createHash('sha256');
    const keep = isBlobReferencingFile(rel) ? ([] as Buffer[]) : undefined;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        size += chunk.length;
        keep?.push(chunk);
        cb(null, chunk);
      },
    });
    mkdir(dirname(target), { recursive: true })
      .then(() => pipeline(stream, tap, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o755 })))
      .then(() => {
        out.files.push({ path: rel, size, sha256: hash.digest('hex') });
        if (keep) out.texts.set(rel, Buffer.concat(keep).toString('utf8'));
        done();
      }, done);
  });
  await pipeline(createReadStream(archive), createGunzip(), ex);
  out.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}
