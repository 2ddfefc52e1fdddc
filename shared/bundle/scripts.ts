// verify.sh, verify.ps1, apply.ps1 and apply.sh: the far side's only tools. They must run on a locked-down host with
// nothing installed, so verify.sh uses bash builtins + sha256sum + openssl (+ cat to rebuild split files), apply.sh
// bash builtins + coreutils (date, uname), and the PowerShell scripts use Get-FileHash and .NET classes present in
// Windows PowerShell 5.1 (.NET Framework 4.6+).
// The scripts are static text: bundle-specific data comes from the signed files next to them, never from templating.

export const VERIFY_SH = String.raw`#!/usr/bin/env bash
# Verifies this Junction bundle with stock tools only: sha256sum and openssl (cat rebuilds split files), in the
# order docs/bundle-format.md gives for every verifier.
# Usage: bash verify.sh EXPECTED_SIGNER_FINGERPRINT [FOLDER_TO_REBUILD_SPLIT_FILES_INTO]
# Exit codes: 0 verified; 1 verification failed; 2 usage (no or no valid fingerprint given).
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  printf 'verify.sh: FAILED: %s\n' "$1" >&2
  exit 1
}

usage() {
  printf 'verify.sh: FAILED: %s; nothing was verified.\n' "$1" >&2
  printf 'Run bash verify.sh <FINGERPRINT> with the signer fingerprint you received out of band (from the sender, not from\n' >&2
  printf 'this media): a forged bundle carries its own key, and its signature verifies under that key.\n' >&2
  exit 2
}

# The trusted signer comes from outside the bundle, or there is nothing to trust: no fingerprint, no OK.
expected=${"${"}1:-}
[ -n "$expected" ] || usage 'no expected signer fingerprint given'
expected=${"${"}expected//:/}
expected=${"${"}expected,,}
[[ $expected =~ ^[0-9a-f]{64}$ ]] || usage "\"$1\" is not a signer fingerprint (64 hex digits, colons allowed)"

# 1. Regular files and folders only: no links, devices, FIFOs or sockets anywhere in the tree.
shopt -s globstar dotglob nullglob
for f in **; do
  if [ -L "$f" ]; then fail "symlink in bundle: $f"; fi
  if [ ! -f "$f" ] && [ ! -d "$f" ]; then fail "special file (device, FIFO or socket) in bundle: $f"; fi
done

# 2. The signed list, its signature and the signer's key.
for f in SHA256SUMS SHA256SUMS.sig signer.pem; do
  [ -f "$f" ] || fail "$f is missing"
done

# 3. Every line well-formed, every path relative and inside the bundle, no path twice. Windows and FAT fold
# case, so names that differ only by case are the same file there: compared lower-cased (in a UTF-8 locale
# bash folds non-ASCII letters too). Bash builtins only.
declare -A listed=() folded=()
while IFS= read -r line; do
  [[ $line =~ ^[0-9a-f]{64}\ [\ *](.+)$ ]] || fail "malformed SHA256SUMS line: $line"
  path=${"${"}BASH_REMATCH[1]}
  case "/$path/" in
  *'/../'* | //*) fail "unsafe path in SHA256SUMS: $path" ;;
  esac
  key=${"${"}path,,}
  first=${"${"}folded[$key]:-}
  if [ -n "$first" ]; then
    [ "$first" = "$path" ] || fail "duplicate entry in SHA256SUMS: $path (the same file as $first where case is ignored)"
    fail "duplicate entry in SHA256SUMS: $path"
  fi
  folded[$key]=$path
  listed[$path]=1
done <SHA256SUMS

# 4. The signer is the one you were given, and signer.crt holds the same public key as signer.pem.
fp=$(openssl pkey -pubin -in signer.pem -outform DER | sha256sum) || fail 'signer.pem is not a public key'
fp=${"${"}fp%% *}
printf 'signer fingerprint (SHA-256 of the public key): %s\n' "$fp"
[ "$expected" = "$fp" ] || fail "signer $fp is not the expected signer $expected"
if [ -f signer.crt ]; then
  crt=$(openssl x509 -in signer.crt -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum) ||
    fail 'signer.crt is not a certificate'
  crt=${"${"}crt%% *}
  [ "$crt" = "$fp" ] || fail "signer.crt and signer.pem hold different keys (certificate key $crt)"
fi

# 5. The signature over the exact bytes of SHA256SUMS.
openssl dgst -sha256 -verify signer.pem -signature SHA256SUMS.sig SHA256SUMS >/dev/null ||
  fail 'the signature over SHA256SUMS does not verify (swapped signature, or SHA256SUMS altered after signing)'

# 6. manifest.json is not parsed here (bash has no JSON parser); its hash is checked with every other file in 8.

# 7. Every file must be listed: an extra file is as suspicious as a changed one.
for f in **; do
  [ -d "$f" ] && continue
  case "$f" in
  SHA256SUMS | SHA256SUMS.sig | receipt/*) continue ;;
  esac
  [ -n "${"${"}listed[$f]:-}" ] || fail "extra file not listed in SHA256SUMS: $f"
done

# 8. Every listed file present with its hash.
sha256sum --quiet --strict -c SHA256SUMS || fail 'files above do not match SHA256SUMS (changed, truncated or missing)'

# 9. Split files: the parts, joined in order, give the whole file.
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
Required: SHA-256 fingerprint of the signer's public key, as you were given it out of band (hex, colons allowed).
Without it the script verifies nothing and exits with code 2.
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

# The trusted signer comes from outside the bundle, or there is nothing to trust: no fingerprint, no OK.
if (-not $ExpectedSigner) {
  Write-Host 'verify.ps1: FAILED: no -ExpectedSigner given; nothing was verified.' -ForegroundColor Red
  Write-Host 'Run verify.ps1 -ExpectedSigner <FINGERPRINT> with the signer fingerprint you received out of band (from the sender, not from this media): a forged bundle carries its own key, and its signature verifies under that key.'
  exit 2
}
$want = ($ExpectedSigner -replace '[:\s]', '').ToLowerInvariant()
if ($want -notmatch '^[0-9a-f]{64}$') {
  Write-Host "verify.ps1: FAILED: '$ExpectedSigner' is not a signer fingerprint (64 hex digits, colons allowed); pass the one you received out of band." -ForegroundColor Red
  exit 2
}

foreach ($name in @('SHA256SUMS', 'SHA256SUMS.sig', 'signer.pem', 'signer.crt')) {
  if (-not (Test-Path -LiteralPath (Get-BundlePath $name) -PathType Leaf)) { Stop-Verification "$name is missing" }
}

$pem = [System.IO.File]::ReadAllText((Get-BundlePath 'signer.pem'))
$spki = [Convert]::FromBase64String((($pem -replace '-----[A-Z ]+-----', '') -replace '\s', ''))
$sha = [System.Security.Cryptography.SHA256]::Create()
$fingerprint = ([BitConverter]::ToString($sha.ComputeHash($spki)) -replace '-', '').ToLowerInvariant()
Write-Host "signer fingerprint (SHA-256 of the public key): $fingerprint"
if ($want -ne $fingerprint) { Stop-Verification "signer $fingerprint is not the expected signer $want" }

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
# What the host looks like now (read-only), for junction drift: after a failure too, when it matters most.
$collector = Join-Path $root 'files\state\collect-state.ps1'
if (Test-Path -LiteralPath $collector) {
  $collected = Start-Process -FilePath $shell -ArgumentList @('-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', $collector, '-HostName', $HostName) -WorkingDirectory $root -Wait -PassThru -NoNewWindow
  if ($collected.ExitCode -ne 0) { Write-Host "collect-state.ps1 failed (exit code $($collected.ExitCode)); the steps are recorded anyway." -ForegroundColor Yellow }
}
if ($failed -gt 0) { exit 1 }
Write-Host "All steps for $HostName succeeded; bring this media back and run: junction receipt import" -ForegroundColor Green
`;

