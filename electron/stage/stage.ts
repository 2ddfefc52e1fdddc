// Connected side of CycleCloud staging: for each project in the workspace, fetch the GitHub release and its
// source archive, list the blobs the project says it needs, and lay out staging/cyclecloud/ with the far-side
// script. Everything goes through the content-addressed cache, so a second run downloads nothing.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, constants as fsc } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join, relative, sep } from 'node:path';
import type { Workspace } from '../../shared/model/schema';
import {
  ARTIFACTS_DIR,
  CHECKSUMS,
  RECORD,
  STAGE_SCRIPT,
  checkStagedTree,
  checksumsText,
  findMissingBlobs,
  isSafeFileName,
  planProjects,
  unreferencedAssets,
  type MissingBlob,
  type StageProject,
  type StagedFile,
  type StagedProjectRecord,
  type StagingRecord,
} from '../../shared/stage/plan';
import { parseProjectIni, scanSpecFile, type BlobReference, type DynamicReference } from '../../shared/stage/project-ini';
import { GITHUB_API_VERSION, GITHUB_JSON, Release, assetDigest, assetUrl, explainApiStatus, releaseByTagUrl, tarballUrl } from '../../shared/stage/github';
import { renderStageScript } from '../../shared/stage/script';
import { formatPath } from '../../shared/model/path';
import { getJson, HttpError, type HttpOptions } from './http';
import { openCache, cachedBlob, cacheKey, saveCache, blobPath, type DownloadCache } from './cache';
import { fetchToCache, StageError, type StageEvent } from './download';
import { extractProjectArchive } from './extract';
import { writeFileAtomic } from '../services/atomic-write';

export interface ArtifactSpec {
  /** http(s) URL or a local file path. */
  source: string;
  name?: string;
  sha256?: string;
  size?: number;
}

export interface StageOptions {
  http: HttpOptions;
  cacheDir: string;
  onEvent?: (e: StageEvent) => void;
  retries?: number;
  retryDelayMs?: number;
}

export interface StageProblem {
  severity: 'error' | 'warning';
  message: string;
  fix: string;
  /** Where in the workspace, e.g. cycleCloud[0].projects[0]. */
  at?: string;
}

