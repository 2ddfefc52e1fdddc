// Verification of a bundle directory or archive against pinned signers. Order matters: first everything that can
// be judged without opening listed files (tree shape, SHA256SUMS syntax and paths), then the signer and signature,
// then the manifest, then presence, sizes and hashes. Each failure has its own code and message. An archive goes
// through the same checks up to the sizes from its own index and control files, before anything is unpacked.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { stat, mkdtemp, rm } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { CONTROL_FILES, RECEIPT_DIR, parseManifest, type Manifest } from '../../shared/bundle/manifest';
import { checkBundlePath, findDuplicates } from '../../shared/bundle/paths';
import { parseSha256Sums, formatFingerprint } from '../../shared/bundle/sums';
import { walk, insideRoot } from './fsutil';
import { hashFile, hashInto } from './hash';
import { publicKeyFingerprint, verifyDetached } from './signing';
import { extractArchive, indexArchive, type ArchiveProblemCode } from './archive';
import { readRegularFile, SafeReadError } from './safe-read';
import { progressTracker, type ProgressListener } from './progress';

export type VerifyCode =
  | ArchiveProblemCode
  | 'not-a-bundle'
  | 'sums-missing'
  | 'sums-malformed'
  | 'signature-missing'
  | 'control-unreadable'
  | 'signer-missing'
  | 'signer-invalid'
  | 'signer-mismatch'
  | 'signer-untrusted'
  | 'signature-invalid'
  | 'manifest-invalid'
  | 'manifest-mismatch'
  | 'missing-file'
  | 'extra-file'
  | 'size-mismatch'
  | 'hash-mismatch'
  | 'joined-mismatch';

export interface VerifyProblem {
  code: VerifyCode;
  path?: string;
  message: string;
  fix: string;
}

export interface VerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
  signer?: { fingerprint: string; subject?: string; trusted: boolean };
  manifest?: Manifest;
  filesChecked: number;
  bytesChecked: number;
}

export interface VerifyOptions {
  /** Fingerprints (64 lowercase hex) accepted as signers. */
  trusted: ReadonlySet<string>;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** How many of `trusted` come from the trust store (the rest were given for this run); for the messages. */
  pinned?: number;
  /** Where to unpack an archive; default: a fresh folder in the OS temp dir, removed afterwards. */
  extractTo?: string;
}

/**
 * Largest control file read into memory. Junction writes these far smaller (a manifest of 100 000 files is about
 * 30 MB); anything bigger is not from Junction and is refused before it is read.
 */
export const CONTROL_CAPS: ReadonlyMap<string, number> = new Map([
  ['manifest.json', 64 << 20],
  ['SHA256SUMS', 32 << 20],
  ['SHA256SUMS.joined', 32 << 20],
  ['SHA256SUMS.sig', 64 << 10],
  ['signer.pem', 64 << 10],
  ['signer.crt', 64 << 10],
]);

/** A bundle as the checks see it: its regular files and sizes, and a way to read the small control files. */
interface BundleSource {
  files: ReadonlyMap<string, number>;
  read(path: string): Promise<Buffer>;
  /** The folder or archive, for messages. */
  label: string;
  /** Whether receipt/ may hold files the signature does not cover (a folder on media; never an archive). */
  receipts: boolean;
}

interface SignedCheck {
  problems: VerifyProblem[];
  signer?: VerifyResult['signer'];
  manifest?: Manifest;
  /** SHA256SUMS: path → hash. */
  listed: Map<string, string>;
  /** manifest.json: path → size and hash, parts of split files included. */
  expected: Map<string, { size: number; sha256: string }>;
}

const FIX = {
  recopy: 'copy the bundle again from the source media and verify again; if it fails again, ask the sender to rebuild it',
  reject: 'do not use this bundle; ask the sender for a new one and report the tampering',
};

