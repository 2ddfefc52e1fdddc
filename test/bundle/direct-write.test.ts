// The payload writer: every size and chunking round-trips byte for byte, direct writes leave the page cache empty
// (checked with util-linux's fincore, not with the writer's own flag), and every way out of O_DIRECT still writes
// the right bytes.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSink } from '../../electron/bundle/direct-write';
import { CHUNK } from '../../electron/bundle/hash';

const dir = mkdtempSync(join(tmpdir(), 'junction-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `f${n++}`);

/** Feeds data in random-sized pieces, as streams and split parts do. */
async function writeAll(path: string, data: Buffer, opts: Parameters<typeof openSink>[1]) {
  const sink = await openSink(path, opts);
  let off = 0;
  let previous: Buffer | undefined;
  while (off < data.length) {
    const len = Math.min(data.length - off, 1 + Math.floor(Math.random() * 300_000));
    const piece = Buffer.from(data.subarray(off, off + len));
    await sink.write(piece);
    // The contract: a piece is the sink's until the next call settles; scribbling on it after that changes nothing.
    previous?.fill(0xee);
    previous = piece;
    off += len;
  }
  const fh = await sink.end();
  previous?.fill(0xee);
  await fh.sync();
  await fh.close();
  return sink;
}

/** Bytes of the file in the page cache, as util-linux's fincore reports them. */
function cachedBytes(path: string): number {
  return Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).trim());
}

describe('payload writer', () => {
  it('round-trips every size around the block and slot boundaries', async () => {
    for (const size of [0, 1, 4095, 4096, 4097, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 123]) {
      const data = randomBytes(size);
      const f = fresh();
      await writeAll(f, data, { exclusive: true });
      const back = readFileSync(f);
      expect(back.length, `size ${size}`).toBe(size);
      expect(back.equals(data), `size ${size}`).toBe(true);
    }
  });

  it.runIf(process.platform === 'linux')('goes past the page cache on Linux: at most the last block stays cached', async () => {
    const f = fresh();
    const sink = await writeAll(f, randomBytes(4 * CHUNK + 5000), { exclusive: true });
    expect(sink.direct).toBe(true);
    expect(cachedBytes(f)).toBeLessThanOrEqual(4096);
    // The same write through the cache leaves it all there: the check above can tell the two apart.
    const g = fresh();
    const buffered = await writeAll(g, randomBytes(4 * CHUNK + 5000), { exclusive: true, direct: false });
    expect(buffered.direct).toBe(false);
    expect(cachedBytes(g)).toBeGreaterThan(4 * CHUNK);
  });

  it('falls back to the page cache when the kernel refuses a direct write, without losing a byte', async () => {
    // An alignment of 1 sends the kernel a tail it must refuse with EINVAL on a block device file system.
    const data = randomBytes(2 * CHUNK + 777);
    const f = fresh();
    const sink = await writeAll(f, data, { exclusive: true, align: 1 });
    expect(readFileSync(f).equals(data)).toBe(true);
    if (process.platform === 'linux') expect(sink.direct).toBe(false);
  });

  it('honours JUNCTION_DIRECT_IO=0', async () => {
    process.env['JUNCTION_DIRECT_IO'] = '0';
    try {
      const f = fresh();
      const data = randomBytes(CHUNK + 1);
      const sink = await writeAll(f, data, { exclusive: true });
      expect(sink.direct).toBe(false);
      expect(readFileSync(f).equals(data)).toBe(true);
    } finally {
      delete process.env['JUNCTION_DIRECT_IO'];
    }
  });

  it('refuses an existing file when exclusive, and truncates it otherwise', async () => {
    const f = fresh();
    writeFileSync(f, 'x'.repeat(10_000));
    await expect(openSink(f, { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    const data = randomBytes(100);
    await writeAll(f, data, { exclusive: false });
    expect(readFileSync(f).equals(data)).toBe(true);
  });

  it('writes through the cache when all aligned slots are taken, and gets them back on end and abort', async () => {
    const sinks = await Promise.all([0, 1, 2, 3, 4].map(() => openSink(fresh(), { exclusive: true })));
    if (process.platform === 'linux') expect(sinks.map((s) => s.direct)).toEqual([true, true, true, true, false]);
    for (const s of sinks.slice(0, 2)) await s.abort();
    for (const s of sinks.slice(2)) await (await s.end()).close();
    const again = await Promise.all([0, 1, 2, 3].map(() => openSink(fresh(), { exclusive: true })));
    if (process.platform === 'linux') expect(again.every((s) => s.direct)).toBe(true);
    for (const s of again) await s.abort();
  });
});
