import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, existsSync, chmodSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startFakeGithub, makeTarball, sha256 } from './fake-github';
import { makeLoopbackCa, workspaceWith } from './helpers';
import { runCli } from '../../electron/cli/main';

const REPO = 'Azure/cyclecloud-slurm';
const INI = '[project]\nname = slurm\nversion = 2.5.0\n\n[blobs]\nFiles = a.whl, b.tar.gz\n';
const a = randomBytes(30_000);
const b = randomBytes(70_000);
let dir: string;
let media: string;
let gh: Awaited<ReturnType<typeof startFakeGithub>>;
let caPem: string;

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p, `${rel}${n}/`);
      else out.push(`${rel}${n}`);
    }
  };
  if (existsSync(root)) walk(root, '');
  return out;
}

function run(args: string[], path: string) {
  return spawnSync('bash', [join(media, 'stage-cyclecloud.sh'), ...args], { encoding: 'utf8', env: { PATH: path, HOME: dir } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'junction-stage-sh-'));
  // A CA and a server certificate for 127.0.0.1, made here: the client must trust it only through --ca.
  const pki = makeLoopbackCa(dir);
  caPem = pki.caPem;
  const tarball = await makeTarball('slurm-2.5.0', { 'project.ini': INI, 'specs/default/cluster-init/scripts/01.sh': 'echo hi\n' });
  gh = await startFakeGithub(
    [{ repo: REPO, tag: '2.5.0', tarball, assets: [{ id: 1, name: 'a.whl', bytes: a }, { id: 2, name: 'b.tar.gz', bytes: b }] }],
    { key: pki.key, cert: pki.cert },
  );
  const { text } = workspaceWith([{ name: 'slurm', version: '2.5.0', repo: REPO, tag: '2.5.0' }]);
  writeFileSync(join(dir, 'ws.junction.json'), text);
  media = join(dir, 'out/staging/cyclecloud');
}, 60_000);

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS API with a private CA, through the CLI', () => {
  it('fails clearly without the CA and stages with --ca', async () => {
    const io = () => {
      const o = { out: '', err: '' };
      return { o, io: { out: (t: string) => void (o.out += t), err: (t: string) => void (o.err += t), cwd: dir, env: {}, isTTY: false } };
    };
    const base = ['stage', 'fetch', 'ws.junction.json', '--api-base', gh.apiBase, '--cache', 'cache', '--out', 'out', '--idle-timeout', '2'];
    const bad = io();
    expect(await runCli(base, bad.io), bad.o.err + bad.o.out).toBe(1);
    expect(bad.o.out).toMatch(/TLS to 127\.0\.0\.1:\d+ failed: .*self.signed|TLS to 127\.0\.0\.1:\d+ failed/);
    expect(bad.o.out).toContain('fix:');
    const good = io();
    expect(await runCli([...base, '--ca', 'ca.pem'], good.io)).toBe(0);
    expect(good.o.out).toMatch(/staged \d+ files/);
    expect(good.o.err).toMatch(/fetching\s+slurm 2\.5\.0 asset a\.whl/);
    const plan = io();
    expect(await runCli(['stage', 'plan', 'ws.junction.json', '--api-base', gh.apiBase, '--cache', 'cache', '--ca', 'ca.pem', '--media-limit', '50KiB'], plan.io)).toBe(1);
    expect(plan.o.out).toMatch(/blob {2}a\.whl {2}29\.3 KiB {2}\(cached\)/);
    expect(plan.o.out).toMatch(/media 50\.0 KiB: DOES NOT FIT/);
    expect(caPem).toContain('BEGIN CERTIFICATE');
  });
});

