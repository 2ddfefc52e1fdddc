// Builds a signed bundle from a generic list of artifacts and per-host ordered steps. Content is streamed: each
// source is read once in 1 MiB chunks, hashed and written (split into parts above the media limit) in one pass.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat, access, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BUNDLE_FORMAT,
  RECEIPT_DIR,
  formatManifest,
  mediaPaths,
  partPath,
  type FileEntry,
  type FileRole,
  type HostSteps,
  type LintRecord,
  type Manifest,
} from '../../shared/bundle/manifest';
import { checkBundlePath, findDuplicates } from '../../shared/bundle/paths';
import { formatSha256Sums } from '../../shared/bundle/sums';
import { renderRunbookHtml, renderRunbookMarkdown, type RunbookSection } from '../../shared/bundle/runbook';
import { APPLY_PS1, APPLY_SH, VERIFY_PS1, VERIFY_SH } from '../../shared/bundle/scripts';
import { signDetached, type Signer } from './signing';
import { CHUNK, sha256 } from './hash';
import { progressTracker, throwIfAborted, type ProgressListener } from './progress';
import { fsyncDir } from '../services/atomic-write';
import { fsyncTree, insideRoot } from './fsutil';
import { packArchive } from './archive';
import { openSink } from './direct-write';

export interface Artifact {
  /** Path under files/ in the bundle, "/"-separated. */
  path: string;
  role: FileRole;
  host?: string;
  step?: number;
  bytes?: Uint8Array | string;
  sourceFile?: string;
  /**
   * The path is the file's place in the bundle itself, not under files/: the staged CycleCloud tree keeps its
   * staging/... layout so stage-cyclecloud.sh and its SHA256SUMS work unchanged. Only ROOT_DIRS may be used.
   */
  root?: boolean;
  /** Expected SHA-256 (e.g. from staging.json): a source changed since it was recorded stops the build. */
  sha256?: string;
}

export interface StepInput {
  step: number;
  title: string;
  /** Artifact path (as in Artifact.path) of the script to run. */
  script: string;
  files?: string[];
  needs?: string[];
  check?: string;
}

export interface BundleInput {
  workspace: { name?: string; sha256: string };
  artifacts: Artifact[];
  hosts: { host: string; steps: StepInput[] }[];
  notes?: string;
  /** Extra runbook sections (far-side health, Azure export) rendered after the per-host steps. */
  sections?: RunbookSection[];
  /** The lint gate's result (lint-gate.ts): recorded in the manifest and stated at the top of the RUNBOOK. */
  lint?: LintRecord;
}

export type BundleFormat = 'dir' | 'tar' | 'zip';

