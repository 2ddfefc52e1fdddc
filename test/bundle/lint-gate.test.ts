// The lint gate of `junction bundle build`: a workspace with lint errors is refused (exit 2, the errors listed, the
// fix named) unless --allow-lint-errors; the manifest records the result either way, and inspect, verify and the
// RUNBOOK say it. The broken workspace is the one from issue 17: the gateway's two default routes both at metric 200.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { JUNCTION_VERSION } from '../../electron/services/version';
import { parseManifest } from '../../shared/bundle/manifest';
import { makeTestKey, tempDir, type TestKey } from './helpers';

const EXAMPLE = join(process.cwd(), 'examples/contoso-hybrid.junction.json');

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** The example with the gateway's management route metric lowered to the front-end's: RT001/RT00x errors. */
function brokenWorkspace(dir: string): string {
  const text = readFileSync(EXAMPLE, 'utf8');
  expect(text.match(/"routeMetric": 300/g)).toHaveLength(1);
  const file = join(dir, 'broken.junction.json');
  writeFileSync(file, text.replace('"routeMetric": 300', '"routeMetric": 200'));
  return file;
}

let key: TestKey;
let work: string;
let broken: string;
const sign = () => ['--sign-key', key.pfx, '--password-file', key.passwordFile];

beforeAll(() => {
  key = makeTestKey('Lint Gate Signer');
  work = tempDir();
  broken = brokenWorkspace(work);
});

describe('junction bundle build: the lint gate', () => {
  it('refuses a workspace with lint errors, lists them with their places and names the override; nothing is written', async () => {
    const lint = await cli(['lint', broken, '--json']);
    const findings = (
      JSON.parse(lint.out) as { findings: { ruleId: string; severity: string }[] }
    ).findings.filter((f) => f.severity === 'error');
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.ruleId)).toContain('RT001');

    const out = join(work, 'refused');
    const r = await cli(['bundle', 'build', broken, '--out', out, ...sign()]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${findings.length} lint error`);
    expect(r.err).toMatch(/RT001 at \$\.hosts\[\d+\]\.interfaces/);
    expect(r.err).toContain('--allow-lint-errors');
    expect(r.err).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('builds with --allow-lint-errors and records the errors, the rules, the version and the override', async () => {
    const out = join(work, 'overridden');
    const r = await cli(['bundle', 'build', broken, '--out', out, '--allow-lint-errors', ...sign()]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: building over \d+ lint errors? \(--allow-lint-errors\)/);
    // The record is under the signature: sha256sum checks manifest.json against the signed SHA256SUMS.
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
    if (!m.ok) throw new Error(m.message);
    const lint = m.manifest.lint!;
    expect(lint.override).toBe(true);
    expect(lint.junctionVersion).toBe(JUNCTION_VERSION);
    expect(lint.errors).toBeGreaterThan(0);
    expect(lint.rules.find((x) => x.id === 'RT001')).toMatchObject({ severity: 'error' });
    expect(lint.rules.filter((x) => x.severity === 'error').reduce((n, x) => n + x.count, 0)).toBe(
      lint.errors,
    );

    // The RUNBOOK says it before anything else (before the verify section).
    const md = readFileSync(join(out, 'RUNBOOK.md'), 'utf8');
    const warn = md.indexOf('WARNING: this bundle was built from a workspace with lint errors');
    expect(warn).toBeGreaterThan(0);
    expect(warn).toBeLessThan(md.indexOf('## 1. Verify'));
    expect(md).toContain('RT001');
    expect(readFileSync(join(out, 'RUNBOOK.html'), 'utf8')).toContain(
      'WARNING: this bundle was built from a workspace with lint errors',
    );

    const ins = await cli(['bundle', 'inspect', out]);
    expect(ins.out).toMatch(
      new RegExp(
        `^lint: ${lint.errors} errors? \\(RT001[^)]*\\).*Junction ${JUNCTION_VERSION.replace(/\./g, '\\.')} — BUILT ANYWAY`,
        'm',
      ),
    );
    const ver = await cli(['bundle', 'verify', out, '--state-dir', tempDir(), '--trust-file', key.certPem]);
    expect(ver.code).toBe(0);
    expect(ver.out).toMatch(/^lint when built: .*BUILT ANYWAY: the admin overrode the lint gate$/m);
    const verJson = await cli([
      'bundle',
      'verify',
      out,
      '--state-dir',
      tempDir(),
      '--trust-file',
      key.certPem,
      '--json',
    ]);
    expect(JSON.parse(verJson.out)).toMatchObject({
      ok: true,
      lint: { override: true, errors: lint.errors },
    });
  });

  it('does not let the override through what the generators refuse as unsafe (a dangling reference)', async () => {
    const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { licenseLinks: { junctionBox: string }[] };
    raw.licenseLinks[0]!.junctionBox = 'no-such-host';
    const file = join(work, 'dangling.junction.json');
    writeFileSync(file, JSON.stringify(raw, null, 2));
    const out = join(work, 'dangling');
    const r = await cli(['bundle', 'build', file, '--out', out, '--allow-lint-errors', ...sign()]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no host has id "no-such-host"');
    expect(r.err).not.toContain('building over');
    expect(existsSync(out)).toBe(false);
  });

  it('records a clean lint on a clean workspace, with no override even when the flag is given', async () => {
    const out = join(work, 'clean');
    const r = await cli(['bundle', 'build', EXAMPLE, '--out', out, '--allow-lint-errors', ...sign()]);
    expect(r.code).toBe(0);
    expect(r.err).not.toContain('building over');
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'));
    if (!m.ok) throw new Error(m.message);
    expect(m.manifest.lint).toMatchObject({ errors: 0, override: false, junctionVersion: JUNCTION_VERSION });
    expect(m.manifest.lint!.rules.every((x) => x.severity !== 'error')).toBe(true);
    const md = readFileSync(join(out, 'RUNBOOK.md'), 'utf8');
    expect(md).not.toContain('WARNING');
    expect(md.indexOf('Lint: 0 errors')).toBeLessThan(md.indexOf('## 1. Verify'));
    expect((await cli(['bundle', 'inspect', out])).out).toMatch(
      /^lint: 0 errors, \d+ warnings?, \d+ info, checked by Junction /m,
    );
  });
});
