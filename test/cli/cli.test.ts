import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { cli } from '../helpers/cli';
import { EXAMPLE_PATH, EXAMPLE_TEXT, rawExample } from '../helpers/example';
import { PLANTED } from '../lint/planted';

const NOW = ['--at', '2026-11-22T12:00:00Z'];
let dir: string;
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'junction-cli-'));
});

const MODERN_PATH = fileURLToPath(new URL('../../examples/modern-hybrid.junction.json', import.meta.url));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('junction lint', () => {
  it('reports no problems on the example and exits 0', async () => {
    // The seed-era example carries RET001 warnings (retired Azure services, issue 18); the modern one is clean.
    const r = await cli(['lint', MODERN_PATH, ...NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no problems/);
  });

  it('finds every seed mistake planted in one copy, with the right rule ids, and exits 1', async () => {
    const raw = rawExample();
    // One mistake per seed, all at once, as an admin's draft might have them.
    const perSeed = {
      '000': 'LL003',
      '001': 'RT002',
      '002': 'CC003',
      '003': 'CERT007',
      '004': 'HNV003',
    } as const;
    for (const id of Object.values(perSeed)) PLANTED[id]!.mutate(raw);
    const file = write('planted.junction.json', JSON.stringify(raw, null, 2));
    const r = await cli(['lint', file, ...NOW, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    const ids = new Set(report.findings.map((f: { ruleId: string }) => f.ruleId));
    for (const id of Object.values(perSeed)) expect(ids).toContain(id);
    const rt = report.findings.find((f: { ruleId: string }) => f.ruleId === 'RT002');
    expect(rt).toMatchObject({
      severity: 'error',
      rule: 'gateway-vm-default-via-management',
      pointer: expect.stringMatching(/^\/hosts\/\d+\/interfaces\/1\/routeMetric$/),
    });
    expect(rt.line).toBeGreaterThan(1);
    expect(rt.fix).toMatch(/300/);
  });

  it('prints human findings with file:line:col, rule, path and fix', async () => {
    const raw = rawExample();
    PLANTED.LL002!.mutate(raw);
    const file = write('ll002.junction.json', JSON.stringify(raw, null, 2));
    const r = await cli(['lint', file, ...NOW], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ll002\.junction\.json:\d+:\d+ {2}error {2}LL002 relay-account-privileges$/m);
    expect(r.out).toMatch(/at \$\.licenseLinks\[0\]\.relayAccount\.administrator/);
    expect(r.out).toMatch(/fix: set "administrator": false/);
    expect(r.out).toMatch(/1 error, 3 warnings/);
  });

  it('exits 0 with warnings only', async () => {
    const raw = rawExample();
    PLANTED.LL001!.mutate(raw);
    const r = await cli(['lint', write('warn.junction.json', JSON.stringify(raw)), ...NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 errors, 4 warnings/);
  });

  it('--at shows certificates that lapse before a date', async () => {
    const r = await cli(['lint', EXAMPLE_PATH, '--at', '2027-09-20']);
    expect(r.out).toMatch(/CERT001/);
    expect(r.out).toMatch(/expires in 11 days/);
  });

  it('bad input: unreadable file, invalid JSON, schema errors, unknown version — clear message, exit 2, no stack', async () => {
    const missing = await cli(['lint', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read the workspace: no such file/);
    expect(missing.err).toMatch(/fix: /);

    const syntax = await cli(['lint', write('bad.json', EXAMPLE_TEXT.replace('"sites": [', '"sites": [,'))]);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/bad\.json:\d+:\d+: syntax error: invalid JSON/);

    const raw = rawExample();
    raw.hosts[2].roles = ['license-server', 'licence-server'];
    const schema = await cli(['lint', write('schema.json', JSON.stringify(raw, null, 2))]);
    expect(schema.code).toBe(2);
    expect(schema.err).toMatch(/schema error at \$\.hosts\[2\]\.roles\[1\]: must be one of/);
    expect(schema.err).toMatch(/expected: .*"license-server".*; got: string "licence-server"/);

    raw.schemaVersion = 9;
    const version = await cli(['lint', write('v9.json', JSON.stringify(raw))]);
    expect(version.code).toBe(2);
    expect(version.err).toMatch(
      /version error at \$\.schemaVersion: schema version 9 was written by a newer Junction/,
    );
    for (const r of [missing, syntax, schema, version]) noStack(r.err + r.out);
  });

  it('usage errors name the fix', async () => {
    const r = await cli(['lint']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fix: junction lint <workspace>/);
    const bad = await cli(['lint', EXAMPLE_PATH, '--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown option '--frobnicate'/);
    noStack(bad.err);
    const unknown = await cli(['lnit']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "lnit"/);
  });
});

describe('junction schema, rules, init, help', () => {
  it('--help lists commands and --version prints the version', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['lint', 'schema', 'rules', 'init']) expect(h.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    const v = await cli(['--version']);
    expect(v.out).toMatch(/^\d+\.\d+\.\d+/);
    expect((await cli(['lint', '--help'])).out).toMatch(/^junction lint <workspace>/);
  });

  it('the committed JSON Schema is what `junction schema` prints', async () => {
    const r = await cli(['schema']);
    const committed = readFileSync(
      new URL('../../schema/junction-workspace.schema.json', import.meta.url),
      'utf8',
    );
    expect(r.out).toBe(committed);
    const js = JSON.parse(r.out);
    expect(js.$schema).toMatch(/json-schema\.org/);
    expect(js.properties.hosts.items.properties.roles.items.enum).toContain('junction-box');
    expect(js.additionalProperties).toBe(false);
  });

  it('docs/rules.md is what `junction rules --markdown` prints', async () => {
    const r = await cli(['rules', '--markdown']);
    const committed = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(r.out).toBe(committed);
  });

  it('init writes the example and refuses to overwrite without --force', async () => {
    const target = join(dir, 'mine.junction.json');
    expect((await cli(['init', target])).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(EXAMPLE_TEXT);
    const again = await cli(['init', target]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists/);
    expect((await cli(['init', target, '--force'])).code).toBe(0);
  });
});

describe('the built CLI as a real process', () => {
  it('runs bin/junction.mjs and exits with the lint status', () => {
    const bin = new URL('../../bin/junction.mjs', import.meta.url).pathname;
    expect(existsSync(new URL('../../dist/cli.js', import.meta.url))).toBe(true);
    const ok = spawnSync(process.execPath, [bin, 'lint', MODERN_PATH, ...NOW], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/no problems/);
    const bad = spawnSync(process.execPath, [bin, 'lint', join(dir, 'absent.json')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    noStack(bad.stderr);
  });
});

describe('pipes', () => {
  it('a reader that closes the pipe early (| head) is not an error', () => {
    const bin = new URL('../../bin/junction.mjs', import.meta.url).pathname;
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" rules | head -n 1 >/dev/null`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });
});
