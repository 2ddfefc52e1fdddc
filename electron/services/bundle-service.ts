// Host side of the bundle channels: build, verify and write with progress the UI can poll, cancel through an
// AbortSignal, and the signing key's password taken from the request (never from a file, never kept), or the key
// taken from this computer's key store (keystore-service.ts) for the one build.
import { resolve } from 'node:path';
import {
  ApiError,
  type ApiRequest,
  type BundleBuildResult,
  type BundleVerifyResult,
  type BundleWriteResult,
  type DriveList,
  type JobProgress,
  type JobStatus,
  type TrustedSigner,
} from '../../shared/api/contract';
import { normalizeFingerprint } from '../../shared/bundle/sums';
import { buildBundle, BuildError, type BundleInput } from '../bundle/build';
import { loadPfxSignerWithPassword, SigningError, type Signer } from '../bundle/signing';
import { verifyBundle } from '../bundle/verify';
import {
  loadTrustStore as loadTrustFile,
  pinSigner,
  resolveStateDir,
  TrustStoreError,
  unpinSigner,
} from '../bundle/trust';
import { writeBundleToMedia } from '../bundle/media';
import { listRemovableDrives } from '../bundle/drives';
import { Cancelled, type Progress } from '../bundle/progress';
import { sha256 } from '../bundle/hash';
import { bundleInputFromGenerated } from '../bundle/from-generate';
import { generateAll, UnsafeWorkspaceError } from '../../shared/generate/index';
import { addAzureExport, addHealthScripts, addStaging, readStagingDir } from '../bundle/extras';
import { selectGenerated, workspaceOrThrow } from './generate-service';
import { lintGate, LintGateError } from '../bundle/lint-gate';
import { formatErrors } from '../../shared/bundle/lint-record';
import { formatPath } from '../../shared/model/path';
import { JUNCTION_VERSION } from './version';

// ---------------------------------------------------------------- jobs

interface Job {
  state: JobStatus['state'];
  progress?: JobProgress;
  error?: string;
  controller: AbortController;
  finishedAt?: number;
}

/** Long operations by client-chosen id: progress to poll and a way to cancel. Finished jobs linger briefly. */
export function createJobs(keepMs = 10 * 60_000) {
  const jobs = new Map<string, Job>();
  const sweep = () => {
    const now = Date.now();
    for (const [id, j] of jobs)
      if (j.finishedAt !== undefined && now - j.finishedAt > keepMs) jobs.delete(id);
  };
  return {
    /** Runs `fn` as job `id` (or anonymously): progress is recorded, the outcome kept for a last poll. */
    async run<T>(
      id: string | undefined,
      fn: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>,
    ) {
      sweep();
      if (id !== undefined && jobs.get(id)?.state === 'running')
        throw new ApiError('bad-request', `job ${id} is already running`);
      const job: Job = { state: 'running', controller: new AbortController() };
      if (id !== undefined) jobs.set(id, job);
      try {
        const r = await fn(job.controller.signal, (p) => {
          job.progress = { ...p };
        });
        job.state = 'done';
        return r;
      } catch (e) {
        job.state = e instanceof Cancelled || job.controller.signal.aborted ? 'cancelled' : 'failed';
        job.error = job.state === 'cancelled' ? 'cancelled' : (e as Error).message;
        if (job.state === 'cancelled') throw new ApiError('failed', 'cancelled by the admin');
        throw e;
      } finally {
        job.finishedAt = Date.now();
      }
    },
    status(id: string): JobStatus {
      const j = jobs.get(id);
      if (!j) return { jobId: id, state: 'unknown' };
      return {
        jobId: id,
        state: j.state,
        ...(j.progress ? { progress: j.progress } : {}),
        ...(j.error ? { error: j.error } : {}),
      };
    },
    cancel(id: string): boolean {
      const j = jobs.get(id);
      if (!j || j.state !== 'running') return false;
      j.controller.abort();
      return true;
    },
  };
}
export type Jobs = ReturnType<typeof createJobs>;

// ---------------------------------------------------------------- channels

