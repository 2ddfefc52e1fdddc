// CycleCloud locked down (seed 002): the NSGs and the Storage service endpoint as an ARM template and as an Azure
// CLI script, plus outbound checks from the CycleCloud server and from a cluster node.
import type { Lookup, SubnetEntry } from '../../model/lookup';
import type { CycleCloud } from '../../model/schema';
import { desiredResources, OWNER_TAG, type DesiredResource } from '../../azure/desired';
import { NOT_OWNED_PARAMETER, NOT_OWNED_PARAMETER_DEFINITION, localiserFor, templateResource } from '../../azure/export';
import { CLOSING_LINES, ensureLines, preambleLines } from '../../azure/az-script';
import { CLUSTER_PORTS, representative } from '../../lint/rules/cyclecloud';
import { addressOf } from '../../net/cidr';
import { hostTarget } from '../common';
import { renderSh, shq } from '../sh';
import { armExprString, armLiteral, safeName, shComment } from '../escape';
import type { StepDraft, Target } from '../types';

/** @azure/arm-network 36 speaks this api-version; the template must match what Junction's apply path sends. */
export const NETWORK_API_VERSION = '2025-05-01';

/** Seed 002's outbound HTTPS endpoints for the CycleCloud VM. */
export const CYCLECLOUD_ENDPOINTS = [
  'management.azure.com',
  'login.microsoftonline.com',
  'watson.telemetry.microsoft.com',
  'dc.applicationinsights.azure.com',
  'dc.applicationinsights.microsoft.com',
  'dc.services.visualstudio.com',
  'ratecard.azure-api.net',
] as const;

type AzureSubnetEntry = Extract<SubnetEntry, { kind: 'azure' }>;

function subnetsOf(l: Lookup, cc: CycleCloud): AzureSubnetEntry[] {
  return [cc.serverSubnet, ...cc.clusterSubnets]
    .map((id) => l.subnets.get(id))
    .filter((s): s is AzureSubnetEntry => s?.kind === 'azure');
}

/** The NSGs and route tables the entry's subnets use, as `azure apply` would PUT them (same bodies, same tag). */
function ownedResources(l: Lookup, subnets: readonly AzureSubnetEntry[]): DesiredResource[] {
  const { resources } = desiredResources(l.ws);
  const wanted = new Set<string>();
  for (const s of subnets) {
    const nsg = s.subnet.nsg ? l.nsgs.get(s.subnet.nsg)?.value : undefined;
    const rt = s.subnet.routeTable ? l.routeTables.get(s.subnet.routeTable)?.value : undefined;
    if (nsg) wanted.add(`nsg/${nsg.name}`.toLowerCase());
    if (rt) wanted.add(`routeTable/${rt.name}`.toLowerCase());
  }
  return resources.filter((r) => wanted.has(`${r.kind}/${r.name}`.toLowerCase()));
}

const armId = (r: DesiredResource | undefined) => r?.armId;

/** What the step sets on one subnet: its NSG and route table when the workspace names them, its service endpoints. */
interface SubnetChange {
  entry: AzureSubnetEntry;
  id: string;
  nsg?: DesiredResource;
  routeTable?: DesiredResource;
  endpoints: string[];
}

function subnetChanges(l: Lookup, subnets: readonly AzureSubnetEntry[], owned: readonly DesiredResource[]): SubnetChange[] {
  return subnets.map((s) => {
    const az = l.sites.get(s.site)?.value.azure;
    const find = (kind: string, name: string | undefined) => owned.find((r) => r.kind === kind && r.name.toLowerCase() === name?.toLowerCase());
    const nsg = find('nsg', s.subnet.nsg ? l.nsgs.get(s.subnet.nsg)?.value.name : undefined);
    const routeTable = find('routeTable', s.subnet.routeTable ? l.routeTables.get(s.subnet.routeTable)?.value.name : undefined);
    return {
      entry: s,
      id: `/subscriptions/${az?.subscriptionId ?? ''}/resourceGroups/${az?.resourceGroup ?? ''}/providers/Microsoft.Network/virtualNetworks/${s.vnet.name}/subnets/${s.subnet.name}`,
      ...(nsg ? { nsg } : {}),
      ...(routeTable ? { routeTable } : {}),
      endpoints: [...s.subnet.serviceEndpoints].sort(),
    };
  });
}