export interface BuildOptions {
  out: string;
  format: BundleFormat;
  signer: Signer;
  junctionVersion: string;
  mediaLimit?: number;
  createdAt?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface BuildResult {
  out: string;
  manifest: Manifest;
  fingerprint: string;
  files: number;
  bytes: number;
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export const PAYLOAD_DIR = 'files';
/** Top-level folders a root-placed artifact may use; none collides with the control files or files/. */
export const ROOT_DIRS = ['staging'] as const;

export function bundlePathOf(a: Pick<Artifact, 'path' | 'root'>): string {
  return a.root ? a.path : `${PAYLOAD_DIR}/${a.path}`;
}

function validateInput(input: BundleInput): void {
  for (const a of input.artifacts) {
    const p = checkBundlePath(a.path);
    if (p) throw new BuildError(`artifact ${JSON.stringify(a.path)}: ${p.message}`, 'name artifacts with relative "/"-separated paths of letters, digits, "-", "_" and "."');
    if ((a.bytes === undefined) === (a.sourceFile === undefined))
      throw new BuildError(`artifact ${a.path}: give exactly one of bytes or sourceFile`, 'this is a bug in the caller');
    if (a.root && !(ROOT_DIRS as readonly string[]).includes(a.path.split('/')[0]!))
      throw new BuildError(`artifact ${a.path} is placed at the bundle root outside ${ROOT_DIRS.join(', ')}/`, 'only the staged tree keeps its own path; put other files under files/');
  }
  // Steps name artifacts by path, so those must be unique as well as the places in the bundle.
  const dup = findDuplicates(input.artifacts.map((a) => a.path))[0] ?? findDuplicates(input.artifacts.map(bundlePathOf))[0];
  if (dup) throw new BuildError(`artifact ${dup.path} duplicates ${dup.first} (names that differ only by case collide on Windows and FAT)`, 'rename one of them');
  const known = new Set(input.artifacts.map((a) => a.path));
  for (const h of input.hosts) {
    const steps = new Set<number>();
    for (const s of h.steps) {
      if (steps.has(s.step)) throw new BuildError(`host ${h.host}: step ${s.step} appears twice`, 'number each host\'s steps uniquely');
      steps.add(s.step);
      for (const f of [s.script, ...(s.files ?? [])])
        if (!known.has(f)) throw new BuildError(`host ${h.host} step ${s.step} refers to ${f}, which is not among the artifacts`, 'add the file to the artifacts or fix the step');
    }
  }
}

/** Reads a source once: hashes the whole, writes it whole or in parts of at most `limit` bytes, hashes each part. */
/**
 * Makes finished files durable: fsync and close, started in the background (at most two at a time) so the disk
 * flushes one file while the next is read and hashed; `drain` waits for all of them, and is called before anything
 * is renamed into place, so a bundle folder that appears is complete on disk. The staging of an archive needs no
 * fsync (it is packed, the archive fsynced as one file, then deleted): `finish` only closes.
 */
interface Durability {
  finish(fh: FileHandle): Promise<void>;
  drain(): Promise<void>;
}

function backgroundSyncs(sync: boolean, inFlight = 2): Durability {
  const running = new Set<Promise<void>>();
  const all: Promise<void>[] = [];
  return {
    async finish(fh) {
      if (!sync) return fh.close();
      while (running.size >= inFlight) await Promise.race(running).catch(() => undefined);
      const p = fh.sync().finally(() => fh.close());
      const tracked = p.finally(() => running.delete(tracked));
      // Observed here and re-thrown by drain: a failed fsync fails the build, never an unhandled rejection.
      tracked.catch(() => undefined);
      running.add(tracked);
      all.push(p);
    },
    async drain() {
      await Promise.all(all);
    },
  };
}

/** A small file written whole (runbook, verifiers, manifest, sums), made durable like the payload. */
async function writeWhole(path: string, data: string | Uint8Array, durable: Durability, mode = 0o644): Promise<void> {
  const fh = await open(path, 'wx', mode);
  try {
    await fh.writeFile(data);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
  await durable.finish(fh);
}

async function writeStreamed(
  source: AsyncIterable<Uint8Array>,
  destAbs: string,
  relPath: string,
  size: number,
  limit: number | undefined,
  onBytes: (n: number) => void,
  signal: AbortSignal | undefined,
  durable: Durability,
  direct: boolean,
): Promise<{ sha256: string; parts?: { path: string; size: number; sha256: string }[] }> {
  const split = limit !== undefined && size > limit;
  const whole = createHash('sha256');
  const parts: { path: string; size: number; sha256: string }[] = [];
  let partIndex = 0;
  let partHash = createHash('sha256');
  let partSize = 0;
  const partFile = (i: number) => (split ? partPath(destAbs, i) : destAbs);
  let sink = await openSink(partFile(0), { exclusive: true, direct });
  const closePart = async () => {
    await durable.finish(await sink.end());
    if (split) parts.push({ path: partPath(relPath, partIndex), size: partSize, sha256: partHash.digest('hex') });
  };
  try {
    for await (const raw of source) {
      throwIfAborted(signal);
      let chunk = raw;
      whole.update(chunk);
      while (chunk.length > 0) {
        const room = split ? limit! - partSize : chunk.length;
        if (room === 0) {
          await closePart();
          partIndex++;
          partHash = createHash('sha256');
          partSize = 0;
          sink = await openSink(partFile(partIndex), { exclusive: true, direct });
          continue;
        }
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        if (split) partHash.update(piece);
        partSize += piece.length;
        // The sink keeps one write in flight while the next chunk is read and hashed: I/O overlaps hashing.
        await sink.write(piece);
        chunk = chunk.subarray(piece.length);
      }
      onBytes(raw.length);
    }
    await closePart();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return split ? { sha256: whole.digest('hex'), parts } : { sha256: whole.digest('hex') };
}

async function* bytesSource(b: Uint8Array): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, i + CHUNK);
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function buildBundle(input: BundleInput, opts: BuildOptions): Promise<BuildResult> {
  validateInput(input);
  // The gate is applied by the callers (they word the refusal for their own front door); this catches one that forgot.
  if (input.lint && input.lint.errors > 0 && !input.lint.override)
    throw new BuildError(`the workspace has ${input.lint.errors} lint error(s) and the build was not overridden`, 'fix the lint errors, or override the lint gate explicitly');
  if (opts.mediaLimit !== undefined && opts.mediaLimit < 1024) throw new BuildError(`--media-limit ${opts.mediaLimit} is too small`, 'use at least 1KiB, e.g. 4GiB for FAT32');
  if (await exists(opts.out)) throw new BuildError(`${opts.out} already exists`, 'choose a new --out path; Junction never overwrites a bundle');
  const createdAt = opts.createdAt ?? new Date().toISOString();
  const encoder = new TextEncoder();
  const sizes = await Promise.all(
    input.artifacts.map(async (a) => {
      if (a.bytes !== undefined) return typeof a.bytes === 'string' ? encoder.encode(a.bytes).length : a.bytes.length;
      try {
        return (await stat(a.sourceFile!)).size;
      } catch (e) {
        throw new BuildError(`artifact ${a.path}: cannot read ${a.sourceFile}: ${(e as NodeJS.ErrnoException).code}`, 'check that the generated file exists');
      }
    }),
  );
  const outDir = dirname(opts.out);
  await mkdir(outDir, { recursive: true });
  // The staging directory sits beside the output, on the same file system: no /tmp filling up, and a rename commits.
  const staging = join(outDir, `.${basename(opts.out)}.partial-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  const durable = backgroundSyncs(opts.format === 'dir');
  // A folder bundle is the product and goes past the page cache; an archive's staging is read straight back by the
  // packer, so it stays in the cache.
  const direct = opts.format === 'dir';
  try {
    const total = sizes.reduce((a, b) => a + b, 0);
    const progress = progressTracker('build', total, input.artifacts.length, opts.onProgress);
    const files: FileEntry[] = [];
    for (const [i, a] of input.artifacts.entries()) {
      throwIfAborted(opts.signal);
      const rel = bundlePathOf(a);
      const dest = insideRoot(staging, rel);
      await mkdir(dirname(dest), { recursive: true });
      const size = sizes[i]!;
      const source =
        a.bytes !== undefined
          ? bytesSource(typeof a.bytes === 'string' ? encoder.encode(a.bytes) : a.bytes)
          : (createReadStream(a.sourceFile!, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>);
      const r = await writeStreamed(source, dest, rel, size, opts.mediaLimit, (n) => progress.bytes(n), opts.signal, durable, direct);
      if (a.sha256 !== undefined && r.sha256 !== a.sha256)
        throw new BuildError(
          `${a.sourceFile ?? a.path} has SHA-256 ${r.sha256}, but it was recorded as ${a.sha256}: it changed after it was fetched`,
          'fetch again (`junction stage fetch --out DIR`) or restore the file; a changed file is never bundled',
        );
      // The far side runs bash scripts straight from a bundle folder as well as from an archive (0755 there).
      if (!r.parts && rel.endsWith('.sh')) await chmod(dest, 0o755);
      files.push({
        path: rel,
        size,
        sha256: r.sha256,
        role: a.role,
        ...(a.host !== undefined ? { host: a.host } : {}),
        ...(a.step !== undefined ? { step: a.step } : {}),
        ...(r.parts ? { parts: r.parts } : {}),
      });
      progress.file();
    }
    const splitNames = findDuplicates(files.filter((f) => f.parts).map((f) => f.path.split('/').pop()!))[0];
    if (splitNames) throw new BuildError(`two split files share the name ${splitNames.path}; the verify scripts rebuild split files into one folder`, 'rename one of them');

    const where = new Map(input.artifacts.map((a) => [a.path, bundlePathOf(a)]));
    const hosts: HostSteps[] = input.hosts.map((h) => ({
      host: h.host,
      steps: [...h.steps]
        .sort((a, b) => a.step - b.step)
        .map((s) => ({
          step: s.step,
          title: s.title,
          script: where.get(s.script)!,
          files: (s.files ?? []).map((f) => where.get(f)!),
          needs: s.needs ?? [],
          ...(s.check !== undefined ? { check: s.check } : {}),
        })),
    }));
    const bundleId = sha256(
      [input.workspace.sha256, createdAt, opts.signer.fingerprint, ...files.map((f) => `${f.path}\u0000${f.sha256}`).sort()].join('\n'),
    ).slice(0, 20);
    const draft: Manifest = {
      format: BUNDLE_FORMAT,
      bundleId,
      createdAt,
      junctionVersion: opts.junctionVersion,
      workspace: input.workspace,
      ...(input.lint ? { lint: input.lint } : {}),
      mediaLimit: files.some((f) => f.parts) ? opts.mediaLimit! : null,
      hosts,
      files,
    };
    // The runbook is rendered from the payload-only manifest, then itself listed: no circular hashes.
    const runbookInput = {
      manifest: draft,
      signerFingerprint: opts.signer.fingerprint,
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.sections?.length ? { sections: input.sections } : {}),
    };
    const generated: { path: string; role: FileRole; text: string; mode?: number }[] = [
      { path: 'RUNBOOK.md', role: 'runbook', text: renderRunbookMarkdown(runbookInput) },
      { path: 'RUNBOOK.html', role: 'runbook', text: renderRunbookHtml(runbookInput) },
      { path: 'verify.sh', role: 'verifier', text: VERIFY_SH, mode: 0o755 },
      { path: 'verify.ps1', role: 'verifier', text: VERIFY_PS1 },
      { path: 'apply.ps1', role: 'tool', text: APPLY_PS1 },
      { path: 'apply.sh', role: 'tool', text: APPLY_SH, mode: 0o755 },
    ];
    for (const g of generated) {
      await writeWhole(join(staging, g.path), g.text, durable, g.mode);
      files.push({ path: g.path, size: encoder.encode(g.text).length, sha256: sha256(g.text), role: g.role });
    }
    const manifest: Manifest = { ...draft, files };
    const control: Record<string, string> = {
      'manifest.json': formatManifest(manifest),
      'signer.pem': opts.signer.publicPem,
      'signer.crt': opts.signer.certPem,
    };
    const split = files.filter((f) => f.parts);
    if (split.length) control['SHA256SUMS.joined'] = formatSha256Sums(split.map((f) => ({ path: f.path, sha256: f.sha256 })));
    for (const [p, text] of Object.entries(control)) await writeWhole(join(staging, p), text, durable);
    const sums = formatSha256Sums([
      ...files.flatMap((f) => (f.parts ? f.parts.map((p) => ({ path: p.path, sha256: p.sha256 })) : [{ path: f.path, sha256: f.sha256 }])),
      ...Object.entries(control).map(([p, text]) => ({ path: p, sha256: sha256(text) })),
    ]);
    await writeWhole(join(staging, 'SHA256SUMS'), sums, durable);
    await writeWhole(join(staging, 'SHA256SUMS.sig'), signDetached(encoder.encode(sums), opts.signer.privateKey), durable);
    await mkdir(join(staging, RECEIPT_DIR));
    const fileCount = files.reduce((n, f) => n + mediaPaths(f).length, 0) + Object.keys(control).length + 2;

    await durable.drain();
    if (opts.format === 'dir') {
      await fsyncTree(staging);
      await rename(staging, opts.out);
      await fsyncDir(outDir);
    } else {
      const tmp = join(outDir, `.${basename(opts.out)}.partial-${randomBytes(4).toString('hex')}`);
      try {
        await packArchive(staging, tmp, opts.format, createdAt);
        await rename(tmp, opts.out);
      } finally {
        await rm(tmp, { force: true });
      }
      await fsyncDir(outDir);
      await rm(staging, { recursive: true, force: true });
    }
    return { out: opts.out, manifest, fingerprint: opts.signer.fingerprint, files: fileCount, bytes: total };
  } catch (e) {
    // Only our own staging directory is removed; nothing that existed before the build is touched.
    await durable.drain().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}