export async function verifyBundle(path: string, opts: VerifyOptions): Promise<VerifyResult> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return fail({ code: 'not-a-bundle', message: `${path} does not exist`, fix: 'check the path to the bundle folder, .tar or .zip' });
  }
  if (st.isDirectory()) return verifyBundleDir(path, opts);
  // Signature, manifest and sizes first, from the archive's index: nothing is written unless they all pass.
  const idx = await indexArchive(path, CONTROL_CAPS);
  if (idx.problems.length) return { ok: false, problems: idx.problems.map(archiveProblem), filesChecked: 0, bytesChecked: 0 };
  const files = new Map(idx.entries.filter((e) => e.kind === 'file').map((e) => [e.name, e.size]));
  const pre = await checkSigned(archiveSource(path, files, idx.contents), opts, false);
  if (pre.problems.length) return { ok: false, problems: pre.problems, ...(pre.signer ? { signer: pre.signer } : {}), ...(pre.manifest ? { manifest: pre.manifest } : {}), filesChecked: 0, bytesChecked: 0 };
  // Only what the signed list names, at the size just checked.
  const allowed = new Map([...files].filter(([p]) => pre.listed.has(p) || p === 'SHA256SUMS' || p === 'SHA256SUMS.sig'));
  const dest = opts.extractTo ?? join(await mkdtemp(join(tmpdir(), 'junction-verify-')), basename(path).replace(/\.(tar|zip)$/i, ''));
  try {
    const problems = await extractArchive(path, dest, allowed);
    if (problems.length) return { ok: false, problems: problems.map(archiveProblem), filesChecked: 0, bytesChecked: 0 };
    return await verifyBundleDir(dest, opts);
  } finally {
    if (!opts.extractTo) await rm(dirname(dest), { recursive: true, force: true });
  }
}

function archiveProblem(p: { code: ArchiveProblemCode; path?: string; message: string }): VerifyProblem {
  return { ...p, fix: p.code === 'truncated-archive' ? FIX.recopy : FIX.reject };
}

function archiveSource(label: string, files: ReadonlyMap<string, number>, contents: ReadonlyMap<string, Buffer>): BundleSource {
  return {
    label,
    files,
    receipts: false,
    read: async (p) => {
      const b = contents.get(p);
      if (!b) throw new SafeReadError(p, 'was not read from the archive', FIX.reject);
      return b;
    },
  };
}

function dirSource(dir: string, files: ReadonlyMap<string, number>): BundleSource {
  return {
    label: dir,
    files,
    receipts: true,
    read: async (p) => {
      const b = await readRegularFile(dir, p, CONTROL_CAPS.get(p) ?? 0);
      if (!b) throw new SafeReadError(join(dir, p), 'disappeared while being read', FIX.recopy);
      return b;
    },
  };
}

export interface InspectResult {
  ok: boolean;
  problems: VerifyProblem[];
  signer?: { fingerprint: string; subject?: string; trusted: boolean };
  manifest?: Manifest;
}

/**
 * What `bundle inspect` and `bundle diff` may show: the manifest, once the signature made with the key the bundle
 * carries covers it. Whether that key is pinned is reported, not required; payload files are not hashed, and an
 * archive is never unpacked (its manifest is read from the archive into memory).
 */
export async function inspectBundle(path: string, trusted: ReadonlySet<string>): Promise<InspectResult> {
  let st;
  try {
    st = await stat(path);
  } catch {
    return { ok: false, problems: [{ code: 'not-a-bundle', message: `${path} does not exist`, fix: 'check the path to the bundle folder, .tar or .zip' }] };
  }
  let src: BundleSource;
  if (st.isDirectory()) {
    const tree = await walk(path);
    const odd = tree.find((e) => e.kind === 'symlink' || e.kind === 'other');
    if (odd)
      return {
        ok: false,
        problems: [{ code: odd.kind === 'symlink' ? 'symlink' : 'special-entry', path: odd.path, message: `${odd.path} is ${odd.kind === 'symlink' ? 'a symbolic link' : 'a device, FIFO or socket'}; bundles hold only regular files`, fix: FIX.reject }],
      };
    src = dirSource(path, new Map(tree.filter((e) => e.kind === 'file').map((e) => [e.path, e.size])));
  } else {
    const idx = await indexArchive(path, CONTROL_CAPS);
    if (idx.problems.length) return { ok: false, problems: idx.problems.map(archiveProblem) };
    src = archiveSource(path, new Map(idx.entries.filter((e) => e.kind === 'file').map((e) => [e.name, e.size])), idx.contents);
  }
  const r = await checkSigned(src, { trusted }, true);
  return { ok: r.problems.length === 0, problems: r.problems, ...(r.signer ? { signer: r.signer } : {}), ...(r.manifest ? { manifest: r.manifest } : {}) };
}