/**
 * The ARM template: the NSGs and route tables (created, or made as the workspace says when Junction owns them; named
 * in notOwned, left alone), then each subnet through a nested deployment that first reads the subnet as it is, so the
 * service endpoints already there are kept (merged, not replaced) and an NSG or route table the workspace does not
 * name stays attached. The VNet is an existing resource named by a parameter.
 */
export function armTemplate(l: Lookup, cc: CycleCloud): string {
  const subnets = subnetsOf(l, cc);
  const owned = ownedResources(l, subnets);
  const parameters: Record<string, unknown> = { [NOT_OWNED_PARAMETER]: NOT_OWNED_PARAMETER_DEFINITION };
  const c = localiserFor(owned, parameters);
  const resources: unknown[] = owned.map((r) => templateResource(r, c, parameters));
  const vnetParam = (name: string) => `existingVirtualNetwork${name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, x: string | undefined) => (x ? x.toUpperCase() : '')).replace(/^./, (x) => x.toUpperCase())}`;
  const refTo = (r: DesiredResource) => `[resourceId('Microsoft.Network/${r.kind === 'nsg' ? 'networkSecurityGroups' : 'routeTables'}', ${armExprString(r.name)})]`;
  // Subnets are updated one after another: Azure rejects parallel updates of subnets in one VNet.
  let previous: string | undefined;
  for (const ch of subnetChanges(l, subnets, owned)) {
    const s = ch.entry;
    const vp = vnetParam(s.vnet.name);
    parameters[vp] = {
      type: 'string',
      defaultValue: armLiteral(s.vnet.name),
      metadata: { description: `Name of the existing virtual network of ${armLiteral(s.subnet.name)}: this template changes its subnets' NSG, route table and service endpoints; the VNet and subnet must exist (junction azure apply or junction azure export create them).` },
    };
    const keep = (prop: string) => `[if(contains(parameters('existing'), '${prop}'), parameters('existing').${prop}, null())]`;
    const name = `junction-subnet-${s.vnet.name}-${s.subnet.name}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
    resources.push({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name,
      dependsOn: [...(ch.nsg ? [refTo(ch.nsg)] : []), ...(ch.routeTable ? [refTo(ch.routeTable)] : []), ...(previous ? [previous] : [])],
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        parameters: {
          vnetName: { value: `[parameters('${vp}')]` },
          existing: { value: `[reference(resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('${vp}'), ${armExprString(s.subnet.name)}), '${NETWORK_API_VERSION}')]` },
          ...(ch.nsg ? { nsgId: { value: refTo(ch.nsg) } } : {}),
          ...(ch.routeTable ? { routeTableId: { value: refTo(ch.routeTable) } } : {}),
        },
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          parameters: {
            vnetName: { type: 'string' },
            existing: { type: 'object' },
            ...(ch.nsg ? { nsgId: { type: 'string' } } : {}),
            ...(ch.routeTable ? { routeTableId: { type: 'string' } } : {}),
          },
          resources: [
            {
              type: 'Microsoft.Network/virtualNetworks/subnets',
              apiVersion: NETWORK_API_VERSION,
              name: `[concat(parameters('vnetName'), '/', ${armExprString(s.subnet.name)})]`,
              properties: {
                addressPrefix: s.subnet.prefix,
                networkSecurityGroup: ch.nsg ? { id: "[parameters('nsgId')]" } : keep('networkSecurityGroup'),
                routeTable: ch.routeTable ? { id: "[parameters('routeTableId')]" } : keep('routeTable'),
                // The endpoints already there, as { service }, plus the workspace's: union() drops duplicates.
                serviceEndpoints: `[union(map(if(contains(parameters('existing'), 'serviceEndpoints'), parameters('existing').serviceEndpoints, createArray()), lambda('e', createObject('service', lambdaVariables('e').service))), createArray(${ch.endpoints.map((e) => `createObject('service', ${armExprString(e)})`).join(', ')}))]`,
              },
            },
          ],
        },
      },
    });
    previous = name;
  }
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      generator: 'Junction',
      description: armLiteral(`NSG rules, route tables and Storage service endpoints for ${cc.name} (seed 002)`),
    },
    parameters,
    resources,
  };
  return JSON.stringify(template, null, 2) + '\n';
}

function azureTarget(l: Lookup, siteId: string): Target {
  const site = l.sites.get(siteId)?.value;
  return {
    id: siteId,
    label: `Azure: ${site?.name ?? siteId}${site?.azure ? ` (resource group ${site.azure.resourceGroup}, ${site.azure.region})` : ''}`,
  };
}

/** Bash that sets one subnet: read it, merge the service endpoints, update only when something differs. */
function subnetLines(ch: SubnetChange): string[] {
  const want = (r: DesiredResource | undefined) => shq(armId(r) ?? '');
  const query = "join('|', [properties.addressPrefix || join(' ', properties.addressPrefixes || `[]`), properties.networkSecurityGroup.id || '', properties.routeTable.id || '', join(' ', sort((properties.serviceEndpoints || `[]`)[].service))])";
  return [
    `# subnet ${shComment(`${ch.entry.vnet.name}/${ch.entry.subnet.name}`)}: endpoints already there are kept; an NSG or route table the workspace does not name is left attached`,
    `SUBNET=${shq(ch.id)}`,
    `WANT_PREFIX=${shq(ch.entry.subnet.prefix)}`,
    `WANT_NSG=${want(ch.nsg)}`,
    `WANT_RT=${want(ch.routeTable)}`,
    `WANT_ENDPOINTS=${shq(ch.endpoints.join(' '))}`,
    '# shellcheck disable=SC2016 # backquotes are JMESPath literals for az, not shell',
    `live="$(az rest --method get --url "$SUBNET?api-version=$API_VERSION" --query ${shq(query)} --output tsv)"`,
    "IFS='|' read -r live_prefix live_nsg live_rt live_endpoints <<<\"$live\"",
    'for e in $live_endpoints; do',
    '  case "$e" in *[!A-Za-z0-9.]*) echo "unexpected service endpoint name: $e"; exit 1 ;; esac',
    'done',
    '# shellcheck disable=SC2086 # word splitting wanted: the lists are service names',
    'merged="$(printf \'%s\\n\' $live_endpoints $WANT_ENDPOINTS | sed \'/^$/d\' | sort -u | paste -sd \' \' -)"',
    'args=()',
    '[ -z "$WANT_NSG" ] || args+=(--network-security-group "$WANT_NSG")',
    '[ -z "$WANT_RT" ] || args+=(--route-table "$WANT_RT")',
    'if [ "$live_prefix" = "$WANT_PREFIX" ] && { [ -z "$WANT_NSG" ] || [ "$(lower "$live_nsg")" = "$(lower "$WANT_NSG")" ]; } &&',
    '  { [ -z "$WANT_RT" ] || [ "$(lower "$live_rt")" = "$(lower "$WANT_RT")" ]; } && [ "$merged" = "$live_endpoints" ]; then',
    '  echo "in place: subnet ${SUBNET##*/}"',
    'elif [ "$DRY_RUN" -eq 1 ]; then',
    '  echo "would update: subnet ${SUBNET##*/} (service endpoints: ${merged:-none})"',
    'else',
    '  # shellcheck disable=SC2086 # one argument per service name',
    '  az network vnet subnet update --ids "$SUBNET" --address-prefixes "$WANT_PREFIX" "${args[@]}" ${merged:+--service-endpoints $merged} --output none',
    '  wait_ready "${SUBNET%/subnets/*}" "VNet of subnet ${SUBNET##*/}"',
    '  echo "updated: subnet ${SUBNET##*/}"',
    'fi',
    '',
  ];
}

