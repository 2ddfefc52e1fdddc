// Every command the generators emit, with the parameters they may pass and where that was checked.
// test/generate parses each generated script and fails on a command or parameter that is not listed here.
// REF = the checked-facts file (../shared/reference/windows-azure-facts.md) the project keeps beside the seeds.

export interface CatalogEntry {
  kind: 'cmdlet' | 'external' | 'az';
  module?: string;
  /** Named parameters (PowerShell: with the dash; az: the --long form). */
  params: readonly string[];
  /** Leading words an external command may start with (netsh contexts); absent: any arguments. */
  usages?: readonly string[];
  /**
   * Parameter sets a call must choose one of (every parameter of the chosen set present, splatted or named), as
   * Microsoft's syntax lists them: the parser test catches a call that PowerShell would stop to prompt for.
   */
  required?: readonly (readonly string[])[];
  /** Where the page is. */
  source: string;
  /** Also checked against the project's reference facts. */
  checked?: string;
  /** The oldest platform the command runs on (module defaults in MODULE_SINCE, overridden per command). */
  since?: Since;
  /** Parameters that arrived later than their command. */
  paramSince?: Readonly<Record<string, Since>>;
}

/** Windows releases in order; a client release counts as the server release it shares its kernel with. */
export const WINDOWS_RELEASES = ['2008 R2', '2012', '2012 R2', '2016', '2019', '2022', '2025'] as const;
export type WindowsRelease = (typeof WINDOWS_RELEASES)[number];
export const PS_VERSIONS = ['2.0', '3.0', '4.0', '5.1'] as const;
export type PsVersion = (typeof PS_VERSIONS)[number];

/**
 * Where a command or feature first works. `windows`: the OS release whose modules bring it (cannot be added later);
 * `ps`: the Windows PowerShell version (WMF can raise it on an older OS, so a script may declare #Requires -Version);
 * `product`: a product that must be installed instead (VMM console, HPC Pack), not checked against the host's `os`.
 */
export interface Since {
  windows?: WindowsRelease;
  ps?: PsVersion;
  product?: string;
  /** The page that says so, when it is not the command's own page. */
  source?: string;
}

/** Windows PowerShell each release ships with (about_Windows_PowerShell_5.1, WMF release notes). */
export const SHIPPED_PS: Readonly<Record<WindowsRelease, PsVersion>> = {
  '2008 R2': '2.0',
  '2012': '3.0',
  '2012 R2': '4.0',
  '2016': '5.1',
  '2019': '5.1',
  '2022': '5.1',
  '2025': '5.1',
};

/** A host's `os` as a Windows release ("Windows Server 2012 R2 (Azure worker role)" → 2012 R2); undefined if not Windows. */
export function windowsReleaseOf(os: string | undefined): WindowsRelease | undefined {
  if (!os) return undefined;
  const server = /Windows Server (2008 R2|2012 R2|2012|2016|2019|2022|2025)\b/i.exec(os);
  if (server) return server[1]!.toUpperCase() as WindowsRelease;
  const client = /Windows (7|8\.1|8|10|11)\b/i.exec(os)?.[1];
  const map: Record<string, WindowsRelease> = { '7': '2008 R2', '8': '2012', '8.1': '2012 R2', '10': '2016', '11': '2022' };
  return client ? map[client] : undefined;
}

const ABOUT = (topic: string) =>
  `https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/${topic.toLowerCase()}`;

