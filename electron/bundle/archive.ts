// .tar and .zip forms. Writing is deterministic (entries sorted by path bytes, fixed times, modes and owners,
// zip entries stored uncompressed) so the same staging tree always yields the same bytes. Reading treats the
// archive as hostile: every entry name is checked before anything is written, links and devices are refused,
// and files are created with O_EXCL inside a fresh directory, so nothing can land outside it.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import yazl from 'yazl';
import yauzl from 'yauzl';
import { checkBundlePath, collisionKey } from '../../shared/bundle/paths';
import { walk, insideRoot, fsyncFile } from './fsutil';
import { CHUNK } from './hash';

const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));
// yazl writes DOS times in local time: building the date from local fields keeps the bytes the same in every zone.
const FIXED_DOS_MTIME = new Date(2000, 0, 1, 0, 0, 0);

function modeFor(path: string): number {
  return path.endsWith('.sh') ? 0o755 : 0o644;
}

export async function packArchive(root: string, out: string, format: 'tar' | 'zip', _createdAt: string): Promise<void> {
  const entries = await walk(root);
  if (format === 'tar') {
    const pack = tar.pack();
    const done = pipeline(pack, createWriteStream(out, { flags: 'wx' }));
    for (const e of entries) {
      const common = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: '', gname: '' };
      if (e.kind === 'dir') {
        pack.entry({ ...common, name: `${e.path}/`, type: 'directory', mode: 0o755 });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...common, name: e.path, type: 'file', size: e.size, mode: modeFor(e.path) }, (err) => (err ? reject(err) : resolve()));
        createReadStream(insideRoot(root, e.path), { highWaterMark: CHUNK })
          .on('error', reject)
          .pipe(sink);
      });
    }
    pack.finalize();
    await done;
  } else {
    const zip = new yazl.ZipFile();
    for (const e of entries) {
      const opts = { mtime: FIXED_DOS_MTIME, forceDosTimestamp: true };
      if (e.kind === 'dir') zip.addEmptyDirectory(e.path, opts);
      else zip.addReadStream(createReadStream(insideRoot(root, e.path), { highWaterMark: CHUNK }), e.path, { ...opts, compress: false, mode: 0o100000 | modeFor(e.path), size: e.size });
    }
    zip.end();
    await pipeline(zip.outputStream as Readable, createWriteStream(out, { flags: 'wx' }));
  }
  await fsyncFile(out);
}

export type ArchiveProblemCode = 'truncated-archive' | 'unsafe-path-absolute' | 'unsafe-path-dotdot' | 'unsafe-path' | 'symlink' | 'special-entry' | 'duplicate-entry' | 'archive-unreadable';

export interface ArchiveProblem {
  code: ArchiveProblemCode;
  path?: string;
  message: string;
}

function nameProblem(name: string): ArchiveProblem | undefined {
  const p = checkBundlePath(name);
  if (!p) return undefined;
  const code = p.reason === 'absolute' ? 'unsafe-path-absolute' : p.reason === 'dotdot' ? 'unsafe-path-dotdot' : 'unsafe-path';
  return { code, path: name, message: `archive entry ${p.message}; refused, nothing written for it` };
}

