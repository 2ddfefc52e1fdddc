// A content-addressed download cache: bytes live at <cache>/<sha256>, and index.json maps what was asked for
// (URL plus advertised size, or URL plus ETag) to the hash. A second staging run finds everything here.
import { readFile, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../services/atomic-write';

export interface CacheEntry {
  url: string;
  sha256: string;
  size: number;
  etag?: string;
  fetchedAt: string;
}

export interface DownloadCache {
  dir: string;
  entries: Record<string, CacheEntry>;
}

const INDEX = 'index.json';

export function cacheKey(url: string, size?: number): string {
  return size === undefined ? url : `${url}#size=${size}`;
}

export function blobPath(cache: DownloadCache, sha256: string): string {
  return join(cache.dir, sha256);
}

export async function openCache(dir: string): Promise<DownloadCache> {
  await mkdir(join(dir, 'partial'), { recursive: true });
  try {
    const parsed = JSON.parse(await readFile(join(dir, INDEX), 'utf8')) as { entries?: Record<string, CacheEntry> };
    return { dir, entries: parsed.entries ?? {} };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { dir, entries: {} };
    // A damaged index only costs downloads: the blobs themselves are still verified by hash.
    return { dir, entries: {} };
  }
}

export async function saveCache(cache: DownloadCache): Promise<void> {
  await writeFileAtomic(join(cache.dir, INDEX), JSON.stringify({ format: 'junction-cache/1', entries: cache.entries }, null, 1) + '\n');
}

/** The cached blob for an entry, if it is still there at the recorded size. */
export async function cachedBlob(cache: DownloadCache, sha256: string, size?: number): Promise<string | undefined> {
  const p = blobPath(cache, sha256);
  try {
    const s = await stat(p);
    return s.isFile() && (size === undefined || s.size === size) ? p : undefined;
  } catch {
    return undefined;
  }
}