function cliScript(l: Lookup, cc: CycleCloud, reference: string): string {
  const subnets = subnetsOf(l, cc);
  const site = l.sites.get(subnets[0]?.site ?? '')?.value;
  const owned = ownedResources(l, subnets);
  const changes = subnetChanges(l, subnets, owned);
  const body: string[] = [
    ...preambleLines(site?.azure?.subscriptionId ? [site.azure.subscriptionId] : [], [], l.ws.name),
    '# The VNet and its subnets must exist before anything is changed.',
    ...changes.map((ch) => `require ${shq(ch.id)} ${shq(`subnet ${ch.entry.subnet.name} of VNet ${ch.entry.vnet.name} (junction azure apply or junction azure export create it)`)}`),
    '',
    ...ensureLines(owned),
    ...changes.flatMap(subnetLines),
    ...CLOSING_LINES,
  ];
  return renderSh({
    synopsis: `Applies the NSG rules, route tables and Storage service endpoints of ${cc.name} with the Azure CLI.`,
    description: [
      'Seed 002: allow Storage, AzureActiveDirectory, AzureMonitor, AzureResourceManager (100-103) above a deny to Internet (4000).',
      'Each NSG and route table is read first and written (az rest PUT of the workspace body) only when missing or different: rules and routes not in the workspace are removed, as the ARM template and junction azure apply do.',
      `One that exists without the tag ${OWNER_TAG}=<workspace> is left as it is (exit 1 at the end) unless --allow-unowned NAME names it.`,
      'Each subnet keeps the service endpoints it already has (the workspace ones are added) and is updated only when something differs.',
    ],
    runsOn: 'an admin workstation with Azure CLI 2.x signed in (az login)',
    runAs: 'an account with Network Contributor on the resource group',
    prerequisites: ['Azure CLI (az)', `Subscription ${site?.azure?.subscriptionId ?? '(see workspace)'} selected`, 'The VNet and subnets exist'],
    runbookStep: reference,
    workspace: l.ws.name,
    logName: 'cyclecloud-apply-nsg',
    options: [{ flag: '--allow-unowned', variable: 'ALLOW_UNOWNED', help: 'comma-separated names of existing NSGs or route tables without the ownership tag to take over', default: '' }],
    body,
  });
}

