// Certificate placement (seeds 001 and 003): import the .pfx/.cer into exactly the stores the purpose and the HPC
// Pack version require, checked by thumbprint first; Remote Console's VMM, Hyper-V and RD Gateway steps in the
// order that works (trust on the hosts before VMM pushes, then restart vmms one host at a time).
import type { Lookup } from '../../model/lookup';
import type { Certificate, CertStore, Host } from '../../model/schema';
import { requiredPlacements } from '../../lint/rules/certificates';
import { normaliseThumbprint } from '../../pki/requirements';
import { hostAddress, hostTarget } from '../common';
import { change, indent, prereq, psq, renderPs, say } from '../ps';
import type { Scenario, StepDraft, Target } from '../types';

interface Placement {
  host: string;
  store: CertStore;
  form: 'pfx' | 'cer';
}

/** The declared placements plus any the purpose requires that are missing (lint reports those as CERT007). */
function placementsOf(l: Lookup, c: Certificate): Placement[] {
  const out: Placement[] = [];
  const seen = new Set<string>();
  for (const p of [...c.placements, ...requiredPlacements(l, c)]) {
    const key = `${p.host}|${p.store}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ host: p.host, store: p.store, form: p.form });
  }
  return out;
}

const STORE_NAMES: Record<string, string> = {
  'LocalMachine\\My': 'Local Computer\\Personal',
  'LocalMachine\\Root': 'Local Computer\\Trusted Root Certification Authorities',
  'CurrentUser\\My': 'Current User\\Personal',
  'CurrentUser\\Root': 'Current User\\Trusted Root Certification Authorities',
};

/** Lines that load $pfxThumb / $cerThumb from the files and compare them with the workspace's thumbprint. */
function thumbprintLines(c: Certificate, pfx: boolean, cer: boolean): string[] {
  const lines: string[] = [];
  if (pfx) {
    lines.push(...prereq('-not (Test-Path -LiteralPath $PfxPath)', `the .pfx of "${c.name}" (-PfxPath)`));
    // VMM and .NET resolve a relative path against the process directory, not PowerShell's current location.
    lines.push('$PfxPath = (Resolve-Path -LiteralPath $PfxPath).ProviderPath');
    lines.push(
      '$pfxThumb = (Get-PfxData -FilePath $PfxPath -Password $PfxPassword).EndEntityCertificates[0].Thumbprint',
    );
  }
  if (cer) {
    lines.push(...prereq('-not (Test-Path -LiteralPath $CerPath)', `the .cer of "${c.name}" (-CerPath)`));
    lines.push(
      // .NET resolves a relative path against [Environment]::CurrentDirectory, not PowerShell's location.
      '$cerThumb = (New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (Resolve-Path -LiteralPath $CerPath).ProviderPath).Thumbprint',
    );
  }
  if (c.thumbprint) {
    const t = normaliseThumbprint(c.thumbprint);
    for (const v of [pfx ? '$pfxThumb' : '', cer ? '$cerThumb' : ''].filter(Boolean))
      lines.push(
        ...prereq(
          `${v} -ne ${psq(t)}`,
          `a file whose thumbprint is ${t} (the workspace's "${c.id}"); this one differs`,
        ),
      );
  }
  return lines;
}

function certParams(c: Certificate, pfx: boolean, cer: boolean): string[] {
  return [
    ...(pfx
      ? [
          `[string]$PfxPath = (Join-Path -Path $PSScriptRoot -ChildPath ${psq(`${c.id}.pfx`)})`,
          `[Parameter(Mandatory, HelpMessage = ${psq(`Password of ${c.id}.pfx${c.pfxPasswordRef ? ` (secret ${c.pfxPasswordRef})` : ''}`)})][securestring]$PfxPassword`,
        ]
      : []),
    ...(cer ? [`[string]$CerPath = (Join-Path -Path $PSScriptRoot -ChildPath ${psq(`${c.id}.cer`)})`] : []),
  ];
}

function importLines(p: Placement): string[] {
  const store = `Cert:\\${p.store}`;
  const thumb = p.form === 'pfx' ? '$pfxThumb' : '$cerThumb';
  const cmd =
    p.form === 'pfx'
      ? `$null = Import-PfxCertificate -FilePath $PfxPath -CertStoreLocation ${psq(store)} -Password $PfxPassword -Exportable`
      : `$null = Import-Certificate -FilePath $CerPath -CertStoreLocation ${psq(store)}`;
  return [
    `if (Get-ChildItem -Path (${psq(store + '\\')} + ${thumb}) -ErrorAction SilentlyContinue) {`,
    `    Write-Host (${psq(`Already in ${store}: `)} + ${thumb})`,
    '} else {',
    ...indent(change(store, `import the .${p.form}`, [cmd])),
    '}',
  ];
}