describe('stage-cyclecloud.sh, run for real under a temporary --root', () => {
  const fakeBin = () => join(dir, 'bin');
  const SYS = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';
  const expected = [
    'opt/cycle_server/work/staging/projects/slurm/2.5.0/project.ini',
    'opt/cycle_server/work/staging/projects/slurm/2.5.0/specs/default/cluster-init/scripts/01.sh',
    'opt/cycle_server/work/staging/projects/slurm/blobs/a.whl',
    'opt/cycle_server/work/staging/projects/slurm/blobs/b.tar.gz',
  ];

  beforeAll(() => {
    if (!existsSync(media)) throw new Error('the CLI test above must stage first');
    mkdirSync(fakeBin(), { recursive: true });
    // Stands in for `cyclecloud project build`: build/<name>/ with the project files, and a trace of the call.
    writeFileSync(
      join(fakeBin(), 'cyclecloud'),
      `#!/bin/bash\n[ "$1 $2" = "project build" ] || exit 9\necho "$PWD" >> "${dir}/build-calls"\nname=$(sed -n 's/^name *= *//p' project.ini)\nmkdir -p "build/$name"\ncp -R project.ini specs "build/$name/"\n`,
    );
    chmodSync(join(fakeBin(), 'cyclecloud'), 0o755);
  });

  it('is shellcheck clean', () => {
    execFileSync('shellcheck', [join(media, 'stage-cyclecloud.sh')]);
  });

  it('--dry-run changes nothing', () => {
    const root = mkdtempSync(join(dir, 'dry-'));
    const r = run(['--dry-run', '--root', root], `${fakeBin()}:${SYS}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+ mkdir -p .*projects\/slurm\/2\.5\.0/);
    expect(r.stdout).toContain('cyclecloud project build');
    expect(tree(root)).toEqual([]);
    expect(existsSync(join(dir, 'build-calls'))).toBe(false);
  });

  it('without the cyclecloud CLI and without build output, stops and says why', () => {
    const root = mkdtempSync(join(dir, 'nocli-'));
    const r = run(['--root', root], SYS);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the media has no build\/slurm and the cyclecloud CLI is not on PATH/);
    expect(tree(root)).toEqual([]);
  });

  it('when the owner account does not exist: says so, stages the rest, exits 3', () => {
    const root = mkdtempSync(join(dir, 'noowner-'));
    const r = run(['--root', root, '--owner', 'junction-no-such-user'], `${fakeBin()}:${SYS}`);
    expect(r.status, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('ownership: NOT SET: user junction-no-such-user does not exist');
    expect(r.stdout).toContain('slurm: 2/2 blobs');
    expect(tree(root)).toEqual(expected);
  });

  it('builds, copies, chowns and checks; a second run converges on the same tree', (ctx) => {
    const root = mkdtempSync(join(dir, 'root-'));
    const isRoot = process.getuid?.() === 0;
    let haveUser = spawnSync('id', ['cycle_server']).status === 0;
    if (!haveUser && isRoot && spawnSync('sh', ['-c', 'command -v useradd']).status === 0) {
      haveUser = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'cycle_server']).status === 0;
    }
    const calls = () => (existsSync(join(dir, 'build-calls')) ? readFileSync(join(dir, 'build-calls'), 'utf8').trim().split('\n').length : 0);
    const before = calls();
    const r1 = run(['--root', root], `${fakeBin()}:${SYS}`);
    expect(tree(root)).toEqual(expected);
    const staged = join(root, 'opt/cycle_server/work/staging/projects/slurm');
    expect(sha256(readFileSync(join(staged, 'blobs/a.whl')))).toBe(sha256(a));
    expect(sha256(readFileSync(join(staged, 'blobs/b.tar.gz')))).toBe(sha256(b));
    expect(calls()).toBe(before + 1); // built once, in a scratch copy: the media stays as checked
    expect(existsSync(join(media, 'slurm/2.5.0/build'))).toBe(false);
    expect(r1.stdout).toContain('slurm 2.5.0: 2 files in');
    expect(r1.stdout).toContain('slurm: 2/2 blobs');
    const r2 = run(['--root', root], `${fakeBin()}:${SYS}`);
    expect(tree(root)).toEqual(expected);
    if (!haveUser) {
      expect(r1.status).toBe(3);
      expect(r1.stdout).toContain('ownership: NOT SET');
      ctx.skip(`cannot check owners: no cycle_server user and ${isRoot ? 'useradd failed' : 'not root'}`);
      return;
    }
    expect(r1.status, r1.stdout + r1.stderr).toBe(0);
    expect(r2.status).toBe(0);
    expect(r1.stdout).toContain('result: OK');
    const uid = Number(execFileSync('id', ['-u', 'cycle_server'], { encoding: 'utf8' }).trim());
    for (const f of ['', ...expected.map((e) => e.replace('opt/cycle_server/work/staging', ''))]) {
      expect(statSync(join(root, 'opt/cycle_server/work/staging', f)).uid).toBe(uid);
    }
  });

  it('refuses media that no longer matches SHA256SUMS', () => {
    const root = mkdtempSync(join(dir, 'bad-'));
    appendFileSync(join(media, 'slurm/blobs/b.tar.gz'), 'x');
    const r = run(['--root', root], `${fakeBin()}:${SYS}`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/do not match SHA256SUMS/);
    expect(tree(root)).toEqual([]);
  });
});