/** A check: `required` failures fail the script (exit 3); advisory ones are reported only. */
interface Check {
  host: string;
  port: number;
  why: string;
  /** 'required', 'advisory', or 'by-tag': decided on the server from the address the name resolves to. */
  mode: 'required' | 'advisory' | 'by-tag';
}

function probeBody(checks: readonly Check[], tagTable: readonly string[] = []): string[] {
  return [
    'failed=0',
    'advisories=0',
    '# probe HOST PORT WHY [advisory]',
    'probe() {',
    '  local host="$1" port="$2" why="$3" mode="${4:-required}"',
    '  if [ "$DRY_RUN" -eq 1 ]; then',
    '    echo "would test $host:$port ($why; $mode)"',
    '    return 0',
    '  fi',
    '  # shellcheck disable=SC2016 # $1 and $2 expand in the child bash, which gets host and port as arguments',
    '  if timeout "$TIMEOUT" bash -c \'exec 3<>"/dev/tcp/$1/$2"\' _ "$host" "$port" 2>/dev/null; then',
    '    echo "OK    $host:$port  $why"',
    '  elif [ "$mode" = advisory ]; then',
    '    echo "ADVISORY  $host:$port did not answer ($why)"',
    '    advisories=$((advisories + 1))',
    '  else',
    '    echo "FAIL  $host:$port  $why"',
    '    failed=1',
    '  fi',
    '}',
    ...(tagTable.length
      ? [
          '# The allowed service tags\' IPv4 prefixes as "network mask tag" (integers), from the service-tag list given to junction generate.',
          'tag_of() {',
          '  local a b c d n net mask tag',
          '  IFS=. read -r a b c d <<<"$1"',
          '  n=$(( (a << 24) + (b << 16) + (c << 8) + d ))',
          '  while read -r net mask tag; do',
          '    if [ $(( n & mask )) -eq "$net" ]; then echo "$tag"; return 0; fi',
          '  done <<\'PREFIXES\'',
          ...tagTable,
          'PREFIXES',
          '}',
          '# probe_by_tag HOST PORT WHY: required when an address of HOST lies in an allowed service tag, else advisory.',
          'probe_by_tag() {',
          '  local host="$1" port="$2" why="$3" ip tag=\'\'',
          '  for ip in $(getent ahosts "$host" 2>/dev/null | awk \'$1 ~ /^[0-9.]+$/ { print $1 }\' | sort -u); do',
          '    tag="$(tag_of "$ip")"',
          '    [ -z "$tag" ] || break',
          '  done',
          '  if [ -n "$tag" ]; then probe "$host" "$port" "$why; in allowed service tag $tag" required',
          '  else probe "$host" "$port" "$why; outside the allowed service tags, so the NSG blocks it" advisory',
          '  fi',
          '}',
        ]
      : []),
    'command -v timeout >/dev/null 2>&1 || { echo "prerequisite missing: timeout (coreutils)"; exit 2; }',
    ...checks.map((c) =>
      c.mode === 'by-tag' && tagTable.length
        ? `probe_by_tag ${shq(c.host)} ${c.port} ${shq(c.why)}`
        : `probe ${shq(c.host)} ${c.port} ${shq(c.why)} ${c.mode === 'advisory' ? 'advisory' : 'required'}`,
    ),
    'if [ -n "$STORAGE_ACCOUNT" ]; then',
    '  probe "$STORAGE_ACCOUNT.blob.core.windows.net" 443 "Azure Storage (service endpoint)"',
    'fi',
    'if [ "$DRY_RUN" -eq 1 ]; then',
    '  echo "dry run: nothing was tested"',
    '  exit 0',
    'fi',
    'if [ "$failed" -ne 0 ]; then',
    '  echo "some required endpoints did not answer"',
    '  exit 3',
    'fi',
    'if [ "$advisories" -ne 0 ]; then',
    '  echo "every required endpoint answered; $advisories advisory endpoint(s) did not (expected behind a locked-down NSG)"',
    'else',
    '  echo "all endpoints answered"',
    'fi',
  ];
}

