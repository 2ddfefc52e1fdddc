// verify.sh, verify.ps1 and apply.ps1: the far side's only tools. They must run on a locked-down host with nothing
// installed, so verify.sh uses bash builtins + sha256sum + openssl (+ cat to rebuild split files) and the
// PowerShell scripts use Get-FileHash and .NET classes present in Windows PowerShell 5.1 (.NET Framework 4.6+).
// The scripts are static text: bundle-specific data comes from the signed files next to them, never from templating.

export const VERIFY_SH = String.raw`#!/usr/bin/env bash
# Verifies this Junction bundle with stock tools only: sha256sum and openssl (cat rebuilds split files).
# Usage: ./verify.sh [EXPECTED_SIGNER_FINGERPRINT] [FOLDER_TO_REBUILD_SPLIT_FILES_INTO]
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  printf 'verify.sh: FAILED: %s\n' "$1" >&2
  exit 1
}

for f in SHA256SUMS SHA256SUMS.sig signer.pem; do
  [ -f "$f" ] || fail "$f is missing"
done

fp=$(openssl pkey -pubin -in signer.pem -outform DER | sha256sum)
fp=${"${"}fp%% *}
printf 'signer fingerprint (SHA-256 of the public key): %s\n' "$fp"
expected=${"${"}1:-}
if [ -n "$expected" ]; then
  expected=${"${"}expected//:/}
  expected=${"${"}expected,,}
  [ "$expected" = "$fp" ] || fail "signer $fp is not the expected signer $expected"
else
  printf 'WARNING: no expected fingerprint given; compare the line above with the one you were given out of band.\n' >&2
fi

openssl dgst -sha256 -verify signer.pem -signature SHA256SUMS.sig SHA256SUMS >/dev/null ||
  fail 'the signature over SHA256SUMS does not verify (swapped signature, or SHA256SUMS altered after signing)'

# Every file must be listed: an extra file is as suspicious as a changed one. Bash builtins only.
declare -A listed=()
while IFS= read -r line; do
  [[ $line =~ ^[0-9a-f]{64}\ [\ *](.+)$ ]] || fail "malformed SHA256SUMS line: $line"
  path=${"${"}BASH_REMATCH[1]}
  case "/$path/" in
  *'/../'* | //*) fail "unsafe path in SHA256SUMS: $path" ;;
  esac
  [ -z "${"${"}listed[$path]:-}" ] || fail "duplicate entry in SHA256SUMS: $path"
  listed[$path]=1
done <SHA256SUMS

shopt -s globstar dotglob nullglob
for f in **; do
  [ -L "$f" ] && fail "symlink in bundle: $f"
  [ -d "$f" ] && continue
  case "$f" in
  SHA256SUMS | SHA256SUMS.sig | receipt/*) continue ;;
  esac
  [ -n "${"${"}listed[$f]:-}" ] || fail "extra file not listed in SHA256SUMS: $f"
done

sha256sum --quiet --strict -c SHA256SUMS || fail 'files above do not match SHA256SUMS (changed, truncated or missing)'

if [ -f SHA256SUMS.joined ]; then
  out=${"${"}2:-}
  if [ -z "$out" ]; then
    printf 'NOTE: this bundle has split files; pass a folder as the second argument to rebuild and check them.\n' >&2
  else
    [ -d "$out" ] || fail "folder $out does not exist"
    while IFS= read -r line; do
      [[ $line =~ ^([0-9a-f]{64})\ [\ *](.+)$ ]] || fail "malformed SHA256SUMS.joined line: $line"
      want=${"${"}BASH_REMATCH[1]}
      path=${"${"}BASH_REMATCH[2]}
      target="$out/${"${"}path##*/}"
      cat "$path".part-* >"$target"
      got=$(sha256sum <"$target")
      got=${"${"}got%% *}
      [ "$got" = "$want" ] || fail "rebuilt $path does not match SHA256SUMS.joined"
      printf 'rebuilt and verified: %s\n' "$target"
    done <SHA256SUMS.joined
  fi
fi

printf 'OK: signature and every file verified\n'
`;