/** The CLI's flags in the bundle module's messages, as the Generate & Bundle screen names those fields. */
const SCREEN_FIELDS: [RegExp, string][] = [
  [/choose a new --out path/g, 'choose a new "Output path"'],
  [/--out\b/g, '"Output path"'],
  [/--media-limit\b/g, 'the "Split files over 4 GiB" option'],
  [/check the --sign-key path/g, 'check the "Signing key (.pfx)" path'],
  [/--sign-key\b/g, '"Signing key (.pfx)"'],
  [/--azure-export\b/g, '"Azure export"'],
];
const forScreen = (text: string) => SCREEN_FIELDS.reduce((t, [re, words]) => t.replace(re, words), text);

/** A build failure as the screen says it: what went wrong and the fix, in its own field names, no channel name. */
async function screenErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BuildError || e instanceof SigningError)
      throw new ApiError('failed', `Not built: ${forScreen(e.message)} — ${forScreen(e.fix)}`);
    throw e;
  }
}

/** `storedSigner` opens a key of this computer's key store (the host's, when it has one). */
export async function build(
  jobs: Jobs,
  req: ApiRequest<'bundle.build'>,
  storedSigner?: (id: string) => Signer,
): Promise<BundleBuildResult> {
  const ws = workspaceOrThrow('bundle.build', req.fileName, req.text);
  let lint;
  try {
    lint = lintGate(ws, { allowLintErrors: req.allowLintErrors === true, junctionVersion: JUNCTION_VERSION });
  } catch (e) {
    if (!(e instanceof LintGateError)) throw e;
    // The screen asks before it sends an override; this is the host's own check, worded for the screen.
    throw new ApiError(
      'bad-request',
      `Not built: ${e.message} (${formatErrors(e.errors, (f) => formatPath(f.path), 5).join('; ')}). Fix them on the Problems screen, or build anyway and confirm the list of errors.`,
    );
  }
  let full;
  try {
    full = generateAll(ws);
  } catch (e) {
    // The generators' own refusal (dangling reference, unsafe name): holds even with the lint override above.
    if (!(e instanceof UnsafeWorkspaceError)) throw e;
    throw new ApiError('bad-request', `Not built: ${e.findings.map((f) => `${formatPath(f.path)}: ${f.message}`).join('; ')}. Fix them on the Problems screen; no override builds scripts from this.`);
  }
  const gen = selectGenerated(ws, full, {
    scenarios: req.scenarios,
    hosts: req.hosts,
  });
  if (gen.files.length === 0)
    throw new ApiError(
      'bad-request',
      'bundle.build: the selection holds no scripts — pick at least one scenario and host with steps',
    );
  const out = resolve(req.out);
  const { storedKey, signKey } = req;
  if (storedKey !== undefined && !storedSigner)
    throw new ApiError(
      'bad-request',
      'bundle.build: storedKey: this host has no key store — sign with signKey + password (a .pfx file)',
    );
  return jobs.run(req.jobId, (signal, onProgress) => screenErrors(async () => {
    let input: BundleInput = { ...bundleInputFromGenerated(gen, { name: req.fileName, sha256: sha256(req.text) }), lint };
    // The same extras, in the same order, as `junction bundle build --staging --azure-export`.
    if (req.staging !== undefined) {
      const wording = { name: 'Staged CycleCloud projects', drop: 'clear the "Staged CycleCloud projects" field' };
      input = addStaging(input, ws, await readStagingDir(resolve(req.staging), wording), wording);
    }
    if (req.azureExport !== undefined) input = addAzureExport(input, ws, req.azureExport, req.subscription);
    input = addHealthScripts(input, ws);
    const signer =
      storedKey !== undefined
        ? storedSigner!(storedKey)
        : await loadPfxSignerWithPassword(resolve(signKey!), req.password ?? '');
    const r = await buildBundle(input, {
      out,
      format: req.format,
      signer,
      junctionVersion: JUNCTION_VERSION,
      ...(req.mediaLimit !== undefined ? { mediaLimit: req.mediaLimit } : {}),
      signal,
      onProgress,
    });
    return {
      out: r.out,
      format: req.format,
      bundleId: r.manifest.bundleId,
      fingerprint: r.fingerprint,
      signerSubject: signer.subject,
      files: r.files,
      bytes: r.bytes,
      lint,
    };
  }));
}