/**
 * The service tag each seed-002 host is published under (seed 002: ARM, Azure AD, and the Azure Insights ranges,
 * which are AzureMonitor). Telemetry and the rate card are in none of the tags the seed's NSG allows.
 */
export const HOST_SERVICE_TAGS: Readonly<Record<string, string>> = {
  'management.azure.com': 'AzureResourceManager',
  'login.microsoftonline.com': 'AzureActiveDirectory',
  'dc.applicationinsights.azure.com': 'AzureMonitor',
  'dc.applicationinsights.microsoft.com': 'AzureMonitor',
  'dc.services.visualstudio.com': 'AzureMonitor',
};

const coversHttps = (ports: readonly string[]) =>
  ports.length === 0 ||
  ports.some((p) => {
    if (p === '*' || p === '443') return true;
    const m = /^(\d+)-(\d+)$/.exec(p);
    return !!m && Number(m[1]) <= 443 && 443 <= Number(m[2]);
  });

/** Service tags the server subnet's NSG allows outbound on TCP 443 (undefined: no NSG, nothing is blocked). */
function allowedTags(l: Lookup, cc: CycleCloud): Set<string> | undefined {
  const s = l.subnets.get(cc.serverSubnet);
  const nsgId = s?.kind === 'azure' ? s.subnet.nsg : undefined;
  const nsg = nsgId ? l.nsgs.get(nsgId)?.value : undefined;
  if (!nsg || !cc.lockedDown) return undefined;
  const out = new Set<string>();
  for (const r of nsg.rules)
    if (r.direction === 'Outbound' && r.access === 'Allow' && (r.protocol === 'Tcp' || r.protocol === '*') && coversHttps(r.destinationPorts))
      for (const p of r.destinationPrefixes) if (/^[A-Za-z]/.test(p) && p !== 'Internet' && p !== 'VirtualNetwork') out.add(p);
  return out;
}

