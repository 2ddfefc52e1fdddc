// collect-state.ps1: what a Windows host of the estate really has, written as one JSON report to receipt/state/ on
// the media. It only reads: interfaces, addresses and metrics, the routing table, the certificates in the stores
// the workspace places certificates in (thumbprint, EKU, expiry; never a private key), RRAS and its site-to-site
// configuration on a junction box, the License Link relay account (exists/enabled; never its password) and VMM's
// logical and VM networks where the VMM console is installed. Each section that cannot be read (an older Windows,
// a module missing) is recorded as a problem instead of stopping the rest. Every cmdlet is in
// shared/generate/catalog.ts; test/state parses the script with tree-sitter. Workspace values are single-quoted
// through the generators' one PowerShell escaping function.
import type { Workspace } from '../model/schema';
import { psq } from '../generate/ps';
import { STATE_REPORT_FORMAT } from './report';

/** Stores a certificate can be placed in that are Windows certificate stores (not the subscription or VMM's DB). */
const FILE_STORES = new Set(['LocalMachine\\My', 'LocalMachine\\Root', 'CurrentUser\\My', 'CurrentUser\\Root']);

export function stateStores(ws: Workspace): string[] {
  const stores = new Set(ws.certificates.flatMap((c) => c.placements.map((p) => p.store)).filter((s) => FILE_STORES.has(s)));
  if (stores.size === 0) stores.add('LocalMachine\\My');
  return [...stores].sort();
}