function fail(p: VerifyProblem): VerifyResult {
  return { ok: false, problems: [p], filesChecked: 0, bytesChecked: 0 };
}

/**
 * Everything short of hashing the payload: control files, signer, signature, manifest, and which files are
 * present at which sizes. `inspectOnly` accepts an unpinned signer (its signature must still hold) and stops
 * once the manifest is known to be the signed one.
 */
async function checkSigned(src: BundleSource, opts: Pick<VerifyOptions, 'trusted' | 'pinned'>, inspectOnly: boolean): Promise<SignedCheck> {
  const problems: VerifyProblem[] = [];
  const listed = new Map<string, string>();
  const expected = new Map<string, { size: number; sha256: string }>();
  const done = (extra: Partial<SignedCheck> = {}): SignedCheck => ({ problems, listed, expected, ...extra });
  if (!src.files.has('SHA256SUMS')) {
    const looksLike = src.files.has('manifest.json');
    problems.push({ code: looksLike ? 'sums-missing' : 'not-a-bundle', message: looksLike ? 'SHA256SUMS is missing' : `${src.label} is not a Junction bundle (no manifest.json or SHA256SUMS)`, fix: looksLike ? FIX.recopy : 'point at the folder that holds manifest.json' });
    return done();
  }
  if (!src.files.has('SHA256SUMS.sig')) {
    problems.push({ code: 'signature-missing', path: 'SHA256SUMS.sig', message: 'the signature SHA256SUMS.sig is missing: the bundle is unsigned or was not copied completely', fix: FIX.recopy });
    return done();
  }
  if (!src.files.has('signer.pem')) {
    problems.push({ code: 'signer-missing', path: 'signer.pem', message: "the signer's public key signer.pem is missing", fix: FIX.recopy });
    return done();
  }
  for (const [name, cap] of CONTROL_CAPS) {
    const size = src.files.get(name);
    if (size !== undefined && size > cap)
      problems.push({ code: 'control-unreadable', path: name, message: `${name} is ${size} bytes, more than the ${cap} a Junction bundle ever has; refused without reading it`, fix: FIX.reject });
  }
  if (problems.length) return done();
  let sumsBytes: Buffer;
  let pem: string;
  let sig: Buffer;
  let crt: Buffer | undefined;
  try {
    sumsBytes = await src.read('SHA256SUMS');
    pem = (await src.read('signer.pem')).toString('utf8');
    sig = await src.read('SHA256SUMS.sig');
    crt = src.files.has('signer.crt') ? await src.read('signer.crt') : undefined;
  } catch (e) {
    if (!(e instanceof SafeReadError)) throw e;
    problems.push({ code: 'control-unreadable', message: e.message, fix: e.fix });
    return done();
  }
  const parsed = parseSha256Sums(sumsBytes.toString('utf8'));
  if (!parsed.ok) {
    problems.push({ code: 'sums-malformed', path: 'SHA256SUMS', message: `SHA256SUMS ${parsed.message}`, fix: FIX.reject });
    return done();
  }
  for (const e of parsed.entries) {
    const p = checkBundlePath(e.path);
    if (p) problems.push({ code: pathCode(p.reason), path: e.path, message: `SHA256SUMS lists an unsafe path: ${p.message}`, fix: FIX.reject });
  }
  for (const d of findDuplicates(parsed.entries.map((e) => e.path)))
    problems.push({ code: 'duplicate-entry', path: d.path, message: `SHA256SUMS lists ${d.path} more than once${d.first !== d.path ? ` (as ${d.first})` : ''}`, fix: FIX.reject });
  if (problems.length) return done();

  // Signer, then signature.
  let fingerprint: string;
  try {
    fingerprint = publicKeyFingerprint(createPublicKey(pem));
  } catch (e) {
    problems.push({ code: 'signer-invalid', path: 'signer.pem', message: `signer.pem is not a public key: ${(e as Error).message}`, fix: FIX.reject });
    return done();
  }
  let subject: string | undefined;
  if (crt) {
    try {
      const cert = new X509Certificate(crt);
      subject = cert.subject.replace(/\n/g, ', ');
      if (publicKeyFingerprint(cert.publicKey) !== fingerprint)
        problems.push({ code: 'signer-mismatch', path: 'signer.crt', message: 'signer.crt and signer.pem hold different keys', fix: FIX.reject });
    } catch (e) {
      problems.push({ code: 'signer-invalid', path: 'signer.crt', message: `signer.crt is not a certificate: ${(e as Error).message}`, fix: FIX.reject });
    }
  }
  const trusted = opts.trusted.has(fingerprint);
  const signer = { fingerprint, ...(subject ? { subject } : {}), trusted };
  if (problems.length) return done({ signer });
  if (!trusted && !inspectOnly) {
    problems.push(untrusted(signer, opts));
    return done({ signer });
  }
  if (!verifyDetached(sumsBytes, sig, pem)) {
    problems.push({ code: 'signature-invalid', path: 'SHA256SUMS.sig', message: 'the signature does not match SHA256SUMS under the signer key: the signature was swapped or SHA256SUMS was changed after signing', fix: FIX.reject });
    return done({ signer });
  }

  // Manifest: trusted only once its hash matches the signed list.
  for (const e of parsed.entries) listed.set(e.path, e.sha256);
  if (!listed.has('manifest.json') || !src.files.has('manifest.json')) {
    problems.push({ code: listed.has('manifest.json') ? 'missing-file' : 'manifest-invalid', path: 'manifest.json', message: 'manifest.json is missing', fix: FIX.recopy });
    return done({ signer });
  }
  let manifestBytes: Buffer;
  try {
    manifestBytes = await src.read('manifest.json');
  } catch (e) {
    if (!(e instanceof SafeReadError)) throw e;
    problems.push({ code: 'control-unreadable', path: 'manifest.json', message: e.message, fix: e.fix });
    return done({ signer });
  }
  if (createHash('sha256').update(manifestBytes).digest('hex') !== listed.get('manifest.json')) {
    problems.push({ code: 'hash-mismatch', path: 'manifest.json', message: 'manifest.json does not match its SHA-256 in SHA256SUMS', fix: FIX.recopy });
    return done({ signer });
  }
  const pm = parseManifest(manifestBytes.toString('utf8'));
  if (!pm.ok) {
    problems.push({ code: 'manifest-invalid', path: 'manifest.json', message: pm.message, fix: FIX.reject });
    return done({ signer });
  }
  const manifest = pm.manifest;

  // The manifest and SHA256SUMS must describe the same files with the same hashes.
  for (const f of manifest.files) for (const p of f.parts ?? [f]) expected.set(p.path, { size: p.size, sha256: p.sha256 });
  for (const [p, want] of expected)
    if (listed.get(p) !== want.sha256)
      problems.push({ code: 'manifest-mismatch', path: p, message: `manifest.json and SHA256SUMS disagree about ${p}`, fix: FIX.reject });
  for (const p of listed.keys())
    if (!expected.has(p) && !(CONTROL_FILES as readonly string[]).includes(p))
      problems.push({ code: 'manifest-mismatch', path: p, message: `SHA256SUMS lists ${p}, which manifest.json does not describe`, fix: FIX.reject });
  if (problems.length || inspectOnly) return done({ signer, manifest });

  for (const p of listed.keys())
    if (!src.files.has(p)) problems.push({ code: 'missing-file', path: p, message: `missing file: ${p} is listed in SHA256SUMS but not in the bundle`, fix: FIX.recopy });
  for (const p of src.files.keys()) {
    if (listed.has(p) || p === 'SHA256SUMS' || p === 'SHA256SUMS.sig' || (src.receipts && p.startsWith(`${RECEIPT_DIR}/`))) continue;
    problems.push({ code: 'extra-file', path: p, message: `extra file: ${p} is in the bundle but not listed in SHA256SUMS`, fix: 'remove the file only if you know where it came from; otherwise treat the bundle as tampered' });
  }
  for (const [p, want] of expected) {
    const got = src.files.get(p);
    if (got !== undefined && got !== want.size)
      problems.push({ code: 'size-mismatch', path: p, message: `size mismatch: ${p} is ${got} bytes, the manifest says ${want.size}`, fix: FIX.recopy });
  }

  return done({ signer, manifest });
}

