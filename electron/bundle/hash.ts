// Streaming SHA-256: files are read in 1 MiB chunks and never held whole in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Cancelled } from './progress';

export const CHUNK = 1024 * 1024;

export async function hashFile(
  path: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void; start?: number; end?: number } = {},
): Promise<string> {
  const h = createHash('sha256');
  await hashInto(h, path, opts);
  return h.digest('hex');
}

/** Feeds a file (or a byte range of it) into an existing hash, so split parts can be hashed as one file. */
export async function hashInto(
  h: ReturnType<typeof createHash>,
  path: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): Promise<number> {
  let n = 0;
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (opts.signal?.aborted) {
      stream.destroy();
      throw new Cancelled();
    }
    h.update(chunk);
    n += chunk.length;
    opts.onBytes?.(chunk.length);
  }
  return n;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
