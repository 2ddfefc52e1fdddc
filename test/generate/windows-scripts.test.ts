// Issue 18: the example's scripts held to what they do on the real machines (Microsoft Learn, the seeds), item by
// item. Each test names the item it pins.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateAll, type GenerateResult, type GeneratedFile } from '../../shared/generate';
import { CATALOG } from '../../shared/generate/catalog';
import type { Workspace } from '../../shared/model/schema';
import { lintWorkspace } from '../../shared/lint/engine';
import { FIXED_NOW, load, rawExample } from '../helpers/example';
import { catalogProblems, parsePs } from './ps-parse';
import { platformProblems } from './platform';

let ws: Workspace;
let result: GenerateResult;

beforeAll(() => {
  ws = load(rawExample());
  result = generateAll(ws);
});

function file(suffix: string, host?: string): GeneratedFile {
  const f = result.files.find((x) => x.path.endsWith(suffix) && (!host || x.host === host));
  if (!f) throw new Error(`no generated file ${suffix}${host ? ` for ${host}` : ''}`);
  return f;
}
const stepOf = (f: GeneratedFile) => result.steps.find((s) => s.number === f.step)!;
/** The script body (after the help block and param()). */
const body = (f: GeneratedFile) => f.content.slice(f.content.indexOf('\ntry {'));

