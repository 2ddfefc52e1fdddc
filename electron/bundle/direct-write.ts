// Writes bundle payload past the page cache (O_DIRECT) where Linux allows it, and through it everywhere else.
//
// Why: a multi-GiB bundle written through the cache piles up dirty pages that then drain to a slow USB stick,
// stalling the machine while the progress bar already says 100 %; the read-back that follows would read the cache,
// not the media; and on virtual machines where every fresh page-cache page is expensive to fault in, a buffered
// copy was measured 4-5x slower than a direct one (docs/bundle-format.md, "How files are written").
// O_DIRECT needs the memory address, the file offset and the length aligned to the device's block size: data is
// copied into page-aligned slots (a WebAssembly memory is the one page-aligned allocation JS can ask for), written
// a slot at a time, the last slot padded and the file truncated back to its real length.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CHUNK } from './hash';

/** Covers logical block sizes up to 4 KiB, which is every disk and USB stick that matters. */
export const DIRECT_ALIGN = 4096;
const SLOTS = 8;
const O_DIRECT: number | undefined = (constants as Record<string, number>)['O_DIRECT'];

// @types/node declares no WebAssembly (the ES lib does not either); this is the one constructor used.
interface AlignedMemory {
  readonly buffer: ArrayBuffer;
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => AlignedMemory } })
  .WebAssembly;
let memory: AlignedMemory | undefined;
const free: number[] = [];

/** Two page-aligned CHUNK-sized slots (one being written, one filling), or none when all are in use. */
function takeSlots(): [Buffer, Buffer] | undefined {
  if (!memory) {
    memory = new Memory({ initial: (SLOTS * CHUNK) / 65536, maximum: (SLOTS * CHUNK) / 65536 });
    for (let i = 0; i < SLOTS; i++) free.push(i);
  }
  if (free.length < 2) return undefined;
  const [a, b] = [free.pop()!, free.pop()!];
  return [Buffer.from(memory.buffer, a * CHUNK, CHUNK), Buffer.from(memory.buffer, b * CHUNK, CHUNK)];
}

function giveBack(slots: [Buffer, Buffer]): void {
  for (const s of slots) free.push(s.byteOffset / CHUNK);
}

export interface FileSink {
  /** The sink may hold on to `data` until the next write or end settles: the caller must not change it before. */
  write(data: Uint8Array): Promise<void>;
  /** Writes what is left and returns the open handle, for the caller to fsync and close. */
  end(): Promise<FileHandle>;
  /** Closes without finishing (the caller removes the file). */
  abort(): Promise<void>;
  /** Whether the bytes written so far went past the page cache. */
  readonly direct: boolean;
}

export interface SinkOptions {
  /** Fail if the file exists (bundle staging), or truncate it (media copy, which may resume over a partial file). */
  exclusive: boolean;
  mode?: number;
  /** Set false to write through the page cache. */
  direct?: boolean;
  /** Tests only: a smaller alignment provokes the kernel's EINVAL, to exercise the fallback. */
  align?: number;
}

const isEinval = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EINVAL';

export async function openSink(path: string, opts: SinkOptions): Promise<FileSink> {
  const mode = opts.mode ?? 0o644;
  const create = constants.O_WRONLY | constants.O_CREAT | (opts.exclusive ? constants.O_EXCL : constants.O_TRUNC);
  // JUNCTION_DIRECT_IO=0 is the escape hatch for a driver that mishandles O_DIRECT (and the benchmark's baseline).
  const wanted = opts.direct !== false && process.env['JUNCTION_DIRECT_IO'] !== '0' && O_DIRECT !== undefined;
  const slots = wanted ? takeSlots() : undefined;
  if (!slots) return bufferedSink(await open(path, opts.exclusive ? 'wx' : 'w', mode));
  let fh: FileHandle;
  try {
    fh = await open(path, create | O_DIRECT!, mode);
  } catch (e) {
    giveBack(slots);
    if (!isEinval(e)) throw e;
    // The file system refuses O_DIRECT. Linux creates the file before it checks, so O_EXCL would now fail: the
    // file is ours, empty, and truncated again.
    return bufferedSink(await open(path, 'w', mode));
  }
  return directSink(path, fh, slots, opts.align ?? DIRECT_ALIGN);
}

function bufferedSink(fh: FileHandle): FileSink {
  // One write in flight while the caller reads and hashes the next chunk. Callers hand over fresh buffers (streams
  // allocate each chunk), so nothing is overwritten while it is being written.
  let pending: Promise<unknown> = Promise.resolve();
  return {
    direct: false,
    async write(data) {
      await pending;
      pending = fh.write(data);
    },
    async end() {
      await pending;
      return fh;
    },
    async abort() {
      await pending.catch(() => undefined);
      await fh.close().catch(() => undefined);
    },
  };
}

function directSink(path: string, handle: FileHandle, slots: [Buffer, Buffer], align: number): FileSink {
  let fh = handle;
  let direct = true;
  let released = false;
  let fill = 0; // bytes in the filling slot
  let filling = 0;
  let pos = 0; // file offset of the filling slot
  let pending: Promise<unknown> = Promise.resolve();
  const release = () => {
    if (!released) giveBack(slots);
    released = true;
  };

  /** Writes one slot at `at`; a kernel that will not take it direct gets it, and the rest, through the cache. */
  const writeSlot = async (slot: Buffer, length: number, at: number): Promise<void> => {
    if (direct) {
      const padded = Math.ceil(length / align) * align;
      slot.fill(0, length, padded);
      try {
        await fh.write(slot, 0, padded, at);
        return;
      } catch (e) {
        if (!isEinval(e)) throw e;
        await fh.close();
        fh = await open(path, 'r+');
        direct = false;
      }
    }
    await fh.write(slot, 0, length, at);
  };

  const flush = async (length: number) => {
    const slot = slots[filling]!;
    const at = pos;
    await pending; // the other slot's write has finished: it may be refilled
    pending = writeSlot(slot, length, at);
    pos += length;
    filling ^= 1;
    fill = 0;
  };

  return {
    get direct() {
      return direct;
    },
    async write(data) {
      let off = 0;
      while (off < data.length) {
        const n = Math.min(CHUNK - fill, data.length - off);
        slots[filling]!.set(data.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === CHUNK) await flush(CHUNK);
      }
    },
    async end() {
      try {
        if (fill > 0) await flush(fill);
        await pending;
        // The padding of the last slot is cut off again; a buffered fallback wrote none, and this is then a no-op.
        await fh.truncate(pos);
        return fh;
      } finally {
        release();
      }
    },
    async abort() {
      await pending.catch(() => undefined);
      release();
      await fh.close().catch(() => undefined);
    },
  };
}
