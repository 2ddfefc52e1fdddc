import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startFakeGithub, makeTarball, sha256, type FakeRelease } from './fake-github';
import { workspaceWith } from './helpers';
import { fetchStage, planStage, type StageOptions } from '../../electron/stage/stage';
import { fetchToCache, StageError } from '../../electron/stage/download';
import { openCache } from '../../electron/stage/cache';
import { listStagedFiles, checkStagedTree } from '../../shared/stage/plan';

const REPO = 'Azure/cyclecloud-slurm';
const PROJECT_INI = `[project]
name = slurm
label = Slurm
version = 2.5.0
type = scheduler

[blobs]
Files = cyclecloud_api-8.1.0-py2.py3-none-any.whl,
  slurm-pkg.tar.gz

[spec scheduler]
run_list = role[slurm_scheduler_role]
`;
const INSTALL_SH = `#!/bin/bash
set -e
jetpack download --project slurm azslurm-bundle.tar.gz /tmp
jetpack download "$SLURM_PACKAGE" /tmp
`;

const whl = randomBytes(50_000);
const pkg = randomBytes(300_000);
const bundle = randomBytes(120_000);
const big = randomBytes(400_000); // stalls halfway on its first request

let tarball: Buffer;
let releases: FakeRelease[];
let gh: Awaited<ReturnType<typeof startFakeGithub>>;
let dir: string;

