// apply.sh, run for real with bash on copies of built bundles: it runs a host's bash steps (the staged
// stage-cyclecloud.sh on the CycleCloud server, generated .sh steps), appends the lines apply.ps1 writes to
// receipt/apply-log.jsonl, and `junction receipt import` then records each step with its result.
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { buildBundle } from '../../electron/bundle/build';
import { importReceipt } from '../../electron/bundle/receipt-import';
import { parseManifest, type Manifest } from '../../shared/bundle/manifest';
import { APPLY_LOG, HEALTH_LOG, stepStatus } from '../../shared/bundle/receipt';
import { APPLY_PS1, APPLY_SH } from '../../shared/bundle/scripts';
import { STAGE_SCRIPT } from '../../shared/stage/plan';
import { makeStaging, makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

const EXAMPLE = join(process.cwd(), 'examples/contoso-hybrid.junction.json');

let staged: string;
let mixed: string;

beforeAll(async () => {
  const key = makeTestKey('Apply Signer');
  staged = join(tempDir(), 'with-staging');
  let err = '';
  const io: CliIo = { out: () => undefined, err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  const code = await runCli(['bundle', 'build', EXAMPLE, '--out', staged, '--sign-key', key.pfx, '--password-file', key.passwordFile, '--staging', makeStaging()], io);
  expect(code, err).toBe(0);

  // A Linux host with three bash steps (the second fails) next to the sample's Windows hosts.
  const input = sampleInput();
  input.artifacts.push(
    { path: 'LX01/01-ok.sh', role: 'script', host: 'LX01', step: 1, bytes: 'printf "ran in %s\\n" "$PWD"\nprintf one >receipt/step-1-ran\n' },
    { path: 'LX01/02-fail.sh', role: 'script', host: 'LX01', step: 2, bytes: 'printf two >receipt/step-2-ran\nexit 4\n' },
    { path: 'LX01/03-never.sh', role: 'script', host: 'LX01', step: 3, bytes: 'printf three >receipt/step-3-ran\n' },
  );
  input.hosts.push({
    host: 'LX01',
    steps: [
      { step: 1, title: 'First "quoted" step — ok', script: 'LX01/01-ok.sh' },
      { step: 2, title: 'Second step, fails', script: 'LX01/02-fail.sh' },
      { step: 3, title: 'Third step', script: 'LX01/03-never.sh' },
    ],
  });
  mixed = join(tempDir(), 'mixed');
  await buildBundle(input, { out: mixed, format: 'dir', signer: await signerFor(makeTestKey()), junctionVersion: '0.1.0', createdAt: '2026-11-22T00:00:00.000Z' });
});

function copyOf(src: string): string {
  const dst = join(tempDir(), 'media');
  cpSync(src, dst, { recursive: true });
  return dst;
}

function manifestOf(dir: string): Manifest {
  const m = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (!m.ok) throw new Error(m.message);
  return m.manifest;
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The keys apply.ps1 writes, in its order: read from its [ordered] hashtables, not restated here. */
function ps1Keys(variable: string): string[] {
  const body = new RegExp(`\\$${variable} = \\[ordered\\]@\\{([^}]*)\\}`).exec(APPLY_PS1)![1]!;
  return [...body.matchAll(/^\s*(\w+) =/gm)].map((m) => m[1]!);
}

function bash(cwd: string, command: string) {
  const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

describe('apply.sh', () => {
  it('is in every bundle, listed and signed, executable, and shellcheck-clean with no tools beyond bash and coreutils', () => {
    const m = manifestOf(staged);
    const f = m.files.find((x) => x.path === 'apply.sh');
    expect(f?.role).toBe('tool');
    expect(readFileSync(join(staged, 'apply.sh'), 'utf8')).toBe(APPLY_SH);
    expect(readFileSync(join(staged, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}apply\.sh$/m);
    expect(execFileSync('stat', ['-c', '%a', join(staged, 'apply.sh')], { encoding: 'utf8' }).trim()).toBe('755');
    const dir = tempDir();
    writeFileSync(join(dir, 'apply.sh'), APPLY_SH);
    execFileSync('shellcheck', ['--shell=bash', '--severity=style', join(dir, 'apply.sh')], { encoding: 'utf8' });
    expect(APPLY_SH).not.toMatch(/\b(find|awk|sed|grep|python|perl|jq)\b/);
  });

  it('runs the staging step as the runbook says, logs it as apply.ps1 would, and receipt import records it with its result', async () => {
    const media = copyOf(staged);
    const m = manifestOf(media);
    const cc = m.hosts.find((h) => h.steps.some((s) => s.script === STAGE_SCRIPT))!;
    const step = cc.steps.find((s) => s.script === STAGE_SCRIPT)!;

    // The runbook's command for this bash step, as written (without sudo: the test stages into a scratch root).
    const runbook = readFileSync(join(media, 'RUNBOOK.md'), 'utf8');
    const line = runbook.split('\n').find((l) => l.startsWith(`${step.step}. **Stage CycleCloud projects`) && l.includes(STAGE_SCRIPT));
    expect(line, runbook).toBeDefined();
    const command = /— run `(sudo bash apply\.sh [^`]+)`/.exec(line!)?.[1];
    expect(command).toBe(`sudo bash apply.sh --host ${cc.host} --step ${step.step}`);
    expect(readFileSync(join(media, 'RUNBOOK.html'), 'utf8')).toContain(`<code>${command}</code>`);
    const run = command!.replace(/^sudo /, '');

    // A dry run goes to the script but is not recorded.
    const dry = bash(media, `${run} -- --dry-run --root ${tempDir()}`);
    expect(dry.status, dry.out).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing is changed');
    expect(existsSync(join(media, APPLY_LOG))).toBe(false);

    // A real run into a scratch root, owned by this user: staged and checked.
    const root = tempDir();
    const ok = bash(media, `${run} -- --root ${root} --owner ${userInfo().username}`);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.stdout).toContain('result: OK');
    const blob = 'staging/cyclecloud/slurm/blobs/slurm-pkgs.tar.gz';
    expect(readFileSync(join(root, 'opt/cycle_server/work/staging/projects/slurm/blobs/slurm-pkgs.tar.gz')).equals(readFileSync(join(media, blob)))).toBe(true);

    // The same step again, for an owner that does not exist: the script exits 3, apply.sh reports the failure.
    const bad = bash(media, `${run} -- --root ${tempDir()} --owner junction-no-such-user`);
    expect(bad.status, bad.out).toBe(1);
    expect(bad.stderr).toContain(`step ${step.step} failed with exit code 3`);

    const log = lines(join(media, APPLY_LOG));
    expect(log).toHaveLength(2);
    for (const rec of log) {
      expect(Object.keys(rec)).toEqual(ps1Keys('record'));
      expect(rec).toMatchObject({ bundleId: m.bundleId, host: cc.host, computer: hostname(), step: step.step, script: STAGE_SCRIPT });
      expect(Date.parse(rec['finished'] as string)).toBeGreaterThanOrEqual(Date.parse(rec['started'] as string));
      expect(rec['started']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(log.map((r) => r['exitCode'])).toEqual([0, 3]);
    const health = lines(join(media, HEALTH_LOG));
    for (const h of health) expect(Object.keys(h)).toEqual(ps1Keys('check'));
    expect(health.map((h) => [h['ok'], h['detail']])).toEqual([
      [true, '1 step(s) run, 0 failed'],
      [false, '1 step(s) run, 1 failed'],
    ]);

    const stateFile = join(tempDir(), 'contoso.state.json');
    const r = await importReceipt(media, stateFile);
    expect(r.warnings).toEqual([]);
    expect(r.addedRuns).toBe(2);
    expect(r.addedHealth).toBe(2);
    const runs = r.state.runs.filter((x) => x.host === cc.host && x.step === step.step);
    expect(runs.map((x) => [x.exitCode, x.result, x.computer, x.script, x.bundleId])).toEqual([
      [0, 'succeeded', hostname(), STAGE_SCRIPT, m.bundleId],
      [3, 'failed', hostname(), STAGE_SCRIPT, m.bundleId],
    ]);
    expect(stepStatus(r.state, m.bundleId, cc.host, step.step)?.result).toBe('failed');
    expect((await importReceipt(media, stateFile)).addedRuns).toBe(0);
  });

  it("runs a host's bash steps in order from the bundle folder, stops at the first failure, and refuses what is not a bash step", async () => {
    const media = copyOf(mixed);
    const m = manifestOf(media);
    // The host is matched ignoring case (like apply.ps1) and recorded as the manifest spells it.
    const r = bash(media, 'bash apply.sh --host lx01');
    expect(r.status, r.out).toBe(1);
    expect(r.stdout).toContain(`ran in ${media}`);
    expect(r.stdout).toContain('== LX01 step 1: First \\"quoted\\" step — ok');
    expect(readFileSync(join(media, 'receipt/step-2-ran'), 'utf8')).toBe('two');
    expect(existsSync(join(media, 'receipt/step-3-ran'))).toBe(false);
    const log = lines(join(media, APPLY_LOG));
    expect(log.map((x) => [x['host'], x['step'], x['script'], x['exitCode']])).toEqual([
      ['LX01', 1, 'files/LX01/01-ok.sh', 0],
      ['LX01', 2, 'files/LX01/02-fail.sh', 4],
    ]);

    const third = bash(media, 'bash apply.sh --host LX01 --step 3');
    expect(third.status, third.out).toBe(0);
    expect(readFileSync(join(media, 'receipt/step-3-ran'), 'utf8')).toBe('three');

    const ps = bash(media, 'bash apply.sh --host GW01 --step 1');
    expect(ps.status).toBe(2);
    expect(ps.stderr).toContain('PowerShell step');
    expect(bash(media, 'bash apply.sh --host GW01').stderr).toContain('no bash steps for host GW01');
    expect(bash(media, 'bash apply.sh --host nowhere').status).toBe(2);
    expect(bash(media, 'bash apply.sh --host LX01 --step 9').stderr).toContain('no step 9 for host LX01');
    expect(bash(media, 'bash apply.sh --host LX01 -- --dry-run').status).toBe(2);
    expect(bash(media, 'bash apply.sh').status).toBe(2);
    // A manifest not laid out as Junction writes it is named as such, not read as "no steps".
    const reformatted = copyOf(mixed);
    writeFileSync(join(reformatted, 'manifest.json'), JSON.stringify(m));
    const odd = bash(reformatted, 'bash apply.sh --host LX01');
    expect(odd.status).toBe(2);
    expect(odd.stderr).toContain('not laid out as Junction writes it');
    expect(existsSync(join(reformatted, 'receipt/step-1-ran'))).toBe(false);

    const state = await importReceipt(media, join(tempDir(), 's.json'));
    expect(state.warnings).toEqual([]);
    expect(state.state.runs.map((x) => [x.host, x.step, x.result])).toEqual([
      ['LX01', 1, 'succeeded'],
      ['LX01', 2, 'failed'],
      ['LX01', 3, 'succeeded'],
    ]);
    expect(stepStatus(state.state, m.bundleId, 'LX01', 2)?.exitCode).toBe(4);
  });

  it('the runbook sends bash steps through apply.sh and PowerShell steps through apply.ps1', () => {
    const md = readFileSync(join(mixed, 'RUNBOOK.md'), 'utf8');
    expect(md).toContain('1. **First "quoted" step — ok** — run `sudo bash apply.sh --host LX01 --step 1` (script `files/LX01/01-ok.sh`)');
    expect(md).toContain('1. **Routes and metrics** — run `files/GW01/01-routes.ps1`');
    expect(md).toContain('`sudo bash apply.sh --host <host>`');
    expect(md).not.toMatch(/sudo bash <script>/);
  });
});