// The bash counterpart of apply.ps1 for steps whose script is a .sh (run as `sudo bash <script>` on Linux hosts such
// as a CycleCloud server): same plan from manifest.json, same receipt lines, so `junction receipt import` records them.
export const APPLY_SH = String.raw`#!/usr/bin/env bash
# Runs this bundle's bash steps for one host, in order, and records each in receipt/apply-log.jsonl on the media:
# the same JSON lines apply.ps1 writes, which junction receipt import reads. Bash and coreutils only.
# Usage: sudo bash apply.sh --host HOST [--step N] [-- ARGS...]
#   --host HOST  the host name as written in the runbook
#   --step N     run only this step (default: every bash step of the host, stopping at the first failure)
#   -- ARGS...   passed to the step's script (only with --step); a run with --dry-run is not recorded
# Exit codes: 0 every step run succeeded; 1 a step failed; 2 usage, or no such host or step.
set -euo pipefail
root=$(cd "$(dirname "${"${"}BASH_SOURCE[0]}")" && pwd)
cd "$root"

usage() {
  printf 'apply.sh: %s\n' "$1" >&2
  printf 'usage: sudo bash apply.sh --host HOST [--step N] [-- ARGS for the step script]\n' >&2
  exit 2
}

host=
only=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
  --host)
    [ $# -ge 2 ] || usage '--host needs a host name'
    host=$2
    shift
    ;;
  --host=*) host=${"${"}1#--host=} ;;
  --step)
    [ $# -ge 2 ] || usage '--step needs a step number'
    only=$2
    shift
    ;;
  --step=*) only=${"${"}1#--step=} ;;
  --)
    shift
    args=("$@")
    break
    ;;
  -h | --help)
    printf 'usage: sudo bash apply.sh --host HOST [--step N] [-- ARGS for the step script]\n'
    exit 0
    ;;
  *) usage "unknown argument: $1" ;;
  esac
  shift
done
[ -n "$host" ] || usage 'give the host with --host (as written in the runbook)'
[[ $only =~ ^[0-9]+$ ]] || usage "--step $only is not a step number"
only=$((10#$only))
[ ${"${"}#args[@]} -eq 0 ] || [ "$only" -gt 0 ] || usage 'arguments after -- go to one step script: give --step too'
dry=0
for a in ${"${"}args[@]+"${"${"}args[@]}"}; do
  [ "$a" != --dry-run ] || dry=1
done

# JSON string body: backslash and double quote escaped (enough for host and computer names).
json() {
  local s=${"${"}1//\\/\\\\}
  printf '%s' "${"${"}s//\"/\\\"}"
}
now() {
  date -u +%Y-%m-%dT%H:%M:%S.%3NZ
}

# The plan, from manifest.json as Junction writes it (two-space indent, one key per line): the hosts come before
# the files, each host's steps in order as step, title, script. String values are kept JSON-escaped.
[ -f manifest.json ] || usage 'manifest.json is missing next to this script; run it from the bundle folder'
re_id='^  "bundleId": "([0-9a-f]+)",?$'
re_host='^      "host": "(.*)",?$'
re_step='^          "step": ([0-9]+),?$'
re_title='^          "title": "(.*)",?$'
re_script='^          "script": "(.*)",?$'
want=$(json "$host")
bundle_id=
planned=
in_hosts=0
saw_hosts=0
current=
n=0
title=
steps=()
titles=()
scripts=()
while IFS= read -r line; do
  line=${"${"}line%$'\r'}
  if [ "$in_hosts" = 0 ]; then
    if [[ $line =~ $re_id ]]; then bundle_id=${"${"}BASH_REMATCH[1]}; fi
    if [ "$line" = '  "hosts": [' ]; then in_hosts=1; fi
    if [ "$line" = '  "hosts": [' ] || [ "$line" = '  "hosts": [],' ]; then saw_hosts=1; fi
    continue
  fi
  if [ "$line" = '  ],' ] || [ "$line" = '  ]' ]; then break; fi
  if [[ $line =~ $re_host ]]; then
    current=${"${"}BASH_REMATCH[1]}
    # Matched ignoring case, like apply.ps1; recorded as the manifest spells it, as the import expects.
    if [ "${"${"}current,,}" = "${"${"}want,,}" ]; then planned=$current; fi
    continue
  fi
  [ "${"${"}current,,}" = "${"${"}want,,}" ] || continue
  if [[ $line =~ $re_step ]]; then
    n=${"${"}BASH_REMATCH[1]}
  elif [[ $line =~ $re_title ]]; then
    title=${"${"}BASH_REMATCH[1]}
  elif [[ $line =~ $re_script ]]; then
    steps+=("$n")
    titles+=("$title")
    scripts+=("${"${"}BASH_REMATCH[1]}")
  fi
done <manifest.json
if [ -z "$bundle_id" ] || [ "$saw_hosts" = 0 ]; then
  usage 'manifest.json is not laid out as Junction writes it (two-space indent, one key per line); copy the bundle again'
fi
if [ -z "$planned" ] || [ ${"${"}#steps[@]} -eq 0 ]; then
  printf 'This bundle has no steps for host %s.\n' "$host" >&2
  exit 2
fi

# The steps to run: bash ones only (apply.ps1 runs the others on Windows).
run=()
for i in "${"${"}!steps[@]}"; do
  if [ "$only" -gt 0 ] && [ "${"${"}steps[$i]}" -ne "$only" ]; then continue; fi
  if [[ ${"${"}scripts[$i]} != *.sh ]]; then
    [ "$only" -eq 0 ] || usage "step $only of $planned runs ${"${"}scripts[$i]}: a PowerShell step, run it with apply.ps1 on Windows"
    printf 'skipping step %s (%s): a PowerShell step, for apply.ps1 on Windows\n' "${"${"}steps[$i]}" "${"${"}scripts[$i]}"
    continue
  fi
  run+=("$i")
done
if [ ${"${"}#run[@]} -eq 0 ]; then
  if [ "$only" -gt 0 ]; then printf 'This bundle has no step %s for host %s.\n' "$only" "$planned" >&2; fi
  if [ "$only" -eq 0 ]; then printf 'This bundle has no bash steps for host %s.\n' "$planned" >&2; fi
  exit 2
fi

log=receipt/apply-log.jsonl
health=receipt/health.jsonl
if ! mkdir -p receipt || [ ! -w receipt ]; then
  printf 'apply.sh: cannot write to %s/receipt; run from a writable copy of the bundle folder\n' "$root" >&2
  exit 2
fi
computer=$(json "$(uname -n)")

failed=0
ran=0
for i in "${"${"}run[@]}"; do
  step=${"${"}steps[$i]}
  script=${"${"}scripts[$i]}
  printf '== %s step %s: %s\n' "$planned" "$step" "${"${"}titles[$i]}"
  started=$(now)
  if bash -- "$script" ${"${"}args[@]+"${"${"}args[@]}"}; then code=0; else code=$?; fi
  finished=$(now)
  if [ "$dry" = 1 ]; then
    printf 'dry run (--dry-run, exit code %s): not recorded in %s\n' "$code" "$log"
  else
    printf '{"bundleId":"%s","host":"%s","computer":"%s","step":%s,"script":"%s","started":"%s","finished":"%s","exitCode":%s}\n' \
      "$bundle_id" "$planned" "$computer" "$step" "$script" "$started" "$finished" "$code" >>"$log"
    ran=$((ran + 1))
  fi
  if [ "$code" -ne 0 ]; then
    printf 'step %s failed with exit code %s; stopping.\n' "$step" "$code" >&2
    failed=1
    break
  fi
done
if [ "$dry" = 0 ]; then
  ok=true
  [ "$failed" = 0 ] || ok=false
  printf '{"bundleId":"%s","host":"%s","computer":"%s","checked":"%s","check":"steps","ok":%s,"detail":"%s step(s) run, %s failed"}\n' \
    "$bundle_id" "$planned" "$computer" "$(now)" "$ok" "$ran" "$failed" >>"$health"
  # What the host looks like now (read-only), for junction drift: after a failure too, when it matters most.
  if [ -f files/state/collect-state.sh ]; then
    bash files/state/collect-state.sh --host "$planned" || printf 'apply.sh: collect-state.sh failed; the steps are recorded anyway\n' >&2
  fi
fi
[ "$failed" = 0 ] || exit 1
[ "$dry" = 0 ] || exit 0
printf 'All steps run for %s succeeded; bring this media back and run: junction receipt import\n' "$planned"
`;