/**
 * Import-Certificate into Cert:\\CurrentUser\\Root raises Windows' root-store security warning, which no parameter
 * suppresses: without a desktop session the import hangs or fails late. Checked before the first change.
 */
function interactiveRootCheck(): string[] {
  return [
    "if (-not (Test-Path -Path ('Cert:\\CurrentUser\\Root\\' + $cerThumb))) {",
    ...indent(
      prereq(
        "-not [Environment]::UserInteractive -or $Host.Name -eq 'ServerRemoteHost'",
        'an interactive desktop session (console or Remote Desktop): Windows asks the user to confirm a certificate added to Current User\\Trusted Root Certification Authorities, and that dialog cannot be answered over remoting, from a scheduled task or a service',
      ),
    ),
    `    ${say('Windows will show a security warning for the root certificate: check the thumbprint, then answer Yes.')}`,
    '}',
  ];
}

function importStep(
  l: Lookup,
  scenario: Scenario,
  c: Certificate,
  h: Host,
  placements: Placement[],
  title: string,
  extra: { description?: string[]; body?: string[]; notes?: string[]; params?: string[] } = {},
): StepDraft {
  const machine = placements.every((p) => p.store.startsWith('LocalMachine'));
  const runAs = machine
    ? 'a local Administrator (elevated PowerShell)'
    : scenario === 'hpc-management-certificate'
      ? 'the HPC cluster administrator account itself (Current User stores belong to whoever runs the script), not elevated'
      : 'the user who needs the certificate';
  const pfx = placements.some((p) => p.form === 'pfx');
  const cer = placements.some((p) => p.form === 'cer');
  const target = hostTarget(h);
  const name = `import-${c.id}-${machine ? 'machine' : 'user'}-stores.ps1`;
  const userRoot = placements.some((p) => p.store === 'CurrentUser\\Root' && p.form === 'cer');
  return {
    scenario,
    target,
    title: userRoot ? `${title} (interactive: Windows asks to confirm the root certificate)` : title,
    runAs,
    prerequisites: [
      `${[pfx ? `${c.id}.pfx` : '', cer ? `${c.id}.cer` : ''].filter(Boolean).join(' and ')} copied beside the script (or pass -PfxPath/-CerPath)`,
    ],
    notes: [
      ...(extra.notes ?? []),
      ...(userRoot
        ? [
            'Run it at the console or over Remote Desktop: adding a certificate to Current User\\Trusted Root Certification Authorities makes Windows show a security warning that only the user can confirm (-Confirm:$false does not answer it). Over remoting, as a scheduled task or a service the script stops with exit code 2 before changing anything.',
          ]
        : []),
    ],
    files: [
      {
        name,
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Puts "${c.name}" (${c.subject}) into ${placements.map((p) => p.store).join(', ')} on ${h.name}.`,
            description: [
              ...placements.map((p) => `${p.store} (${STORE_NAMES[p.store] ?? p.store}): the .${p.form}`),
              'Each store is checked by thumbprint first; a certificate already there is left alone.',
              ...(userRoot
                ? [
                    'INTERACTIVE: Windows asks the user to confirm the certificate added to Current User\\Root. Run it at the console or over Remote Desktop; elsewhere it stops with exit code 2 before any change.',
                  ]
                : []),
              ...(extra.description ?? []),
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['Windows Server 2012 or Windows 8 or later (PKI module: Get-PfxData, Import-PfxCertificate, Import-Certificate)'],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: [...certParams(c, pfx, cer), ...(extra.params ?? [])],
            requiresAdmin: machine,
            logName: `${scenario}-${c.id}-import`,
            body: [
              ...thumbprintLines(c, pfx, cer),
              ...(userRoot ? interactiveRootCheck() : []),
              ...placements.flatMap(importLines),
              ...(extra.body ?? []),
            ],
          }),
      },
    ],
    commands: (ctx) => [`.\\${ctx.names[name]} -WhatIf`, `.\\${ctx.names[name]}`],
  };
}

export function hpcManagementSteps(l: Lookup): StepDraft[] {
  return l.ws.certificates
    .filter((c) => c.purpose === 'hpc-management')
    .flatMap((c) => {
      const all = placementsOf(l, c);
      const steps: StepDraft[] = [];
      const hostIds = [...new Set(all.filter((p) => p.store !== 'AzureSubscription').map((p) => p.host))];
      for (const id of hostIds) {
        const h = l.hosts.get(id)?.value;
        if (!h) continue;
        const mine = all.filter((p) => p.host === id);
        const machine = mine.filter((p) => p.store.startsWith('LocalMachine'));
        const user = mine.filter((p) => p.store.startsWith('CurrentUser'));
        const version = h.hpcPackVersion ? ` (HPC Pack ${h.hpcPackVersion})` : '';
        if (machine.length)
          steps.push(
            importStep(
              l,
              'hpc-management-certificate',
              c,
              h,
              machine,
              `Import the management certificate into ${h.name}'s Local Computer stores${version}`,
            ),
          );
        if (user.length)
          steps.push(
            importStep(
              l,
              'hpc-management-certificate',
              c,
              h,
              user,
              `Import the management certificate into the HPC administrator's Current User stores on ${h.name}${version}`,
              {
                notes: [
                  'Run it once for every account that manages the cluster from this machine; HPC Pack before 2012 SP1 reads the Current User stores.',
                ],
              },
            ),
          );
      }
      for (const p of all.filter((x) => x.store === 'AzureSubscription')) {
        const site = l.sites.get(p.host)?.value;
        const sub = site?.azure?.subscriptionId;
        const target: Target = {
          id: p.host,
          label: `Azure subscription${sub ? ` ${sub}` : ''} (${site?.name ?? p.host})`,
        };
        steps.push({
          scenario: 'hpc-management-certificate',
          target,
          title: `Upload ${c.id}.cer to the Azure subscription's management certificates`,
          runAs: 'a subscription administrator (co-administrator for classic management certificates)',
          prerequisites: [`${c.id}.cer (public certificate only, never the .pfx)`],
          notes: [
            'Without it HPC Pack gets "(403) Forbidden" when it deploys Azure nodes (seed 003 troubleshooting table).',
          ],
          files: [],
          commands: () => [
            `Azure portal: Subscriptions > ${sub ?? '<subscription>'} > Management certificates > Upload > ${c.id}.cer`,
          ],
        });
      }
      return steps;
    });
}

