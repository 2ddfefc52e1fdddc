// Bundle build throughput against `sha256sum` over the same files, in the same run. Build = read each artefact
// once, hash it, write it into the bundle (past the page cache where Linux allows), fsync, sign. Target: ≥ 0.9×
// sha256sum's throughput, with peak RSS flat (streaming, never a whole file in memory). BENCH_BUNDLE_MB sets the
// artefact volume (default 1024).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, type Artifact } from '../electron/bundle/build';
import { verifyBundle } from '../electron/bundle/verify';
import { makeTestKey, signerFor } from '../test/bundle/helpers';

const totalMb = Number(process.env['BENCH_BUNDLE_MB'] ?? 1024);
const fileMb = Math.max(1, Math.min(64, Math.floor(totalMb / 8)));
const count = Math.max(1, Math.round(totalMb / fileMb));
const dir = mkdtempSync(join(tmpdir(), 'junction-bench-'));

function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number; seconds: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  return fn().then((value) => {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peak, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  });
}

try {
  const src = join(dir, 'src');
  spawnSync('mkdir', ['-p', src]);
  const files: string[] = [];
  const chunk = randomBytes(1024 * 1024);
  for (let i = 0; i < count; i++) {
    const f = join(src, `artefact-${String(i).padStart(3, '0')}.bin`);
    const fd = openSync(f, 'w');
    // Each MiB differs (its index is stamped in) so nothing deduplicates or compresses.
    for (let m = 0; m < fileMb; m++) {
      chunk.writeUInt32LE(i * 100000 + m, 0);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    files.push(f);
  }
  const bytes = count * fileMb * 1024 * 1024;
  const mib = bytes / 1024 / 1024;
  const signer = await signerFor(makeTestKey('Bench Signer'));
  const artifacts: Artifact[] = files.map((f, i) => ({ path: `data/artefact-${i}.bin`, role: 'data', sourceFile: f }));

  const run = (n: number) =>
    peakRss(() =>
      buildBundle({ workspace: { sha256: '0'.repeat(64) }, artifacts, hosts: [] }, { out: join(dir, `bundle-${n}`), format: 'dir', signer, junctionVersion: 'bench' }),
    );
  const sha = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('sha256sum failed');
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  // Flush the freshly written sources first: otherwise their write-back competes with the build's own writes and
  // fsyncs (but not with sha256sum, which only reads), and the ratio measures the kernel's flusher, not the build.
  spawnSync('sync');
  sha(); // warm the page cache so both sides read from memory
  const rssBefore = process.memoryUsage().rss;
  const shaSeconds = Math.min(sha(), sha());
  const b1 = await run(1);
  const b2 = await run(2);
  const build = b1.seconds < b2.seconds ? b1 : b2;
  rmSync(join(dir, 'bundle-1'), { recursive: true, force: true });
  // The same build through the page cache (JUNCTION_DIRECT_IO=0): what O_DIRECT buys on this machine.
  process.env['JUNCTION_DIRECT_IO'] = '0';
  const buffered = await run(3);
  delete process.env['JUNCTION_DIRECT_IO'];
  rmSync(join(dir, 'bundle-3'), { recursive: true, force: true });
  const v = await peakRss(() => verifyBundle(join(dir, 'bundle-2'), { trusted: new Set([signer.fingerprint]) }));
  if (!v.value.ok) throw new Error('the benchmark bundle does not verify');

  const rate = (s: number) => (mib / s).toFixed(0);
  const ratio = shaSeconds / build.seconds;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(`artefacts: ${count} × ${fileMb} MiB = ${mib.toFixed(0)} MiB`);
  console.log(`sha256sum:      ${shaSeconds.toFixed(2)} s  ${rate(shaSeconds)} MiB/s`);
  console.log(`bundle build:   ${build.seconds.toFixed(2)} s  ${rate(build.seconds)} MiB/s  (hash + copy + fsync + sign)`);
  console.log(`  through cache: ${buffered.seconds.toFixed(2)} s  ${rate(buffered.seconds)} MiB/s  (JUNCTION_DIRECT_IO=0, for comparison)`);
  console.log(`bundle verify:  ${v.seconds.toFixed(2)} s  ${rate(v.seconds)} MiB/s`);
  console.log(`ratio build/sha256sum throughput: ${ratio.toFixed(2)}× (target ≥ 0.90×) ${ratio >= 0.9 ? 'OK' : 'BELOW TARGET'}`);
  console.log(`peak RSS: ${mb(rssBefore)} MiB before, ${mb(build.peak)} MiB during build, ${mb(v.peak)} MiB during verify (payload ${mib.toFixed(0)} MiB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
