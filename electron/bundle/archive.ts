// .tar and .zip forms. Writing is deterministic (entries sorted by path bytes, fixed times, modes and owners,
// zip entries stored uncompressed) so the same staging tree always yields the same bytes. Reading treats the
// archive as hostile, in two passes. indexArchive reads only the archive's own directory (every tar header, the
// zip central directory) and the few small control files, into memory with a cap, and writes nothing: names,
// links, devices, duplicates and compressed entries are refused there, and the caller checks the signature and
// the signed sizes from it. extractArchive then writes only the entries the caller allowed, at the sizes it
// allowed, with O_EXCL inside a fresh directory, so nothing can land outside it or grow past what was signed.
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

export type ArchiveProblemCode =
  | 'truncated-archive'
  | 'unsafe-path-absolute'
  | 'unsafe-path-dotdot'
  | 'unsafe-path'
  | 'symlink'
  | 'special-entry'
  | 'duplicate-entry'
  | 'archive-unreadable'
  | 'compressed-entry'
  | 'entry-too-large'
  | 'entry-not-allowed';

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

type Kind = 'file' | 'dir' | 'symlink' | 'other';

/** One entry as the archive describes it, before anything is read from it. */
interface RawEntry {
  name: string;
  kind: Kind;
  /** Bytes the entry unpacks to, as its header says. */
  size: number;
  /** Why the entry cannot be copied byte for byte (compressed or encrypted), if so. */
  packed?: string;
  /** Its data; must be consumed before the next entry is visited. */
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export interface IndexedEntry {
  name: string;
  kind: 'file' | 'dir';
  size: number;
}

export interface ArchiveIndex {
  problems: ArchiveProblem[];
  entries: IndexedEntry[];
  /** The wanted small files, read into memory. */
  contents: Map<string, Buffer>;
}

/** Name, kind and duplicate checks shared by both passes. */
function admitter(problems: ArchiveProblem[]): (raw: RawEntry) => string | undefined {
  const seen = new Set<string>();
  return (raw) => {
    const name = raw.kind === 'dir' ? raw.name.replace(/\/+$/, '') : raw.name;
    const bad = nameProblem(name);
    if (bad) {
      problems.push(bad);
      return undefined;
    }
    if (raw.kind === 'symlink') {
      problems.push({ code: 'symlink', path: name, message: `archive entry ${name} is a link; bundles hold only regular files` });
      return undefined;
    }
    if (raw.kind === 'other') {
      problems.push({ code: 'special-entry', path: name, message: `archive entry ${name} is a device, FIFO or other special file` });
      return undefined;
    }
    if (raw.packed) {
      problems.push({
        code: 'compressed-entry',
        path: name,
        message: `archive entry ${name} is ${raw.packed}, ${raw.size} bytes unpacked; bundle entries are stored as they are, so it was refused without unpacking it`,
      });
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
}

function damaged(file: string, e: unknown): ArchiveProblem {
  const msg = (e as Error)?.message ?? String(e);
  if (/unexpected end|end of central directory|truncated|premature|invalid tar header|not a valid|overflows|too (few|many) bytes/i.test(msg) || (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE')
    return { code: 'truncated-archive', message: `${file} is truncated or damaged (${msg}); copy it again from the source media` };
  return { code: 'archive-unreadable', message: `${file} cannot be read as a bundle archive: ${msg}` };
}

/**
 * First pass: lists the entries and reads the `wanted` ones (name → byte cap) into memory. Writes nothing and
 * never unpacks a compressed entry, so its cost is bounded by the archive's size, not by what it claims to hold.
 */
export async function indexArchive(file: string, wanted: ReadonlyMap<string, number>): Promise<ArchiveIndex> {
  const problems: ArchiveProblem[] = [];
  const entries: IndexedEntry[] = [];
  const contents = new Map<string, Buffer>();
  const admit = admitter(problems);
  try {
    await eachEntry(file, async (raw) => {
      const name = admit(raw);
      if (name === undefined || (raw.kind !== 'file' && raw.kind !== 'dir')) return;
      entries.push({ name, kind: raw.kind, size: raw.size });
      const cap = wanted.get(name);
      if (raw.kind !== 'file' || cap === undefined) return;
      if (raw.size > cap) {
        problems.push({ code: 'entry-too-large', path: name, message: `archive entry ${name} is ${raw.size} bytes, more than the ${cap} allowed for it; refused without reading it` });
        return;
      }
      const parts: Buffer[] = [];
      let n = 0;
      for await (const chunk of await raw.open()) {
        n += chunk.length;
        if (n > raw.size) throw new Error(`entry ${name} holds more bytes than its header says (too many bytes)`);
        parts.push(Buffer.from(chunk));
      }
      contents.set(name, Buffer.concat(parts));
    });
  } catch (e) {
    problems.push(damaged(file, e));
  }
  return { problems, entries, contents };
}

/**
 * Second pass: extracts into `dest` (created fresh, must not exist). With `allowed` (name → exact size, from the
 * checked index), any other entry, or one whose size changed since, stops the unpacking before it is written,
 * and no entry is written past its size. Returns the problems; on any problem the caller stops.
 */
export async function extractArchive(file: string, dest: string, allowed?: ReadonlyMap<string, number>): Promise<ArchiveProblem[]> {
  await mkdir(dirname(dest), { recursive: true });
  // The target itself must be new: extracting over existing files could follow links planted there.
  await mkdir(dest, { recursive: false });
  const problems: ArchiveProblem[] = [];
  const admit = admitter(problems);
  const writeEntry = async (name: string, size: number, stream: AsyncIterable<Uint8Array>): Promise<void> => {
    const target = insideRoot(dest, name);
    await mkdir(dirname(target), { recursive: true });
    // O_EXCL: never replaces or follows anything already at the target path.
    const fh = await open(target, 'wx', 0o644);
    try {
      let n = 0;
      for await (const chunk of stream) {
        n += chunk.length;
        if (n > size) throw new Error(`entry ${name} holds more bytes than its header says (too many bytes)`);
        await fh.write(chunk);
      }
    } finally {
      await fh.close();
    }
  };
  try {
    await eachEntry(file, async (raw) => {
      // After the first problem nothing more is written; the rest is only listed for the report.
      const name = admit(raw);
      if (name === undefined || problems.length) return;
      if (raw.kind === 'dir') return void (await mkdir(insideRoot(dest, name), { recursive: true }));
      if (allowed && allowed.get(name) !== raw.size) {
        problems.push({
          code: 'entry-not-allowed',
          path: name,
          message: `archive entry ${name} (${raw.size} bytes) is not what was checked before unpacking: the archive changed while being read`,
        });
        return;
      }
      await writeEntry(name, raw.size, await raw.open());
    });
  } catch (e) {
    problems.push(damaged(file, e));
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

async function eachEntry(file: string, visit: (e: RawEntry) => Promise<void>): Promise<void> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  if (await sniffZip(file)) await eachZipEntry(file, visit);
  else await eachTarEntry(file, st.size, visit);
}

async function eachTarEntry(file: string, size: number, visit: (e: RawEntry) => Promise<void>): Promise<void> {
  // A tar is a sequence of 512-byte records; anything else was cut short in transit.
  if (size % 512 !== 0 || size < 1024) throw new Error(`unexpected end of data: ${size} bytes is not a whole number of tar records`);
  // Every tar ends with two zero records; cut at an entry boundary, the rest would read as a complete, smaller tar.
  const fh = await open(file, 'r');
  try {
    const tail = Buffer.alloc(1024);
    await fh.read(tail, 0, 1024, size - 1024);
    if (tail.some((b) => b !== 0)) throw new Error('unexpected end of data: no end-of-archive marker (two zero records), so the tar was cut short');
  } finally {
    await fh.close();
  }
  const extract = tar.extract();
  const src = createReadStream(file, { highWaterMark: CHUNK });
  src.on('error', (e) => extract.destroy(e));
  src.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const header = entry.header;
    const kind: Kind =
      header.type === 'file' || header.type === 'contiguous-file'
        ? 'file'
        : header.type === 'directory'
          ? 'dir'
          : header.type === 'symlink' || header.type === 'link'
            ? 'symlink'
            : 'other';
    await visit({ name: header.name, kind, size: header.size ?? 0, open: async () => entry as AsyncIterable<Uint8Array> });
    for await (const _chunk of entry) {
      // drained unread: entries not visited are never written
    }
  }
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const off = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (off(), resolve(e));
    const onEnd = () => (off(), resolve(undefined));
    const onError = (e: Error) => (off(), reject(e));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function eachZipEntry(file: string, visit: (e: RawEntry) => Promise<void>): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false }, (err, z) => (err ? reject(err) : resolve(z!))),
  );
  try {
    for (let entry = await nextZipEntry(zip); entry; entry = await nextZipEntry(zip)) {
      const e = entry;
      const mode = (e.externalFileAttributes >>> 16) & 0o170000;
      // decodeStrings is off so yauzl does not reject bad names with a generic error: we name the exact reason.
      const fileName = Buffer.from(e.fileName as unknown as Uint8Array).toString('utf8');
      const isDir = fileName.endsWith('/');
      const kind: Kind = mode === 0o120000 ? 'symlink' : isDir ? 'dir' : mode === 0 || mode === 0o100000 ? 'file' : 'other';
      const packed =
        (e.generalPurposeBitFlag & 1) !== 0
          ? 'encrypted'
          : e.compressionMethod !== 0
            ? `compressed with method ${e.compressionMethod}: ${e.compressedSize} bytes in the archive`
            : e.compressedSize !== e.uncompressedSize
              ? `stored with two different sizes, as if compressed: ${e.compressedSize} bytes in the archive`
              : undefined;
      await visit({
        name: fileName,
        kind,
        size: e.uncompressedSize,
        ...(packed ? { packed } : {}),
        open: () =>
          new Promise((resolve, reject) =>
            zip.openReadStream(e, (err, stream) => {
              if (err || !stream) return reject(err ?? new Error('no stream'));
              // yauzl's streams stall under for-await; a node PassThrough in between iterates reliably.
              const through = new PassThrough();
              stream.on('error', (x) => through.destroy(x));
              stream.pipe(through);
              resolve(through);
            }),
          ),
      });
    }
  } finally {
    zip.close();
  }
}
