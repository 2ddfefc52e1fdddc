// collect-state.sh: what a Linux host of the estate really has (addresses, routes, the CycleCloud staging tree),
// written as one JSON report to receipt/state/ on the media. It only reads. The same for every workspace, so no
// workspace text is spliced into it; `ip -j` output is JSON already and goes into the report as iproute2 printed it
// (the import validates and normalises it), so nothing here has to parse JSON in bash.
import { STATE_REPORT_FORMAT } from './report';

export const COLLECT_STATE_SH = String.raw`#!/usr/bin/env bash
# Collects this host's network state for Junction and writes receipt/state/<host>-<time>.json on the media
# (bring it back and run: junction receipt import). Reads only: addresses and routes (ip -j), and the file list of
# the CycleCloud staging tree when present. No keys, passwords or file contents are read.
# Usage: bash collect-state.sh [--host HOST] [--out DIR] [--staging-root DIR]
#   --host HOST          the host as the workspace names it (default: this machine's name)
#   --out DIR            where to write the report (default: receipt/state in the bundle folder)
#   --staging-root DIR   the CycleCloud staging tree (default /opt/cycle_server/work/staging)
# Exit codes: 0 report written; 2 usage or the report could not be written.
set -euo pipefail
here=$(cd "$(dirname "${"${"}BASH_SOURCE[0]}")" && pwd)

usage() {
  printf 'collect-state.sh: %s\n' "$1" >&2
  printf 'usage: bash collect-state.sh [--host HOST] [--out DIR] [--staging-root DIR]\n' >&2
  exit 2
}

host=
out=
staging=/opt/cycle_server/work/staging
while [ $# -gt 0 ]; do
  case "$1" in
  --host)
    [ $# -ge 2 ] || usage '--host needs a host name'
    host=$2
    shift
    ;;
  --out)
    [ $# -ge 2 ] || usage '--out needs a folder'
    out=$2
    shift
    ;;
  --staging-root)
    [ $# -ge 2 ] || usage '--staging-root needs a folder'
    staging=$2
    shift
    ;;
  -h | --help)
    printf 'usage: bash collect-state.sh [--host HOST] [--out DIR] [--staging-root DIR]\n'
    exit 0
    ;;
  *) usage "unknown argument: $1" ;;
  esac
  shift
done
computer=$(uname -n)
[ -n "$host" ] || host=$computer

# The bundle folder is the nearest parent holding manifest.json; the report goes beside the apply log.
if [ -z "$out" ]; then
  root=$here
  for _ in 1 2 3 4; do
    [ -f "$root/manifest.json" ] && break
    root=$(dirname "$root")
  done
  [ -f "$root/manifest.json" ] || root=$here
  out=$root/receipt/state
fi
mkdir -p "$out" 2>/dev/null || usage "cannot create $out; run from a writable copy of the bundle folder or pass --out"

# JSON string body: backslash and double quote escaped, control characters replaced.
json() {
  local s=${"${"}1//\\/\\\\}
  s=${"${"}s//\"/\\\"}
  s=${"${"}s//[$'\001'-$'\037']/?}
  printf '%s' "$s"
}

problems=()
problem() {
  problems+=("{\"section\":\"$(json "$1")\",\"message\":\"$(json "$2")\"}")
}

ip_addr=
ip_route=
if command -v ip >/dev/null 2>&1; then
  if a=$(ip -j addr show 2>/dev/null) && [ "${"${"}a:0:1}" = '[' ]; then ip_addr=$a; else problem addresses 'ip -j addr show failed (iproute2 too old for -j?)'; fi
  if r=$(ip -j route show table main 2>/dev/null) && [ "${"${"}r:0:1}" = '[' ]; then ip_route=$r; else problem routes 'ip -j route show failed'; fi
  if r6=$(ip -j -6 route show table main 2>/dev/null) && [ "${"${"}r6:0:2}" != '[]' ] && [ "${"${"}r6:0:1}" = '[' ] && [ -n "$ip_route" ]; then
    # Two JSON arrays into one: drop the first's closing bracket and the second's opening one.
    if [ "$ip_route" = '[]' ]; then ip_route=$r6; else ip_route="${"${"}ip_route%]},${"${"}r6#[}"; fi
  fi
else
  problem addresses 'the ip command (iproute2) is not installed'
fi

staging_json="{\"root\":\"$(json "$staging")\",\"present\":false,\"files\":[]}"
if [ -d "$staging" ]; then
  files=()
  while IFS= read -r -d '' path && IFS= read -r -d '' size; do
    files+=("{\"path\":\"$(json "$path")\",\"size\":$size}")
  done < <(find "$staging" -type f -printf '%P\0%s\0' 2>/dev/null | head -c 16000000)
  joined=$(IFS=,; printf '%s' "${"${"}files[*]-}")
  staging_json="{\"root\":\"$(json "$staging")\",\"present\":true,\"files\":[$joined]}"
fi

collected=$(date -u +%Y-%m-%dT%H:%M:%SZ)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name=$(printf '%s' "$host" | tr -c 'A-Za-z0-9._-' '-')
target="$out/$name-$stamp.json"
tmp="$out/.$name-$stamp.json.partial"
{
  printf '{"format":"${STATE_REPORT_FORMAT}","host":"%s","computer":"%s","collected":"%s","os":"linux","tool":"collect-state.sh"' \
    "$(json "$host")" "$(json "$computer")" "$collected"
  [ -z "$ip_addr" ] || printf ',"ipAddr":%s' "$ip_addr"
  [ -z "$ip_route" ] || printf ',"ipRoute":%s' "$ip_route"
  printf ',"staging":%s' "$staging_json"
  printf ',"problems":['
  (IFS=,; printf '%s' "${"${"}problems[*]-}")
  printf ']}\n'
} >"$tmp" || usage "cannot write $tmp"
mv -f "$tmp" "$target"
printf 'state of %s written to %s\n' "$host" "$target"
`;