export const VERIFY_PS1 = String.raw`<#
.SYNOPSIS
Verifies this Junction bundle with what Windows already has: Get-FileHash and .NET RSA.
.PARAMETER ExpectedSigner
SHA-256 fingerprint of the signer's public key, as you were given it out of band.
.PARAMETER ReassembleTo
A folder to rebuild split files into; each rebuilt file is checked against SHA256SUMS.joined.
#>
param(
  [string]$ExpectedSigner = '',
  [string]$ReassembleTo = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$root = $PSScriptRoot

function Stop-Verification([string]$message) {
  Write-Host "verify.ps1: FAILED: $message" -ForegroundColor Red
  exit 1
}

function Get-BundlePath([string]$relative) {
  return (Join-Path $root ($relative -replace '/', '\'))
}

foreach ($name in @('SHA256SUMS', 'SHA256SUMS.sig', 'signer.pem', 'signer.crt')) {
  if (-not (Test-Path -LiteralPath (Get-BundlePath $name) -PathType Leaf)) { Stop-Verification "$name is missing" }
}

$pem = [System.IO.File]::ReadAllText((Get-BundlePath 'signer.pem'))
$spki = [Convert]::FromBase64String((($pem -replace '-----[A-Z ]+-----', '') -replace '\s', ''))
$sha = [System.Security.Cryptography.SHA256]::Create()
$fingerprint = ([BitConverter]::ToString($sha.ComputeHash($spki)) -replace '-', '').ToLowerInvariant()
Write-Host "signer fingerprint (SHA-256 of the public key): $fingerprint"
if ($ExpectedSigner) {
  $want = ($ExpectedSigner -replace '[:\s]', '').ToLowerInvariant()
  if ($want -ne $fingerprint) { Stop-Verification "signer $fingerprint is not the expected signer $want" }
} else {
  Write-Host 'WARNING: no -ExpectedSigner given; compare the line above with the fingerprint you were given out of band.' -ForegroundColor Yellow
}

# signer.pem is a SubjectPublicKeyInfo whose last bytes are the certificate's RSAPublicKey: the two must agree.
$cert = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (Get-BundlePath 'signer.crt')
$rsaKey = $cert.PublicKey.EncodedKeyValue.RawData
if ($spki.Length -lt $rsaKey.Length) { Stop-Verification 'signer.crt and signer.pem hold different keys' }
for ($i = 0; $i -lt $rsaKey.Length; $i++) {
  if ($spki[$spki.Length - $rsaKey.Length + $i] -ne $rsaKey[$i]) { Stop-Verification 'signer.crt and signer.pem hold different keys' }
}
$rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($cert)
$sums = [System.IO.File]::ReadAllBytes((Get-BundlePath 'SHA256SUMS'))
$signature = [System.IO.File]::ReadAllBytes((Get-BundlePath 'SHA256SUMS.sig'))
$valid = $rsa.VerifyData($sums, $signature, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
if (-not $valid) { Stop-Verification 'the signature over SHA256SUMS does not verify (swapped signature, or SHA256SUMS altered after signing)' }

# PowerShell hashtables ignore case, like NTFS and FAT: names differing only by case count as duplicates.
$listed = @{}
$failures = 0
foreach ($line in [System.IO.File]::ReadAllLines((Get-BundlePath 'SHA256SUMS'))) {
  if ($line -notmatch '^([0-9a-f]{64}) [ *](.+)$') { Stop-Verification "malformed SHA256SUMS line: $line" }
  $hash = $Matches[1]
  $rel = $Matches[2]
  if ($rel.StartsWith('/') -or $rel.Contains('\') -or $rel -match '^[A-Za-z]:' -or (($rel -split '/') -contains '..')) {
    Stop-Verification "unsafe path in SHA256SUMS: $rel"
  }
  if ($listed.ContainsKey($rel)) { Stop-Verification "duplicate entry in SHA256SUMS: $rel" }
  $listed[$rel] = $hash
}

foreach ($rel in $listed.Keys) {
  $full = Get-BundlePath $rel
  if (-not (Test-Path -LiteralPath $full -PathType Leaf)) {
    Write-Host "MISSING: $rel" -ForegroundColor Red
    $failures++
    continue
  }
  $got = (Get-FileHash -LiteralPath $full -Algorithm SHA256).Hash.ToLowerInvariant()
  if ($got -ne $listed[$rel]) {
    Write-Host "CHANGED: $rel" -ForegroundColor Red
    $failures++
  }
}

$prefix = $root.TrimEnd('\', '/').Length + 1
foreach ($item in (Get-ChildItem -LiteralPath $root -Recurse -Force)) {
  $rel = $item.FullName.Substring($prefix) -replace '\\', '/'
  if ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) {
    Write-Host "LINK: $rel" -ForegroundColor Red
    $failures++
    continue
  }
  if ($item.PSIsContainer) { continue }
  if ($rel -eq 'SHA256SUMS' -or $rel -eq 'SHA256SUMS.sig' -or $rel.StartsWith('receipt/')) { continue }
  if (-not $listed.ContainsKey($rel)) {
    Write-Host "EXTRA: $rel" -ForegroundColor Red
    $failures++
  }
}
if ($failures -gt 0) { Stop-Verification "$failures problem(s) listed above" }

$joined = Get-BundlePath 'SHA256SUMS.joined'
if (Test-Path -LiteralPath $joined -PathType Leaf) {
  if (-not $ReassembleTo) {
    Write-Host 'NOTE: this bundle has split files; pass -ReassembleTo <folder> to rebuild and check them.'
  } else {
    New-Item -ItemType Directory -Force -Path $ReassembleTo | Out-Null
    foreach ($line in [System.IO.File]::ReadAllLines($joined)) {
      if ($line -notmatch '^([0-9a-f]{64}) [ *](.+)$') { Stop-Verification "malformed SHA256SUMS.joined line: $line" }
      $want = $Matches[1]
      $rel = $Matches[2]
      $target = Join-Path $ReassembleTo (($rel -split '/')[-1])
      $out = [System.IO.File]::Create($target)
      try {
        for ($n = 0; ; $n++) {
          $part = Get-BundlePath ($rel + '.part-' + $n.ToString('000'))
          if (-not (Test-Path -LiteralPath $part -PathType Leaf)) { break }
          $in = [System.IO.File]::OpenRead($part)
          try { $in.CopyTo($out) } finally { $in.Dispose() }
        }
      } finally {
        $out.Dispose()
      }
      $got = (Get-FileHash -LiteralPath $target -Algorithm SHA256).Hash.ToLowerInvariant()
      if ($got -ne $want) { Stop-Verification "rebuilt $rel does not match SHA256SUMS.joined" }
      Write-Host "rebuilt and verified: $target"
    }
  }
}
Write-Host 'OK: signature and every file verified' -ForegroundColor Green
`;