/**
 * The key's fingerprint comes from the media, so it is shown as what the bundle claims, never as the value to
 * trust: the admin compares it with the one the sender passed on by another channel.
 */
function untrusted(signer: { fingerprint: string; subject?: string }, opts: Pick<VerifyOptions, 'trusted' | 'pinned'>): VerifyProblem {
  const pinned = opts.pinned ?? opts.trusted.size;
  const given = opts.trusted.size - pinned;
  const known = [
    pinned === 0 ? 'no signer is pinned in the trust store' : pinned === 1 ? 'it is not the one signer pinned in the trust store' : `it is none of the ${pinned} signers pinned in the trust store`,
    ...(given === 1 ? ['nor the fingerprint given with --trust'] : given > 1 ? [`nor any of the ${given} fingerprints given with --trust`] : []),
  ].join(', ');
  return {
    code: 'signer-untrusted',
    message: `the bundle claims to be signed by ${signer.subject ?? 'an unnamed signer'} with the key whose fingerprint is ${formatFingerprint(signer.fingerprint)}; ${known}. That fingerprint is read from the media itself, so it proves nothing on its own`,
    fix: 'compare it with the fingerprint the sender gave you by a separate channel (phone, ticket, in person). Only if every digit matches, rerun with --trust and the fingerprint as you received it; if it differs, do not use this bundle',
  };
}