describe('1: scripts use only what the host Windows release has', () => {
  it("every .ps1 uses commands, parameters and language features no newer than its host's os", async () => {
    const problems: string[] = [];
    for (const f of result.files.filter((x) => x.kind === 'powershell')) {
      const os = ws.hosts.find((h) => h.id === f.host)?.os;
      const { commands } = await parsePs(f.content);
      problems.push(...platformProblems(commands, f.content, os).map((p) => `${f.path}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('checks elevation in code (WindowsPrincipal.IsInRole, exit 2) instead of #Requires -RunAsAdministrator', () => {
    // HN01 runs Windows Server 2012, which ships Windows PowerShell 3.0: #Requires -RunAsAdministrator is a parse error there.
    const hn01 = file('import-cert-hpc-mgmt-machine-stores.ps1', 'hn01');
    expect(hn01.content).not.toMatch(/#Requires\s+-RunAsAdministrator/i);
    expect(body(hn01)).toMatch(
      /IsInRole\(\[System\.Security\.Principal\.WindowsBuiltInRole\]::Administrator\)\) \{\r\n\s+\$script:ExitCode = 2\r\n\s+throw 'prerequisite missing: an elevated session/,
    );
    // The check comes before anything the script changes.
    expect(body(hn01).indexOf('IsInRole')).toBeLessThan(body(hn01).indexOf('Import-'));
  });

  it('the platform check is not vacuous', async () => {
    const text = "#Requires -RunAsAdministrator\r\nTest-NetConnection -ComputerName 'x' -Port 1\r\nGet-Content -LiteralPath 'a' -Raw\r\nNew-LocalUser -Name 'x'";
    const { commands } = await parsePs(text);
    const p = platformProblems(commands, text, 'Windows Server 2012');
    expect(p).toContain('Test-NetConnection needs Windows Server 2012 R2; the host runs Windows Server 2012');
    expect(p.some((x) => x.startsWith('#Requires -RunAsAdministrator needs PowerShell 4.0'))).toBe(true);
    expect(p.some((x) => x.startsWith('New-LocalUser needs PowerShell 5.1'))).toBe(true);
    expect(platformProblems(commands, text, 'Windows Server 2022')).toEqual([]);
    // Declaring the version (WMF 5.1 installed) admits a newer PowerShell, never a newer Windows module.
    const declared = `#Requires -Version 5.1\r\n${text}`;
    expect(platformProblems(commands, declared, 'Windows Server 2012')).toEqual([
      'Test-NetConnection needs Windows Server 2012 R2; the host runs Windows Server 2012',
    ]);
    expect(platformProblems(commands, text, 'AlmaLinux 8')).toEqual([]);
    // A parameter newer than its cmdlet is caught on its own.
    const legacy = "Install-RemoteAccess -VpnType Vpn -Legacy -IPAddressRange '10.0.0.1', '10.0.0.9'";
    const parsed = await parsePs(legacy);
    expect(platformProblems(parsed.commands, legacy, 'Windows Server 2012')).toEqual([
      'Install-RemoteAccess -Legacy needs Windows Server 2012 R2; the host runs Windows Server 2012',
    ]);
    expect(platformProblems(parsed.commands, legacy, 'Windows Server 2012 R2')).toEqual([]);
  });

  it('records a minimum Windows/PowerShell release (or product) for every catalogued Windows command', () => {
    for (const [name, e] of Object.entries(CATALOG)) {
      if (e.kind === 'az') continue;
      expect(e.since?.windows ?? e.since?.ps ?? e.since?.product, name).toBeTruthy();
    }
  });
});

describe('2: Run As accounts for non-domain credentials', () => {
  it('New-SCRunAsAccount passes -NoValidation (gateway VM local admin, PSK holder are not domain accounts)', () => {
    const lines = [file('network-service.ps1'), file('gateway-connections.ps1')].flatMap((f) =>
      f.content.split('\r\n').filter((l) => /= New-SCRunAsAccount /.test(l)),
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(/ -NoValidation\b/);
  });
});

describe('3: Current User root store needs a person at the console', () => {
  it('detects a non-interactive session before any import and exits 2; the step says it is interactive', () => {
    const f = file('import-cert-hpc-mgmt-user-stores.ps1', 'hpcadmin01');
    const b = body(f);
    expect(b).toContain('Cert:\\CurrentUser\\Root');
    const check = b.search(/\[Environment\]::UserInteractive/);
    expect(check).toBeGreaterThan(0);
    expect(b.slice(check, check + 600)).toMatch(/ServerRemoteHost[\s\S]*\$script:ExitCode = 2/);
    expect(check).toBeLessThan(b.indexOf('Import-'));
    expect(f.content.slice(0, f.content.indexOf('#>'))).toMatch(/INTERACTIVE: Windows asks the user to confirm/);
    const step = stepOf(f);
    expect(step.title).toMatch(/interactive/i);
    expect(step.notes.join(' ')).toMatch(/security warning|confirm/i);
  });
});

describe('4 and 5: the node package', () => {
  it('4: the license check ships in the node package and runs from %CCP_PACKAGE_ROOT%, not from a share', () => {
    const check = file('check-license-server.ps1', 'azure-nodes');
    const cmds = stepOf(check).commands.join('\n') + stepOf(check).notes.join('\n');
    expect(cmds).not.toMatch(/<share>|\\\\\\\\/);
    expect(cmds).toMatch(/%CCP_PACKAGE_ROOT%\\[\w-]+\\check-license-server\.ps1/);
    expect(body(file('package-node-startup.ps1'))).toContain("'check-license-server.ps1'");
  });

  it('5: one package name everywhere (script, runbook by-hand line, clusrun path)', () => {
    const pkg = file('package-node-startup.ps1');
    const ll = result.steps.filter((s) => s.scenario === 'license-link');
    const text = [pkg.content, ...ll.flatMap((s) => [...s.commands, ...s.notes, ...s.prerequisites])].join('\n');
    const zips = new Set(text.match(/[\w-]+\.zip/g));
    expect([...zips]).toHaveLength(1);
    const base = [...zips][0]!.replace(/\.zip$/, '');
    const roots = [...text.matchAll(/%CCP_PACKAGE_ROOT%\\([\w-]+)\\/g)].map((m) => m[1]);
    expect(roots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(roots)).toEqual(new Set([base]));
  });
});

describe('6: RD Gateway TLS certificate', () => {
  it('binds the imported certificate, restarts TSGateway and reads the binding back', () => {
    const b = body(file('import-cert-rdgw-tls-machine-stores.ps1'));
    const set = b.indexOf("Set-Item -Path 'RDS:\\GatewayServer\\SSLCertificate\\Thumbprint' -Value $pfxThumb");
    expect(set).toBeGreaterThan(0);
    expect(b.indexOf('Import-Module -Name RemoteDesktopServices')).toBeLessThan(set);
    const restart = b.indexOf('Restart-Service -Name TSGateway');
    expect(restart).toBeGreaterThan(set);
    const after = b.slice(restart);
    expect(after).toMatch(/Get-Item -Path 'RDS:\\GatewayServer\\SSLCertificate\\Thumbprint'/);
    expect(after).toMatch(/-ne \$pfxThumb[\s\S]*\$script:ExitCode = 3/);
  });
});

describe('8: the node dials until Azure Connect is up', () => {
  it('retries rasdial with backoff for a bounded time, logging each try', () => {
    const b = body(file('licenselink-node.ps1'));
    const loop = b.search(/while \(/);
    expect(loop).toBeGreaterThan(0);
    const rest = b.slice(loop);
    expect(rest).toMatch(/\$deadline = \(Get-Date\)\.AddMinutes\(\$DialMinutes\)|Get-Date\) -lt \$deadline/);
    expect(rest).toMatch(/Start-Sleep -Seconds \$wait/);
    expect(rest).toMatch(/\$wait = \[Math\]::Min\(\$wait \* 2, \d+\)/);
    expect(rest).toMatch(/Write-Host \(.*attempt/);
    expect(rest.indexOf('rasdial ')).toBeGreaterThan(0);
  });

  it('startup.bat logs the script exit code and exits 0; the scheduled task redials periodically', () => {
    const bat = file('startup.bat').content;
    expect(bat).toMatch(/>> "%ProgramData%\\Junction\\logs\\[\w-]+\.log"/);
    expect(bat.trim().split('\r\n').pop()).toBe('exit /b 0');
    expect(body(file('licenselink-node.ps1'))).toMatch(/New-ScheduledTaskTrigger -Once -At [^\r\n]*-RepetitionInterval/);
  });
});

describe('9: a second run repeats no work', () => {
  it('script 15 compares the .pfx thumbprint with what it recorded in VMM before Set-SCVMMServer', () => {
    const b = body(file('set-vmm-remote-console.ps1'));
    const set = b.indexOf('Set-SCVMMServer -VMConnect');
    const before = b.slice(0, set);
    expect(before).toMatch(/\$pfxThumb/);
    expect(before.split('$pfxThumb').length).toBeGreaterThan(2);
    expect(before).toMatch(/if \([^\r\n]*\$pfxThumb[^\r\n]*\) \{[\s\S]*already/i);
  });

  it('script 05 uploads only when the package content changed (SHA-256 of the package) or with -Force', () => {
    const b = body(file('package-node-startup.ps1'));
    const upload = b.indexOf('hpcpack upload');
    expect(b.slice(0, upload)).toMatch(/SHA256[\s\S]*if \([^\r\n]*\$hash -eq [^\r\n]*-not \$Force/);
    expect(file('package-node-startup.ps1').content).toMatch(/\[switch\]\$Force/);
  });
});

describe('10: smaller items', () => {
  it('New-LocalUser -Description stays within 48 characters', () => {
    const descs = result.files.flatMap((f) => [...f.content.matchAll(/New-LocalUser [^\r\n]*-Description '((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'")));
    expect(descs.length).toBeGreaterThan(0);
    for (const d of descs) expect(d.length, d).toBeLessThanOrEqual(48);
    const long = rawExample();
    long.licenseLinks[0].name = 'A license link whose name alone is longer than forty-eight characters';
    const out = generateAll(load(long));
    for (const f of out.files)
      for (const m of f.content.matchAll(/New-LocalUser [^\r\n]*-Description '((?:[^']|'')*)'/g))
        expect(m[1]!.replace(/''/g, "'").length).toBeLessThanOrEqual(48);
  });

  it('scripts 16-19 check that the thumbprint is trusted (exit 3) instead of printing WMI classes', () => {
    const files = result.files.filter((f) => /restart-vmms-and-verify\.ps1$|rdgw01\/remote-console\/.*import-cert-remote-console/.test(f.path));
    expect(files.length).toBe(4);
    for (const f of files) {
      expect(f.content).not.toMatch(/Msvm_TerminalServiceSettingData[^\r\n]*Format-List|Win32_TSGatewayServerSettings[^\r\n]*Format-List/);
      expect(body(f)).toMatch(/Test-Path -Path \('Cert:\\LocalMachine\\Root\\' \+ \$\w+\)[\s\S]*\$script:ExitCode = 3/);
    }
  });

  it('a relative -CerPath is resolved against PowerShell\'s location before .NET reads it', () => {
    for (const f of result.files.filter((x) => x.content.includes('X509Certificate2'))) {
      expect(f.content, f.path).not.toMatch(/X509Certificate2 -ArgumentList \$CerPath/);
      expect(f.content, f.path).toMatch(/\(Resolve-Path -LiteralPath \$CerPath\)\.ProviderPath/);
    }
  });

  it('script 02 asks for the pre-shared key only when it has to set it', () => {
    const f = file('configure-vpn-server.ps1');
    const param = f.content.split('\r\n').find((l) => l.includes('$PreSharedKey'))!;
    expect(param).not.toMatch(/Mandatory/);
    expect(body(f)).toMatch(/if \(-not \$PreSharedKey\) \{\r\n\s+\$script:ExitCode = 2/);
  });

  it('script 31 recognises an existing VM network gateway and NAT connection by VM network and gateway, not only by name', () => {
    const b = body(file('gateway-connections.ps1'));
    expect(b).not.toMatch(/Get-SCVMNetworkGateway -VMNetwork \$vmn -VMMServer \$vmm \| Where-Object \{ \$_\.Name -eq /);
    expect(b).toMatch(/Get-SCVMNetworkGateway -VMNetwork \$vmn -VMMServer \$vmm \| Where-Object \{ \$_\.NetworkGateway\.Name -eq 'Contoso HNV Gateway' \}/);
    expect(b).not.toMatch(/Get-SCNATConnection [^\r\n]*Where-Object \{ \$_\.Name -eq /);
  });

  it('a VM subnet with an IP pool in the model gets one in VMM', () => {
    const raw = rawExample();
    raw.hnv.vmNetworks[1].subnets[0].ipPool = { start: '10.30.1.10', end: '10.30.1.250' };
    const f = generateAll(load(raw)).files.find((x) => x.path.endsWith('vm-networks.ps1'))!;
    expect(f.content).toMatch(
      /New-SCStaticIPAddressPool -Name 'Fabrikam-Subnet Pool' -VMSubnet \$vmSubnet -Subnet '10\.30\.1\.0\/24' -IPAddressRangeStart '10\.30\.1\.10' -IPAddressRangeEnd '10\.30\.1\.250'/,
    );
    expect(f.content).toMatch(/Get-SCStaticIPAddressPool -VMSubnet \$vmSubnet/);
  });
});

describe('both examples', () => {
  const examples = ['contoso-hybrid', 'modern-hybrid'];
  it.each(examples)(
    '%s generates; every .ps1 parses, uses only catalogued commands, and none newer than its host os',
    async (name) => {
      const text = readFileSync(fileURLToPath(new URL(`../../examples/${name}.junction.json`, import.meta.url)), 'utf8');
      const w = load(JSON.parse(text), `${name}.junction.json`);
      expect(lintWorkspace(w, { now: FIXED_NOW }).counts.error).toBe(0);
      const out = generateAll(w);
      const scripts = out.files.filter((f) => f.kind === 'powershell');
      expect(scripts.length).toBeGreaterThan(3);
      const problems: string[] = [];
      for (const f of scripts) {
        const { errors, commands } = await parsePs(f.content);
        const os = w.hosts.find((h) => h.id === f.host)?.os;
        problems.push(
          ...errors.map((e) => `${f.path}: ${e}`),
          ...catalogProblems(commands, f.content).map((e) => `${f.path}: ${e}`),
          ...platformProblems(commands, f.content, os).map((e) => `${f.path}: ${e}`),
        );
      }
      expect(problems).toEqual([]);
      // The modern example gives its VM subnets IP pools (item 10): they reach VMM.
      if (name === 'modern-hybrid')
        expect(out.files.find((f) => f.path.endsWith('vm-networks.ps1'))!.content).toMatch(/New-SCStaticIPAddressPool -Name 'Adatum-Subnet Pool' -VMSubnet/);
    },
  );
});