export const APPLY_PS1 = String.raw`<#
.SYNOPSIS
Runs this bundle's steps for one host, in order, and records each in receipt/apply-log.jsonl on the media.
.PARAMETER HostName
The host name as written in the runbook.
.PARAMETER Step
Run only this step (default: every step, stopping at the first failure).
#>
param(
  [Parameter(Mandatory = $true)][string]$HostName,
  [int]$Step = 0
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2
$root = $PSScriptRoot
$manifest = Get-Content -Raw -LiteralPath (Join-Path $root 'manifest.json') | ConvertFrom-Json
$plan = @($manifest.hosts | Where-Object { $_.host -eq $HostName })
if ($plan.Count -eq 0) {
  Write-Host "This bundle has no steps for host $HostName."
  exit 2
}
$receipt = Join-Path $root 'receipt'
New-Item -ItemType Directory -Force -Path $receipt | Out-Null
$log = Join-Path $receipt 'apply-log.jsonl'
$health = Join-Path $receipt 'health.jsonl'
$shell = (Get-Process -Id $PID).Path

function Get-Now {
  return (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
}

$failed = 0
$ran = 0
foreach ($s in $plan[0].steps) {
  if ($Step -gt 0 -and $s.step -ne $Step) { continue }
  $script = Join-Path $root ($s.script -replace '/', '\')
  Write-Host "== $HostName step $($s.step): $($s.title)"
  $started = Get-Now
  $process = Start-Process -FilePath $shell -ArgumentList @('-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', $script) -WorkingDirectory $root -Wait -PassThru -NoNewWindow
  $finished = Get-Now
  $record = [ordered]@{
    bundleId = $manifest.bundleId
    host = $HostName
    computer = $env:COMPUTERNAME
    step = [int]$s.step
    script = $s.script
    started = $started
    finished = $finished
    exitCode = [int]$process.ExitCode
  }
  Add-Content -LiteralPath $log -Value ($record | ConvertTo-Json -Compress) -Encoding UTF8
  $ran++
  if ($process.ExitCode -ne 0) {
    Write-Host "step $($s.step) failed with exit code $($process.ExitCode); stopping." -ForegroundColor Red
    $failed++
    break
  }
}
$check = [ordered]@{
  bundleId = $manifest.bundleId
  host = $HostName
  computer = $env:COMPUTERNAME
  checked = Get-Now
  check = 'steps'
  ok = ($failed -eq 0)
  detail = "$ran step(s) run, $failed failed"
}
Add-Content -LiteralPath $health -Value ($check | ConvertTo-Json -Compress) -Encoding UTF8
if ($failed -gt 0) { exit 1 }
Write-Host "All steps for $HostName succeeded; bring this media back and run: junction receipt import" -ForegroundColor Green
`;