export function remoteConsoleSteps(l: Lookup): StepDraft[] {
  const steps: StepDraft[] = [];
  for (const c of l.ws.certificates) {
    if (c.purpose !== 'remote-console') continue;
    const all = placementsOf(l, c);
    const hostOf = (id: string) => l.hosts.get(id)?.value;
    const hyperv = [
      ...new Set(all.filter((p) => hostOf(p.host)?.roles.includes('hyperv-host')).map((p) => p.host)),
    ].map((id) => hostOf(id)!);
    const vmm = all
      .filter((p) => p.store === 'VMMDatabase')
      .map((p) => hostOf(p.host))
      .filter((h): h is Host => !!h);
    const rdgw = [
      ...new Set(all.filter((p) => hostOf(p.host)?.roles.includes('rd-gateway')).map((p) => p.host)),
    ].map((id) => hostOf(id)!);
    // 1. Trust on every Hyper-V host before VMM pushes: Hyper-V reads its trust store only when vmms starts.
    for (const h of hyperv)
      steps.push(
        importStep(
          l,
          'remote-console',
          c,
          h,
          all.filter((p) => p.host === h.id && p.store !== 'VMMDatabase'),
          `Trust the Remote Console certificate on ${h.name} (before VMM pushes it)`,
        ),
      );
    // 2. VMM imports the .pfx into its database and pushes it to the hosts.
    for (const v of vmm) steps.push(vmmStep(l, c, v));
    // 3. Restart vmms host by host, then verify.
    for (const h of hyperv) steps.push(restartVmmsStep(l, c, h));
    // 4. RD Gateway: My + Root, and the trusted issuer thumbprint in FedAuthSettings.
    for (const h of rdgw)
      steps.push(
        rdGatewayStep(
          l,
          c,
          h,
          all.filter((p) => p.host === h.id),
        ),
      );
  }
  // The RD Gateway's public TLS certificate goes into its Personal store.
  for (const c of l.ws.certificates) {
    if (c.purpose !== 'rd-gateway-tls') continue;
    for (const id of [...new Set(c.placements.map((p) => p.host))]) {
      const h = l.hosts.get(id)?.value;
      if (!h) continue;
      const mine = c.placements.filter((p) => p.host === id && p.store.startsWith('LocalMachine'));
      const bindable = mine.some((p) => p.store === 'LocalMachine\\My' && p.form === 'pfx');
      if (mine.length)
        steps.push(
          importStep(
            l,
            'remote-console',
            c,
            h,
            mine,
            bindable
              ? `Install the RD Gateway's public TLS certificate on ${h.name} and bind it to RD Gateway`
              : `Install the RD Gateway's public TLS certificate on ${h.name}`,
            bindable
              ? {
                  description: [
                    'Then binds it (RDS:\\GatewayServer\\SSLCertificate\\Thumbprint), restarts TSGateway and reads the binding back: importing alone leaves RD Gateway on its old certificate.',
                  ],
                  notes: ['Restarting TSGateway drops the connections through this gateway for a moment; run it in a quiet period.'],
                  body: rdGatewayBindLines(),
                }
              : {},
          ),
        );
    }
  }
  return steps;
}