/** "network mask tag" lines (IPv4, integers) for the allowed tags, from the cached service-tag list. */
function tagLines(tags: Set<string>, prefixes: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  for (const tag of [...tags].sort())
    for (const p of prefixes[tag] ?? []) {
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(p);
      if (!m || !/^[A-Za-z0-9.]+$/.test(tag)) continue;
      const bits = Number(m[5]);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
      out.push(`${(ip & mask) >>> 0} ${mask} ${tag}`);
    }
  return out;
}

/** Each seed-002 endpoint's check: decided per host from the service-tag list when Junction has one. */
function outboundChecks(l: Lookup, cc: CycleCloud, prefixes?: Readonly<Record<string, readonly string[]>>): { checks: Check[]; table: string[]; note: string } {
  const allowed = allowedTags(l, cc);
  if (!allowed)
    return { checks: CYCLECLOUD_ENDPOINTS.map((h) => ({ host: h, port: 443, why: 'HTTPS (seed 002)', mode: 'required' })), table: [], note: 'No locked-down NSG on the server subnet: every endpoint must answer.' };
  const table = prefixes ? tagLines(allowed, prefixes) : [];
  if (table.length)
    return {
      checks: CYCLECLOUD_ENDPOINTS.map((h) => ({ host: h, port: 443, why: 'HTTPS (seed 002)', mode: 'by-tag' })),
      table,
      note: `Each endpoint is required when the address it resolves to lies in a service tag the NSG allows (${[...allowed].sort().join(', ')}; prefixes from the service-tag list), otherwise advisory: reported, not failed.`,
    };
  return {
    checks: CYCLECLOUD_ENDPOINTS.map((h) => {
      const tag = HOST_SERVICE_TAGS[h];
      const ok = tag !== undefined && allowed.has(tag);
      return { host: h, port: 443, why: ok ? `HTTPS (seed 002), service tag ${tag} allowed` : 'HTTPS (seed 002), in no service tag the NSG allows', mode: ok ? 'required' : 'advisory' };
    }),
    table: [],
    note: `No service-tag list was given (junction generate --service-tags FILE): endpoints are judged by the tag Microsoft publishes them under; ${CYCLECLOUD_ENDPOINTS.filter((h) => !allowed.has(HOST_SERVICE_TAGS[h] ?? '')).join(', ')} are advisory (reported, not failed).`,
  };
}

/**
 * Seed 002: the locked-down NSG blocks github.com, so node creation fails in the staging phase unless the projects
 * are staged on the server first. A manual step (its files come with the bundle's --staging), before any cluster starts.
 */