function verifySummary(r: Awaited<ReturnType<typeof verifyBundle>>): BundleVerifyResult {
  return {
    ok: r.ok,
    problems: r.problems.map((p) => ({
      code: p.code,
      ...(p.path ? { path: p.path } : {}),
      message: p.message,
      fix: p.fix,
    })),
    ...(r.signer ? { signer: r.signer } : {}),
    ...(r.manifest ? { bundleId: r.manifest.bundleId, createdAt: r.manifest.createdAt } : {}),
    ...(r.manifest?.lint ? { lint: r.manifest.lint } : {}),
    filesChecked: r.filesChecked,
    bytesChecked: r.bytesChecked,
  };
}

/** The same state directory as the CLI's default (`$JUNCTION_STATE_DIR`, else the per-user config folder). */
const stateDir = () => resolveStateDir(undefined, process.env);

/** A damaged trust store is the admin's to fix (it says how); it is never silently treated as empty. */
async function trustErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TrustStoreError) throw new ApiError('failed', `${e.message} — ${e.fix}`);
    throw e;
  }
}
const loadTrustStore = (dir: string) => trustErrors(() => loadTrustFile(dir));

function fingerprintOrThrow(channelName: string, text: string): string {
  const fp = normalizeFingerprint(text);
  if (!fp)
    throw new ApiError(
      'bad-request',
      `${channelName}: fingerprint: not a SHA-256 fingerprint — paste the 64 hex digits the sender gave you (colons allowed)`,
    );
  return fp;
}

export async function verify(jobs: Jobs, req: ApiRequest<'bundle.verify'>): Promise<BundleVerifyResult> {
  // A typed fingerprint is trusted for this check only; pinning is a separate, explicit admin action (trust.pin).
  const once = req.fingerprint?.trim() ? fingerprintOrThrow('bundle.verify', req.fingerprint) : undefined;
  const pinned = (await loadTrustStore(stateDir())).signers.map((s) => s.fingerprint);
  const trusted = new Set([...pinned, ...(once ? [once] : [])]);
  return jobs.run(req.jobId, async (signal, onProgress) =>
    verifySummary(
      await verifyBundle(resolve(req.path), {
        trusted,
        // For the refusal's wording: how many of `trusted` are pinned, apart from the one typed for this check.
        pinned: pinned.filter((p) => p !== once).length,
        signal,
        onProgress,
      }),
    ),
  );
}

export async function trustList(): Promise<TrustedSigner[]> {
  return (await loadTrustStore(stateDir())).signers;
}

export async function trustPin(
  req: ApiRequest<'trust.pin'>,
): Promise<{ pinned: boolean; signers: TrustedSigner[] }> {
  const fp = fingerprintOrThrow('trust.pin', req.fingerprint);
  const pinned = await trustErrors(() =>
    pinSigner(stateDir(), fp, req.subject?.trim() || undefined, req.note?.trim() || undefined),
  );
  return { pinned, signers: await trustList() };
}

export async function trustRemove(
  req: ApiRequest<'trust.remove'>,
): Promise<{ removed: boolean; signers: TrustedSigner[] }> {
  const removed = await trustErrors(() =>
    unpinSigner(stateDir(), fingerprintOrThrow('trust.remove', req.fingerprint)),
  );
  return { removed, signers: await trustList() };
}

export async function drives(): Promise<DriveList> {
  try {
    return { drives: await listRemovableDrives() };
  } catch (e) {
    return { drives: [], error: `cannot list removable drives: ${(e as Error).message.split('\n')[0]}` };
  }
}

export async function write(jobs: Jobs, req: ApiRequest<'bundle.write'>): Promise<BundleWriteResult> {
  return jobs.run(req.jobId, async (signal, onProgress) => {
    // The same trust store the CLI's `bundle write` reads, so both say the same about the signer.
    const pinned = new Set((await loadTrustStore(stateDir())).signers.map((s) => s.fingerprint));
    const r = await writeBundleToMedia(resolve(req.source), resolve(req.target), {
      signal,
      onProgress,
      pinned,
      tooLargeFix: 'rebuild the bundle with "Split files over 4 GiB into parts (FAT32 media)" ticked under "Also in the bundle"',
    });
    return {
      final: r.final,
      bundleId: r.bundleId,
      copiedBytes: r.copiedBytes,
      resumedFiles: r.resumedFiles,
      alreadyPresent: r.alreadyPresent,
      ...(r.movedAside ? { movedAside: r.movedAside } : {}),
      readBack: verifySummary(r.readBack),
      signer: r.signer,
    };
  });
}
