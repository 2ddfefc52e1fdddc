// Resumable, verified downloads into the content-addressed cache. A transfer that stalls or drops keeps its
// bytes in a .partial file and continues with a Range request; the result is checked against the size the
// server advertised (and the release digest when there is one) before it is trusted.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, rename, stat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError, openUrl, type HttpOptions } from './http';
import { blobPath, cacheKey, cachedBlob, saveCache, type DownloadCache } from './cache';

export type StageEvent =
  | { type: 'cached'; name: string; url: string; size: number }
  | { type: 'start'; name: string; url: string; total?: number; resumeFrom: number }
  | { type: 'progress'; name: string; received: number; total?: number }
  | { type: 'retry'; name: string; attempt: number; reason: string; have: number }
  | { type: 'done'; name: string; size: number; sha256: string; downloaded: number };

export interface FetchRequest {
  url: string;
  /** For messages: "slurm 2.5.0 asset cyclecloud_api-8.1.0.whl". */
  name: string;
  accept?: string;
  expectedSize?: number;
  expectedSha256?: string;
}

export interface FetchContext {
  cache: DownloadCache;
  http: HttpOptions;
  onEvent?: (e: StageEvent) => void;
  retries?: number;
  retryDelayMs?: number;
}

export interface Fetched {
  path: string;
  sha256: string;
  size: number;
  fromCache: boolean;
  /** Bytes that crossed the network for this file in this call. */
  downloaded: number;
}

/** A download that cannot be trusted or cannot be had: message names the file, fix says what to do. */
export class StageError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

