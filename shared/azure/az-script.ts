// The Azure CLI side of Junction's outputs: bash that reads each resource with `az rest` and writes it only when it
// differs, with the whole desired body PUT from a 0600 temp file (`az rest --body @file`), so a re-run changes
// nothing, a dry run only reads, and a shared key never appears on a command line. One body builder per resource
// (the same one `azure apply` and the ARM templates use) keeps the three paths equal.
//
// "Differs" is decided by a JMESPath projection (az's --query) of the live resource into one line, compared with the
// same projection of the desired body computed here. The projection covers what canonical.ts compares, written so
// that Azure's echo of both the singular and the plural prefix fields reads the same as either form.
import { API_VERSION, OWNER_TAG, type DesiredResource, type ResourceKind } from './desired';
import { shq } from '../generate/sh';
import { shComment } from '../generate/escape';

type P = Record<string, unknown>;
const obj = (v: unknown): P => (v && typeof v === 'object' && !Array.isArray(v) ? (v as P) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const sortJoin = (xs: unknown[], sep: string) => xs.map(str).sort().join(sep);
/** ARM's two forms of a prefix or port list, as one list. */
const many = (p: P, singular: string, plural: string): string[] => {
  const m = arr(p[plural]);
  if (m.length) return m.map(str);
  return p[singular] !== undefined && p[singular] !== '' ? [str(p[singular])] : [''];
};

// JMESPath pieces. `x || ''` turns an absent field into '' and `x || \`[]\`` an absent list into [].
const jList = (base: string, singular: string, plural: string) => `join(',', sort(${base}${plural} || [${base}${singular} || '']))`;
const jRefId = (path: string) => `${path}.id || ''`;

interface Projection {
  query: string;
  want: string;
}

function nsgProjection(p: P): Projection {
  const fields = (r: P) => {
    const q = obj(r['properties']);
    return [
      str(r['name']),
      str(q['priority']),
      str(q['direction']),
      str(q['access']),
      str(q['protocol']),
      many(q, 'sourceAddressPrefix', 'sourceAddressPrefixes').sort().join(','),
      many(q, 'sourcePortRange', 'sourcePortRanges').sort().join(','),
      many(q, 'destinationAddressPrefix', 'destinationAddressPrefixes').sort().join(','),
      many(q, 'destinationPortRange', 'destinationPortRanges').sort().join(','),
      str(q['description']),
    ].join('|');
  };
  const b = 'properties.';
  const query =
    `join(';', sort((properties.securityRules || \`[]\`)[].join('|', [name, to_string(${b}priority), ${b}direction, ${b}access, ${b}protocol, ` +
    `${jList(b, 'sourceAddressPrefix', 'sourceAddressPrefixes')}, ${jList(b, 'sourcePortRange', 'sourcePortRanges')}, ` +
    `${jList(b, 'destinationAddressPrefix', 'destinationAddressPrefixes')}, ${jList(b, 'destinationPortRange', 'destinationPortRanges')}, ${b}description || ''])))`;
  return { query, want: arr(p['securityRules']).map((r) => fields(obj(r))).sort().join(';') };
}

function routeTableProjection(p: P): Projection {
  const query =
    "join('|', [to_string(properties.disableBgpRoutePropagation || `false`), join(';', sort((properties.routes || `[]`)[].join(',', " +
    "[name, properties.addressPrefix || '', properties.nextHopType || '', properties.nextHopIpAddress || ''])))])";
  const routes = arr(p['routes']).map((r) => {
    const q = obj(obj(r)['properties']);
    return [str(obj(r)['name']), str(q['addressPrefix']), str(q['nextHopType']), str(q['nextHopIpAddress'])].join(',');
  });
  return { query, want: [String(p['disableBgpRoutePropagation'] === true), routes.sort().join(';')].join('|') };
}

function vnetProjection(p: P): Projection {
  const query =
    "join('|', [join(',', sort(properties.addressSpace.addressPrefixes || `[]`)), join(';', sort((properties.subnets || `[]`)[].join(',', " +
    "[name, properties.addressPrefix || join(' ', sort(properties.addressPrefixes || `[]`)), properties.networkSecurityGroup.id || '', " +
    "properties.routeTable.id || '', join(' ', sort((properties.serviceEndpoints || `[]`)[].service))])))])";
  const subnets = arr(p['subnets']).map((s) => {
    const q = obj(obj(s)['properties']);
    return [
      str(obj(s)['name']),
      q['addressPrefix'] !== undefined ? str(q['addressPrefix']) : sortJoin(arr(q['addressPrefixes']), ' '),
      str(obj(q['networkSecurityGroup'])['id']),
      str(obj(q['routeTable'])['id']),
      sortJoin(arr(q['serviceEndpoints']).map((e) => obj(e)['service']), ' '),
    ].join(',');
  });
  return { query, want: [sortJoin(arr(obj(p['addressSpace'])['addressPrefixes']), ','), subnets.sort().join(';')].join('|') };
}

function localGatewayProjection(p: P): Projection {
  const bgp = obj(p['bgpSettings']);
  const query =
    "join('|', [properties.gatewayIpAddress || '', join(',', sort(properties.localNetworkAddressSpace.addressPrefixes || `[]`)), " +
    "to_string(properties.bgpSettings.asn || ''), properties.bgpSettings.bgpPeeringAddress || ''])";
  return {
    query,
    want: [str(p['gatewayIpAddress']), sortJoin(arr(obj(p['localNetworkAddressSpace'])['addressPrefixes']), ','), str(bgp['asn']), str(bgp['bgpPeeringAddress'])].join('|'),
  };
}

function publicIpProjection(body: P, p: P): Projection {
  return {
    query: "join('|', [sku.name || 'Basic', properties.publicIPAllocationMethod || 'Dynamic', properties.publicIPAddressVersion || 'IPv4'])",
    want: [str(obj(body['sku'])['name']) || 'Basic', str(p['publicIPAllocationMethod']) || 'Dynamic', str(p['publicIPAddressVersion']) || 'IPv4'].join('|'),
  };
}

function vpnGatewayProjection(p: P): Projection {
  const bgpOn = p['enableBgp'] === true;
  // Azure fills bgpSettings (ASN 65515) even without BGP: compared only when BGP is on, as canonical.ts does.
  const query =
    "join('|', [properties.gatewayType || '', properties.vpnType || '', properties.sku.name || '', to_string(properties.enableBgp || `false`), " +
    (bgpOn ? "to_string(properties.bgpSettings.asn || ''), " : '') +
    "join(';', sort((properties.ipConfigurations || `[]`)[].join(',', [name, properties.subnet.id || '', properties.publicIPAddress.id || ''])))])";
  const ipc = arr(p['ipConfigurations']).map((c) => {
    const q = obj(obj(c)['properties']);
    return [str(obj(c)['name']), str(obj(q['subnet'])['id']), str(obj(q['publicIPAddress'])['id'])].join(',');
  });
  return {
    query,
    want: [str(p['gatewayType']), str(p['vpnType']), str(obj(p['sku'])['name']), String(bgpOn), ...(bgpOn ? [str(obj(p['bgpSettings'])['asn'])] : []), ipc.sort().join(';')].join('|'),
  };
}

const IPSEC = ['saLifeTimeSeconds', 'saDataSizeKilobytes', 'ipsecEncryption', 'ipsecIntegrity', 'ikeEncryption', 'ikeIntegrity', 'dhGroup', 'pfsGroup'];

function connectionProjection(p: P): Projection {
  const query =
    "join('|', [properties.connectionType || '', properties.connectionProtocol || 'IKEv2', to_string(properties.enableBgp || `false`), " +
    `${jRefId('properties.virtualNetworkGateway1')}, ${jRefId('properties.localNetworkGateway2')}, ` +
    `join(';', (properties.ipsecPolicies || \`[]\`)[].join(',', [${IPSEC.map((f) => `to_string(${f} || '')`).join(', ')}]))])`;
  return {
    query,
    want: [
      str(p['connectionType']),
      str(p['connectionProtocol']) || 'IKEv2',
      String(p['enableBgp'] === true),
      str(obj(p['virtualNetworkGateway1'])['id']),
      str(obj(p['localNetworkGateway2'])['id']),
      arr(p['ipsecPolicies']).map((x) => IPSEC.map((f) => str(obj(x)[f])).join(',')).join(';'),
    ].join('|'),
  };
}

export function projection(kind: ResourceKind, body: { properties: P; sku?: unknown }): Projection {
  const p = body.properties;
  switch (kind) {
    case 'nsg':
      return nsgProjection(p);
    case 'routeTable':
      return routeTableProjection(p);
    case 'vnet':
      return vnetProjection(p);
    case 'localNetworkGateway':
      return localGatewayProjection(p);
    case 'publicIp':
      return publicIpProjection(body as P, p);
    case 'vpnGateway':
      return vpnGatewayProjection(p);
    case 'connection':
      return connectionProjection(p);
  }
}

/** Marks where a secret's value goes in a body: the script splices it in with printf, a shell builtin. */
const SECRET_MARK = '@@JUNCTION-SECRET@@';

/** Environment variable that carries a secret's value into the script. */
export function secretEnvVar(secret: string): string {
  return `JUNCTION_SECRET_${secret.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * Shell functions every az script shares. Needs DRY_RUN (renderSh) and OWNER, ALLOW_UNOWNED set before use.
 * read_state: one GET with the projection; absent (404) is told apart from any other failure, which stops the run.
 */
export const AZ_FUNCTIONS: readonly string[] = [
  `API_VERSION=${API_VERSION}`,
  'POLL_SECONDS="${JUNCTION_POLL_SECONDS:-10}"',
  'WORK="$(mktemp -d)"  # 0700: bodies are written here 0600 and removed at exit',
  "trap 'rm -rf \"$WORK\"' EXIT",
  "NOT_OWNED=''",
  'lower() { printf \'%s\' "$1" | tr \'[:upper:]\' \'[:lower:]\'; }',
  '',
  '# Sets EXISTS (0/1), LIVE_OWNER, LIVE_STATE and LIVE (the projection) for one resource; a read only.',
  'read_state() {',
  '  local id="$1" query="$2" out',
  `  if out="$(az rest --method get --url "$id?api-version=$API_VERSION" --query "join(' ## ', [tags.\\"${OWNER_TAG}\\" || '', properties.provisioningState || '', $query])" --output tsv 2>"$WORK/err")"; then`,
  '    EXISTS=1',
  '    LIVE_OWNER="${out%% ## *}"',
  '    out="${out#* ## }"',
  '    LIVE_STATE="${out%% ## *}"',
  '    LIVE="${out#* ## }"',
  `  elif grep -Eq '"code": ?"(ResourceNotFound|NotFound)"' "$WORK/err"; then`,
  "    EXISTS=0; LIVE_OWNER=''; LIVE_STATE=''; LIVE=''",
  `  elif grep -Eq '"code": ?"ResourceGroupNotFound"' "$WORK/err"; then`,
  '    echo "prerequisite missing: the resource group of $id (az group create, or check the subscription)"',
  '    exit 2',
  '  else',
  '    cat "$WORK/err" >&2',
  '    echo "cannot read $id (see the error above)"',
  '    exit 1',
  '  fi',
  '}',
  '',
  'is_allowed() {',
  '  case ",$ALLOW_UNOWNED," in *",$1,"*) return 0 ;; esac',
  '  return 1',
  '}',
  '',
  '# A JSON string from a value, with shell builtins only (printf is one): the value never reaches an argv.',
  'json_string() {',
  '  local s="$1"',
  "  case \"$s\" in *[[:cntrl:]]*) echo \"a secret holds a control character; it cannot be sent\" >&2; exit 2 ;; esac",
  '  s="${s//\\\\/\\\\\\\\}"',
  '  s="${s//\\"/\\\\\\"}"',
  '  printf \'"%s"\' "$s"',
  '}',
  '',
  '# Waits until ARM reports the last PUT finished (az rest does not poll long-running operations).',
  'wait_ready() {',
  '  local id="$1" name="$2" tries=0 st',
  '  while :; do',
  '    st="$(az rest --method get --url "$id?api-version=$API_VERSION" --query "properties.provisioningState" --output tsv)"',
  '    case "$st" in',
  '      Succeeded) return 0 ;;',
  '      Failed|Canceled) echo "FAILED: $name: provisioning $st"; exit 1 ;;',
  '    esac',
  '    tries=$((tries + 1))',
  '    if [ "$tries" -gt 720 ]; then echo "FAILED: $name: still $st after $tries polls"; exit 1; fi',
  '    sleep "$POLL_SECONDS"',
  '  done',
  '}',
  '',
  '# ensure NAME ID QUERY WANT BODY_FUNCTION: creates the resource, or updates it when the projection differs; a',
  '# resource that exists without the ownership tag is left as it is unless --allow-unowned names it.',
  'ensure() {',
  '  local name="$1" id="$2" query="$3" want="$4" body="$5" verb f',
  '  read_state "$id" "$query"',
  '  if [ "$EXISTS" -eq 1 ] && [ "$LIVE_OWNER" != "$OWNER" ] && ! is_allowed "$name"; then',
  `    echo "NOT OWNED: $name exists without the tag ${OWNER_TAG}=$OWNER; left as it is (junction azure apply does the same). To take it over: --allow-unowned $name"`,
  '    NOT_OWNED="$NOT_OWNED $name"',
  '    return 0',
  '  fi',
  '  if [ "$EXISTS" -eq 1 ] && [ "$LIVE_STATE" != Failed ] && [ "$(lower "$LIVE")" = "$(lower "$want")" ]; then',
  '    echo "in place: $name"',
  '    return 0',
  '  fi',
  '  if [ "$EXISTS" -eq 1 ]; then verb=update; else verb=create; fi',
  '  if [ "$DRY_RUN" -eq 1 ]; then',
  '    echo "would $verb: $name ($id)"',
  '    return 0',
  '  fi',
  '  f="$(umask 077; mktemp "$WORK/body.XXXXXX")"',
  '  "$body" >"$f"',
  '  az rest --method put --url "$id?api-version=$API_VERSION" --body "@$f" --output none',
  '  rm -f "$f"',
  '  wait_ready "$id" "$name"',
  '  echo "${verb}d: $name"',
  '}',
  '',
  '# require ID WHAT: a resource the script uses but does not create must exist (exit 2 before any change).',
  'require() {',
  '  read_state "$1" "name"',
  '  if [ "$EXISTS" -ne 1 ]; then echo "prerequisite missing: $2 ($1)"; exit 2; fi',
  '}',
];

/** A body function: JSON printed with printf, a secret spliced in from its environment variable. */
function bodyFunction(fn: string, body: P, secrets: Record<string, string>): string[] {
  const withMarks: P = { ...body, properties: { ...obj(body['properties']) } };
  const order: string[] = [];
  for (const [prop, secret] of Object.entries(secrets)) {
    (withMarks['properties'] as P)[prop] = SECRET_MARK;
    order.push(secret);
  }
  const parts = JSON.stringify(withMarks).split(JSON.stringify(SECRET_MARK));
  const lines = [`${fn}() {`];
  parts.forEach((part, i) => {
    lines.push(`  printf '%s' ${shq(part)}`);
    if (i < order.length) lines.push(`  json_string "$${secretEnvVar(order[i]!)}"`);
  });
  lines.push('}');
  return lines;
}

/** The bash for a list of desired resources, in order: a body function and an ensure call each. */
export function ensureLines(resources: readonly DesiredResource[], fnPrefix = 'body'): string[] {
  const out: string[] = [];
  resources.forEach((r, i) => {
    const fn = `${fnPrefix}_${i + 1}`;
    const body: P = { location: r.body.location, tags: r.body.tags, ...(r.body.sku ? { sku: r.body.sku } : {}), properties: r.body.properties };
    const proj = projection(r.kind, r.body);
    out.push(`# ${shComment(`${r.kind} ${r.name} (${r.source})`)}`, ...bodyFunction(fn, body, r.secrets));
    out.push('# shellcheck disable=SC2016 # backquotes are JMESPath literals for az, not shell', `ensure ${shq(r.name)} ${shq(r.armId)} ${shq(proj.query)} ${shq(proj.want)} ${fn}`, '');
  });
  return out;
}