export function renderCollectStatePs1(ws: Workspace): string {
  const stores = stateStores(ws).map(psq).join(', ');
  const relay = [...new Set(ws.licenseLinks.map((l) => l.relayAccount.name))].sort().map(psq).join(', ');
  return String.raw`<#
.SYNOPSIS
Collects this host's network state for Junction and writes receipt\state\<host>-<time>.json on the media (bring it
back and run: junction receipt import). Reads only; no keys or passwords are read.
.PARAMETER HostName
The host as the workspace names it (default: this computer's name).
.PARAMETER OutDir
Where to write the report (default: receipt\state in the bundle folder).
#>
#Requires -Version 3.0
param(
  [string]$HostName = '',
  [string]$OutDir = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$format = '${STATE_REPORT_FORMAT}'
$stores = @(${stores})
$relayAccounts = @(${relay})
$computer = $env:COMPUTERNAME
if (-not $HostName) { $HostName = $computer }
$problems = New-Object -TypeName System.Collections.ArrayList

function Add-Problem([string]$section, [string]$message) {
  [void]$problems.Add([ordered]@{ section = $section; message = $message })
}
function Test-Cmd([string]$name) {
  return [bool](Get-Command -Name $name -ErrorAction SilentlyContinue)
}
function Format-Utc([datetime]$d) {
  return $d.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
}
# JSON by hand: ConvertTo-Json cuts nesting at depth 2 and writes a one-element list as its element.
function ConvertTo-JsonText($v) {
  if ($null -eq $v) { return 'null' }
  if ($v -is [bool]) { if ($v) { return 'true' } else { return 'false' } }
  if ($v -is [int] -or $v -is [long] -or $v -is [uint32]) { return $v.ToString([System.Globalization.CultureInfo]::InvariantCulture) }
  if ($v -is [System.Collections.IDictionary]) {
    $parts = @()
    foreach ($k in $v.Keys) { $parts += , ((ConvertTo-JsonText ([string]$k)) + ':' + (ConvertTo-JsonText $v[$k])) }
    return '{' + ($parts -join ',') + '}'
  }
  if (($v -is [System.Collections.IEnumerable]) -and -not ($v -is [string])) {
    $items = @()
    foreach ($x in $v) { $items += , (ConvertTo-JsonText $x) }
    return '[' + ($items -join ',') + ']'
  }
  $t = ([string]$v).Replace('\', '\\').Replace('"', '\"').Replace([string][char]13, '\r').Replace([string][char]10, '\n').Replace([string][char]9, '\t')
  return '"' + ($t -replace '[\x00-\x1f]', ' ') + '"'
}

$report = [ordered]@{
  format = $format
  host = $HostName
  computer = $computer
  collected = Format-Utc (Get-Date)
  os = 'windows'
  tool = 'collect-state.ps1'
}

# Interfaces, addresses and metrics (NetTCPIP: Windows Server 2012 and later).
if (Test-Cmd 'Get-NetIPInterface') {
  try {
    $addresses = @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName 'MSFT_NetIPAddress')
    $interfaces = @()
    foreach ($i in @(Get-NetIPInterface -AddressFamily IPv4)) {
      $own = @($addresses | Where-Object { $_.InterfaceIndex -eq $i.InterfaceIndex } | ForEach-Object { [string]$_.IPAddress + '/' + [string]$_.PrefixLength })
      $interfaces += , ([ordered]@{
        name = [string]$i.InterfaceAlias
        index = [int]$i.InterfaceIndex
        addresses = $own
        interfaceMetric = [int]$i.InterfaceMetric
        automaticMetric = ([string]$i.AutomaticMetric -eq 'Enabled')
      })
    }
    $report.interfaces = $interfaces
    $routes = @()
    foreach ($r in @(Get-NetRoute)) {
      $routes += , ([ordered]@{
        destination = [string]$r.DestinationPrefix
        nextHop = [string]$r.NextHop
        interface = [string]$r.InterfaceAlias
        metric = [int]$r.RouteMetric
        protocol = [string]$r.Protocol
      })
    }
    $report.routes = $routes
  } catch {
    Add-Problem 'interfaces' $_.Exception.Message
  }
} else {
  Add-Problem 'interfaces' 'the NetTCPIP module is not on this host (Windows Server 2008 R2?): addresses, metrics and routes not collected'
}

# Certificates in the stores the workspace places certificates in: public facts only.
$certs = @()
foreach ($store in $stores) {
  $path = 'Cert:\' + $store
  if (-not (Test-Path -Path $path)) { Add-Problem 'certificates' ('no store ' + $store); continue }
  foreach ($c in @(Get-ChildItem -Path $path)) {
    $eku = @()
    foreach ($x in @($c.Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.37' })) {
      foreach ($u in $x.EnhancedKeyUsages) { $eku += , [string]$u.Value }
    }
    $certs += , ([ordered]@{
      store = $store
      thumbprint = [string]$c.Thumbprint
      subject = [string]$c.Subject
      notAfter = Format-Utc $c.NotAfter
      eku = $eku
      hasPrivateKey = [bool]$c.HasPrivateKey
    })
  }
}
$report.certificates = $certs

# RRAS and its site-to-site interfaces (a junction box); the IPv6 remote access settings as netsh shows them.
if (Test-Cmd 'Get-RemoteAccess') {
  try {
    $ra = Get-RemoteAccess
    $rras = [ordered]@{ installed = ([string]$ra.VpnStatus -eq 'Installed'); vpnStatus = [string]$ra.VpnStatus }
    $rras.ipv6Config = ((netsh ras ipv6 show config) -join [Environment]::NewLine)
    $report.rras = $rras
  } catch {
    Add-Problem 'rras' $_.Exception.Message
  }
}

# VPN client connections for all users (a node dialling the junction box): name, server, tunnel type.
if (Test-Cmd 'Get-VpnConnection') {
  $vpn = @()
  foreach ($v in @(Get-VpnConnection -AllUserConnection -ErrorAction SilentlyContinue)) {
    $vpn += , ([ordered]@{ name = [string]$v.Name; destination = @([string]$v.ServerAddress); protocol = [string]$v.TunnelType; connectionState = [string]$v.ConnectionStatus })
  }
  $report.vpnConnections = $vpn
}

# The License Link relay account: whether it exists and is enabled (Microsoft.PowerShell.LocalAccounts, PS 5.1).
if ($relayAccounts.Count -gt 0) {
  if (Test-Cmd 'Get-LocalUser') {
    $accounts = @()
    foreach ($n in $relayAccounts) {
      $u = Get-LocalUser -Name $n -ErrorAction SilentlyContinue
      if ($u) { $accounts += , ([ordered]@{ name = $n; exists = $true; enabled = [bool]$u.Enabled }) } else { $accounts += , ([ordered]@{ name = $n; exists = $false }) }
    }
    $report.relayAccounts = $accounts
  } else {
    Add-Problem 'relayAccounts' 'Get-LocalUser is not available (Windows PowerShell older than 5.1)'
  }
}

# VMM's view, where the VMM console is installed on this host.
if (Test-Cmd 'Get-SCVMMServer') {
  try {
    $vmm = Get-SCVMMServer -ComputerName 'localhost'
    $report.vmm = [ordered]@{
      logicalNetworks = @(Get-SCLogicalNetwork -VMMServer $vmm | ForEach-Object { [string]$_.Name })
      vmNetworks = @(Get-SCVMNetwork -VMMServer $vmm | ForEach-Object { [string]$_.Name })
    }
  } catch {
    Add-Problem 'vmm' $_.Exception.Message
  }
}

$report.problems = @($problems)

if (-not $OutDir) {
  # The bundle folder is the nearest parent holding manifest.json; the report goes beside the apply log.
  $root = $PSScriptRoot
  for ($i = 0; $i -lt 4; $i++) {
    if (Test-Path -LiteralPath (Join-Path -Path $root -ChildPath 'manifest.json')) { break }
    $root = Split-Path -Parent -Path $root
  }
  if (-not (Test-Path -LiteralPath (Join-Path -Path $root -ChildPath 'manifest.json'))) { $root = $PSScriptRoot }
  $OutDir = Join-Path -Path (Join-Path -Path $root -ChildPath 'receipt') -ChildPath 'state'
}
New-Item -ItemType Directory -Path $OutDir -Force | Out-Null
$name = $HostName -replace '[^A-Za-z0-9._-]', '-'
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
$target = Join-Path -Path $OutDir -ChildPath ($name + '-' + $stamp + '.json')
$partial = Join-Path -Path $OutDir -ChildPath ('.' + $name + '-' + $stamp + '.json.partial')
$json = ConvertTo-JsonText $report
# UTF-8 without a byte order mark, written whole and then renamed: a pulled stick leaves no half report.
[System.IO.File]::WriteAllText($partial, $json, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
[System.IO.File]::Move($partial, $target)
Write-Host ('state of ' + $HostName + ' written to ' + $target)
`;
}