function pathCode(reason: string): VerifyCode {
  return reason === 'absolute' ? 'unsafe-path-absolute' : reason === 'dotdot' ? 'unsafe-path-dotdot' : 'unsafe-path';
}

export async function verifyBundleDir(dir: string, opts: VerifyOptions): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  const done = (extra: Partial<VerifyResult> = {}): VerifyResult => ({ ok: problems.length === 0, problems, filesChecked: 0, bytesChecked: 0, ...extra });
  const tree = await walk(dir);
  for (const e of tree) {
    if (e.kind === 'symlink') problems.push({ code: 'symlink', path: e.path, message: `${e.path} is a symbolic link; bundles hold only regular files`, fix: FIX.reject });
    if (e.kind === 'other') problems.push({ code: 'special-entry', path: e.path, message: `${e.path} is a device, FIFO or socket`, fix: FIX.reject });
  }
  if (problems.length) return done();
  const onDisk = new Map(tree.filter((e) => e.kind === 'file').map((e) => [e.path, e.size]));
  const pre = await checkSigned(dirSource(dir, onDisk), opts, false);
  problems.push(...pre.problems);
  const { signer, manifest, listed } = pre;
  if (problems.length || !manifest) return done({ ...(signer ? { signer } : {}), ...(manifest ? { manifest } : {}) });

  // Hashes of everything present with the right size.
  const toHash = [...listed.entries()].filter(([p]) => onDisk.has(p) && !problems.some((x) => x.path === p));
  const totalBytes = toHash.reduce((n, [p]) => n + (onDisk.get(p) ?? 0), 0);
  const progress = progressTracker('verify', totalBytes, toHash.length, opts.onProgress);
  for (const [p, want] of toHash) {
    const got = await hashFile(insideRoot(dir, p), { ...(opts.signal ? { signal: opts.signal } : {}), onBytes: (n) => progress.bytes(n) });
    if (got !== want) problems.push({ code: 'hash-mismatch', path: p, message: `hash mismatch: ${p} has SHA-256 ${got}, SHA256SUMS says ${want} (content changed or damaged)`, fix: FIX.recopy });
    progress.file();
  }
  // Split files: the parts, hashed in order as one stream, must give the whole file's hash.
  if (problems.length === 0)
    for (const f of manifest.files.filter((x) => x.parts)) {
      const h = createHash('sha256');
      for (const part of f.parts!) await hashInto(h, insideRoot(dir, part.path), opts.signal ? { signal: opts.signal } : {});
      if (h.digest('hex') !== f.sha256)
        problems.push({ code: 'joined-mismatch', path: f.path, message: `the parts of ${f.path} do not join into the file the manifest describes`, fix: FIX.reject });
    }
  return done({ signer, manifest, filesChecked: toHash.length, bytesChecked: totalBytes });
}
