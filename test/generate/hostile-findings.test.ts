// The hostile-input review of issue #15: each finding reproduced. Generators are fed hostile text directly (a
// workspace object that skipped the loader), because the loader's rejection is one layer and the escaping another.
import { describe, expect, it, beforeAll } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { generateAll } from '../../shared/generate';
import { desiredResources } from '../../shared/azure/desired';
import { exportCliScript } from '../../shared/azure/export';
import { lintWorkspace } from '../../shared/lint/engine';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { FIXED_NOW, load, rawExample, byId, type Raw } from '../helpers/example';
import { cli } from '../helpers/cli';
import { shellCodeLines } from './sh-lex';
import { makeTestKey, type TestKey } from '../bundle/helpers';

const clean = (): Workspace => load(rawExample());
const scratch = () => mkdtempSync(join(tmpdir(), 'junction-hostile-'));

/** Lines of a bash script before `set -euo pipefail` that are not comments: code that runs even for --help. */
function codeBeforeSet(sh: string): string[] {
  const lines = sh.split('\n');
  const end = lines.indexOf('set -euo pipefail');
  return lines.slice(1, end).filter((l) => !l.startsWith('#'));
}

function bashFiles(ws: Workspace) {
  return generateAll(ws).files.filter((f) => f.kind === 'bash');
}

function writeJson(dir: string, raw: Raw, name = 'ws.junction.json'): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(raw, null, 2));
  return p;
}