/** Extracts into `dest` (created fresh, must not exist). Returns the problems; on any problem the caller stops. */
export async function extractArchive(file: string, dest: string): Promise<ArchiveProblem[]> {
  await mkdir(dirname(dest), { recursive: true });
  // The target itself must be new: extracting over existing files could follow links planted there.
  await mkdir(dest, { recursive: false });
  const problems: ArchiveProblem[] = [];
  const seen = new Set<string>();
  const admit = (rawName: string, kind: 'file' | 'dir' | 'symlink' | 'other'): string | undefined => {
    const name = kind === 'dir' ? rawName.replace(/\/+$/, '') : rawName;
    const bad = nameProblem(name);
    if (bad) {
      problems.push(bad);
      return undefined;
    }
    if (kind === 'symlink') {
      problems.push({ code: 'symlink', path: name, message: `archive entry ${name} is a link; bundles hold only regular files` });
      return undefined;
    }
    if (kind === 'other') {
      problems.push({ code: 'special-entry', path: name, message: `archive entry ${name} is a device, FIFO or other special file` });
      return undefined;
    }
    const key = collisionKey(name);
    if (seen.has(key)) {
      problems.push({ code: 'duplicate-entry', path: name, message: `archive entry ${name} appears more than once (a later copy could replace a verified one)` });
      return undefined;
    }
    seen.add(key);
    return name;
  };
  const writeEntry = async (name: string, stream: AsyncIterable<Uint8Array>): Promise<void> => {
    const target = insideRoot(dest, name);
    await mkdir(dirname(target), { recursive: true });
    // O_EXCL: never replaces or follows anything already at the target path.
    const fh = await open(target, 'wx', 0o644);
    try {
      for await (const chunk of stream) await fh.write(chunk);
    } finally {
      await fh.close();
    }
  };
  const isZip = await sniffZip(file);
  try {
    if (!isZip) await extractTar(file, dest, admit, writeEntry);
    else await extractZip(file, dest, admit, writeEntry);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/unexpected end|end of central directory|truncated|premature|invalid tar header|not a valid/i.test(msg) || (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE')
      problems.push({ code: 'truncated-archive', message: `${file} is truncated or damaged (${msg}); copy it again from the source media` });
    else problems.push({ code: 'archive-unreadable', message: `${file} cannot be read as a bundle archive: ${msg}` });
  }
  return problems;
}

async function sniffZip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b.readUInt32LE(0) === 0x04034b50 || b.readUInt32LE(0) === 0x06054b50;
  } finally {
    await fh.close();
  }
}

type Admit = (name: string, kind: 'file' | 'dir' | 'symlink' | 'other') => string | undefined;
type WriteEntry = (name: string, stream: AsyncIterable<Uint8Array>) => Promise<void>;

async function extractTar(file: string, dest: string, admit: Admit, writeEntry: WriteEntry): Promise<void> {
  const size = (await stat(file)).size;
  // A tar is a sequence of 512-byte records; anything else was cut short in transit.
  if (size % 512 !== 0 || size < 1024) throw new Error(`unexpected end of data: ${size} bytes is not a whole number of tar records`);
  const extract = tar.extract();
  const src = createReadStream(file, { highWaterMark: CHUNK });
  src.on('error', (e) => extract.destroy(e));
  src.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const header = entry.header;
    const kind = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'dir' : header.type === 'symlink' || header.type === 'link' ? 'symlink' : 'other';
    const name = admit(header.name, kind);
    if (name !== undefined && kind === 'file') await writeEntry(name, entry as AsyncIterable<Uint8Array>);
    else {
      if (name !== undefined) await mkdirInside(dest, name);
      for await (const _chunk of entry) {
        // drained unread: refused entries are never written
      }
    }
  }
}

async function mkdirInside(dest: string, name: string): Promise<void> {
  await mkdir(insideRoot(dest, name), { recursive: true });
}

async function extractZip(file: string, dest: string, admit: Admit, writeEntry: WriteEntry): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false }, (err, z) => (err ? reject(err) : resolve(z!))),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      // decodeStrings is off so yauzl does not reject bad names with a generic error: we name the exact reason.
      const fileName = Buffer.from(entry.fileName as unknown as Uint8Array).toString('utf8');
      const isDir = fileName.endsWith('/');
      const kind = mode === 0o120000 ? 'symlink' : isDir ? 'dir' : mode === 0 || mode === 0o100000 ? 'file' : 'other';
      const name = admit(fileName, kind);
      if (name === undefined) return zip.readEntry();
      if (kind === 'dir') return void mkdirInside(dest, name).then(() => zip.readEntry(), reject);
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        // yauzl's streams stall under for-await; a node PassThrough in between iterates reliably.
        const through = new PassThrough();
        stream.on('error', (e) => through.destroy(e));
        stream.pipe(through);
        writeEntry(name, through).then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
}
