// License Link (seed 000): the junction box's RRAS L2TP/IPsec server, the relay account, the compute nodes'
// startup script (all-user L2TP connection re-created and dialled at every boot), and the end-to-end check.
import type { Lookup } from '../../model/lookup';
import type { Host, LicenseLink } from '../../model/schema';
import { bare, hostAddress, hostTarget } from '../common';
import { change, indent, prereq, psArg, psArray, psq, renderPs, say } from '../ps';
import type { StepDraft } from '../types';
import { batchRem } from '../escape';

const FEATURES = ['RemoteAccess', 'DirectAccess-VPN', 'Routing'];

/**
 * The node package: one name for the .zip, the runbook and the folder HPC Pack unpacks it into on every Azure node
 * (%CCP_PACKAGE_ROOT%\<package name>\, "Deploying Applications to Azure Nodes"). The nodes cannot read on-premises
 * shares, so everything they run travels in it.
 */
const PACKAGE = 'licenselink-startup';
const PACKAGE_ZIP = `${PACKAGE}.zip`;
const PACKAGE_DIR = `%CCP_PACKAGE_ROOT%\\${PACKAGE}`;
const PACKAGE_FILES = ['licenselink-node.ps1', 'startup.bat', 'check-license-server.ps1'];
/** New-LocalUser -Description takes at most 48 characters (New-LocalUser reference). */
const MAX_LOCAL_USER_DESCRIPTION = 48;
/** Seed 000: the Azure Connect adapter takes 5-20 minutes to appear after deployment. */
const DIAL_MINUTES = 20;
/** How often the scheduled task dials again (a serviced or dropped connection comes back within this). */
const REDIAL_MINUTES = 15;

export function licenseLinkSteps(l: Lookup): StepDraft[] {
  return l.ws.licenseLinks.flatMap((ll) => {
    const jb = l.hosts.get(ll.junctionBox)?.value;
    const lic = l.hosts.get(ll.licenseServer)?.value;
    const nodes = l.hosts.get(ll.nodeGroup)?.value;
    if (!jb || !lic || !nodes) return [];
    const heads = [...l.hosts.values()]
      .map((e) => e.value)
      .filter((h) => h.roles.includes('head-node') && h.site !== nodes.site);
    return [
      ...junctionBoxSteps(l, ll, jb, lic),
      ...(ll.nodeSetup.delivery === 'startup-script' && heads[0]
        ? [packageStep(l, ll, heads[0], nodes)]
        : []),
      nodeStep(l, ll, nodes, lic),
      checkStep(l, ll, nodes, lic, heads[0]),
    ];
  });
}

function licenseAddress(lic: Host): string {
  const a = lic.interfaces.find((i) => i.address)?.address;
  return a ? bare(a) : hostAddress(lic);
}

