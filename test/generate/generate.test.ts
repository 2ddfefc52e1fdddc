import { describe, expect, it, beforeAll } from 'vitest';
import {
  mkdtempSync,
  writeFileSync,
  readFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateAll, SCENARIOS, type GenerateResult } from '../../shared/generate';
import { CATALOG, catalogMarkdown } from '../../shared/generate/catalog';
import { NETWORK_API_VERSION } from '../../shared/generate/scenarios/cyclecloud';
import { EXAMPLE_PATH, FIXED_NOW, load, rawExample } from '../helpers/example';
import { lintWorkspace } from '../../shared/lint/engine';
import { cli } from '../helpers/cli';
import { catalogProblems, parsePs } from './ps-parse';

const GOLDEN = fileURLToPath(new URL('../golden/contoso-hybrid/', import.meta.url));
let result: GenerateResult;
const ps1 = () => result.files.filter((f) => f.path.endsWith('.ps1'));

beforeAll(() => {
  const ws = load(rawExample());
  expect(lintWorkspace(ws, { now: FIXED_NOW }).counts.error).toBe(0);
  result = generateAll(ws);
});

describe('generateAll on the example workspace', () => {
  it('covers all six scenarios and every role the seeds name', () => {
    expect(new Set(result.files.map((f) => f.scenario))).toEqual(new Set(SCENARIOS));
    const hosts = new Set(result.files.map((f) => f.host));
    for (const h of [
      'jb01',
      'azure-nodes',
      'hn01',
      'hpcadmin01',
      'gwvm01',
      'vmm01',
      'hv01',
      'hv02',
      'hvgw01',
      'rdgw01',
      'cc01',
      'azure-hpc',
    ])
      expect(hosts).toContain(h);
    // The subscription upload is a manual step without a file.
    expect(
      result.steps.some((s) => s.files.length === 0 && s.commands.join().includes('Management certificates')),
    ).toBe(true);
  });

  it('is deterministic', () => {
    const again = generateAll(load(rawExample()));
    expect(again).toEqual(result);
  });

  it('every .ps1 parses with the tree-sitter PowerShell grammar, with only catalogued commands and parameters', async () => {
    const problems: string[] = [];
    let commands = 0;
    for (const f of ps1()) {
      const { errors, commands: cmds } = await parsePs(f.content);
      commands += cmds.length;
      problems.push(
        ...errors.map((e) => `${f.path}: ${e}`),
        ...catalogProblems(cmds, f.content).map((e) => `${f.path}: ${e}`),
      );
    }
    expect(problems).toEqual([]);
    expect(commands).toBeGreaterThan(200);
  });

  it('the catalog check is not vacuous: it rejects a bad parameter, an unknown command and a syntax error', async () => {
    const bad = await parsePs(
      "netsh interface ip set\nNew-NetRoute -DestinationPrefix '0.0.0.0/0' -Bogus 1\nInvoke-Unknown -X\n$s = @{ Nope = 1 }\nAdd-VpnConnection @s\nif ($true { }",
    );
    const problems = catalogProblems(bad.commands);
    expect(problems).toContain('New-NetRoute: parameter -Bogus not in catalog');
    expect(problems).toContain('command not in catalog: Invoke-Unknown');
    expect(problems.some((p) => p.startsWith('netsh: usage'))).toBe(true);
    expect(catalogProblems(bad.commands, '$s = @{ Nope = 1 }')).toContain(
      'Add-VpnConnection: splatted parameter -Nope not in catalog',
    );
    expect(bad.errors.length).toBeGreaterThan(0);
    // A call without any of a cmdlet's mandatory parameter sets would stop at a prompt on the far side.
    const unbound = await parsePs(
      "Get-SCVPNConnection -VMMServer $vmm\n$g = @{ VMNetworkGateway = $gw }\nGet-SCVPNConnection @g -VMMServer $vmm",
    );
    expect(catalogProblems(unbound.commands, '$g = @{ VMNetworkGateway = $gw }')).toEqual([
      'Get-SCVPNConnection: needs -VMNetworkGateway or -ID (PowerShell would stop to prompt)',
    ]);
  });

  it("the runbook's certificate commands run as printed and make the files the import scripts expect", async () => {
    const section = result.runbook.split('## Certificates to make before the certificate steps')[1]!.split('\n## ')[0]!;
    const commands = section.split('\n').filter((l) => l.startsWith('junction cert new '));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const dir = mkdtempSync(join(tmpdir(), 'junction-runbook-certs-'));
    writeFileSync(join(dir, 'pw'), 'correct horse battery\n');
    for (const line of commands) {
      const args = line
        .replaceAll('<workspace file>', EXAMPLE_PATH)
        .replaceAll('<password file>', join(dir, 'pw'))
        .replaceAll('<folder>', dir)
        .split(' ')
        .slice(1);
      const r = await cli(args);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
    }
    // Every .pfx/.cer an import script names, except those the CA issues, is now there.
    const wanted = result.steps.flatMap((s) => s.prerequisites).join(' ').match(/cert-[a-z0-9-]+\.(pfx|cer)/g) ?? [];
    const fromCa = section.match(/`(cert-[a-z0-9-]+)`: request/g)?.map((m) => m.slice(1, m.indexOf('`', 1))) ?? [];
    for (const f of new Set(wanted)) if (!fromCa.some((id) => f.startsWith(`${id}.`))) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('keeps docs/cmdlet-catalog.md in step with the catalog (UPDATE_DOCS=1 rewrites it)', () => {
    const file = fileURLToPath(new URL('../../docs/cmdlet-catalog.md', import.meta.url));
    if (process.env.UPDATE_DOCS === '1') writeFileSync(file, catalogMarkdown());
    expect(readFileSync(file, 'utf8')).toBe(catalogMarkdown());
  });

  it('names a Microsoft Learn page for every catalogued command', () => {
    for (const [name, e] of Object.entries(CATALOG))
      expect(e.source, name).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it('never uses the pitfalls of the reference facts', () => {
    const all = result.files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/-PolicyStore\s+PersistentStore/);
    expect(all).not.toMatch(/Set-VpnServerConfiguration/);
    expect(all).not.toMatch(/FrontEndServ(er|ice)Address/);
    expect(all).not.toMatch(/-AsPlainText/);
    const cs = result.files.find((f) => f.path.endsWith('network-service.ps1'))!.content;
    const m = /-ConnectionString '([^']*)'/.exec(cs);
    expect(m?.[1]).toBe('VMHost=hvgw01.contoso.com;GatewayVM=GatewayVM01;BackendSwitch=HNV-Switch');
  });

  it('every change in a PowerShell script sits behind $PSCmdlet.ShouldProcess (so -WhatIf changes nothing)', async () => {
    const mutating = /^(New|Add|Install|Import|Set|Register|Restart|Remove|Copy)-/i;
    const exempt = new Set([
      'new-object',
      'new-item',
      'set-strictmode',
      'new-scheduledtaskaction',
      'new-scheduledtasktrigger',
      'new-scheduledtaskprincipal',
      'new-scsubnetvlan',
      'import-module',
      'set-content',
      'copy-item',
      'remove-item',
    ]);
    const unguarded: string[] = [];
    for (const f of ps1()) {
      const { commands } = await parsePs(f.content);
      for (const c of commands) {
        const external =
          ['netsh', 'rasdial', 'hpcpack'].includes(c.name.toLowerCase()) && !/show/.test(c.words.join(' '));
        if (!(mutating.test(c.name) && !exempt.has(c.name.toLowerCase())) && !external) continue;
        let guarded = false;
        for (let n = c.node.parent; n; n = n.parent)
          if (
            n.type === 'if_statement' &&
            /\$PSCmdlet\.ShouldProcess\(/.test(n.children.find((x) => x?.type === 'pipeline')?.text ?? '')
          )
            guarded = true;
        if (!guarded) unguarded.push(`${f.path}: ${c.name} ${c.words.join(' ')}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('checks state before each change (idempotence): the Get- counterpart precedes every create', () => {
    const pairs: [RegExp, RegExp][] = [
      [/New-NetRoute @key/, /Get-NetRoute @key/],
      [/Install-WindowsFeature -Name/, /Get-WindowsFeature -Name/],
      [/New-LocalUser -Name/, /Get-LocalUser -Name/],
      [/Add-VpnConnection @/, /Get-VpnConnection -Name/],
      [/Register-ScheduledTask -TaskName/, /Get-ScheduledTask -TaskName/],
      [/Import-(Pfx)?Certificate -FilePath/, /Get-ChildItem -Path \(/],
      [/New-SCLogicalNetwork -Name/, /Get-SCLogicalNetwork -Name/],
      [/Add-SCNetworkService -Name/, /Get-SCNetworkService -Name/],
      [/Add-SCVPNConnection @/, /Get-SCVPNConnection/],
      [/Set-NetIPInterface -InterfaceAlias/, /Get-NetIPInterface -InterfaceAlias/],
    ];
    for (const f of ps1())
      for (const [create, check] of pairs) {
        const body = f.content.slice(f.content.indexOf('\ntry {'));
        const i = body.search(create);
        if (i < 0) continue;
        const j = body.search(check);
        expect(j, `${f.path}: ${check} before ${create}`).toBeGreaterThanOrEqual(0);
        expect(j, `${f.path}: ${check} before ${create}`).toBeLessThan(i);
      }
  });

  it('every script has the header, a transcript or log, exit codes and a dry-run switch', () => {
    for (const f of result.files) {
      if (f.kind === 'powershell') {
        expect(f.content).toMatch(/Runs on: .+\r\n {2}Run as: .+\r\n {2}Runbook: +step \d+ of RUNBOOK\.md/);
        expect(f.content).toContain('[CmdletBinding(SupportsShouldProcess)]');
        expect(f.content).toContain('Start-Transcript');
        expect(f.content).toMatch(/exit \$script:ExitCode\r\n$/);
      }
      if (f.kind === 'bash') {
        expect(f.content.startsWith('#!/usr/bin/env bash\n')).toBe(true);
        expect(f.content).toContain('--dry-run) DRY_RUN=1');
        expect(f.content).toContain('tee -a "$LOG_FILE"');
      }
    }
  });

  it('every script and the runbook are plain ASCII: Windows PowerShell 5.1 and older Notepad read them the same without a BOM', () => {
    // The example's names are ASCII; a non-ASCII character here would come from Junction's own text.
    const scripts = [...result.files, { path: 'RUNBOOK.md', content: result.runbook }];
    expect(scripts.length).toBeGreaterThan(20);
    for (const f of scripts) {
      const at = f.content.search(/[\u0080-\uffff]/);
      expect(
        at,
        `${f.path}: non-ASCII "${f.content.slice(at, at + 1)}" in "${f.content.slice(Math.max(0, at - 30), at + 10)}"`,
      ).toBe(-1);
    }
  });

  it('every .sh passes shellcheck with no findings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-gen-sh-'));
    const files = result.files.filter((f) => f.kind === 'bash');
    expect(files.length).toBeGreaterThanOrEqual(3);
    const paths = files.map((f, i) => {
      const p = join(dir, `${i}.sh`);
      writeFileSync(p, f.content);
      return p;
    });
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...paths], { encoding: 'utf8' });
    expect(r.error, 'shellcheck must be installed').toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('bash dry run changes nothing and lists the az calls; az subcommands and options are catalogued', () => {
    const sh = result.files.find((f) => f.path.endsWith('apply-nsg-rules.sh'))!;
    const problems: string[] = [];
    for (const m of sh.content.matchAll(/(?:^\s*|\brun |\bif |\$\()az ((?:[a-z][a-z-]* )+)(.*)$/gm)) {
      const words = m[1]!.trim().split(' ');
      const entry = Object.keys(CATALOG)
        .filter((k) => k.startsWith('az '))
        .find((k) => k === `az ${words.join(' ')}`);
      if (!entry) {
        problems.push(`az ${words.join(' ')}`);
        continue;
      }
      for (const o of m[2]!.matchAll(/(?:^|\s)(--[a-z-]+)/g))
        if (!CATALOG[entry]!.params.includes(o[1]!)) problems.push(`${entry}: ${o[1]}`);
    }
    expect(problems).toEqual([]);
    // A fake az on PATH records calls: under --dry-run only reads may reach it.
    const dir = mkdtempSync(join(tmpdir(), 'junction-gen-az-'));
    const log = join(dir, 'calls');
    writeFileSync(
      join(dir, 'az'),
      // NSGs and route tables do not exist yet (az rest's 404 text); subnets exist without NSG or endpoints.
      [
        '#!/usr/bin/env bash',
        `echo "$*" >> ${log}`,
        'if [ "$1 $2" = "account show" ]; then echo 00000000-0000-4000-8000-000000000001; exit 0; fi',
        'case "$*" in',
        "  *'/subnets/'*\"join(' ## '\"*) echo ' ## Succeeded ## snet'; exit 0 ;;",
        "  *'/subnets/'*) echo '10.50.2.0/24|||'; exit 0 ;;",
        '  *) echo \'ERROR: Not Found({"error":{"code":"ResourceNotFound","message":"not found"}})\' >&2; exit 1 ;;',
        'esac',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 's.sh'), sh.content);
    const r = spawnSync('bash', [join(dir, 's.sh'), '--dry-run'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        JUNCTION_LOG_DIR: join(dir, 'logs'),
        HOME: dir,
      },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.every((c) => / show | --method get /.test(` ${c} `))).toBe(true);
    expect(r.stdout).toMatch(/would create: nsg-cyclecloud/);
    expect(r.stdout).toMatch(/would update: subnet snet-cyclecloud \(service endpoints: Microsoft.Storage\)/);
    expect(readdirSync(join(dir, 'logs')).length).toBe(1);
  });

  it('ARM templates are valid JSON with the resource types and api-version of @azure/arm-network', () => {
    const params = readFileSync(
      fileURLToPath(
        new URL('../../node_modules/@azure/arm-network/dist/esm/models/parameters.js', import.meta.url),
      ),
      'utf8',
    );
    const sdkVersion = /export const apiVersion = \{[\s\S]*?defaultValue: "([^"]+)"/.exec(params)?.[1];
    expect(sdkVersion).toBe(NETWORK_API_VERSION);
    const arms = result.files.filter((f) => f.kind === 'arm-template');
    expect(arms.length).toBeGreaterThan(0);
    for (const f of arms) {
      const t = JSON.parse(f.content);
      expect(t.$schema).toMatch(/deploymentTemplate\.json#$/);
      // Subnets are updated by nested deployments that read each subnet first (to merge its service endpoints).
      const inner = t.resources
        .filter((r: { type: string }) => r.type === 'Microsoft.Resources/deployments')
        .flatMap((r: { properties: { template: { resources: unknown[] } } }) => r.properties.template.resources);
      for (const r of [...t.resources.filter((x: { type: string }) => x.type !== 'Microsoft.Resources/deployments'), ...inner]) {
        expect([
          'Microsoft.Network/networkSecurityGroups',
          'Microsoft.Network/routeTables',
          'Microsoft.Network/virtualNetworks/subnets',
        ]).toContain(r.type);
        expect(r.apiVersion).toBe(sdkVersion);
      }
      const denies = t.resources.flatMap(
        (r: {
          properties: {
            securityRules?: { name: string; properties: { priority: number; access: string } }[];
          };
        }) => r.properties.securityRules ?? [],
      );
      expect(denies.find((x: { name: string }) => x.name === 'BlockOutbound')?.properties.priority).toBe(
        4000,
      );
      const subnet = inner.find((r: { name: string }) => r.name.includes("'snet-cyclecloud'"));
      expect(subnet.properties.serviceEndpoints).toMatch(/^\[union\(.*createObject\('service', 'Microsoft\.Storage'\)\)\)\]$/);
    }
  });

  it('never embeds a secret value: planted values are absent and secret parameters only receive variables', async () => {
    const FAKE = 'Fake-Secret-Value-7f3a9c';
    const raw = rawExample();
    for (const s of raw.secrets) s.description = `${FAKE} (an admin pasted the value here by mistake)`;
    const out = generateAll(load(raw));
    for (const f of [...out.files.map((x) => x.content), out.runbook]) expect(f).not.toContain(FAKE);
    const secretParams = new Set([
      '-sharedsecret',
      '-l2tppsk',
      '-password',
      '-secret',
      '-vmconnectgatewaycertificatepassword',
      '-vmconnecthypervcertificatepassword',
    ]);
    for (const f of out.files.filter((x) => x.kind === 'powershell')) {
      const { commands } = await parsePs(f.content);
      for (const c of commands) {
        const els =
          c.node.children
            .find((x) => x?.type === 'command_elements')
            ?.children.filter((x) => x && x.type !== 'command_argument_sep') ?? [];
        els.forEach((e, i) => {
          if (e && e.type === 'command_parameter' && secretParams.has(e.text.toLowerCase()))
            expect(els[i + 1]?.text, `${f.path}: ${c.name} ${e.text}`).toMatch(/^\$[A-Za-z]+$/);
        });
      }
    }
  });

  it('filters by host and scenario without renumbering', () => {
    const onlyJb = generateAll(load(rawExample()), { host: 'JB01' });
    expect(onlyJb.files.length).toBe(4);
    expect(onlyJb.files.every((f) => f.host === 'jb01')).toBe(true);
    const hnv = generateAll(load(rawExample()), { scenario: 'hnv-gateway' });
    expect(hnv.files.map((f) => f.path)).toEqual(
      result.files.filter((f) => f.scenario === 'hnv-gateway').map((f) => f.path),
    );
    expect(hnv.runbook).toContain('only scenario hnv-gateway');
  });

  it('matches the golden files (UPDATE_GOLDEN=1 regenerates them)', () => {
    const expected = new Map(result.files.map((f) => [f.path, f.content]));
    expected.set('RUNBOOK.md', result.runbook);
    if (process.env['UPDATE_GOLDEN']) {
      rmSync(GOLDEN, { recursive: true, force: true });
      for (const [p, c] of expected) {
        mkdirSync(dirname(join(GOLDEN, p)), { recursive: true });
        writeFileSync(join(GOLDEN, p), c);
      }
    }
    expect(existsSync(GOLDEN), 'run with UPDATE_GOLDEN=1 once').toBe(true);
    const onDisk = (dir: string, prefix = ''): string[] =>
      readdirSync(dir).flatMap((n) =>
        statSync(join(dir, n)).isDirectory() ? onDisk(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`],
      );
    expect(onDisk(GOLDEN).sort()).toEqual([...expected.keys()].sort());
    for (const [p, c] of expected) expect(readFileSync(join(GOLDEN, p), 'utf8'), p).toBe(c);
  });
});

describe('junction generate', () => {
  it('writes a PowerShell script with a UTF-8 BOM only when a workspace name is not ASCII', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-gen-bom-'));
    const ex = fileURLToPath(new URL('../../examples/contoso-hybrid.junction.json', import.meta.url));
    const text = readFileSync(ex, 'utf8').replace('"name": "HV01"', '"name": "HV01-Zürich"');
    expect(text).toContain('Zürich');
    const ws = join(dir, 'zurich.junction.json');
    writeFileSync(ws, text);
    const out = join(dir, 'out');
    const r = await cli(['generate', ws, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const bom = (p: string) =>
      readFileSync(join(out, p))
        .subarray(0, 3)
        .equals(Buffer.from([0xef, 0xbb, 0xbf]));
    const ps1 = readdirSync(join(out, 'hv01'), { recursive: true })
      .map(String)
      .filter((p) => p.endsWith('.ps1'));
    expect(ps1.length).toBeGreaterThan(0);
    for (const p of ps1) {
      expect(bom(join('hv01', p)), p).toBe(true);
      // Read as UTF-8 (what PowerShell does once it sees the BOM), the name comes back intact.
      expect(readFileSync(join(out, 'hv01', p), 'utf8')).toContain('HV01-Zürich');
    }
    // Scripts of other hosts stay ASCII, without a BOM; cmd files never get one (cmd.exe would run it as a command).
    expect(bom('jb01/license-link/02-configure-vpn-server.ps1')).toBe(false);
    const bats = readdirSync(out, { recursive: true })
      .map(String)
      .filter((p) => /\.(bat|cmd|sh)$/.test(p));
    for (const p of bats) expect(bom(p), p).toBe(false);
  });

  it('writes the files and RUNBOOK.md, and refuses a non-empty directory without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-gen-cli-'));
    const ex = fileURLToPath(new URL('../../examples/contoso-hybrid.junction.json', import.meta.url));
    const r = await cli(['generate', ex, '--out', dir]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'RUNBOOK.md'), 'utf8')).toBe(result.runbook);
    expect(readFileSync(join(dir, 'jb01/license-link/02-configure-vpn-server.ps1'), 'utf8')).toBe(
      result.files.find((f) => f.path === 'jb01/license-link/02-configure-vpn-server.ps1')!.content,
    );
    const again = await cli(['generate', ex, '--out', dir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/not empty[\s\S]*fix: .*--force/);
    expect((await cli(['generate', ex, '--out', dir, '--force'])).code).toBe(0);
    const bad = await cli(['generate', ex, '--out', join(dir, 'x'), '--scenario', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown scenario "nope"/);
    expect(bad.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const host = await cli(['generate', ex, '--out', join(dir, 'h'), '--host', 'nohost']);
    expect(host.code).toBe(2);
    expect(host.err).toMatch(/no host or target "nohost"[\s\S]*fix: .*cc-main-snet-cluster/);
    // Any output folder's name selects its steps, whatever the case: a site or a cluster subnet as well as a host.
    for (const target of ['cc-main-snet-cluster', 'AZURE-HPC', 'hn01', 'HN01']) {
      const one = await cli(['generate', ex, '--out', join(dir, `t-${target}`), '--host', target]);
      expect(one.code, `${target}: ${one.err}`).toBe(0);
      const folders = readdirSync(join(dir, `t-${target}`)).filter((n) => n !== 'RUNBOOK.md');
      expect(folders.map((f) => f.toLowerCase()), target).toEqual([target.toLowerCase()]);
    }
  });
});
