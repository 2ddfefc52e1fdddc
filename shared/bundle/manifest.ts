// manifest.json: what the bundle is, where it came from, what to run on which host and in what order, and every
// payload file. docs/bundle-format.md is the prose version of this schema for third-party verifiers.
import { z } from 'zod';
import { checkBundlePath, comparePaths } from './paths';

export const BUNDLE_FORMAT = 'junction-bundle/1';
/** Control files: present in every bundle, never listed in manifest.files. */
export const CONTROL_FILES = ['manifest.json', 'SHA256SUMS', 'SHA256SUMS.sig', 'SHA256SUMS.joined', 'signer.pem', 'signer.crt'] as const;
/** Written on the far side after signing; never hashed. */
export const RECEIPT_DIR = 'receipt';
/** Parts of a split file are named <path>.part-000, .part-001 … so a shell glob lists them in order. */
export const PART_SUFFIX = '.part-';

const safePath = z.string().superRefine((p, ctx) => {
  const problem = checkBundlePath(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
});
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits');

// staging: the CycleCloud tree from `junction stage fetch`, kept at its staged path; azure-export: ARM template / az
// script for a connected machine; health: the far-side collect-health scripts.
export const FileRole = z.enum(['script', 'config', 'certificate', 'document', 'data', 'runbook', 'verifier', 'tool', 'staging', 'azure-export', 'health']);
export type FileRole = z.infer<typeof FileRole>;

export const PartEntry = z.strictObject({ path: safePath, size: z.number().int().nonnegative(), sha256 });
export const FileEntry = z.strictObject({
  path: safePath,
  size: z.number().int().nonnegative(),
  sha256,
  role: FileRole,
  host: z.string().optional(),
  step: z.number().int().positive().optional(),
  /** Present when the file was split for the media; the whole file exists only after reassembly. */
  parts: z.array(PartEntry).min(2).optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const StepEntry = z.strictObject({
  step: z.number().int().positive(),
  title: z.string().min(1),
  /** Path (in the bundle) of the script to run for this step. */
  script: safePath,
  /** Other bundle files this step reads. */
  files: z.array(safePath),
  /** What must hold before the step runs (e.g. "step 1 on GW01", "Administrator"). */
  needs: z.array(z.string()),
  /** What to check afterwards; shown in the runbook. */
  check: z.string().optional(),
});
export type StepEntry = z.infer<typeof StepEntry>;

export const HostSteps = z.strictObject({ host: z.string().min(1), steps: z.array(StepEntry) });
export type HostSteps = z.infer<typeof HostSteps>;

/**
 * What lint said about the workspace when the bundle was built: a bundle is never signed from a workspace with lint
 * errors unless the admin overrode that, and the far side can see which it was (RUNBOOK, inspect, verify).
 */
export const LintRecord = z.strictObject({
  /** The Junction that ran the rules: another version may have other rules. */
  junctionVersion: z.string(),
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  infos: z.number().int().nonnegative(),
  /** One entry per rule that fired, errors first. */
  rules: z.array(z.strictObject({ id: z.string().min(1), severity: z.enum(['error', 'warning', 'info']), count: z.number().int().positive() })),
  /** true: the workspace had lint errors and the admin built anyway. */
  override: z.boolean(),
});
export type LintRecord = z.infer<typeof LintRecord>;

export const Manifest = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  bundleId: z.string().regex(/^[0-9a-f]{16,64}$/),
  createdAt: z.iso.datetime(),
  junctionVersion: z.string(),
  workspace: z.strictObject({ name: z.string().optional(), sha256 }),
  /** Absent in bundles built before the lint gate, and in bundles not made from a workspace. */
  lint: LintRecord.optional(),
  /** Largest file the bundle was laid out for (bytes), or null when nothing was split. */
  mediaLimit: z.number().int().positive().nullable(),
  hosts: z.array(HostSteps),
  files: z.array(FileEntry),
});
export type Manifest = z.infer<typeof Manifest>;

export type ManifestParse = { ok: true; manifest: Manifest } | { ok: false; message: string };

export function parseManifest(text: string): ManifestParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `manifest.json is not JSON: ${(e as Error).message}` };
  }
  const r = Manifest.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `manifest.json at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, manifest: r.data };
}

/** Stable text for a manifest: keys in schema order, files sorted by path, two-space indent, final newline. */
export function formatManifest(m: Manifest): string {
  const files = [...m.files].sort((a, b) => comparePaths(a.path, b.path));
  return JSON.stringify({ ...m, files }, null, 2) + '\n';
}

/** The paths that appear on the media for one manifest file: its parts if split, else itself. */
export function mediaPaths(f: FileEntry): string[] {
  return f.parts ? f.parts.map((p) => p.path) : [f.path];
}

export function partPath(path: string, index: number): string {
  return `${path}${PART_SUFFIX}${String(index).padStart(3, '0')}`;
}