function stagingStep(l: Lookup, cc: CycleCloud, serverTarget: Target): StepDraft {
  const projects = cc.projects.map((p) => `${p.name} ${p.version}`).join(', ');
  return {
    scenario: 'cyclecloud',
    target: serverTarget,
    title: `Stage the CycleCloud projects (${projects}) before the first cluster start`,
    runAs: 'root on the CycleCloud server (sudo); the fetch on a connected machine as any user',
    prerequisites: [
      'On a connected machine: junction stage fetch <workspace> --out <folder> (downloads each project release and its blobs from GitHub and records their SHA-256)',
      'The bundle built with --staging <folder> (junction bundle build warns when a locked-down CycleCloud with projects is bundled without it)',
    ],
    notes: [
      `The NSG of ${cc.name} blocks github.com: without staged projects, node creation fails in the staging phase (seed 002).`,
      'stage-cyclecloud.sh checks every file against SHA256SUMS, copies it to /opt/cycle_server/work/staging/projects/<name>/<version>/ and .../blobs/, and sets the owner to cycle_server; try it first with --dry-run.',
      "Check which version CycleCloud expects: /opt/cycle_server/cycle_server execute 'select * from cloud.project where name == \"<name>\"'.",
    ],
    files: [],
    commands: () => [
      '# connected machine:',
      'junction stage fetch <workspace> --out <folder>',
      'junction bundle build <workspace> --staging <folder> --out <bundle> --sign-key <key.pfx>',
      '# CycleCloud server, from the verified bundle folder:',
      'sudo bash staging/cyclecloud/stage-cyclecloud.sh --dry-run',
      'sudo bash staging/cyclecloud/stage-cyclecloud.sh',
    ],
  };
}