function partialPaths(cache: DownloadCache, key: string): { data: string; meta: string } {
  const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return { data: join(cache.dir, 'partial', `${id}.partial`), meta: join(cache.dir, 'partial', `${id}.json`) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string): Promise<ReturnType<typeof createHash>> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fetchToCache(req: FetchRequest, ctx: FetchContext): Promise<Fetched> {
  const { cache } = ctx;
  const emit = ctx.onEvent ?? (() => undefined);
  const key = cacheKey(req.url, req.expectedSize);
  const known = cache.entries[key];

  if (req.expectedSha256) {
    const p = await cachedBlob(cache, req.expectedSha256, req.expectedSize);
    if (p) {
      emit({ type: 'cached', name: req.name, url: req.url, size: req.expectedSize ?? (await sizeOf(p)) });
      return { path: p, sha256: req.expectedSha256, size: await sizeOf(p), fromCache: true, downloaded: 0 };
    }
  }
  // With an advertised size, URL+size identifies the bytes; without one (source archives) the server decides
  // through If-None-Match, which costs a request but no body.
  if (known && req.expectedSize !== undefined) {
    const p = await cachedBlob(cache, known.sha256, known.size);
    if (p) {
      emit({ type: 'cached', name: req.name, url: req.url, size: known.size });
      return { path: p, sha256: known.sha256, size: known.size, fromCache: true, downloaded: 0 };
    }
  }
  const revalidate = known && req.expectedSize === undefined && known.etag && (await cachedBlob(cache, known.sha256, known.size));

  const part = partialPaths(cache, key);
  let meta: { etag?: string } = {};
  try {
    meta = JSON.parse(await readFile(part.meta, 'utf8')) as { etag?: string };
  } catch {
    meta = {};
  }

  const retries = ctx.retries ?? 4;
  let downloaded = 0;
  for (let attempt = 0; ; attempt++) {
    let have = await sizeOf(part.data);
    if (req.expectedSize !== undefined && have > req.expectedSize) {
      await rm(part.data, { force: true });
      have = 0;
    }
    const headers: Record<string, string> = {};
    if (req.accept) headers['accept'] = req.accept;
    if (revalidate && have === 0) headers['if-none-match'] = known!.etag!;
    if (have > 0) {
      headers['range'] = `bytes=${have}-`;
      if (meta.etag) headers['if-range'] = meta.etag;
    }
    try {
      const res = await openUrl(req.url, headers, ctx.http);
      if (res.status === 304 && revalidate) {
        res.body.resume();
        emit({ type: 'cached', name: req.name, url: req.url, size: known!.size });
        return { path: blobPath(cache, known!.sha256), sha256: known!.sha256, size: known!.size, fromCache: true, downloaded };
      }
      if (res.status === 416 && have > 0) {
        // Nothing after what we hold: either it is all here, or the partial is from other bytes.
        res.body.resume();
        const total = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1];
        if (total !== undefined && Number(total) === have) break;
        await rm(part.data, { force: true });
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        res.body.resume();
        const retryable = res.status >= 500 || res.status === 429;
        throw new HttpError(`HTTP ${res.status} from ${res.url}`, retryable, res.status);
      }
      let append = false;
      let total: number | undefined;
      if (res.status === 206) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
        if (!m || Number(m[1]) !== have) {
          res.body.resume();
          await rm(part.data, { force: true });
          throw new HttpError(`${res.url} answered a Range request with an unusable Content-Range`, true);
        }
        append = true;
        total = m[3] === '*' ? undefined : Number(m[3]);
      } else {
        const len = res.headers['content-length'];
        total = len !== undefined ? Number(len) : undefined;
      }
      const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
      if (etag !== meta.etag) {
        meta = etag ? { etag } : {};
        await writeFile(part.meta, JSON.stringify(meta));
      }
      const start = append ? have : 0;
      emit({ type: 'start', name: req.name, url: req.url, total: total ?? req.expectedSize, resumeFrom: start });
      let received = start;
      const limit = req.expectedSize;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          received += chunk.length;
          downloaded += chunk.length;
          if (limit !== undefined && received > limit) {
            cb(new StageError(`${req.name}: the server sent more than the advertised ${limit} bytes`, 'the release asset does not match its metadata; ask the release owner, or retry later'));
            return;
          }
          emit({ type: 'progress', name: req.name, received, total: total ?? limit });
          cb(null, chunk);
        },
      });
      await pipeline(res.body, counter, createWriteStream(part.data, { flags: append ? 'a' : 'w' }));
      if (total !== undefined && received !== total) throw new HttpError(`${req.name}: connection closed after ${received} of ${total} bytes`, true);
      break;
    } catch (e) {
      if (e instanceof StageError) {
        await rm(part.data, { force: true });
        await rm(part.meta, { force: true });
        throw e;
      }
      const retryable = e instanceof HttpError ? e.retryable : true;
      const reason = (e as Error).message;
      if (!retryable || attempt >= retries) {
        throw new StageError(
          `${req.name}: download failed: ${reason}` + (retryable ? ` (after ${attempt + 1} attempts; ${await sizeOf(part.data)} bytes kept for the next run)` : ''),
          retryable ? 'rerun the same command: it resumes where it stopped' : 'check the URL, --api-base, the token and the proxy settings',
        );
      }
      emit({ type: 'retry', name: req.name, attempt: attempt + 1, reason, have: await sizeOf(part.data) });
      await sleep((ctx.retryDelayMs ?? 500) * (attempt + 1));
    }
  }

  const size = await sizeOf(part.data);
  if (req.expectedSize !== undefined && size !== req.expectedSize) {
    await rm(part.data, { force: true });
    await rm(part.meta, { force: true });
    throw new StageError(
      `${req.name}: the release advertises ${req.expectedSize} bytes but the server delivered ${size}; the file is damaged or was replaced`,
      'do not stage it: ask the release owner to re-upload the asset, or check the mirror behind --api-base',
    );
  }
  const sha256 = (await hashFile(part.data)).digest('hex');
  if (req.expectedSha256 && sha256 !== req.expectedSha256) {
    await rm(part.data, { force: true });
    await rm(part.meta, { force: true });
    throw new StageError(
      `${req.name}: SHA-256 is ${sha256} but ${req.expectedSha256} was expected; the file is corrupted or was replaced`,
      'do not stage it: check the mirror or the artifact source, then rerun',
    );
  }
  if (await cachedBlob(cache, sha256, size)) await rm(part.data, { force: true });
  else await rename(part.data, blobPath(cache, sha256));
  await rm(part.meta, { force: true });
  cache.entries[key] = { url: req.url, sha256, size, ...(meta.etag ? { etag: meta.etag } : {}), fetchedAt: new Date().toISOString() };
  await saveCache(cache);
  emit({ type: 'done', name: req.name, size, sha256, downloaded });
  return { path: blobPath(cache, sha256), sha256, size, fromCache: false, downloaded };
}