/** Prerequisite checks for the script: az present, the subscription selected, secrets set (not needed for a dry run). */
export function preambleLines(subscriptionIds: readonly string[], secrets: readonly string[], owner: string): string[] {
  const subs = [...new Set(subscriptionIds)];
  return [
    'command -v az >/dev/null 2>&1 || { echo "prerequisite missing: Azure CLI (az)"; exit 2; }',
    ...(subs.length === 1
      ? [
          'current_sub="$(az account show --query id --output tsv 2>/dev/null || true)"',
          `if [ "$current_sub" != ${shq(subs[0]!)} ]; then`,
          `  echo ${shq(`prerequisite missing: az signed in to subscription ${subs[0]} (az login; az account set --subscription ${subs[0]})`)}`,
          '  exit 2',
          'fi',
        ]
      : []),
    ...secrets.flatMap((s) => [
      `if [ "$DRY_RUN" -eq 0 ] && [ -z "\${${secretEnvVar(s)}:-}" ]; then`,
      `  echo ${shq(`prerequisite missing: set ${secretEnvVar(s)} to the value of secret ${s} (read -rs ${secretEnvVar(s)}; export ${secretEnvVar(s)})`)}`,
      '  exit 2',
      'fi',
    ]),
    `OWNER=${shq(owner)}`,
    ...AZ_FUNCTIONS,
    '',
  ];
}

/** The end of every az script: exit 1 when something was left alone, so "0" keeps meaning "every setting holds". */
export const CLOSING_LINES: readonly string[] = [
  'if [ -n "$NOT_OWNED" ]; then',
  '  echo "not changed (not owned):$NOT_OWNED; everything else is in place"',
  '  exit 1',
  'fi',
  'if [ "$DRY_RUN" -eq 1 ]; then echo "dry run: nothing was changed"; else echo "done: every resource is in place"; fi',
];