export function cycleCloudSteps(l: Lookup, serviceTagPrefixes?: Readonly<Record<string, readonly string[]>>): StepDraft[] {
  return l.ws.cycleCloud.flatMap((cc) => {
    const subnets = subnetsOf(l, cc);
    const server = l.hosts.get(cc.server)?.value;
    if (subnets.length === 0 || !server) return [];
    const azure = azureTarget(l, subnets[0]!.site);
    const steps: StepDraft[] = [
      {
        scenario: 'cyclecloud',
        target: azure,
        title: `Apply the NSG rules and Storage service endpoints for ${cc.name}`,
        runAs: 'an account with Network Contributor on the resource group',
        prerequisites: ['Azure CLI signed in', 'The VNet and subnets exist (junction azure apply, or junction azure export run on a connected machine)'],
        notes: [
          'Two equivalent ways, same result: the Azure CLI script (reads first; changes only what differs; --dry-run only reads) or the ARM template (az deployment group create).',
          `Rules Junction does not own: in an NSG that Junction creates or that carries the tag ${OWNER_TAG}=${l.ws.name}, rules (and routes in a route table) that are not in the workspace are removed by both paths, as junction azure apply does. To keep such a rule, add it to the workspace.`,
          `An NSG or route table that exists without that tag belongs to someone else: the script leaves it as it is and ends with exit 1 naming it (--allow-unowned NAME takes it over); give the template the same names in its notOwned parameter (--parameters notOwned='["NAME"]') or it takes them over.`,
          'Subnets keep the service endpoints they already have (the workspace ones are added) and keep an NSG or route table the workspace does not name.',
          `The template uses api-version ${NETWORK_API_VERSION}, the one @azure/arm-network 36 uses.`,
        ],
        files: [
          { name: 'apply-nsg-rules.sh', kind: 'bash', content: (ctx) => cliScript(l, cc, ctx.reference) },
          { name: 'nsg-and-service-endpoints.json', kind: 'arm-template', content: () => armTemplate(l, cc) },
        ],
        commands: (ctx) => {
          const rg = l.sites.get(subnets[0]!.site)?.value.azure?.resourceGroup ?? '<resource-group>';
          return [
            `bash ${ctx.names['apply-nsg-rules.sh']} --dry-run`,
            `bash ${ctx.names['apply-nsg-rules.sh']}`,
            `# or: az deployment group what-if --resource-group ${shq(rg)} --template-file ${ctx.names['nsg-and-service-endpoints.json']}`,
            `# then: az deployment group create --resource-group ${shq(rg)} --template-file ${ctx.names['nsg-and-service-endpoints.json']}`,
          ];
        },
      },
    ];
    const storageOpt = [
      {
        flag: '--storage-account',
        variable: 'STORAGE_ACCOUNT',
        help: 'also test <name>.blob.core.windows.net:443',
        default: '',
      },
    ];
    const timeoutOpt = {
      flag: '--timeout',
      variable: 'TIMEOUT',
      help: 'seconds per connection attempt',
      default: '5',
    };
    const serverTarget = hostTarget(server);
    const outbound = outboundChecks(l, cc, serviceTagPrefixes);
    steps.push({
      scenario: 'cyclecloud',
      target: serverTarget,
      title: 'Check the outbound endpoints CycleCloud needs',
      runAs: 'any user on the CycleCloud VM',
      prerequisites: ['NSG rules applied (previous step)'],
      notes: [outbound.note],
      files: [
        {
          name: 'check-outbound.sh',
          kind: 'bash',
          content: (ctx) =>
            renderSh({
              synopsis: `Tests the HTTPS endpoints ${cc.name} needs from ${server.name} (seed 002 list).`,
              description: [
                'Read-only: opens a TCP connection to each endpoint with bash /dev/tcp and closes it.',
                'Required endpoints that do not answer fail the check (exit 3); advisory ones (outside the service tags the NSG allows) are reported only.',
              ],
              runsOn: serverTarget.label,
              runAs: 'any user',
              prerequisites: ['bash and coreutils timeout'],
              runbookStep: ctx.reference,
              workspace: l.ws.name,
              logName: 'cyclecloud-check-outbound',
              options: [...storageOpt, timeoutOpt],
              body: probeBody(outbound.checks, outbound.table),
            }),
        },
      ],
      commands: (ctx) => [`bash ${ctx.names['check-outbound.sh']} --storage-account <account>`],
    });
    if (cc.lockedDown && cc.projects.length) steps.push(stagingStep(l, cc, serverTarget));
    const nic = server.interfaces.find((i) => i.subnet === cc.serverSubnet) ?? server.interfaces[0];
    const serverAddr = nic?.address ? addressOf(nic.address) : representative(subnets[0]!.subnet.prefix);
    for (const s of subnets.slice(1)) {
      const checkFile = `check-cyclecloud-ports-${safeName(s.subnet.name, [...s.path, 'name'])}.sh`;
      const target: Target = {
        id: `${cc.id}-${s.id}`,
        label: `a cluster node in ${s.subnet.name} (${s.subnet.prefix}) of ${cc.name}`,
      };
      steps.push({
        scenario: 'cyclecloud',
        target,
        title: `Check cluster node -> CycleCloud ports from ${s.subnet.name}`,
        runAs: 'any user on one cluster node',
        prerequisites: ['A node started in the subnet (or any VM there)'],
        notes: cc.returnProxy
          ? [
              'ReturnProxy is enabled: CycleCloud reaches the proxy over SSH instead; failures on 5672/9443 are then expected.',
            ]
          : [],
        files: [
          {
            name: checkFile,
            kind: 'bash',
            content: (ctx) =>
              renderSh({
                synopsis: `Tests ${CLUSTER_PORTS.map((p) => `${p.port} (${p.service})`).join(' and ')} from a cluster node to CycleCloud at ${serverAddr}.`,
                description: ['Seed 002: cluster nodes must reach CycleCloud on AMQP 5672 and HTTPS 9443.'],
                runsOn: target.label,
                runAs: 'any user',
                prerequisites: ['bash and coreutils timeout'],
                runbookStep: ctx.reference,
                workspace: l.ws.name,
                logName: 'cyclecloud-check-cluster-ports',
                options: [...storageOpt, timeoutOpt],
                body: probeBody(
                  CLUSTER_PORTS.map((p) => ({
                    host: serverAddr,
                    port: p.port,
                    why: `${p.service} to CycleCloud`,
                    mode: 'required' as const,
                  })),
                ),
              }),
          },
        ],
        commands: (ctx) => [`bash ${ctx.names[checkFile]}`],
      });
    }
    return steps;
  });
}