/** Script-language features with a minimum PowerShell version, found by pattern in a generated script. */
export const LANGUAGE_FEATURES: readonly { name: string; pattern: RegExp; ps: PsVersion; source: string }[] = [
  {
    name: '#Requires -RunAsAdministrator',
    pattern: /^#Requires\s+-RunAsAdministrator/im,
    ps: '4.0',
    source: ABOUT('about_Requires'),
  },
  { name: '[ordered] hashtable', pattern: /\[ordered\]/i, ps: '3.0', source: ABOUT('about_Hash_Tables') },
  {
    name: '$PSScriptRoot / $PSCommandPath in a script',
    pattern: /\$PSScriptRoot|\$PSCommandPath/i,
    ps: '3.0',
    source: ABOUT('about_Automatic_Variables'),
  },
  {
    name: '[Parameter(Mandatory)] without =$true',
    pattern: /\[Parameter\(Mandatory[,)]/i,
    ps: '3.0',
    source: ABOUT('about_Functions_Advanced_Parameters'),
  },
  {
    name: 'Set-StrictMode -Version 3',
    pattern: /Set-StrictMode -Version 3/i,
    ps: '3.0',
    source: 'https://learn.microsoft.com/powershell/module/microsoft.powershell.core/set-strictmode',
  },
];

/** The version a module first ships with; a command without its own `since` takes its module's. */
const MODULE_SINCE: Readonly<Record<string, Since>> = {
  'Microsoft.PowerShell.Core': { ps: '2.0' },
  'Microsoft.PowerShell.Host': { ps: '2.0' },
  'Microsoft.PowerShell.Management': { ps: '2.0' },
  'Microsoft.PowerShell.Utility': { ps: '2.0' },
  'Microsoft.PowerShell.Security': { ps: '2.0' },
  CimCmdlets: { ps: '3.0' },
  // Windows Server 2012's inbox modules (their v=wps.620 reference pages); WMF cannot add them to 2008 R2.
  ServerManager: { windows: '2012' },
  RemoteAccess: {
    windows: '2012',
    source: 'https://learn.microsoft.com/previous-versions/windows/powershell-scripting/hh918408(v=wps.620)',
  },
  VpnClient: { windows: '2012' },
  ScheduledTasks: { windows: '2012' },
  NetTCPIP: { windows: '2012' },
  PKI: {
    windows: '2012',
    source: 'https://learn.microsoft.com/previous-versions/windows/powershell-scripting/hh848631(v=wps.620)',
  },
  'Hyper-V': { windows: '2012' },
  // Ships with Windows PowerShell 5.1 (WMF 5.1 on 2012 / 2012 R2).
  'Microsoft.PowerShell.LocalAccounts': { ps: '5.1' },
  RemoteDesktopServices: { windows: '2008 R2' },
  virtualmachinemanager: { product: 'VMM 2012 R2 console' },
};

const REF = 'reference: windows-azure-facts.md';
const learn = (module: string, name: string) =>
  `https://learn.microsoft.com/powershell/module/${module}/${name.toLowerCase()}`;
const vmm = (name: string) => learn('virtualmachinemanager', name);
const COMMON = ['-ErrorAction', '-WarningAction', '-Verbose', '-WhatIf', '-Confirm'];

const c = (module: string, params: string[], source?: string, required?: string[][]): CatalogEntry => ({
  kind: 'cmdlet',
  module,
  params: [...params, ...COMMON],
  // A cmdlet checked against the reference still gets its Learn page (filled in below).
  source: source === REF ? '' : (source ?? ''),
  ...(source === REF ? { checked: REF } : {}),
  ...(required ? { required } : {}),
  since: MODULE_SINCE[module] ?? {},
});

/** An entry whose command (or some of its parameters) arrived later than its module. */
const later = (e: CatalogEntry, since: Since, paramSince?: Record<string, Since>): CatalogEntry => ({
  ...e,
  since,
  ...(paramSince ? { paramSince } : {}),
});

const ENTRIES: Record<string, CatalogEntry> = {
  // Microsoft.PowerShell.* (core)
  'Set-StrictMode': c('Microsoft.PowerShell.Core', ['-Version']),
  'Start-Transcript': c('Microsoft.PowerShell.Host', ['-Path', '-Append']),
  'Stop-Transcript': c('Microsoft.PowerShell.Host', []),
  'New-Item': c('Microsoft.PowerShell.Management', ['-ItemType', '-Path', '-Force']),
  'Split-Path': c('Microsoft.PowerShell.Management', ['-Parent', '-Path']),
  'Join-Path': c('Microsoft.PowerShell.Management', ['-Path', '-ChildPath']),
  'Test-Path': c('Microsoft.PowerShell.Management', ['-Path', '-LiteralPath']),
  'Get-ChildItem': c('Microsoft.PowerShell.Management', ['-Path']),
  'Copy-Item': c('Microsoft.PowerShell.Management', ['-LiteralPath', '-Destination', '-Force']),
  'Remove-Item': c('Microsoft.PowerShell.Management', ['-LiteralPath', '-Recurse', '-Force']),
  'Get-Content': later(c('Microsoft.PowerShell.Management', ['-LiteralPath', '-Raw']), { ps: '2.0' }, {
    '-Raw': { ps: '3.0' },
  }),
  'Set-Content': c('Microsoft.PowerShell.Management', ['-LiteralPath', '-Value', '-Encoding']),
  'Get-Service': c('Microsoft.PowerShell.Management', ['-Name']),
  'Get-ItemProperty': c('Microsoft.PowerShell.Management', ['-Path', '-Name']),
  'Restart-Service': c('Microsoft.PowerShell.Management', ['-Name']),
  'Write-Host': c('Microsoft.PowerShell.Utility', []),
  'Write-Warning': c('Microsoft.PowerShell.Utility', ['-Message']),
  'Out-Null': c('Microsoft.PowerShell.Core', []),
  'Out-String': c('Microsoft.PowerShell.Utility', []),
  'Where-Object': c('Microsoft.PowerShell.Core', []),
  'ForEach-Object': c('Microsoft.PowerShell.Core', []),
  'Sort-Object': c('Microsoft.PowerShell.Utility', ['-Property']),
  'Select-Object': c('Microsoft.PowerShell.Utility', ['-First']),
  'Format-Table': c('Microsoft.PowerShell.Utility', ['-AutoSize', '-Property']),
  'Format-List': c('Microsoft.PowerShell.Utility', []),
  'ConvertTo-Json': later(c('Microsoft.PowerShell.Utility', ['-Compress']), { ps: '3.0' }),
  'ConvertFrom-Json': later(c('Microsoft.PowerShell.Utility', []), { ps: '3.0' }),
  'Start-Sleep': c('Microsoft.PowerShell.Utility', ['-Seconds']),
  'Get-Date': c('Microsoft.PowerShell.Utility', ['-Format']),
  'New-TimeSpan': c('Microsoft.PowerShell.Utility', ['-Minutes', '-Days']),
  'Resolve-Path': c('Microsoft.PowerShell.Management', ['-LiteralPath']),
  'Get-Item': c('Microsoft.PowerShell.Management', ['-Path', '-LiteralPath']),
  'Set-Item': c('Microsoft.PowerShell.Management', ['-Path', '-Value']),
  'New-Object': c('Microsoft.PowerShell.Utility', ['-TypeName', '-ArgumentList']),
  'Get-Command': c('Microsoft.PowerShell.Core', ['-Name']),
  'Get-Module': c('Microsoft.PowerShell.Core', ['-ListAvailable', '-Name']),
  'Import-Module': c('Microsoft.PowerShell.Core', ['-Name']),
  'Get-Credential': c('Microsoft.PowerShell.Security', ['-UserName', '-Message']),
  'Get-CimInstance': c('CimCmdlets', ['-Namespace', '-ClassName']),
  'Set-CimInstance': c('CimCmdlets', ['-InputObject', '-Property']),
  // Server roles, RRAS, local accounts (seed 000)
  'Get-WindowsFeature': c('ServerManager', ['-Name'], REF),
  'Install-WindowsFeature': c('ServerManager', ['-Name', '-IncludeManagementTools'], REF),
  'Get-RemoteAccess': c('RemoteAccess', []),
  // -Legacy is not in Windows Server 2012's Vpn parameter set (v=wps.620 reference); 2012 R2 added it.
  'Install-RemoteAccess': later(c('RemoteAccess', ['-VpnType', '-Legacy', '-IPAddressRange'], REF), MODULE_SINCE['RemoteAccess']!, {
    '-Legacy': {
      windows: '2012 R2',
      source: 'https://learn.microsoft.com/previous-versions/windows/powershell-scripting/hh918408(v=wps.620)',
    },
  }),
  'Get-VpnAuthProtocol': c('RemoteAccess', []),
  'Set-VpnAuthProtocol': c(
    'RemoteAccess',
    ['-TunnelAuthProtocolsAdvertised', '-UserAuthProtocolAccepted', '-SharedSecret'],
    REF,
  ),
  'Get-LocalUser': c('Microsoft.PowerShell.LocalAccounts', ['-Name']),
  'New-LocalUser': c(
    'Microsoft.PowerShell.LocalAccounts',
    ['-Name', '-Password', '-PasswordNeverExpires', '-AccountNeverExpires', '-Description'],
    REF,
  ),
  'Get-LocalGroupMember': c('Microsoft.PowerShell.LocalAccounts', ['-SID']),
  'Get-VpnConnection': c('VpnClient', ['-Name', '-AllUserConnection']),
  'Add-VpnConnection': c(
    'VpnClient',
    [
      '-Name',
      '-ServerAddress',
      '-TunnelType',
      '-L2tpPsk',
      '-AuthenticationMethod',
      '-EncryptionLevel',
      '-SplitTunneling',
      '-AllUserConnection',
      '-RememberCredential',
      '-Force',
      '-PassThru',
    ],
    REF,
  ),
  // First documented for Windows Server 2012 R2 (v=wps.630); not in the 2012 VpnClient reference.
  'Add-VpnConnectionRoute': later(
    c(
      'VpnClient',
      ['-ConnectionName', '-DestinationPrefix', '-RouteMetric', '-AllUserConnection', '-PassThru'],
      REF,
    ),
    {
      windows: '2012 R2',
      source: 'https://learn.microsoft.com/previous-versions/windows/powershell-scripting/dn262649(v=wps.630)',
    },
  ),
  'Get-ScheduledTask': c('ScheduledTasks', ['-TaskName']),
  'Register-ScheduledTask': c(
    'ScheduledTasks',
    ['-TaskName', '-Action', '-Trigger', '-Principal', '-Description', '-Force'],
    REF,
  ),
  'New-ScheduledTaskAction': c('ScheduledTasks', ['-Execute', '-Argument']),
  'New-ScheduledTaskTrigger': c(
    'ScheduledTasks',
    ['-AtStartup', '-Once', '-At', '-RepetitionInterval', '-RepetitionDuration'],
    REF,
  ),
  'New-ScheduledTaskPrincipal': c('ScheduledTasks', ['-UserId', '-LogonType', '-RunLevel']),
  // Windows Server 2012 R2 / Windows 8.1: there is no v=wps.620 page, the first is v=wps.630.
  'Test-NetConnection': later(c('NetTCPIP', ['-ComputerName', '-Port']), {
    windows: '2012 R2',
    source: 'https://learn.microsoft.com/previous-versions/windows/powershell-scripting/dn372891(v=wps.630)',
  }),
  // Routes and metrics (seed 001)
  'Get-NetIPInterface': c('NetTCPIP', ['-InterfaceAlias', '-AddressFamily']),
  'Set-NetIPInterface': c(
    'NetTCPIP',
    ['-InterfaceAlias', '-AddressFamily', '-AutomaticMetric', '-InterfaceMetric'],
    REF,
  ),
  'Get-NetRoute': c('NetTCPIP', ['-DestinationPrefix', '-InterfaceAlias', '-NextHop', '-AddressFamily']),
  'New-NetRoute': c(
    'NetTCPIP',
    ['-DestinationPrefix', '-InterfaceAlias', '-NextHop', '-RouteMetric', '-PolicyStore'],
    REF,
  ),
  'Set-NetRoute': c('NetTCPIP', ['-DestinationPrefix', '-InterfaceAlias', '-NextHop', '-RouteMetric']),
  // Certificates (seeds 001, 003)
  'Get-PfxData': c('PKI', ['-FilePath', '-Password']),
  'Import-PfxCertificate': c('PKI', ['-FilePath', '-CertStoreLocation', '-Password', '-Exportable'], REF),
  'Import-Certificate': c('PKI', ['-FilePath', '-CertStoreLocation'], REF),
  'Get-VM': c('Hyper-V', []),
  // VMM (seeds 001, 004)
  'Get-SCVMMServer': c('virtualmachinemanager', ['-ComputerName'], vmm('Get-SCVMMServer')),
  'Set-SCVMMServer': c(
    'virtualmachinemanager',
    [
      '-VMConnectGatewayCertificatePath',
      '-VMConnectGatewayCertificatePassword',
      '-VMConnectHyperVCertificatePath',
      '-VMConnectHyperVCertificatePassword',
      '-VMConnectHostIdentificationMode',
      '-VMConnectTimeToLiveInMinutes',
      '-VMMServer',
    ],
    REF,
  ),
  'Get-SCVMHost': c('virtualmachinemanager', ['-VMMServer'], REF),
  'Read-SCVMHost': c('virtualmachinemanager', [], REF),
  'Get-SCVMHostGroup': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCVMHostGroup')),
  'Get-SCLogicalNetwork': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCLogicalNetwork')),
  'New-SCLogicalNetwork': c(
    'virtualmachinemanager',
    [
      '-Name',
      '-EnableNetworkVirtualization',
      '-UseGRE',
      '-LogicalNetworkDefinitionIsolation',
      '-IsPVLAN',
      '-VMMServer',
    ],
    vmm('New-SCLogicalNetwork'),
  ),
  'Get-SCLogicalNetworkDefinition': c(
    'virtualmachinemanager',
    ['-LogicalNetwork', '-Name', '-VMMServer'],
    vmm('Get-SCLogicalNetworkDefinition'),
  ),
  'New-SCLogicalNetworkDefinition': c(
    'virtualmachinemanager',
    ['-Name', '-LogicalNetwork', '-VMHostGroup', '-SubnetVLan', '-VMMServer'],
    vmm('New-SCLogicalNetworkDefinition'),
  ),
  'New-SCSubnetVLan': c('virtualmachinemanager', ['-Subnet', '-VLanID'], vmm('New-SCSubnetVLan')),
  'Get-SCStaticIPAddressPool': c(
    'virtualmachinemanager',
    ['-Name', '-VMSubnet', '-VMMServer'],
    vmm('Get-SCStaticIPAddressPool'),
  ),
  'New-SCStaticIPAddressPool': c(
    'virtualmachinemanager',
    [
      '-Name',
      '-LogicalNetworkDefinition',
      '-VMSubnet',
      '-Subnet',
      '-IPAddressRangeStart',
      '-IPAddressRangeEnd',
      '-VMMServer',
    ],
    vmm('New-SCStaticIPAddressPool'),
    [['-LogicalNetworkDefinition', '-Subnet'], ['-VMSubnet', '-Subnet']],
  ),
  'Get-SCVMNetwork': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCVMNetwork')),
  'New-SCVMNetwork': c(
    'virtualmachinemanager',
    [
      '-Name',
      '-LogicalNetwork',
      '-IsolationType',
      '-CAIPAddressPoolType',
      '-PAIPAddressPoolType',
      '-VMMServer',
    ],
    vmm('New-SCVMNetwork'),
  ),
  'Get-SCVMSubnet': c('virtualmachinemanager', ['-VMNetwork'], vmm('Get-SCVMSubnet')),
  'New-SCVMSubnet': c(
    'virtualmachinemanager',
    ['-Name', '-VMNetwork', '-SubnetVLan', '-VMMServer'],
    vmm('New-SCVMSubnet'),
  ),
  'Get-SCRunAsAccount': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCRunAsAccount')),
  // -NoValidation: the credential is not checked as a domain account (a workgroup VM's local admin, a PSK holder).
  'New-SCRunAsAccount': c(
    'virtualmachinemanager',
    ['-Name', '-Credential', '-NoValidation', '-VMMServer'],
    vmm('New-SCRunAsAccount'),
  ),
  'Get-SCConfigurationProvider': c('virtualmachinemanager', ['-Name', '-VMMServer'], REF),
  'Get-SCNetworkService': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCNetworkService')),
  'Add-SCNetworkService': c(
    'virtualmachinemanager',
    ['-Name', '-RunAsAccount', '-ConfigurationProvider', '-VMHostGroup', '-ConnectionString', '-VMMServer'],
    REF,
  ),
  'Get-SCNetworkGateway': c('virtualmachinemanager', ['-Name', '-VMMServer'], vmm('Get-SCNetworkGateway')),
  'Get-SCVMNetworkGateway': c('virtualmachinemanager', ['-VMNetwork', '-VMMServer'], vmm('Get-SCVMNetworkGateway'), [
    ['-VMNetwork'],
    ['-ID'],
  ]),
  'Add-SCVMNetworkGateway': c(
    'virtualmachinemanager',
    ['-Name', '-VMNetwork', '-NetworkGateway', '-EnableBGP', '-AutonomousSystemNumber', '-VMMServer'],
    REF,
  ),
  'Get-SCNATConnection': c(
    'virtualmachinemanager',
    ['-VMNetworkGateway', '-VMNetwork', '-VMMServer'],
    vmm('Get-SCNATConnection'),
    [['-VMNetworkGateway'], ['-VMNetwork'], ['-ID']],
  ),
  'Add-SCNATConnection': c(
    'virtualmachinemanager',
    ['-Name', '-VMNetworkGateway', '-ExternalIPAddress', '-ExternalIPPool', '-VMMServer'],
    REF,
    [['-VMNetworkGateway']],
  ),
  'Get-SCVPNConnection': c('virtualmachinemanager', ['-VMNetworkGateway', '-VMMServer'], vmm('Get-SCVPNConnection'), [
    ['-VMNetworkGateway'],
    ['-ID'],
  ]),
  'Add-SCVPNConnection': c(
    'virtualmachinemanager',
    [
      '-Name',
      '-VMNetworkGateway',
      '-TargetIPv4VPNAddress',
      '-Protocol',
      '-AuthenticationMethod',
      '-Secret',
      '-VMMServer',
    ],
    REF,
    [['-VMNetworkGateway']],
  ),
  'Get-SCNetworkRoute': c(
    'virtualmachinemanager',
    ['-VMNetworkGateway', '-VMMServer'],
    vmm('Get-SCNetworkRoute'),
  ),
  'Add-SCNetworkRoute': c(
    'virtualmachinemanager',
    ['-IPSubnet', '-VPNConnection', '-VMNetworkGateway', '-VMMServer'],
    REF,
  ),
  // External Windows commands
  netsh: {
    kind: 'external',
    params: [],
    usages: ['ras ipv6 show config', 'ras ipv6 set prefix', 'ras show user', 'ras set user', 'ras set type'],
    source: 'https://learn.microsoft.com/windows-server/administration/windows-commands/netsh-ras',
    since: { windows: '2008 R2' },
  },
  rasdial: {
    kind: 'external',
    params: [],
    source: 'https://learn.microsoft.com/windows-server/administration/windows-commands/rasdial',
    checked: REF,
    since: { windows: '2008 R2' },
  },
  hpcpack: {
    kind: 'external',
    params: [],
    usages: ['create', 'upload'],
    since: { product: 'HPC Pack 2008 R2 SP2 client utilities' },
    source:
      'https://learn.microsoft.com/previous-versions/windows/it-pro/hpc-server-2012-r2-and-2012/gg481764(v=ws.11)',
    checked: REF,
  },
  // Azure CLI (bash scripts)
  'az account show': {
    kind: 'az',
    params: ['--query', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/account#az-account-show',
  },
  // A relative --url is an ARM path on the current cloud's endpoint; --body @FILE reads the body from a file.
  'az rest': {
    kind: 'az',
    params: ['--method', '--url', '--body', '--query', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/reference-index#az-rest',
  },
  'az network nsg show': {
    kind: 'az',
    params: ['--resource-group', '--name', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/network/nsg#az-network-nsg-show',
  },
  'az network nsg create': {
    kind: 'az',
    params: ['--resource-group', '--name', '--location', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/network/nsg#az-network-nsg-create',
  },
  'az network nsg rule show': {
    kind: 'az',
    params: ['--resource-group', '--nsg-name', '--name', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/network/nsg/rule#az-network-nsg-rule-show',
  },
  'az network nsg rule create': {
    kind: 'az',
    params: [
      '--resource-group',
      '--nsg-name',
      '--name',
      '--priority',
      '--direction',
      '--access',
      '--protocol',
      '--source-address-prefixes',
      '--source-port-ranges',
      '--destination-address-prefixes',
      '--destination-port-ranges',
      '--description',
      '--output',
    ],
    source: 'https://learn.microsoft.com/cli/azure/network/nsg/rule#az-network-nsg-rule-create',
  },
  'az network nsg rule update': {
    kind: 'az',
    params: [
      '--resource-group',
      '--nsg-name',
      '--name',
      '--priority',
      '--direction',
      '--access',
      '--protocol',
      '--source-address-prefixes',
      '--source-port-ranges',
      '--destination-address-prefixes',
      '--destination-port-ranges',
      '--description',
      '--output',
    ],
    source: 'https://learn.microsoft.com/cli/azure/network/nsg/rule#az-network-nsg-rule-update',
  },
  'az network vnet subnet show': {
    kind: 'az',
    params: ['--resource-group', '--vnet-name', '--name', '--query', '--output'],
    source: 'https://learn.microsoft.com/cli/azure/network/vnet/subnet#az-network-vnet-subnet-show',
  },
  'az network vnet subnet update': {
    kind: 'az',
    params: [
      '--resource-group',
      '--vnet-name',
      '--name',
      '--ids',
      '--address-prefixes',
      '--network-security-group',
      '--service-endpoints',
      '--route-table',
      '--output',
    ],
    source: 'https://learn.microsoft.com/cli/azure/network/vnet/subnet#az-network-vnet-subnet-update',
  },
};

// Entries without an explicit source point at their Microsoft Learn page.
export const CATALOG: Readonly<Record<string, CatalogEntry>> = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, e]) => [
    name,
    {
      ...e,
      source: e.source || learn(e.module!.toLowerCase(), name),
      since: e.since ?? (e.kind === 'az' ? { product: 'Azure CLI' } : {}),
    },
  ]),
);

/** Case-insensitive lookup, as PowerShell resolves command names. */
export function catalogEntry(name: string): CatalogEntry | undefined {
  const key = Object.keys(CATALOG).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? CATALOG[key] : undefined;
}

const COMMON_SET = new Set(COMMON);

function sinceText(v: Since): string {
  const parts = [
    v.windows ? `Windows Server ${v.windows}` : '',
    v.ps ? `PowerShell ${v.ps}` : '',
    v.product ?? '',
  ].filter(Boolean);
  const text = parts.join(', ') || '—';
  return v.source ? `${text} (${v.source})` : text;
}

/** docs/cmdlet-catalog.md, from the catalog itself (test/generate holds the file to it). */
export function catalogMarkdown(): string {
  const code = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(' ');
  const rows = Object.entries(CATALOG).map(([name, e]) => {
    const own = e.params.filter((p) => !COMMON_SET.has(p));
    const params = own.length ? code(own) : '—';
    const usages = e.usages ? ` (${e.usages.join('; ')})` : '';
    const required = e.required ? e.required.map((set) => code(set)).join(' or ') : '';
    const source = e.checked ? `${e.source} (also ${e.checked})` : e.source;
    const later = Object.entries(e.paramSince ?? {}).map(([p, v]) => `\`${p}\`: ${sinceText(v)}`);
    const minimum = [sinceText(e.since ?? {}), ...later].join('; ');
    return `| \`${name}\` | ${e.kind} | ${params}${usages} | ${required} | ${minimum} | ${source} |`;
  });
  const features = LANGUAGE_FEATURES.map((f) => `| ${f.name} | PowerShell ${f.ps} | ${f.source} |`);
  return [
    '# Command catalog',
    '',
    'Generated from `shared/generate/catalog.ts`: every command the generators emit, with its allowed parameters',
    `(cmdlets also accept ${COMMON.join(', ')}), the parameter sets a call must choose one of, and its`,
    "Microsoft Learn page. `test/generate` parses every generated script and fails on a command, parameter or missing",
    'required set that this table does not allow.',
    '',
    'Minimum: the oldest Windows Server release (client releases count as the server release of the same kernel)',
    'or Windows PowerShell version the command needs. `test/generate` fails when a script for a host uses a command,',
    "parameter or language feature newer than the host's `os`; a PowerShell version above the shipped one counts only",
    'when the script declares it with `#Requires -Version` (WMF installed).',
    '',
    '| Command | Kind | Parameters | Required | Minimum | Source |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Language features',
    '',
    '| Feature | Minimum | Source |',
    '| --- | --- | --- |',
    ...features,
    '',
    '## Windows PowerShell shipped with each release',
    '',
    '| Windows Server | Windows PowerShell |',
    '| --- | --- |',
    ...WINDOWS_RELEASES.map((w) => `| ${w} | ${SHIPPED_PS[w]} |`),
    '',
  ].join('\n');
}
