// Verification of a bundle directory or archive against pinned signers. Order matters: first everything that can
// be judged without opening listed files (tree shape, SHA256SUMS syntax and paths), then the signer and signature,
// then the manifest, then presence, sizes and hashes. Each failure has its own code and message.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile, stat, mkdtemp, rm } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { CONTROL_FILES, RECEIPT_DIR, parseManifest, type Manifest } from '../../shared/bundle/manifest';
import { checkBundlePath, findDuplicates } from '../../shared/bundle/paths';
import { parseSha256Sums, formatFingerprint } from '../../shared/bundle/sums';
import { walk, insideRoot } from './fsutil';
import { hashFile, hashInto } from './hash';
import { publicKeyFingerprint, verifyDetached } from './signing';
import { extractArchive, type ArchiveProblemCode } from './archive';
import { progressTracker, type ProgressListener } from './progress';

export type VerifyCode =
  | ArchiveProblemCode
  | 'not-a-bundle'
  | 'sums-missing'
  | 'sums-malformed'
  | 'signature-missing'
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
  /** Where to unpack an archive; default: a fresh folder in the OS temp dir, removed afterwards. */
  extractTo?: string;
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
  const dest = opts.extractTo ?? join(await mkdtemp(join(tmpdir(), 'junction-verify-')), basename(path).replace(/\.(tar|zip)$/i, ''));
  try {
    const problems = await extractArchive(path, dest);
    if (problems.length) return { ok: false, problems: problems.map((p) => ({ ...p, fix: p.code === 'truncated-archive' ? FIX.recopy : FIX.reject })), filesChecked: 0, bytesChecked: 0 };
    return await verifyBundleDir(dest, opts);
  } finally {
    if (!opts.extractTo) await rm(dirname(dest), { recursive: true, force: true });
  }
}

function fail(p: VerifyProblem): VerifyResult {
  return { ok: false, problems: [p], filesChecked: 0, bytesChecked: 0 };
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
  if (!onDisk.has('SHA256SUMS')) {
    const looksLike = onDisk.has('manifest.json');
    problems.push({ code: looksLike ? 'sums-missing' : 'not-a-bundle', message: looksLike ? 'SHA256SUMS is missing' : `${dir} is not a Junction bundle (no manifest.json or SHA256SUMS)`, fix: looksLike ? FIX.recopy : 'point at the folder that holds manifest.json' });
    return done();
  }
  if (!onDisk.has('SHA256SUMS.sig')) {
    problems.push({ code: 'signature-missing', path: 'SHA256SUMS.sig', message: 'the signature SHA256SUMS.sig is missing: the bundle is unsigned or was not copied completely', fix: FIX.recopy });
    return done();
  }
  if (!onDisk.has('signer.pem')) {
    problems.push({ code: 'signer-missing', path: 'signer.pem', message: "the signer's public key signer.pem is missing", fix: FIX.recopy });
    return done();
  }
  const sumsBytes = await readFile(join(dir, 'SHA256SUMS'));
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
  const pem = await readFile(join(dir, 'signer.pem'), 'utf8');
  let fingerprint: string;
  try {
    fingerprint = publicKeyFingerprint(createPublicKey(pem));
  } catch (e) {
    problems.push({ code: 'signer-invalid', path: 'signer.pem', message: `signer.pem is not a public key: ${(e as Error).message}`, fix: FIX.reject });
    return done();
  }
  let subject: string | undefined;
  if (onDisk.has('signer.crt')) {
    try {
      const cert = new X509Certificate(await readFile(join(dir, 'signer.crt')));
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
  if (!trusted) {
    problems.push({
      code: 'signer-untrusted',
      message: `signed by ${subject ?? 'an unknown signer'} with key ${formatFingerprint(fingerprint)}, which is not pinned in the trust store${opts.trusted.size ? ` (${opts.trusted.size} pinned signer(s) do not match)` : ' (no signer is pinned yet)'}`,
      fix: `confirm the fingerprint with the sender out of band, then rerun with --trust ${fingerprint}`,
    });
    return done({ signer });
  }
  const sig = await readFile(join(dir, 'SHA256SUMS.sig'));
  if (!verifyDetached(sumsBytes, sig, pem)) {
    problems.push({ code: 'signature-invalid', path: 'SHA256SUMS.sig', message: 'the signature does not match SHA256SUMS under the signer key: the signature was swapped or SHA256SUMS was changed after signing', fix: FIX.reject });
    return done({ signer });
  }

  // Manifest: trusted only once its hash matches the signed list.
  const listed = new Map(parsed.entries.map((e) => [e.path, e.sha256]));
  if (!listed.has('manifest.json') || !onDisk.has('manifest.json')) {
    problems.push({ code: listed.has('manifest.json') ? 'missing-file' : 'manifest-invalid', path: 'manifest.json', message: 'manifest.json is missing', fix: FIX.recopy });
    return done({ signer });
  }
  const manifestBytes = await readFile(join(dir, 'manifest.json'));
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
  const expected = new Map<string, { size: number; sha256: string }>();
  for (const f of manifest.files) for (const p of f.parts ?? [f]) expected.set(p.path, { size: p.size, sha256: p.sha256 });
  for (const [p, want] of expected)
    if (listed.get(p) !== want.sha256)
      problems.push({ code: 'manifest-mismatch', path: p, message: `manifest.json and SHA256SUMS disagree about ${p}`, fix: FIX.reject });
  for (const p of listed.keys())
    if (!expected.has(p) && !(CONTROL_FILES as readonly string[]).includes(p))
      problems.push({ code: 'manifest-mismatch', path: p, message: `SHA256SUMS lists ${p}, which manifest.json does not describe`, fix: FIX.reject });
  if (problems.length) return done({ signer, manifest });

  for (const p of listed.keys())
    if (!onDisk.has(p)) problems.push({ code: 'missing-file', path: p, message: `missing file: ${p} is listed in SHA256SUMS but not in the bundle`, fix: FIX.recopy });
  for (const p of onDisk.keys()) {
    if (listed.has(p) || p === 'SHA256SUMS' || p === 'SHA256SUMS.sig' || p.startsWith(`${RECEIPT_DIR}/`)) continue;
    problems.push({ code: 'extra-file', path: p, message: `extra file: ${p} is in the bundle but not listed in SHA256SUMS`, fix: 'remove the file only if you know where it came from; otherwise treat the bundle as tampered' });
  }
  for (const [p, want] of expected) {
    const got = onDisk.get(p);
    if (got !== undefined && got !== want.size)
      problems.push({ code: 'size-mismatch', path: p, message: `size mismatch: ${p} is ${got} bytes, the manifest says ${want.size}`, fix: FIX.recopy });
  }

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