/** "--artifact https://host/x.whl#sha256=<hex>" or a path: the optional fragment pins the content. */
export function parseArtifactArg(arg: string): ArtifactSpec {
  const m = /^(.*)#sha256=([0-9a-fA-F]{64})$/.exec(arg);
  return m ? { source: m[1]!, sha256: m[2]!.toLowerCase() } : { source: arg };
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export function artifactName(a: ArtifactSpec): string {
  if (a.name) return a.name;
  if (isUrl(a.source)) return decodeURIComponent(new URL(a.source).pathname.split('/').filter(Boolean).pop() ?? 'artifact');
  return basename(a.source);
}

interface ProjectScan {
  project: StageProject;
  release: Release;
  archive: { url: string; path: string; sha256: string; size: number };
  expected: BlobReference[];
  missing: MissingBlob[];
  unreferenced: string[];
  dynamic: DynamicReference[];
  extracted: { path: string; size: number; sha256: string }[];
}

async function fetchRelease(p: StageProject, o: StageOptions): Promise<Release> {
  const url = releaseByTagUrl(o.http.apiBase, p.repo, p.tag);
  let r;
  try {
    r = await getJson(url, { accept: GITHUB_JSON, 'x-github-api-version': GITHUB_API_VERSION }, o.http);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    throw new StageError(`release ${p.tag} of ${p.repo}: ${e.message}`, 'check --api-base, --proxy and --ca, and that this machine can reach the API');
  }
  if (r.status !== 200) {
    const e = explainApiStatus(r.status, url, `release ${p.tag} of ${p.repo}`, o.http.token !== undefined);
    throw new StageError(e.message, e.fix);
  }
  const parsed = Release.safeParse(r.json);
  if (!parsed.success)
    throw new StageError(`${url} did not return a GitHub release (${parsed.error.issues[0]?.message ?? 'unexpected shape'})`, 'check --api-base: it must point at the GitHub REST API (for GitHub Enterprise: https://HOST/api/v3)');
  return parsed.data;
}

async function scanProject(p: StageProject, o: StageOptions, cache: DownloadCache, dest: string): Promise<ProjectScan> {
  const ctx = { cache, http: o.http, onEvent: o.onEvent, retries: o.retries, retryDelayMs: o.retryDelayMs };
  const release = await fetchRelease(p, o);
  const url = tarballUrl(o.http.apiBase, p.repo, p.tag);
  const got = await fetchToCache({ url, name: `${p.name} ${p.version} source archive`, accept: GITHUB_JSON }, ctx);
  await mkdir(dest, { recursive: true });
  let ex;
  try {
    ex = await extractProjectArchive(got.path, dest);
  } catch (e) {
    throw new StageError(`${p.name} ${p.version}: the source archive from ${url} cannot be unpacked: ${(e as Error).message}`, 'delete its cache entry (or the cache directory) and rerun');
  }
  const ini = ex.texts.get('project.ini');
  if (ini === undefined)
    throw new StageError(`${p.name} ${p.version}: the source archive of ${p.repo}@${p.tag} has no project.ini at its top`, 'check that the repository is a CycleCloud project and the tag is right');
  const parsed = parseProjectIni(ini);
  const expected = [...parsed.blobs];
  const dynamic: DynamicReference[] = [];
  for (const [path, text] of ex.texts) {
    if (path === 'project.ini') continue;
    const s = scanSpecFile(text, path);
    expected.push(...s.blobs);
    dynamic.push(...s.dynamic);
  }
  const names = release.assets.map((a) => a.name);
  return {
    project: p,
    release,
    archive: { url, path: got.path, sha256: got.sha256, size: got.size },
    expected,
    missing: findMissingBlobs(p, expected, names),
    unreferenced: unreferencedAssets(expected, names),
    dynamic,
    extracted: ex.files,
  };
}

function missingProblem(m: MissingBlob, p: StageProject): StageProblem {
  const where = m.referencedBy.map((r) => `${r.file}:${r.line}`).join(', ');
  return {
    severity: 'error',
    at: formatPath(p.paths[0]!),
    message: `${m.project} ${m.version}: blob ${m.blob} is named by ${where} but release ${p.tag} of ${p.repo} has no asset of that name; nodes would fail in the staging phase`,
    fix: `get ${m.blob} from the project's documentation or another release and add it with --artifact, or pick a release that ships it`,
  };
}

export interface PlanItem {
  project: string;
  version: string;
  repo: string;
  tag: string;
  archive: { size: number };
  assets: { name: string; size: number; cached: boolean }[];
  missing: MissingBlob[];
  unreferenced: string[];
  dynamic: DynamicReference[];
}

export interface StagePlan {
  items: PlanItem[];
  artifacts: { name: string; source: string; size?: number; cached: boolean }[];
  totalBytes: number;
  toDownloadBytes: number;
  unknownSizes: number;
  problems: StageProblem[];
  /** Projects whose release could not be read (no network, proxy, TLS, a wrong tag): the totals leave them out. */
  unreached: { project: string; at: string; reason: string }[];
}

async function artifactCached(cache: DownloadCache, a: ArtifactSpec): Promise<{ size?: number; cached: boolean }> {
  if (!isUrl(a.source)) {
    try {
      return { size: (await stat(a.source)).size, cached: true };
    } catch {
      return { cached: false };
    }
  }
  const entry = cache.entries[cacheKey(a.source, a.size)];
  if (entry && (await cachedBlob(cache, entry.sha256, entry.size))) return { size: entry.size, cached: true };
  return { size: a.size, cached: false };
}

/** What `stage fetch` would do: release metadata and source archives are read (through the cache), assets are not. */
export async function planStage(ws: Workspace, o: StageOptions, artifacts: ArtifactSpec[] = []): Promise<StagePlan> {
  const cache = await openCache(o.cacheDir);
  const { projects, problems: planProblems } = planProjects(ws);
  const problems: StageProblem[] = planProblems.map((p) => ({ severity: 'error', at: formatPath(p.path), message: p.message, fix: p.fix }));
  const scratch = await mkdtemp(join(o.cacheDir, 'plan-'));
  const items: PlanItem[] = [];
  const unreached: StagePlan['unreached'] = [];
  let total = 0;
  let toDownload = 0;
  try {
    for (const p of projects) {
      let scan: ProjectScan;
      try {
        scan = await scanProject(p, o, cache, join(scratch, p.name, p.version));
      } catch (e) {
        if (!(e instanceof StageError)) throw e;
        problems.push({ severity: 'error', at: formatPath(p.paths[0]!), message: e.message, fix: e.fix });
        unreached.push({ project: `${p.name} ${p.version}`, at: formatPath(p.paths[0]!), reason: e.message });
        continue;
      }
      const assets = [];
      for (const a of scan.release.assets) {
        const entry = cache.entries[cacheKey(assetUrl(o.http.apiBase, p.repo, a.id), a.size)];
        const cached = entry !== undefined && (await cachedBlob(cache, entry.sha256, entry.size)) !== undefined;
        assets.push({ name: a.name, size: a.size, cached });
        total += a.size;
        if (!cached) toDownload += a.size;
      }
      total += scan.archive.size;
      for (const m of scan.missing) problems.push(missingProblem(m, p));
      items.push({ project: p.name, version: p.version, repo: p.repo, tag: p.tag, archive: { size: scan.archive.size }, assets, missing: scan.missing, unreferenced: scan.unreferenced, dynamic: scan.dynamic });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const arts = [];
  let unknown = 0;
  for (const a of artifacts) {
    const c = await artifactCached(cache, a);
    arts.push({ name: artifactName(a), source: a.source, size: c.size, cached: c.cached });
    if (c.size === undefined) unknown++;
    else {
      total += c.size;
      if (!c.cached) toDownload += c.size;
    }
  }
  return { items, artifacts: arts, totalBytes: total, toDownloadBytes: toDownload, unknownSizes: unknown, problems, unreached };
}

export interface OfflinePlan {
  projects: { project: string; version: string; repo: string; tag: string; sourceDir: string; blobsDir: string }[];
  artifacts: { name: string; source: string; size?: number; cached: boolean }[];
  problems: StageProblem[];
}

/**
 * What fetch would bring, from the workspace alone: no request is made. Sizes are known only for local
 * artifacts and what the cache already holds; missing blobs need the release, so only a networked plan finds them.
 */
export async function planStageOffline(ws: Workspace, o: Pick<StageOptions, 'cacheDir'>, artifacts: ArtifactSpec[] = []): Promise<OfflinePlan> {
  const cache = await openCache(o.cacheDir);
  const { projects, problems } = planProjects(ws);
  const arts = [];
  for (const a of artifacts) {
    const c = await artifactCached(cache, a);
    arts.push({ name: artifactName(a), source: a.source, size: c.size, cached: c.cached });
  }
  return {
    projects: projects.map((p) => ({ project: p.name, version: p.version, repo: p.repo, tag: p.tag, sourceDir: p.sourceDir, blobsDir: p.blobsDir })),
    artifacts: arts,
    problems: problems.map((p) => ({ severity: 'error', at: formatPath(p.path), message: p.message, fix: p.fix })),
  };
}

async function hashLocal(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path)) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

async function fetchArtifact(a: ArtifactSpec, cache: DownloadCache, o: StageOptions): Promise<{ path: string; sha256: string; size: number }> {
  const name = artifactName(a);
  if (isUrl(a.source)) {
    return fetchToCache(
      { url: a.source, name: `artifact ${name}`, expectedSize: a.size, expectedSha256: a.sha256 },
      { cache, http: o.http, onEvent: o.onEvent, retries: o.retries, retryDelayMs: o.retryDelayMs },
    );
  }
  let h;
  try {
    h = await hashLocal(a.source);
  } catch (e) {
    throw new StageError(`artifact ${a.source}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path given to --artifact');
  }
  if (a.sha256 && a.sha256 !== h.sha256)
    throw new StageError(`artifact ${a.source}: SHA-256 is ${h.sha256}, expected ${a.sha256}`, 'use the right file or fix the #sha256= pin');
  const cached = await cachedBlob(cache, h.sha256, h.size);
  if (!cached) {
    const tmp = join(cache.dir, 'partial', `${h.sha256}.local`);
    await copyFile(a.source, tmp);
    await rename(tmp, blobPath(cache, h.sha256));
  }
  o.onEvent?.({ type: cached ? 'cached' : 'done', name: `artifact ${name}`, url: a.source, size: h.size, sha256: h.sha256, downloaded: 0 } as StageEvent);
  return { path: blobPath(cache, h.sha256), ...h };
}

async function listTree(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  async function walk(dir: string): Promise<void> {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) await walk(p);
      else out.set(relative(root, p).split(sep).join('/'), (await stat(p)).size);
    }
  }
  await walk(root);
  return out;
}

export interface FetchResult {
  record?: StagingRecord;
  problems: StageProblem[];
  downloadedBytes: number;
}

/**
 * Fetches everything and writes <outDir>/staging/ (replacing an earlier one only when the new tree is complete
 * and checked). Missing blobs are errors in the result; the tree is still written so the admin can see it.
 */
export async function fetchStage(ws: Workspace, outDir: string, o: StageOptions, artifacts: ArtifactSpec[] = []): Promise<FetchResult> {
  const cache = await openCache(o.cacheDir);
  let downloadedBytes = 0;
  const onEvent = (e: StageEvent) => {
    if (e.type === 'done') downloadedBytes += e.downloaded;
    o.onEvent?.(e);
  };
  const opts = { ...o, onEvent };
  const { projects, problems: planProblems } = planProjects(ws);
  const problems: StageProblem[] = planProblems.map((p) => ({ severity: 'error', at: formatPath(p.path), message: p.message, fix: p.fix }));
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(outDir, '.staging-'));
  const files: StagedFile[] = [];
  const records: StagedProjectRecord[] = [];
  const artifactRecords: StagingRecord['artifacts'] = [];
  let fatal = false;
  try {
    const blobOwners = new Map<string, string>();
    for (const p of projects) {
      try {
        const scan = await scanProject(p, opts, cache, join(work, p.sourceDir));
        for (const f of scan.extracted)
          files.push({ path: `${p.sourceDir}/${f.path}`, size: f.size, sha256: f.sha256, role: 'project-source', project: p.name, version: p.version, source: scan.archive.url });
        const assets: StagedProjectRecord['assets'] = [];
        await mkdir(join(work, p.blobsDir), { recursive: true });
        for (const a of scan.release.assets) {
          if (!isSafeFileName(a.name)) {
            problems.push({ severity: 'error', at: formatPath(p.paths[0]!), message: `${p.name} ${p.version}: release asset name ${JSON.stringify(a.name)} cannot be a file name`, fix: 'ask the release owner to rename the asset' });
            fatal = true;
            continue;
          }
          const url = assetUrl(o.http.apiBase, p.repo, a.id);
          try {
            const got = await fetchToCache({ url, name: `${p.name} ${p.version} asset ${a.name}`, accept: 'application/octet-stream', expectedSize: a.size, expectedSha256: assetDigest(a) }, { cache, http: o.http, onEvent, retries: o.retries, retryDelayMs: o.retryDelayMs });
            const path = `${p.blobsDir}/${a.name}`;
            const prior = blobOwners.get(path);
            if (prior !== undefined && prior !== got.sha256) {
              problems.push({ severity: 'error', at: formatPath(p.paths[0]!), message: `${p.name}: two versions ship different bytes named ${a.name}, but CycleCloud keeps one blobs/ directory per project`, fix: 'stage one version at a time' });
              fatal = true;
              continue;
            }
            if (prior === undefined) {
              await copyFile(got.path, join(work, path), fsc.COPYFILE_FICLONE);
              files.push({ path, size: got.size, sha256: got.sha256, role: 'blob', project: p.name, version: p.version, source: url });
              blobOwners.set(path, got.sha256);
            }
            assets.push({ name: a.name, size: got.size, sha256: got.sha256, url });
          } catch (e) {
            if (!(e instanceof StageError)) throw e;
            problems.push({ severity: 'error', at: formatPath(p.paths[0]!), message: e.message, fix: e.fix });
            fatal = true;
          }
        }
        for (const m of scan.missing) problems.push(missingProblem(m, p));
        for (const d of scan.dynamic)
          problems.push({ severity: 'warning', at: formatPath(p.paths[0]!), message: `${p.name} ${p.version}: ${d.file}:${d.line} downloads a blob whose name is computed at run time (${d.text}); it cannot be checked here`, fix: 'check that the release assets cover it, or add the file with --artifact' });
        records.push({ name: p.name, version: p.version, repo: p.repo, tag: p.tag, releaseId: scan.release.id, sourceArchive: { url: scan.archive.url, sha256: scan.archive.sha256, size: scan.archive.size }, assets, expectedBlobs: scan.expected, missingBlobs: scan.missing, unreferencedAssets: scan.unreferenced, dynamicReferences: scan.dynamic });
      } catch (e) {
        if (!(e instanceof StageError)) throw e;
        problems.push({ severity: 'error', at: formatPath(p.paths[0]!), message: e.message, fix: e.fix });
        fatal = true;
      }
    }
    for (const a of artifacts) {
      const name = artifactName(a);
      if (!isSafeFileName(name)) {
        problems.push({ severity: 'error', message: `artifact ${a.source}: ${JSON.stringify(name)} cannot be a file name`, fix: 'give the artifact a plain file name' });
        fatal = true;
        continue;
      }
      try {
        const got = await fetchArtifact(a, cache, opts);
        const path = `${ARTIFACTS_DIR}/${name}`;
        if (files.some((f) => f.path === path)) {
          problems.push({ severity: 'error', message: `two artifacts are both named ${name}`, fix: 'rename one of them' });
          fatal = true;
          continue;
        }
        await mkdir(join(work, ARTIFACTS_DIR), { recursive: true });
        await copyFile(got.path, join(work, path), fsc.COPYFILE_FICLONE);
        files.push({ path, size: got.size, sha256: got.sha256, role: 'artifact', source: a.source });
        artifactRecords.push({ name, source: a.source, size: got.size, sha256: got.sha256 });
      } catch (e) {
        if (!(e instanceof StageError)) throw e;
        problems.push({ severity: 'error', message: e.message, fix: e.fix });
        fatal = true;
      }
    }
    await saveCache(cache);
    if (fatal) return { problems, downloadedBytes };

    const sums = checksumsText(files);
    const script = renderStageScript(records.map((r) => ({ name: r.name, version: r.version })));
    await writeFileAtomic(join(work, CHECKSUMS), sums);
    await writeFileAtomic(join(work, STAGE_SCRIPT), script, 0o755);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    files.push({ path: CHECKSUMS, size: Buffer.byteLength(sums), sha256: sha(sums), role: 'checksums' });
    files.push({ path: STAGE_SCRIPT, size: Buffer.byteLength(script), sha256: sha(script), role: 'script' });
    const record: StagingRecord = { format: 'junction-staging/1', createdAt: new Date().toISOString(), projects: records, artifacts: artifactRecords, files: files.sort((a, b) => (a.path < b.path ? -1 : 1)) };
    await writeFileAtomic(join(work, RECORD), JSON.stringify(record, null, 2) + '\n');
    const layout = checkStagedTree(record, await listTree(work));
    if (layout.length > 0) {
      for (const l of layout) problems.push({ severity: 'error', message: `staging tree: ${l.path} ${l.message}`, fix: 'rerun; if it persists, report it' });
      return { problems, downloadedBytes };
    }
    // Swap the finished tree in whole: an earlier staging/ stays untouched until the new one is complete.
    const final = join(outDir, 'staging');
    const old = join(work, 'previous');
    await rename(final, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(join(work, 'staging'), final);
    return { record, problems, downloadedBytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
