// Progress for long file operations: bytes, files and an ETA from the average rate so far. Cancel is an AbortSignal.

export interface Progress {
  phase: string;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Seconds left at the average rate so far; undefined until there is a rate to extrapolate. */
  etaSeconds?: number;
}

export type ProgressListener = (p: Progress) => void;

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

export function progressTracker(phase: string, bytesTotal: number, filesTotal: number, listener?: ProgressListener) {
  const start = Date.now();
  let bytesDone = 0;
  let filesDone = 0;
  const emit = () => {
    if (!listener) return;
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0.2 ? bytesDone / elapsed : 0;
    const p: Progress = { phase, bytesDone, bytesTotal, filesDone, filesTotal };
    if (rate > 0) p.etaSeconds = Math.max(0, (bytesTotal - bytesDone) / rate);
    listener(p);
  };
  return {
    bytes(n: number) {
      bytesDone += n;
      emit();
    },
    file() {
      filesDone++;
      emit();
    },
    get bytesDone() {
      return bytesDone;
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** "4GiB", "4 GiB", "700MB", "1048576" → bytes; undefined when unreadable. */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$/i.exec(s);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const pow = { '': 0, b: 0, k: 1, kb: 1, kib: 1, ki: 1, m: 2, mb: 2, mib: 2, mi: 2, g: 3, gb: 3, gib: 3, gi: 3, t: 4, tb: 4, tib: 4, ti: 4 }[unit];
  if (pow === undefined) return undefined;
  // Decimal units (MB) would surprise nobody less than binary ones on media labels; both mean binary here,
  // which errs on the safe side of a file-system limit.
  const v = Math.floor(Number(m[1]) * 1024 ** pow);
  return v > 0 ? v : undefined;
}

/** The largest file FAT32 can hold: 4 GiB minus one byte. */
export const FAT32_MAX_FILE = 4 * 1024 ** 3 - 1;
