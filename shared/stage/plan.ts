// Which CycleCloud projects a workspace needs staged, and where each lands in the staging tree.
import type { Workspace } from '../model/schema';
import type { BlobReference, DynamicReference } from './project-ini';

export const STAGING_ROOT = 'staging';
export const CYCLECLOUD_DIR = `${STAGING_ROOT}/cyclecloud`;
export const ARTIFACTS_DIR = `${STAGING_ROOT}/artifacts`;
export const STAGE_SCRIPT = `${CYCLECLOUD_DIR}/stage-cyclecloud.sh`;
export const CHECKSUMS = `${CYCLECLOUD_DIR}/SHA256SUMS`;
export const RECORD = `${STAGING_ROOT}/staging.json`;

export interface StageProject {
  name: string;
  version: string;
  repo: string;
  tag: string;
  /** Where the workspace asks for it, e.g. ["cycleCloud", 0, "projects", 0]; the first one when several do. */
  paths: (string | number)[][];
  sourceDir: string;
  blobsDir: string;
}

export interface PlanProblem {
  path: (string | number)[];
  message: string;
  fix: string;
}

export function projectDirs(name: string, version: string): { sourceDir: string; blobsDir: string } {
  return { sourceDir: `${CYCLECLOUD_DIR}/${name}/${version}`, blobsDir: `${CYCLECLOUD_DIR}/${name}/blobs` };
}

/** One entry per project name+version; two CycleCloud servers asking for the same project share it. */
export function planProjects(ws: Workspace): { projects: StageProject[]; problems: PlanProblem[] } {
  const byKey = new Map<string, StageProject>();
  const problems: PlanProblem[] = [];
  ws.cycleCloud.forEach((cc, i) =>
    cc.projects.forEach((p, j) => {
      const path = ['cycleCloud', i, 'projects', j];
      const key = `${p.name}\u0000${p.version}`;
      const seen = byKey.get(key);
      if (!seen) {
        byKey.set(key, { name: p.name, version: p.version, repo: p.source.repo, tag: p.source.tag, paths: [path], ...projectDirs(p.name, p.version) });
        return;
      }
      if (seen.repo !== p.source.repo || seen.tag !== p.source.tag) {
        problems.push({
          path: [...path, 'source'],
          message: `project ${p.name} ${p.version} comes from ${p.source.repo}@${p.source.tag} here but from ${seen.repo}@${seen.tag} elsewhere; CycleCloud keeps one copy per name and version`,
          fix: 'use the same repository and tag for both, or give one a different version',
        });
        return;
      }
      seen.paths.push(path);
    }),
  );
  return { projects: [...byKey.values()], problems };
}

export type StagedRole = 'project-source' | 'blob' | 'artifact' | 'script' | 'checksums';

export interface StagedFile {
  /** Relative to the output directory, '/'-separated, e.g. "staging/cyclecloud/slurm/blobs/x.whl". */
  path: string;
  size: number;
  sha256: string;
  role: StagedRole;
  project?: string;
  version?: string;
  /** Where the bytes came from (URL or local path); absent for generated files. */
  source?: string;
}

export interface MissingBlob {
  project: string;
  version: string;
  blob: string;
  referencedBy: BlobReference[];
}

export interface StagedProjectRecord {
  name: string;
  version: string;
  repo: string;
  tag: string;
  releaseId: number;
  sourceArchive: { url: string; sha256: string; size: number };
  assets: { name: string; size: number; sha256: string; url: string }[];
  expectedBlobs: BlobReference[];
  missingBlobs: MissingBlob[];
  /** Release assets no project.ini or spec names; staged anyway (the seed says to take every release artifact). */
  unreferencedAssets: string[];
  dynamicReferences: DynamicReference[];
}

export interface StagingRecord {
  format: 'junction-staging/1';
  createdAt: string;
  projects: StagedProjectRecord[];
  artifacts: { name: string; source: string; size: number; sha256: string }[];
  files: StagedFile[];
}

/**
 * Every file the stager wrote, for the bundle builder: path, size, sha256 and role. The record itself
 * (staging/staging.json) is not in the list; the bundle builder hashes it like any file it adds.
 */
export function listStagedFiles(record: StagingRecord): StagedFile[] {
  return [...record.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Expected blobs with no release asset of that name, one entry per blob with every place that names it. */
export function findMissingBlobs(
  project: { name: string; version: string },
  expected: BlobReference[],
  assetNames: Iterable<string>,
): MissingBlob[] {
  const have = new Set(assetNames);
  const missing = new Map<string, MissingBlob>();
  for (const ref of expected) {
    if (have.has(ref.blob)) continue;
    const m = missing.get(ref.blob) ?? { project: project.name, version: project.version, blob: ref.blob, referencedBy: [] };
    m.referencedBy.push(ref);
    missing.set(ref.blob, m);
  }
  return [...missing.values()];
}

export function unreferencedAssets(expected: BlobReference[], assetNames: string[]): string[] {
  const named = new Set(expected.map((r) => r.blob));
  return assetNames.filter((a) => !named.has(a));
}

export interface LayoutProblem {
  path: string;
  message: string;
}

/** Compares the tree on disk (path → size) with the record: a missing, resized or stray file is a problem. */
export function checkStagedTree(record: StagingRecord, onDisk: ReadonlyMap<string, number>): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const expected = new Map(record.files.map((f) => [f.path, f]));
  for (const f of record.files) {
    const size = onDisk.get(f.path);
    if (size === undefined) problems.push({ path: f.path, message: 'listed in the staging record but not on disk' });
    else if (size !== f.size) problems.push({ path: f.path, message: `is ${size} bytes on disk, the record says ${f.size}` });
  }
  for (const path of onDisk.keys()) {
    if (path === RECORD || expected.has(path)) continue;
    problems.push({ path, message: 'on disk but not in the staging record (left over from an earlier run?)' });
  }
  return problems;
}

/** A file name that is safe as one path segment in the tree, in SHA256SUMS and in the far-side script. */
export function isSafeFileName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\n\r\0]/.test(name);
}

export function checksumsText(files: StagedFile[]): string {
  const prefix = `${CYCLECLOUD_DIR}/`;
  return (
    files
      .filter((f) => f.path.startsWith(prefix) && f.role !== 'script' && f.role !== 'checksums')
      .map((f) => `${f.sha256}  ${f.path.slice(prefix.length)}`)
      .sort()
      .join('\n') + '\n'
  );
}