/** Binds $pfxThumb as RD Gateway's TLS certificate through the RemoteDesktopServices provider and verifies it. */
function rdGatewayBindLines(): string[] {
  const path = psq('RDS:\\GatewayServer\\SSLCertificate\\Thumbprint');
  return [
    ...prereq(
      '-not (Get-Module -ListAvailable -Name RemoteDesktopServices)',
      'the RemoteDesktopServices module (RD Gateway role with its management tools)',
    ),
    'Import-Module -Name RemoteDesktopServices',
    `$bound = [string](Get-Item -Path ${path}).CurrentValue`,
    'if ($bound -eq $pfxThumb) {',
    "    Write-Host ('RD Gateway already uses ' + $pfxThumb)",
    '} else {',
    ...indent(
      change('RD Gateway', 'bind the TLS certificate and restart TSGateway', [
        `Set-Item -Path ${path} -Value $pfxThumb`,
        'Restart-Service -Name TSGateway',
      ]),
    ),
    '}',
    `$bound = [string](Get-Item -Path ${path}).CurrentValue`,
    // Under -WhatIf nothing was bound, so only a real run can fail the check.
    'if ($bound -ne $pfxThumb -and -not $WhatIfPreference) {',
    "    Write-Warning -Message ('RD Gateway still uses ' + $bound + ', not ' + $pfxThumb)",
    '    $script:ExitCode = 3',
    '} else {',
    "    Write-Host ('RD Gateway TLS certificate: ' + $bound)",
    '}',
  ];
}