describe('finding 1: a line break in a name ends a # comment of a bash script', () => {
  it('the loader refuses the name, located', () => {
    const raw = rawExample();
    raw.cycleCloud[0].name = 'cc\ntouch /tmp/pwned';
    const r = loadWorkspace(JSON.stringify(raw), 'ws.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.path === '$.cycleCloud[0].name' && /control character/.test(p.message))).toBe(true);
    expect(r.problems.find((p) => p.path === '$.cycleCloud[0].name')!.position).toBeDefined();
  });
  it('and the bash header keeps every line a comment when the text gets past it', () => {
    for (const mutate of [
      (ws: Workspace) => (ws.cycleCloud[0]!.name = 'cc\ntouch /tmp/pwned'),
      (ws: Workspace) => (byId(ws.hosts, 'cc01').name = 'cc\rtouch /tmp/pwned'),
      (ws: Workspace) => (byId(ws.hosts, 'cc01').fqdn = 'cc\u2028touch /tmp/pwned\ntouch /tmp/pwned2'),
      (ws: Workspace) => (ws.azure.vnets[0]!.subnets.find((s) => s.id === 'snet-cyclecloud')!.name = 'snet\ntouch /tmp/pwned'),
    ]) {
      const ws = clean();
      mutate(ws);
      const files = bashFiles(ws);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(codeBeforeSet(f.content), f.path).toEqual([]);
    }
  });
});

describe('finding 2: the az script # <kind> <name> lines', () => {
  it('a line break in a resource name stays inside the comment', () => {
    const base = clean();
    const count = (ws: Workspace) => shellCodeLines(exportCliScript(desiredResources(ws).resources, ws.name)).length;
    const before = count(base);
    const ws = clean();
    ws.azure.nsgs[0]!.name = 'nsg\ntouch /tmp/pwned';
    ws.azure.vnets[0]!.name = 'vnet\rtouch /tmp/pwned';
    ws.azure.routeTables[0]!.name = 'rt\n\ntouch /tmp/pwned';
    const script = exportCliScript(desiredResources(ws).resources, ws.name);
    expect(shellCodeLines(script).length).toBe(before);
    expect(shellCodeLines(script).some((l) => l.includes('touch'))).toBe(false);
  });
});

describe('finding 3: $() in an NSG or subnet name in the NSG step script', () => {
  it('runs nothing: the script under --dry-run with a stand-in az creates no file', () => {
    const dir = scratch();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // az answers every call with the subscription id and success, so the "exists" branches (the echo lines) run.
    const ws = clean();
    const sub = ws.sites.find((s) => s.kind === 'azure')!.azure!.subscriptionId ?? '';
    writeFileSync(join(bin, 'az'), `#!/usr/bin/env bash\necho ${sub}\n`);
    chmodSync(join(bin, 'az'), 0o755);
    ws.azure.nsgs[0]!.name = 'nsg$(touch PWNED-nsg)`touch PWNED-tick`';
    ws.azure.vnets[0]!.subnets.find((s) => s.id === 'snet-cyclecloud')!.name = 'snet$(touch PWNED-subnet)';
    const script = generateAll(ws).files.find((f) => f.path.endsWith('apply-nsg-rules.sh'))!;
    const file = join(dir, 'apply.sh');
    writeFileSync(file, script.content);
    const run = spawnSync('bash', [file, '--dry-run'], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env['PATH']}`, HOME: dir, JUNCTION_LOG_DIR: join(dir, 'logs') },
      encoding: 'utf8',
    });
    // Past the prologue into the steps that name the NSG and the subnet (the stand-in az answers nothing useful,
    // so the script may stop later; what matters is that nothing of the names ran).
    expect(run.stdout, run.stderr).toMatch(/^log: /m);
    expect(readdirSync(dir).filter((f) => f.startsWith('PWNED'))).toEqual([]);
  });
  it('a subnet name that is not a safe file name is refused, located, instead of becoming a file name', () => {
    const ws = clean();
    ws.azure.vnets[0]!.subnets.find((s) => s.id === 'snet-cluster')!.name = 'snet;touch x';
    expect(() => generateAll(ws)).toThrow(/azure\.vnets\[0\]\.subnets\[2\]\.name/);
  });
});

describe('finding 4: CR/LF in a License Link name in startup.bat', () => {
  it('keeps the line count of the clean file', () => {
    const lines = (ws: Workspace) =>
      generateAll(ws).files.find((f) => f.path.endsWith('startup.bat'))!.content.split(/\r\n|\r|\n/).length;
    const before = lines(clean());
    const ws = clean();
    ws.licenseLinks[0]!.name = 'LL\r\nnet user evil /add\r\n';
    expect(lines(ws)).toBe(before);
    const ws2 = clean();
    ws2.licenseLinks[0]!.name = 'LL %PATH% & net user evil /add ^';
    const bat = generateAll(ws2).files.find((f) => f.path.endsWith('startup.bat'))!.content;
    const rem = bat.split('\r\n').find((l) => l.startsWith('rem License Link'))!;
    // Nothing cmd.exe acts on, even inside a rem line (% expands there, a trailing ^ joins the next line).
    expect(rem).not.toMatch(/[%&^|<>!]/);
  });
});

describe('finding 5: an invalid ipv6Prefix', () => {
  it('lint flags it and generate refuses with exit 2 and the location, writing nothing', async () => {
    const raw = rawExample();
    raw.licenseLinks[0].ipv6Prefix = '2011:1234:5678:: & calc';
    expect(lintWorkspace(load(raw), { now: FIXED_NOW }).findings.some((f) => f.ruleId === 'LL004')).toBe(true);
    const dir = scratch();
    const r = await cli(['generate', writeJson(dir, raw), '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/licenseLinks\[0\]\.ipv6Prefix/);
    expect(r.err).toMatch(/ws\.junction\.json:\d+:\d+/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('finding 6: generate writes outside --out', () => {
  it('a subnet name ../../ is refused and nothing lands outside', async () => {
    const dir = scratch();
    const raw = rawExample();
    byId<Raw>(byId<Raw>(raw.azure.vnets, 'vnet-hpc').subnets, 'snet-cluster').name = '../../../escaped';
    const out = join(dir, 'a', 'b', 'out');
    const r = await cli(['generate', writeJson(dir, raw), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/internal error/);
    expect(readdirSync(dir).sort()).toEqual(['ws.junction.json']);
  });
  it('a dangling site used as a folder name is refused at load', async () => {
    const dir = scratch();
    const raw = rawExample();
    byId<Raw>(raw.azure.vnets, 'vnet-hpc').site = '../../escaped-site';
    const r = await cli(['generate', writeJson(dir, raw), '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/azure\.vnets\[0\]\.site/);
    expect(readdirSync(dir).sort()).toEqual(['ws.junction.json']);
  });
});

describe('finding 7: a dangling NSG reference', () => {
  let key: TestKey;
  beforeAll(() => {
    key = makeTestKey();
  });
  const dangling = () => {
    const raw = rawExample();
    byId<Raw>(byId<Raw>(raw.azure.vnets, 'vnet-hpc').subnets, 'snet-cluster').nsg = 'nsg-missing';
    return raw;
  };
  it('generate exits 2 with the location, not an internal error', async () => {
    const dir = scratch();
    const r = await cli(['generate', writeJson(dir, dangling()), '--out', join(dir, 'out')]);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/azure\.vnets\[0\]\.subnets\[2\]\.nsg/);
    expect(r.err).toMatch(/nsg-missing/);
  });
  it('bundle build exits 2 too, even with --allow-lint-errors', async () => {
    const dir = scratch();
    const ws = writeJson(dir, dangling());
    for (const extra of [[], ['--allow-lint-errors']]) {
      const r = await cli(['bundle', 'build', ws, '--out', join(dir, `b${extra.length}`), '--sign-key', key.pfx, '--password-file', key.passwordFile, ...extra]);
      expect(r.err).not.toMatch(/internal error/);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/nsg-missing/);
      // Located in the file, as generate does: file:line:column of the dangling reference.
      const line = readFileSync(ws, 'utf8').split('\n').findIndex((l) => l.includes('"nsg-missing"')) + 1;
      expect(r.err).toMatch(new RegExp(`\\.json:${line}:\\d+`));
    }
  });
});

describe('the console preview', () => {
  it('shows the refusal as located problems, not an internal error', async () => {
    const { preview } = await import('../../electron/services/generate-service');
    const raw = rawExample();
    byId<Raw>(byId<Raw>(raw.azure.vnets, 'vnet-hpc').subnets, 'snet-cluster').nsg = 'nsg-missing';
    const text = JSON.stringify(raw, null, 2);
    const r = preview({ text, fileName: 'ws.junction.json' });
    expect(r.ok).toBe(false);
    const p = r.problems.find((x) => x.path === '$.azure.vnets[0].subnets[2].nsg')!;
    expect(p.message).toMatch(/nsg-missing/);
    expect(p.position?.line).toBe(text.split('\n').findIndex((l) => l.includes('"nsg-missing"')) + 1);
  });
});

describe('the console bundle build', () => {
  it('refuses the workspace with the location even with the lint override', async () => {
    const { build, createJobs } = await import('../../electron/services/bundle-service');
    const raw = rawExample();
    byId<Raw>(byId<Raw>(raw.azure.vnets, 'vnet-hpc').subnets, 'snet-cluster').nsg = 'nsg-missing';
    const req = { fileName: 'ws.junction.json', text: JSON.stringify(raw), allowLintErrors: true, format: 'dir', out: join(scratch(), 'b') };
    await expect(build(createJobs(), req as never)).rejects.toThrow(/Not built: \$\.azure\.vnets\[0\]\.subnets\[2\]\.nsg: .*nsg-missing/);
  });
});

describe('finding 8: ids that differ only by case', () => {
  it('are a lint error and generate refuses them', async () => {
    const raw = rawExample();
    const copy = structuredClone(byId<Raw>(raw.hosts, 'cc01'));
    copy.id = 'CC01';
    copy.name = 'cyclecloud02';
    raw.hosts.push(copy);
    const f = lintWorkspace(load(raw), { now: FIXED_NOW }).findings.filter((x) => x.ruleId === 'WS001');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/"CC01".*"cc01"|cc01.*CC01/)]);
    const dir = scratch();
    const r = await cli(['generate', writeJson(dir, raw), '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/hosts\[\d+\]\.id/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('ids that are Windows device names', () => {
  it('are refused before they become folder names, located', async () => {
    const raw = rawExample();
    byId<Raw>(raw.hosts, 'hn01').id = 'NUL';
    for (const ll of raw.licenseLinks) for (const k of ['junctionBox', 'licenseServer', 'nodeGroup']) if (ll[k] === 'hn01') ll[k] = 'NUL';
    for (const c of raw.certificates) for (const p of c.placements) if (p.host === 'hn01') p.host = 'NUL';
    const dir = scratch();
    const r = await cli(['generate', writeJson(dir, raw), '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/hosts\[0\]\.id: id "NUL" cannot be a folder name/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('the generate CLI checks every output path against --out', () => {
  it('refuses before writing anything when a path would leave it', async () => {
    const { checkedOutputPath } = await import('../../electron/cli/commands/generate');
    const out = scratch();
    expect(checkedOutputPath(out, 'jb01/license-link/01-a.ps1')).toBe(join(out, 'jb01', 'license-link', '01-a.ps1'));
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\..\\x', 'a//b', 'a/./b', ''])
      expect(() => checkedOutputPath(out, bad), bad).toThrow(/outside|not a safe/);
  });
});