function opts(cache: string, extra: Partial<StageOptions['http']> = {}): StageOptions {
  return { cacheDir: cache, http: { apiBase: gh.apiBase, token: 'tok-secret', idleTimeoutMs: 400, ...extra }, retryDelayMs: 10 };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'junction-stage-'));
  tarball = await makeTarball('Azure-cyclecloud-slurm-1a2b3c4', {
    'project.ini': PROJECT_INI,
    'README.md': '# slurm\n',
    'specs/scheduler/cluster-init/scripts/00-install.sh': INSTALL_SH,
    'specs/default/chef/recipes/default.rb': 'jetpack_download "slurm-pkg.tar.gz" do\n  project "slurm"\nend\n',
  });
  const missingIni = PROJECT_INI.replace('slurm-pkg.tar.gz', 'slurm-pkg.tar.gz, munge-0.5.rpm');
  releases = [
    {
      repo: REPO,
      tag: '2.5.0',
      tarball,
      assets: [
        { id: 11, name: 'cyclecloud_api-8.1.0-py2.py3-none-any.whl', bytes: whl, digest: `sha256:${sha256(whl)}` },
        { id: 12, name: 'slurm-pkg.tar.gz', bytes: pkg },
        { id: 13, name: 'azslurm-bundle.tar.gz', bytes: bundle },
        { id: 14, name: 'extra-tools.tar.gz', bytes: big, stallAfter: 200_000 },
      ],
    },
    { repo: REPO, tag: 'short', tarball, assets: [{ id: 21, name: 'slurm-pkg.tar.gz', bytes: pkg.subarray(0, 250_000), advertisedSize: pkg.length }] },
    { repo: REPO, tag: 'corrupt', tarball, assets: [{ id: 31, name: 'cyclecloud_api-8.1.0-py2.py3-none-any.whl', bytes: Buffer.from(whl).fill(7, 100, 200), digest: `sha256:${sha256(whl)}` }] },
    {
      repo: REPO,
      tag: 'missing',
      tarball: await makeTarball('cyclecloud-slurm-missing', { 'project.ini': missingIni, 'specs/scheduler/cluster-init/scripts/00-install.sh': INSTALL_SH }),
      assets: [
        { id: 41, name: 'cyclecloud_api-8.1.0-py2.py3-none-any.whl', bytes: whl },
        { id: 42, name: 'slurm-pkg.tar.gz', bytes: pkg },
      ],
    },
  ];
  gh = await startFakeGithub(releases);
});

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stage fetch against a GitHub-shaped release', () => {
  const cache = () => join(dir, 'cache');
  const out = () => join(dir, 'out');

  it('stages every asset with the right hash, resumes the stalled one, and lays out the tree', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: '2.5.0', repo: REPO, tag: '2.5.0' }]);
    const events: string[] = [];
    const r = await fetchStage(ws, out(), { ...opts(cache()), onEvent: (e) => events.push(e.type) });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const record = r.record!;
    const blobs = join(out(), 'staging/cyclecloud/slurm/blobs');
    for (const a of releases[0]!.assets) expect(sha256(readFileSync(join(blobs, a.name)))).toBe(sha256(a.bytes));
    expect(readFileSync(join(out(), 'staging/cyclecloud/slurm/2.5.0/project.ini'), 'utf8')).toBe(PROJECT_INI);

    // The stalled asset: first request cut off after 200 000 bytes, then one Range request for the rest.
    const bigPath = '/blob/14/extra-tools.tar.gz';
    const bigReqs = gh.served.requests.filter((q) => q.path === bigPath);
    expect(bigReqs.map((q) => q.range)).toEqual([undefined, 'bytes=200000-']);
    expect(bigReqs[1]!.status).toBe(206);
    expect(gh.served.bytes.get(bigPath)).toBe(big.length); // not 1.5× or 2×
    expect(events).toContain('retry');

    // The token went to the API, never to the storage host the API redirected to.
    expect(gh.served.requests.filter((q) => q.host === 'api').every((q) => q.auth === 'Bearer tok-secret')).toBe(true);
    expect(gh.served.requests.filter((q) => q.host === 'storage').every((q) => q.auth === undefined)).toBe(true);

    // The staged-file list matches the disk, and SHA256SUMS verifies with the stock tool.
    const files = listStagedFiles(record);
    expect(files.map((f) => f.role).sort()).toContain('script');
    for (const f of files) {
      const b = readFileSync(join(out(), f.path));
      expect([f.path, b.length, sha256(b)]).toEqual([f.path, f.size, f.sha256]);
    }
    execFileSync('sha256sum', ['--quiet', '--strict', '-c', 'SHA256SUMS'], { cwd: join(out(), 'staging/cyclecloud') });
    expect(record.projects[0]!.unreferencedAssets).toEqual(['extra-tools.tar.gz']);
    expect(r.problems.some((p) => p.severity === 'warning' && p.message.includes('$SLURM_PACKAGE'))).toBe(true);
    expect(JSON.stringify(record)).not.toContain('tok-secret');
  });

  it('downloads nothing the second time (cache by URL+size and ETag)', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: '2.5.0', repo: REPO, tag: '2.5.0' }]);
    const before = gh.served.requests.length;
    const bytesBefore = [...gh.served.bytes.values()].reduce((a, b) => a + b, 0);
    const r = await fetchStage(ws, out(), opts(cache()));
    expect(r.record).toBeDefined();
    expect(r.downloadedBytes).toBe(0);
    expect([...gh.served.bytes.values()].reduce((a, b) => a + b, 0)).toBe(bytesBefore);
    const storageHits = gh.served.requests.slice(before).filter((q) => q.host === 'storage');
    expect(storageHits.map((q) => q.status)).toEqual([304]); // only the tarball revalidation
    const onDisk = new Map<string, number>();
    const walk = (d: string, rel: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p, `${rel}${n}/`);
        else onDisk.set(`${rel}${n}`, statSync(p).size);
      }
    };
    walk(join(out(), 'staging'), 'staging/');
    expect(checkStagedTree(r.record!, onDisk)).toEqual([]);
  });

  it('catches an asset whose bytes differ from the advertised size', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: 'short', repo: REPO, tag: 'short' }]);
    const r = await fetchStage(ws, join(dir, 'out-short'), opts(join(dir, 'cache-short')));
    expect(r.record).toBeUndefined();
    const err = r.problems.find((p) => p.message.includes('slurm-pkg.tar.gz'));
    expect(err?.message).toMatch(/advertises 300000 bytes but the server delivered 250000/);
    expect(err?.at).toBe('$.cycleCloud[0].projects[0]');
    expect(existsSync(join(dir, 'out-short', 'staging'))).toBe(false);
    expect(readdirSync(join(dir, 'cache-short', 'partial'))).toEqual([]); // nothing poisoned kept
  });

  it('catches a corrupted asset by its release digest', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: 'corrupt', repo: REPO, tag: 'corrupt' }]);
    const r = await fetchStage(ws, join(dir, 'out-corrupt'), opts(join(dir, 'cache-corrupt')));
    expect(r.record).toBeUndefined();
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/cyclecloud_api-8\.1\.0.*SHA-256 is [0-9a-f]{64} but [0-9a-f]{64} was expected/);
  });

  it('reports blobs named by project.ini and specs but absent from the release, with where they are named', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: 'missing', repo: REPO, tag: 'missing' }]);
    const plan = await planStage(ws, opts(join(dir, 'cache-missing')));
    expect(plan.items[0]!.missing.map((m) => [m.blob, m.referencedBy.map((r) => `${r.file}:${r.line}`)])).toEqual([
      ['munge-0.5.rpm', ['project.ini:9']],
      ['azslurm-bundle.tar.gz', ['specs/scheduler/cluster-init/scripts/00-install.sh:3']],
    ]);
    // plan reads metadata and the source archive, not the assets
    expect(gh.served.requests.some((q) => q.path.startsWith('/blob/41/'))).toBe(false);
    const r = await fetchStage(ws, join(dir, 'out-missing'), opts(join(dir, 'cache-missing')));
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      expect.stringContaining('blob munge-0.5.rpm is named by project.ini:9'),
      expect.stringContaining('blob azslurm-bundle.tar.gz is named by specs/scheduler/cluster-init/scripts/00-install.sh:3'),
    ]);
  });

  it('explains a tag that does not exist', async () => {
    const { ws } = workspaceWith([{ name: 'slurm', version: '9.9.9', repo: REPO, tag: '9.9.9' }]);
    const r = await fetchStage(ws, join(dir, 'out-404'), opts(join(dir, 'cache-404')));
    expect(r.problems[0]!.message).toMatch(/release 9\.9\.9 of Azure\/cyclecloud-slurm not found \(HTTP 404/);
    expect(r.problems[0]!.fix).toMatch(/token can read/);
  });

  it('resumes a .partial left by an earlier, interrupted run', async () => {
    const c = await openCache(join(dir, 'cache-resume'));
    const url = `${gh.apiBase}/repos/${REPO}/releases/assets/12`;
    // First attempt gives up quickly (no retries) while the server is stalled... simulate by a short prefix file.
    const { createHash } = await import('node:crypto');
    const key = `${url}#size=${pkg.length}`;
    const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
    writeFileSync(join(c.dir, 'partial', `${id}.partial`), pkg.subarray(0, 123_456));
    const before = gh.served.bytes.get('/blob/12/slurm-pkg.tar.gz') ?? 0;
    const got = await fetchToCache({ url, name: 'pkg', accept: 'application/octet-stream', expectedSize: pkg.length }, { cache: c, http: opts('').http });
    expect(got.sha256).toBe(sha256(pkg));
    expect(got.downloaded).toBe(pkg.length - 123_456);
    expect((gh.served.bytes.get('/blob/12/slurm-pkg.tar.gz') ?? 0) - before).toBe(pkg.length - 123_456);
  });

  it('handles extra artifacts (URL with a pinned hash, local file) the same way', async () => {
    const { ws } = workspaceWith([]);
    const local = join(dir, 'installer.msi');
    writeFileSync(local, 'MSI bytes');
    const url = `${gh.apiBase.replace(/:\d+$/, '')}:1/nothing`; // never fetched: served from the cache by hash
    const c = await openCache(join(dir, 'cache-art'));
    // Seed the cache through a real download of a storage URL.
    const storageUrl = gh.served.requests.find((q) => q.host === 'storage' && q.path.startsWith('/blob/13/'))!;
    expect(storageUrl).toBeDefined();
    const r = await fetchStage(ws, join(dir, 'out-art'), { ...opts(c.dir) }, [
      { source: local },
      { source: `${url}/tool.whl`, sha256: sha256(bundle) },
    ]).catch((e: unknown) => e);
    // The pinned URL is not in the cache yet, so it must fail with a clear, located error (port 1 refuses).
    expect(r).not.toBeInstanceOf(Error);
    const res = r as Awaited<ReturnType<typeof fetchStage>>;
    expect(res.problems[0]!.message).toMatch(/artifact tool\.whl: download failed: cannot reach 127\.0\.0\.1:1/);
    // Put the bytes in the cache by content, then the same pinned URL needs no network at all.
    await fetchToCache({ url: `${gh.apiBase}/repos/${REPO}/releases/assets/13`, name: 'b', accept: 'application/octet-stream', expectedSize: bundle.length }, { cache: c, http: opts('').http });
    const ok = await fetchStage(ws, join(dir, 'out-art'), opts(c.dir), [{ source: local }, { source: `${url}/tool.whl`, sha256: sha256(bundle) }]);
    expect(ok.problems).toEqual([]);
    expect(readFileSync(join(dir, 'out-art/staging/artifacts/installer.msi'), 'utf8')).toBe('MSI bytes');
    expect(sha256(readFileSync(join(dir, 'out-art/staging/artifacts/tool.whl')))).toBe(sha256(bundle));
    expect(listStagedFiles(ok.record!).filter((f) => f.role === 'artifact').map((f) => f.path)).toEqual(['staging/artifacts/installer.msi', 'staging/artifacts/tool.whl']);
  });

  it('rejects a download with no token leak in the error', async () => {
    await expect(
      fetchToCache({ url: `${gh.apiBase}/repos/${REPO}/releases/assets/999`, name: 'nope', expectedSize: 1 }, { cache: await openCache(join(dir, 'c2')), http: opts('').http, retries: 0 }),
    ).rejects.toSatisfy((e: unknown) => e instanceof StageError && /HTTP 404/.test(e.message) && !e.message.includes('tok-secret'));
  });
});