function vmmStep(l: Lookup, c: Certificate, v: Host): StepDraft {
  const target = hostTarget(v);
  const runAs = 'a VMM administrator, in PowerShell on the VMM server';
  return {
    scenario: 'remote-console',
    target,
    title: 'Load the Remote Console .pfx into VMM and push it to the Hyper-V hosts',
    runAs,
    prerequisites: [
      `${c.id}.pfx beside the script`,
      'Every Hyper-V host already trusts the certificate (previous steps)',
    ],
    notes: [
      'VMM keeps the .pfx in its database, so the VMM server needs nothing in its own stores (seed 001).',
    ],
    files: [
      {
        name: 'set-vmm-remote-console.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Configures VMConnect on ${v.name} with "${c.name}" and refreshes every host so VMM pushes the certificate.`,
            description: [
              'Set-SCVMMServer -VMConnect* imports the .pfx into the VMM database.',
              "Then Get-SCVMHost | Read-SCVMHost makes VMM install the certificate in each host's Personal store now instead of at the next refresh.",
              'VMM does not report which VMConnect certificate it holds, so the script records the thumbprint it loaded (%ProgramData%\\Junction\\state) and a rerun with the same .pfx changes nothing; -Force loads and pushes it again.',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['The virtualmachinemanager PowerShell module (VMM console installed)'],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: [...certParams(c, true, false), '[ValidateRange(1, 60)][int]$TimeToLiveInMinutes = 2', '[switch]$Force'],
            requiresAdmin: false,
            logName: 'remote-console-vmm',
            body: [
              ...prereq(
                '-not (Get-Module -ListAvailable -Name virtualmachinemanager)',
                'the virtualmachinemanager module (install the VMM console)',
              ),
              'Import-Module -Name virtualmachinemanager',
              ...thumbprintLines(c, true, false),
              `$vmm = Get-SCVMMServer -ComputerName ${psq(hostAddress(v))}`,
              `$marker = Join-Path -Path $env:ProgramData -ChildPath ${psq(`Junction\\state\\vmm-vmconnect-${c.id}.thumbprint`)}`,
              "$recorded = if (Test-Path -LiteralPath $marker) { (Get-Content -LiteralPath $marker) -join '' } else { '' }",
              'if ($recorded -eq $pfxThumb -and -not $Force) {',
              "    Write-Host ('VMM already has VMConnect certificate ' + $pfxThumb + ' from an earlier run; nothing to do (-Force loads and pushes it again)')",
              '} else {',
              ...indent([
                ...change(
                  hostAddress(v),
                  'Set-SCVMMServer -VMConnect* (gateway and Hyper-V certificate, FQDN, TTL)',
                  [
                    '$null = Set-SCVMMServer -VMConnectGatewayCertificatePath $PfxPath -VMConnectGatewayCertificatePassword $PfxPassword -VMConnectHyperVCertificatePath $PfxPath -VMConnectHyperVCertificatePassword $PfxPassword -VMConnectHostIdentificationMode FQDN -VMConnectTimeToLiveInMinutes $TimeToLiveInMinutes -VMMServer $vmm',
                  ],
                ),
                ...change('all Hyper-V hosts', 'Read-SCVMHost (push the certificate now)', [
                  '$null = Get-SCVMHost -VMMServer $vmm | Read-SCVMHost',
                  '$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent -Path $marker)',
                  'Set-Content -LiteralPath $marker -Value $pfxThumb -Encoding ASCII',
                ]),
              ]),
              '}',
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['set-vmm-remote-console.ps1']} -WhatIf`,
      `.\\${ctx.names['set-vmm-remote-console.ps1']}`,
    ],
  };
}

function restartVmmsStep(l: Lookup, c: Certificate, h: Host): StepDraft {
  const target = hostTarget(h);
  const runAs = 'a local Administrator (elevated PowerShell)';
  return {
    scenario: 'remote-console',
    target,
    title: `Restart the Virtual Machine Management service on ${h.name} and verify (one host at a time)`,
    runAs,
    prerequisites: [
      'VMM pushed the certificate (previous step)',
      `${h.name} in maintenance mode in VMM and drained, if it runs tenant VMs`,
    ],
    notes: [
      'Do one host at a time: put it in maintenance mode in the VMM console, wait until it is empty, run this, take it out, then the next host (seed 001).',
      'Hyper-V reads the trusted issuers when vmms starts, not per token: without this restart Remote Console keeps failing.',
    ],
    files: [
      {
        name: 'restart-vmms-and-verify.ps1',
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis: `Restarts vmms on ${h.name} so Hyper-V trusts "${c.subject}", then checks the trust (root store and Msvm_TerminalServiceSettingData).`,
            description: [
              'Refuses while VMs are running unless -Force: drain the host through VMM maintenance mode first.',
            ],
            runsOn: target.label,
            runAs,
            prerequisites: ['The Hyper-V PowerShell module'],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: ['[switch]$Force'],
            requiresAdmin: true,
            logName: 'remote-console-restart-vmms',
            body: [
              `$pushed = @(Get-ChildItem -Path 'Cert:\\LocalMachine\\My' | Where-Object { $_.Subject -eq ${psq(c.subject)} })`,
              'if ($pushed.Count -eq 0) {',
              '    $script:ExitCode = 3',
              `    throw ${psq(`VMM has not pushed ${c.subject} to Cert:\\LocalMachine\\My yet; run the VMM step (Read-SCVMHost) first`)}`,
              '}',
              // Hyper-V reads trusted issuers when vmms starts. A marker per thumbprint, written after the restart,
              // makes a second run a no-op instead of a second restart of a host that may be back in service.
              "$marker = Join-Path -Path $env:ProgramData -ChildPath ('Junction\\state\\vmms-trusts-' + $pushed[0].Thumbprint)",
              'if (Test-Path -LiteralPath $marker) {',
              `    ${say('vmms already restarted since this certificate arrived; nothing to do')}`,
              '} else {',
              ...indent([
                "$running = @(Get-VM | Where-Object { $_.State -eq 'Running' })",
                ...prereq(
                  '$running.Count -gt 0 -and -not $Force',
                  'an empty host: VMs are running; put the host in maintenance mode in VMM (or pass -Force)',
                ),
              ]),
              ...indent(
                change('vmms', 'Restart-Service (Hyper-V Virtual Machine Management)', [
                  'Restart-Service -Name vmms',
                  '$null = New-Item -ItemType File -Force -Path $marker',
                ]),
              ),
              '}',
              '$thumb = $pushed[0].Thumbprint',
              // Trusted = the issuer (the self-signed certificate itself) in the machine's root store, and Hyper-V's
              // Remote Console service lists it in TrustedIssuerCertificateHashes (read when vmms starts).
              "if (-not (Test-Path -Path ('Cert:\\LocalMachine\\Root\\' + $thumb))) {",
              "    Write-Warning -Message ('Certificate ' + $thumb + ' is not in Cert:\\LocalMachine\\Root: run the trust step for this host')",
              '    $script:ExitCode = 3',
              '}',
              "$ts = Get-CimInstance -Namespace 'root\\virtualization\\v2' -ClassName Msvm_TerminalServiceSettingData",
              "$hashes = @($ts | ForEach-Object { if ($_.PSObject.Properties['TrustedIssuerCertificateHashes']) { $_.TrustedIssuerCertificateHashes } })",
              'if ($WhatIfPreference) {',
              `    ${say('Dry run: vmms was not restarted, so the trusted issuer list is not checked')}`,
              '} elseif ($hashes -notcontains $thumb) {',
              "    Write-Warning -Message ('Hyper-V does not list ' + $thumb + ' in TrustedIssuerCertificateHashes')",
              '    $script:ExitCode = 3',
              '} else {',
              "    Write-Host ('Hyper-V trusts ' + $thumb + ' for Remote Console')",
              '}',
            ],
          }),
      },
    ],
    commands: (ctx) => [
      `.\\${ctx.names['restart-vmms-and-verify.ps1']} -WhatIf`,
      `.\\${ctx.names['restart-vmms-and-verify.ps1']}`,
    ],
  };
}

function rdGatewayStep(l: Lookup, c: Certificate, h: Host, placements: Placement[]): StepDraft {
  const ps = placements.filter((p) => p.store.startsWith('LocalMachine'));
  return importStep(
    l,
    'remote-console',
    c,
    h,
    ps,
    `RD Gateway ${h.name}: import the Remote Console certificate and trust its issuer in FedAuthSettings`,
    {
      description: [
        'Then sets TrustedIssuerCertificates in root\\TSGatewayFedAuth2 FedAuthSettings to the thumbprint and checks both (exit code 3 when either is missing).',
      ],
      notes: [
        'The VMM Console Connect Gateway plug-in (RDGatewayFedAuth.msi from the VMM media) must be installed; the gateway is then dedicated to Remote Console (seed 001).',
      ],
      body: [
        "$fed = Get-CimInstance -Namespace 'root\\TSGatewayFedAuth2' -ClassName FedAuthSettings",
        'if ($fed.TrustedIssuerCertificates -eq $cerThumb) {',
        "    Write-Host ('TrustedIssuerCertificates already ' + $cerThumb)",
        '} else {',
        ...indent(
          change('FedAuthSettings', 'set TrustedIssuerCertificates', [
            'Set-CimInstance -InputObject $fed -Property @{ TrustedIssuerCertificates = $cerThumb }',
          ]),
        ),
        '}',
        // Verification (seed 001): the certificate is trusted here and FedAuthSettings names it.
        "if (-not $WhatIfPreference -and -not (Test-Path -Path ('Cert:\\LocalMachine\\Root\\' + $cerThumb))) {",
        "    Write-Warning -Message ('Certificate ' + $cerThumb + ' is not in Cert:\\LocalMachine\\Root')",
        '    $script:ExitCode = 3',
        '}',
        "$fed = Get-CimInstance -Namespace 'root\\TSGatewayFedAuth2' -ClassName FedAuthSettings",
        'if (-not $WhatIfPreference -and $fed.TrustedIssuerCertificates -ne $cerThumb) {',
        "    Write-Warning -Message ('FedAuthSettings TrustedIssuerCertificates is ' + $fed.TrustedIssuerCertificates + ', not ' + $cerThumb)",
        '    $script:ExitCode = 3',
        '} else {',
        "    Write-Host ('RD Gateway trusts Remote Console tokens signed by ' + $cerThumb)",
        '}',
      ],
    },
  );
}