function junctionBoxSteps(l: Lookup, ll: LicenseLink, jb: Host, lic: Host): StepDraft[] {
  const ws = l.ws.name;
  const target = hostTarget(jb);
  const runAs =
    'a local Administrator of the junction box (elevated PowerShell); the box is not domain-joined';
  const pool = ll.vpn.clientAddressPool;
  const roles: StepDraft = {
    scenario: 'license-link',
    target,
    title: 'Install the Remote Access and Routing roles',
    runAs,
    prerequisites: [
      'Windows Server with Server Manager cmdlets',
      'Azure Connect endpoint installed (seed 000, "Install Azure Connector software")',
    ],
    notes: ['If the script exits 3010, restart the junction box before the next step.'],
    files: [
      {
        name: 'install-rras-roles.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Installs ${FEATURES.join(', ')} on ${jb.name} for License Link "${ll.name}".`,
            description: [
              'Seed 000 "Enable VPN on the junction box": the Remote Access Service and Routing role services.',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['Windows Server 2012 R2 or later'],
            runbookStep: ctx.reference,
            workspace: ws,
            params: [],
            requiresAdmin: true,
            logName: 'license-link-install-rras-roles',
            body: [
              ...prereq(
                '-not (Get-Command -Name Install-WindowsFeature -ErrorAction SilentlyContinue)',
                'the ServerManager module (Install-WindowsFeature); run on Windows Server',
              ),
              `$missing = @(Get-WindowsFeature -Name ${psArray(FEATURES)} | Where-Object { -not $_.Installed })`,
              'if ($missing.Count -eq 0) {',
              `    ${say('Already installed: ' + FEATURES.join(', '))}`,
              '} else {',
              ...indent(
                change(jb.name, 'Install-WindowsFeature ' + FEATURES.join(', '), [
                  '$result = Install-WindowsFeature -Name ($missing | ForEach-Object { $_.Name }) -IncludeManagementTools',
                  "if (-not $result.Success) { throw 'Install-WindowsFeature reported failure' }",
                  "if ([string]$result.RestartNeeded -eq 'Yes') { Write-Warning -Message 'Restart the junction box before the next step.'; $script:ExitCode = 3010 }",
                ]),
              ),
              '}',
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['install-rras-roles.ps1']} -WhatIf`,
      `.\\${ctx.names['install-rras-roles.ps1']}`,
    ],
  };
  const vpn: StepDraft = {
    scenario: 'license-link',
    target,
    title: 'Configure the L2TP/IPsec VPN server, its pre-shared key and the IPv6 client prefix',
    runAs,
    prerequisites: [
      'Step "Install the Remote Access and Routing roles" done',
      `The L2TP pre-shared key (secret "${ll.vpn.pskRef}") at hand`,
    ],
    notes: [
      'The tunnel stays inside the encrypted Azure Connect IPv6 tunnel; seed 000 disables encryption of the inner IPv4 tunnel in the NPS network policy (Settings > Encryption > No encryption); do that in the NPS console if you follow the seed.',
      'The script enables "IPv6 Remote access server" and keeps the IPv6 router off (netsh ras set type ... ipv6rtrtype=none rastype=BOTH); the IPv4 routing setting is left as it was.',
      'Still in the RRAS console (no scriptable equivalent Junction has verified): seed 000 adds the DHCPv6 Relay Agent on the Azure Connect interface and clears "Enable IPv6/IPv4 router manager" in each interface\'s properties.',
    ],
    files: [
      {
        name: 'configure-vpn-server.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Configures RRAS on ${jb.name} as an L2TP/IPsec (pre-shared key) VPN server for License Link "${ll.name}".`,
            description: [
              `Client addresses ${pool.start}-${pool.end}; IPv6 prefix ${ll.ipv6Prefix} handed to clients (seed 000, IPv6 tab).`,
              'The PSK is set with Set-VpnAuthProtocol -SharedSecret (the VPN server cipher configuration has no PSK parameter).',
              'Windows never reveals the configured key, so an existing key is kept unless -ResetPreSharedKey is given.',
              `-PreSharedKey (secret ${ll.vpn.pskRef}) is needed only when the key is set: first run, or with -ResetPreSharedKey.`,
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['Remote Access and Routing role services installed (previous step)'],
            runbookStep: ctx.reference,
            workspace: ws,
            // Not mandatory: a rerun on a configured server needs no key, and a prompt would stop an unattended run.
            params: ['[securestring]$PreSharedKey', '[switch]$ResetPreSharedKey'],
            requiresAdmin: true,
            logName: 'license-link-configure-vpn-server',
            body: [
              ...prereq(
                '-not (Get-Command -Name Install-RemoteAccess -ErrorAction SilentlyContinue)',
                'the RemoteAccess module; run the previous step first',
              ),
              '$restart = $false',
              '$ra = Get-RemoteAccess',
              "if ($ra.VpnStatus -eq 'Installed') {",
              `    ${say('VPN already installed (Get-RemoteAccess VpnStatus = Installed)')}`,
              '} else {',
              ...indent(
                change(
                  jb.name,
                  `Install-RemoteAccess -VpnType Vpn -Legacy -IPAddressRange ${pool.start},${pool.end}`,
                  [
                    `Install-RemoteAccess -VpnType Vpn -Legacy -IPAddressRange ${psq(pool.start)}, ${psq(pool.end)}`,
                    '$restart = $true',
                  ],
                ),
              ),
              '}',
              '$auth = Get-VpnAuthProtocol',
              "$hasPsk = @($auth.TunnelAuthProtocolsAdvertised) -contains 'PreSharedKey'",
              'if ($hasPsk -and -not $ResetPreSharedKey) {',
              `    ${say('Pre-shared key authentication already advertised; key kept (use -ResetPreSharedKey to set it again)')}`,
              '} else {',
              ...indent(
                prereq('-not $PreSharedKey', `-PreSharedKey (secret ${ll.vpn.pskRef}): no key is configured yet`),
              ),
              ...indent(
                change(
                  jb.name,
                  'Set-VpnAuthProtocol -TunnelAuthProtocolsAdvertised PreSharedKey -SharedSecret <key>',
                  [
                    '$plain = (New-Object -TypeName System.Net.NetworkCredential -ArgumentList @([string]::Empty, $PreSharedKey)).Password',
                    'Set-VpnAuthProtocol -TunnelAuthProtocolsAdvertised PreSharedKey -UserAuthProtocolAccepted MsChapv2 -SharedSecret $plain',
                    '$plain = $null',
                    '$restart = $true',
                  ],
                ),
              ),
              '}',
              '$ipv6 = (netsh ras ipv6 show config) -join "`n"',
              `if ($ipv6 -match [regex]::Escape(${psq(ll.ipv6Prefix)})) {`,
              `    ${say(`IPv6 client prefix already ${ll.ipv6Prefix}`)}`,
              '} else {',
              ...indent(
                change(jb.name, `netsh ras ipv6 set prefix prefix=${ll.ipv6Prefix}`, [
                  `netsh ras ipv6 set prefix ${psq(`prefix=${ll.ipv6Prefix}`)}`,
                  "if ($LASTEXITCODE -ne 0) { throw 'netsh ras ipv6 set prefix failed' }",
                  '$restart = $true',
                ]),
              ),
              '}',
              // RouterType flags (MS-RRASM 2.2.3.4.1): 0x1 IPv4 RAS, 0x2/0x4 IPv4 LAN/WAN routing, 0x8 IPv6 RAS,
              // 0x10/0x20 IPv6 LAN/WAN routing. Seed 000 wants IPv6 RAS on and the IPv6 router off.
              // Absent until RRAS is configured (e.g. under -WhatIf on a fresh box): then 0, and the change is shown.
              "$params = Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters' -Name RouterType -ErrorAction SilentlyContinue",
              "$type = if ($params -and $params.PSObject.Properties['RouterType']) { [int]$params.RouterType } else { 0 }",
              'if (($type -band 0x9) -eq 0x9 -and ($type -band 0x30) -eq 0) {',
              `    ${say('IPv4 and IPv6 remote access server enabled, IPv6 router off')}`,
              '} else {',
              ...indent([
                "$v4 = if (($type -band 0x4) -ne 0) { 'lananddd' } elseif (($type -band 0x2) -ne 0) { 'lanonly' } else { 'none' }",
                ...change(jb.name, 'netsh ras set type (IPv6 remote access server on, IPv6 router off)', [
                  'netsh ras set type ipv4rtrtype=$v4 ipv6rtrtype=none rastype=BOTH',
                  "if ($LASTEXITCODE -ne 0) { throw 'netsh ras set type failed' }",
                  '$restart = $true',
                ]),
              ]),
              '}',
              'if ($restart) {',
              ...indent(
                change('RemoteAccess service', 'Restart-Service', ['Restart-Service -Name RemoteAccess']),
              ),
              '}',
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['configure-vpn-server.ps1']} -WhatIf`,
      `.\\${ctx.names['configure-vpn-server.ps1']}`,
    ],
  };
  const acct = ll.relayAccount;
  const relay: StepDraft = {
    scenario: 'license-link',
    target,
    title: `Create the non-administrator relay account "${acct.name}" with dial-in permission`,
    runAs,
    prerequisites: [
      'Windows PowerShell 5.1 (Microsoft.PowerShell.LocalAccounts; WMF 5.1 on 2012 R2)',
      `The relay password (secret "${acct.passwordRef}")`,
    ],
    files: [
      {
        name: 'create-relay-account.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Creates local user ${acct.name} on ${jb.name} (not an administrator) and permits dial-in.`,
            description: [
              'Seed 000 "Create a non-administrator user account on the junction box"; nodes authenticate with it.',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['RRAS configured (previous step)'],
            runbookStep: ctx.reference,
            workspace: ws,
            params: [
              `[Parameter(Mandatory, HelpMessage = ${psq(`Password for ${acct.name} (secret ${acct.passwordRef})`)})][securestring]$RelayPassword`,
            ],
            requiresAdmin: true,
            // Microsoft.PowerShell.LocalAccounts comes with Windows PowerShell 5.1: 2012 R2 ships 4.0 and needs WMF 5.1.
            minPowerShell: '5.1',
            logName: 'license-link-create-relay-account',
            body: [
              ...prereq(
                '-not (Get-Command -Name New-LocalUser -ErrorAction SilentlyContinue)',
                'New-LocalUser (Windows PowerShell 5.1)',
              ),
              `$user = Get-LocalUser -Name ${psq(acct.name)} -ErrorAction SilentlyContinue`,
              'if ($user) {',
              `    ${say(`Local user ${acct.name} exists`)}`,
              '} else {',
              ...indent(
                change(acct.name, 'New-LocalUser', [
                  `$null = New-LocalUser -Name ${psq(acct.name)} -Password $RelayPassword -PasswordNeverExpires -AccountNeverExpires -Description ${psq(relayDescription(ll))}`,
                ]),
              ),
              '}',
              "$admins = @(Get-LocalGroupMember -SID 'S-1-5-32-544' | Where-Object { $_.Name -like ('*\\' + " +
                psq(acct.name) +
                ') })',
              `if ($admins.Count -gt 0) { Write-Warning -Message ${psq(`${acct.name} is a member of Administrators; the seed requires a non-administrator account. Remove it.`)}; $script:ExitCode = 3 }`,
              ...(acct.dialInPermitted
                ? [
                    `$dial = (netsh ras show user name=${acct.name}) -join "\`n"`,
                    "if ($dial -match 'Dialin:\\s+permit') {",
                    `    ${say(`${acct.name} already has dial-in permission`)}`,
                    '} else {',
                    ...indent(
                      change(acct.name, 'netsh ras set user dialin=PERMIT', [
                        `netsh ras set user name=${acct.name} dialin=PERMIT`,
                        "if ($LASTEXITCODE -ne 0) { throw 'netsh ras set user failed' }",
                      ]),
                    ),
                    '}',
                  ]
                : []),
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['create-relay-account.ps1']} -WhatIf`,
      `.\\${ctx.names['create-relay-account.ps1']}`,
    ],
  };
  const ports = ll.licensePorts;
  const jbCheck: StepDraft = {
    scenario: 'license-link',
    target,
    title: `Check that ${jb.name} reaches the license server ${lic.name} on ${ports.join(', ')}`,
    runAs: 'any user on the junction box',
    prerequisites: [],
    files: [
      {
        name: 'check-license-server-from-junction-box.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs(
            checkScript(
              ws,
              ctx.reference,
              target.label,
              'any user',
              licenseAddress(lic),
              ports,
              lic.name,
              'license-link-check-from-junction-box',
              [
                '$svc = Get-Service -Name RemoteAccess',
                "if ($svc.Status -ne 'Running') { Write-Warning -Message 'RemoteAccess service is not running'; $script:ExitCode = 3 }",
              ],
            ),
          ),
      },
    ],
    commands: (ctx) => [`.\\${ctx.names['check-license-server-from-junction-box.ps1']}`],
  };
  return [roles, vpn, relay, jbCheck];
}

/** "License Link relay, dial-in only (<name>)", cut to New-LocalUser's 48 characters. */
function relayDescription(ll: LicenseLink): string {
  const d = `License Link relay, dial-in only (${ll.name})`;
  return d.length <= MAX_LOCAL_USER_DESCRIPTION ? d : `${d.slice(0, MAX_LOCAL_USER_DESCRIPTION - 4)}...)`;
}

function checkScript(
  ws: string,
  reference: string,
  runsOn: string,
  runAs: string,
  address: string,
  ports: number[],
  name: string,
  logName: string,
  extra: string[] = [],
) {
  return {
    synopsis: `Proves ${name} (${address}) answers on TCP ${ports.join(', ')}.`,
    description: ['Read-only: changes nothing. Exit code 3 when any port does not answer.'],
    runsOn,
    runAs,
    prerequisites: ['Windows Server 2012 R2 or Windows 8.1 or later (Test-NetConnection)'],
    runbookStep: reference,
    workspace: ws,
    params: [],
    requiresAdmin: false,
    logName,
    body: [
      ...extra,
      `foreach ($port in @(${ports.join(', ')})) {`,
      `    $r = Test-NetConnection -ComputerName ${psq(address)} -Port $port -WarningAction SilentlyContinue`,
      `    if ($r.TcpTestSucceeded) { Write-Host (${psq(`OK    ${address}:`)} + $port) } else { Write-Host (${psq(`FAIL  ${address}:`)} + $port); $script:ExitCode = 3 }`,
      '}',
    ],
  };
}

function packageStep(l: Lookup, ll: LicenseLink, head: Host, nodes: Host): StepDraft {
  const target = hostTarget(head);
  const runAs = 'an HPC cluster administrator on the head node';
  const template = nodes.nodeTemplate ?? nodes.nodeGroup ?? nodes.name;
  return {
    scenario: 'license-link',
    target,
    title: `Package the License Link startup script (${PACKAGE_ZIP}) and attach it to node template "${template}"`,
    runAs,
    prerequisites: [
      `The node files of the next two steps (${PACKAGE_FILES.join(', ')}) copied to the head node under those names, in one folder with this script`,
      `The L2TP pre-shared key (secret "${ll.vpn.pskRef}") and the relay password (secret "${ll.relayAccount.passwordRef}")`,
    ],
    notes: [
      `Nodes dial without anyone present, so ${PACKAGE_ZIP} carries licenselink-secrets.json (key and relay password). Keep it only in the cluster's Azure storage; the relay account can do nothing but dial in (seed 000).`,
      `Then in HPC Cluster Manager, node template "${template}" > Startup Script: set startup.bat. Re-serviced nodes run it on every provisioning, from ${PACKAGE_DIR}\\.`,
      `A rerun uploads only when the node files or the template changed (SHA-256 recorded under %ProgramData%\\Junction\\state); after changing the key or the relay password run it with -Force.`,
    ],
    files: [
      {
        name: 'package-node-startup.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Builds ${PACKAGE_ZIP} (${PACKAGE_FILES.join(', ')}, secrets) and uploads it to node template "${template}".`,
            description: [
              'Uses hpcpack create / hpcpack upload (seed 000: Configure a Startup Script for Azure nodes).',
              `HPC Pack unpacks it on every Azure node into ${PACKAGE_DIR}\\; the nodes cannot reach on-premises shares.`,
              'Uploads only when the SHA-256 of the node files and template differs from the last upload (or with -Force).',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['HPC Pack client utilities (hpcpack.exe) on the PATH', `${PACKAGE_FILES.join(', ')} beside this script`],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: [
              `[securestring]$PreSharedKey`,
              `[securestring]$RelayPassword`,
              `[string]$NodeTemplate = ${psq(template)}`,
              '[switch]$Force',
            ],
            requiresAdmin: false,
            logName: 'license-link-package-node-startup',
            body: [
              ...prereq('-not (Get-Command -Name hpcpack -ErrorAction SilentlyContinue)', 'hpcpack.exe (HPC Pack client utilities)'),
              `$files = ${psArray(PACKAGE_FILES)}`,
              'foreach ($f in $files) {',
              ...indent(
                prereq(
                  '-not (Test-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath $f))',
                  `${PACKAGE_FILES.join(', ')} beside this script`,
                ),
              ),
              '}',
              // The hash covers the files and the template, never the secrets (a hash of a key on disk is a guessable copy of it).
              '$sha = [System.Security.Cryptography.SHA256]::Create()',
              '$parts = foreach ($f in $files) { [BitConverter]::ToString($sha.ComputeHash([System.IO.File]::ReadAllBytes((Join-Path -Path $PSScriptRoot -ChildPath $f)))) }',
              "$hash = [BitConverter]::ToString($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes(($parts -join '|') + '|' + $NodeTemplate))).Replace('-', '')",
              `$marker = Join-Path -Path $env:ProgramData -ChildPath ${psq(`Junction\\state\\${PACKAGE}.sha256`)}`,
              "$previous = if (Test-Path -LiteralPath $marker) { (Get-Content -LiteralPath $marker) -join '' } else { '' }",
              'if ($hash -eq $previous -and -not $Force) {',
              `    ${say(`${PACKAGE_ZIP} unchanged since its last upload; nothing to do (-Force uploads it again, e.g. after a new key or password)`)}`,
              '} else {',
              ...indent([
                ...prereq(
                  '-not $PreSharedKey -or -not $RelayPassword',
                  `-PreSharedKey (secret ${ll.vpn.pskRef}) and -RelayPassword (secret ${ll.relayAccount.passwordRef}) to build the package`,
                ),
                `$stage = Join-Path -Path $env:TEMP -ChildPath ${psq(PACKAGE)}`,
                // The package carries the secrets: it is made in %TEMP% and deleted once uploaded, never left beside the script.
                `$zip = Join-Path -Path $env:TEMP -ChildPath ${psq(PACKAGE_ZIP)}`,
                ...change(PACKAGE_ZIP, 'hpcpack create and upload to node template ' + template, [
                  '$null = New-Item -ItemType Directory -Force -Path $stage',
                  'foreach ($f in $files) { Copy-Item -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath $f) -Destination $stage -Force }',
                  '$secrets = [ordered]@{',
                  '    psk = (New-Object -TypeName System.Net.NetworkCredential -ArgumentList @([string]::Empty, $PreSharedKey)).Password',
                  '    password = (New-Object -TypeName System.Net.NetworkCredential -ArgumentList @([string]::Empty, $RelayPassword)).Password',
                  '}',
                  "$secrets | ConvertTo-Json -Compress | Set-Content -LiteralPath (Join-Path -Path $stage -ChildPath 'licenselink-secrets.json') -Encoding UTF8",
                  '$secrets = $null',
                  'try {',
                  '    hpcpack create $zip $stage',
                  "    if ($LASTEXITCODE -ne 0) { throw 'hpcpack create failed' }",
                  '    hpcpack upload $zip /nodetemplate:$NodeTemplate',
                  "    if ($LASTEXITCODE -ne 0) { throw 'hpcpack upload failed' }",
                  '} finally {',
                  '    Remove-Item -LiteralPath $stage -Recurse -Force',
                  '    if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }',
                  '}',
                  '$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent -Path $marker)',
                  'Set-Content -LiteralPath $marker -Value $hash -Encoding ASCII',
                  `Write-Host ("Uploaded. In HPC Cluster Manager set the Startup Script of node template '" + $NodeTemplate + "' to startup.bat.")`,
                ]),
              ]),
              '}',
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['package-node-startup.ps1']} -WhatIf`,
      `.\\${ctx.names['package-node-startup.ps1']}`,
      `# equivalent by hand: hpcpack create ${PACKAGE_ZIP} <folder with ${PACKAGE_FILES.join(', ')}, licenselink-secrets.json>; hpcpack upload ${PACKAGE_ZIP} /nodetemplate:"${template}"`,
    ],
  };
}

function nodeStep(l: Lookup, ll: LicenseLink, nodes: Host, lic: Host): StepDraft {
  const jb = l.hosts.get(ll.junctionBox)!.value;
  const target = hostTarget(nodes);
  const runAs =
    'SYSTEM (HPC Pack runs node startup scripts as an administrator), or an administrator by hand';
  const conn = ll.vpn.connectionName;
  const licAddr = licenseAddress(lic);
  const route = licAddr.includes(':') ? `${licAddr}/128` : `${licAddr}/32`;
  const server = jb.fqdn ?? jb.name;
  const task = `Junction ${conn} dial`;
  return {
    scenario: 'license-link',
    target,
    title: `Node startup script: create the all-user L2TP connection "${conn}" and dial it at every boot`,
    runAs,
    prerequisites: [
      'Azure Connect enabled in the node template (seed 000 Requirements)',
      'The package of the previous step uploaded and set as the node template startup script',
    ],
    notes: [
      `Delivery: ${ll.nodeSetup.delivery}. ${ll.nodeSetup.delivery === 'startup-script' ? 'Nodes re-serviced by Azure run it again, so they reconnect by themselves.' : 'Run it by hand on each node (clusrun) after every servicing.'}`,
      `By hand on all nodes: clusrun ${psArg(`/nodegroup:${nodes.nodeGroup ?? nodes.name}`)} "${PACKAGE_DIR}\\startup.bat"`,
      `Dialling is retried with backoff for up to ${DIAL_MINUTES} minutes (seed 000: the Azure Connect adapter takes 5-20 minutes to appear); startup.bat logs the result and exits 0 so a slow tunnel never keeps a node from starting. The scheduled task dials again every ${REDIAL_MINUTES} minutes.`,
    ],
    files: [
      {
        name: 'licenselink-node.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Creates the all-user L2TP/IPsec connection ${conn} to ${server} and keeps it dialled (License Link "${ll.name}").`,
            description: [
              `Only ${route} (the license server) goes through the tunnel (split tunnelling).`,
              `A scheduled task "${task}" runs this script with -DialOnly at every startup and every ${REDIAL_MINUTES} minutes, as SYSTEM.`,
              `rasdial is retried with doubling waits (15 s to 5 min) until it connects or -DialMinutes (default ${DIAL_MINUTES}) pass; each try is logged.`,
              'Secrets come from licenselink-secrets.json beside the script (see package-node-startup.ps1), or from -PreSharedKey/-RelayPassword.',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['Windows Server 2012 R2 or later (VpnClient and ScheduledTasks modules)'],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: [
              '[securestring]$PreSharedKey',
              '[securestring]$RelayPassword',
              `[string]$SecretsFile = (Join-Path -Path $PSScriptRoot -ChildPath 'licenselink-secrets.json')`,
              '[switch]$DialOnly',
              `[ValidateRange(1, 120)][int]$DialMinutes = ${DIAL_MINUTES}`,
            ],
            requiresAdmin: true,
            logName: 'license-link-node',
            body: [
              'if (-not $PreSharedKey -or -not $RelayPassword) {',
              ...indent(
                prereq(
                  '-not (Test-Path -LiteralPath $SecretsFile)',
                  'licenselink-secrets.json beside the script, or -PreSharedKey and -RelayPassword',
                ),
              ),
              '    $s = Get-Content -LiteralPath $SecretsFile -Raw | ConvertFrom-Json',
              '    $psk = [string]$s.psk',
              '    $pw = [string]$s.password',
              '} else {',
              '    $psk = (New-Object -TypeName System.Net.NetworkCredential -ArgumentList @([string]::Empty, $PreSharedKey)).Password',
              '    $pw = (New-Object -TypeName System.Net.NetworkCredential -ArgumentList @([string]::Empty, $RelayPassword)).Password',
              '}',
              'if (-not $DialOnly) {',
              ...indent([
                `$vpn = Get-VpnConnection -Name ${psq(conn)} -AllUserConnection -ErrorAction SilentlyContinue`,
                'if ($vpn) {',
                `    ${say(`All-user connection ${conn} exists`)}`,
                '} else {',
                ...indent(
                  change(
                    conn,
                    `Add-VpnConnection -AllUserConnection -TunnelType L2tp -ServerAddress ${server}`,
                    [
                      '# EncryptionLevel Optional: the junction box does not encrypt the inner IPv4 tunnel (it runs inside the encrypted IPv6 one).',
                      '# Splatted: the tree-sitter grammar used to verify these scripts splits parameter names that contain digits.',
                      '$pskSplat = @{ L2tpPsk = $psk }',
                      `Add-VpnConnection @pskSplat -Name ${psq(conn)} -ServerAddress ${psq(server)} -TunnelType L2tp -AuthenticationMethod MSChapv2 -EncryptionLevel Optional -SplitTunneling -AllUserConnection -RememberCredential -Force`,
                      `Add-VpnConnectionRoute -ConnectionName ${psq(conn)} -DestinationPrefix ${psq(route)} -AllUserConnection`,
                    ],
                  ),
                ),
                '}',
                `$existing = Get-ScheduledTask -TaskName ${psq(task)} -ErrorAction SilentlyContinue`,
                // A task from an older package dials only at boot: it is replaced by one that also redials.
                "if ($existing -and @($existing.Triggers | Where-Object { $_.Repetition -and $_.Repetition.Interval }).Count -gt 0) {",
                `    ${say(`Scheduled task "${task}" exists (at startup and every ${REDIAL_MINUTES} minutes)`)}`,
                '} else {',
                ...indent(
                  change(task, `Register-ScheduledTask at startup and every ${REDIAL_MINUTES} minutes as SYSTEM`, [
                    `$arg = '-NoProfile -ExecutionPolicy Bypass -File "' + $PSCommandPath + '" -DialOnly -DialMinutes ${Math.min(5, REDIAL_MINUTES - 1)}'`,
                    "$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $arg",
                    `$triggers = @((New-ScheduledTaskTrigger -AtStartup), (New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes ${REDIAL_MINUTES}) -RepetitionDuration (New-TimeSpan -Days 3650)))`,
                    "$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest",
                    `$null = Register-ScheduledTask -TaskName ${psq(task)} -Action $action -Trigger $triggers -Principal $principal -Description ${psq(`License Link ${ll.name}: dial ${conn} at boot and every ${REDIAL_MINUTES} min`)} -Force`,
                  ]),
                ),
                '}',
              ]),
              '}',
              `$up = Get-VpnConnection -Name ${psq(conn)} -AllUserConnection -ErrorAction SilentlyContinue`,
              "if ($up -and $up.ConnectionStatus -eq 'Connected') {",
              `    ${say(`${conn} is connected`)}`,
              '} else {',
              ...indent(
                change(conn, 'rasdial, retried until connected or -DialMinutes pass', [
                  '$deadline = (Get-Date).AddMinutes($DialMinutes)',
                  '$wait = 15',
                  '$attempt = 0',
                  '$code = -1',
                  'while ((Get-Date) -lt $deadline) {',
                  '    $attempt++',
                  `    $null = rasdial ${psq(conn)} ${psq(ll.relayAccount.name)} $pw`,
                  '    $code = $LASTEXITCODE',
                  "    Write-Host ((Get-Date -Format 'u') + ' rasdial attempt ' + $attempt + ': exit code ' + $code)",
                  '    if ($code -eq 0) { break }',
                  '    Start-Sleep -Seconds $wait',
                  '    $wait = [Math]::Min($wait * 2, 300)',
                  '}',
                  "if ($code -ne 0) { throw ('rasdial still failing after ' + $attempt + ' attempts in ' + $DialMinutes + ' minutes (last code ' + $code + '); the scheduled task dials again') }",
                ]),
              ),
              '}',
              '$pw = $null',
              '$psk = $null',
            ],
          }),
      },
      {
        name: 'startup.bat',
        kind: 'batch',
        content: (ctx) =>
          [
            '@echo off',
            `rem License Link "${batchRem(ll.name)}" node startup (Junction, ${batchRem(ctx.reference)}).`,
            'rem HPC Pack runs this from the unpacked package; it hands over to licenselink-node.ps1 beside it.',
            'rem Exit code 0 always: a failing startup script can keep HPC Pack from bringing the node online, and the',
            'rem scheduled task the script registers dials again. The script\'s own code goes to the log below.',
            'if not exist "%ProgramData%\\Junction\\logs" mkdir "%ProgramData%\\Junction\\logs"',
            'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0licenselink-node.ps1"',
            '>> "%ProgramData%\\Junction\\logs\\license-link-startup.log" echo %DATE% %TIME% licenselink-node.ps1 exited with code %ERRORLEVEL% (0 done, 1 failed, 2 prerequisite missing)',
            'exit /b 0',
            '',
          ].join('\r\n'),
      },
    ],
    commands: (ctx) => [
      `# copy ${ctx.names['licenselink-node.ps1']} and ${ctx.names['startup.bat']} to the head node as licenselink-node.ps1 and startup.bat for the packaging step (${PACKAGE_ZIP})`,
      `.\\${ctx.names['licenselink-node.ps1']} -WhatIf   # by hand on one node, to see what it would do`,
    ],
  };
}

function checkStep(l: Lookup, ll: LicenseLink, nodes: Host, lic: Host, head: Host | undefined): StepDraft {
  const target = hostTarget(nodes);
  const group = nodes.nodeGroup ?? nodes.name;
  return {
    scenario: 'license-link',
    target,
    title: `Prove the license server ${lic.name} answers through the tunnel from the nodes`,
    runAs: 'any user on a compute node (via clusrun from the head node)',
    prerequisites: ['Nodes provisioned with the startup script'],
    notes: [
      `Azure nodes cannot reach on-premises shares ("Deploying Applications to Azure Nodes"), so the script travels in ${PACKAGE_ZIP} (packaging step) and runs from ${PACKAGE_DIR}\\ on every node.`,
      ...(head ? [`Run the clusrun line on ${head.name} (or any machine with the HPC Pack client utilities).`] : []),
    ],
    files: [
      {
        name: 'check-license-server.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs(
            checkScript(
              l.ws.name,
              ctx.reference,
              target.label,
              'any user',
              licenseAddress(lic),
              ll.licensePorts,
              lic.name,
              'license-link-check',
              [
                `$vpn = Get-VpnConnection -Name ${psq(ll.vpn.connectionName)} -AllUserConnection -ErrorAction SilentlyContinue`,
                `if (-not $vpn -or $vpn.ConnectionStatus -ne 'Connected') { Write-Warning -Message ${psq(`${ll.vpn.connectionName} is not connected`)}; $script:ExitCode = 3 }`,
              ],
            ),
          ),
      },
    ],
    commands: (ctx) => [
      `# ${ctx.names['check-license-server.ps1']} is in ${PACKAGE_ZIP} as check-license-server.ps1`,
      `clusrun ${psArg(`/nodegroup:${group}`)} powershell.exe -NoProfile -ExecutionPolicy Bypass -File "${PACKAGE_DIR}\\check-license-server.ps1"`,
    ],
  };
}
