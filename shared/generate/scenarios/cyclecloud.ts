// CycleCloud locked down (seed 002): the NSGs and the Storage service endpoint as an ARM template and as an Azure
// CLI script, plus outbound checks from the CycleCloud server and from a cluster node.
import type { Lookup, SubnetEntry } from '../../model/lookup';
import type { CycleCloud, Nsg, NsgRule } from '../../model/schema';
import { CLUSTER_PORTS, representative } from '../../lint/rules/cyclecloud';
import { addressOf } from '../../net/cidr';
import { hostTarget } from '../common';
import { renderSh, shq } from '../sh';
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

function ruleProperties(r: NsgRule): Record<string, unknown> {
  const pick = (one: string, many: string, v: string[]) => (v.length === 1 ? { [one]: v[0] } : { [many]: v });
  return {
    ...(r.description ? { description: r.description } : {}),
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    ...pick('sourceAddressPrefix', 'sourceAddressPrefixes', r.sourcePrefixes),
    ...pick('sourcePortRange', 'sourcePortRanges', r.sourcePorts),
    ...pick('destinationAddressPrefix', 'destinationAddressPrefixes', r.destinationPrefixes),
    ...pick('destinationPortRange', 'destinationPortRanges', r.destinationPorts),
  };
}

export function armTemplate(l: Lookup, cc: CycleCloud): string {
  const subnets = subnetsOf(l, cc);
  const nsgs = [...new Set(subnets.map((s) => s.subnet.nsg).filter((x): x is string => !!x))].map(
    (id) => l.nsgs.get(id)!.value,
  );
  const nsgId = (n: string) => `[resourceId('Microsoft.Network/networkSecurityGroups', '${n}')]`;
  const resources: unknown[] = nsgs.map((n: Nsg) => ({
    type: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: NETWORK_API_VERSION,
    name: n.name,
    location: "[parameters('location')]",
    properties: {
      securityRules: [...n.rules]
        .sort((a, b) => a.priority - b.priority)
        .map((r) => ({ name: r.name, properties: ruleProperties(r) })),
    },
  }));
  // Subnets are deployed one after another: Azure rejects parallel updates of subnets in one VNet.
  let previous: string | undefined;
  for (const s of subnets) {
    const nsg = s.subnet.nsg ? l.nsgs.get(s.subnet.nsg)?.value : undefined;
    const rt = s.subnet.routeTable ? l.routeTables.get(s.subnet.routeTable)?.value : undefined;
    const dependsOn = [...(nsg ? [nsgId(nsg.name)] : []), ...(previous ? [previous] : [])];
    resources.push({
      type: 'Microsoft.Network/virtualNetworks/subnets',
      apiVersion: NETWORK_API_VERSION,
      name: `${s.vnet.name}/${s.subnet.name}`,
      ...(dependsOn.length ? { dependsOn } : {}),
      properties: {
        addressPrefix: s.subnet.prefix,
        ...(nsg ? { networkSecurityGroup: { id: nsgId(nsg.name) } } : {}),
        ...(rt ? { routeTable: { id: `[resourceId('Microsoft.Network/routeTables', '${rt.name}')]` } } : {}),
        serviceEndpoints: s.subnet.serviceEndpoints.map((service) => ({ service })),
      },
    });
    previous = `[resourceId('Microsoft.Network/virtualNetworks/subnets', '${s.vnet.name}', '${s.subnet.name}')]`;
  }
  const site = l.sites.get(subnets[0]?.site ?? '')?.value;
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      generator: 'Junction',
      description: `NSG rules and Storage service endpoints for ${cc.name} (seed 002)`,
    },
    parameters: {
      location: { type: 'string', defaultValue: site?.azure?.region ?? '[resourceGroup().location]' },
    },
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

function cliScript(l: Lookup, cc: CycleCloud, reference: string): string {
  const subnets = subnetsOf(l, cc);
  const site = l.sites.get(subnets[0]?.site ?? '')?.value;
  const rg = site?.azure?.resourceGroup ?? '';
  const nsgs = [...new Set(subnets.map((s) => s.subnet.nsg).filter((x): x is string => !!x))].map(
    (id) => l.nsgs.get(id)!.value,
  );
  const body: string[] = [
    'command -v az >/dev/null 2>&1 || { echo "prerequisite missing: Azure CLI (az)"; exit 2; }',
    ...(site?.azure?.subscriptionId
      ? [
          'current_sub="$(az account show --query id --output tsv 2>/dev/null || true)"',
          `if [ "$current_sub" != ${shq(site.azure.subscriptionId)} ]; then`,
          `  echo "prerequisite missing: az signed in to subscription ${site.azure.subscriptionId} (az login; az account set --subscription ${site.azure.subscriptionId})"`,
          '  exit 2',
          'fi',
        ]
      : []),
    `RG=${shq(rg)}`,
    `LOCATION=${shq(site?.azure?.region ?? '')}`,
    '',
    '# Creates the rule, or updates it in place when a rule of that name exists.',
    'apply_rule() {',
    '  local nsg="$1" name="$2"',
    '  shift 2',
    '  if az network nsg rule show --resource-group "$RG" --nsg-name "$nsg" --name "$name" --output none 2>/dev/null; then',
    '    run az network nsg rule update --resource-group "$RG" --nsg-name "$nsg" --name "$name" "$@" --output none',
    '  else',
    '    run az network nsg rule create --resource-group "$RG" --nsg-name "$nsg" --name "$name" "$@" --output none',
    '  fi',
    '}',
    '',
  ];
  for (const n of nsgs) {
    body.push(
      `if az network nsg show --resource-group "$RG" --name ${shq(n.name)} --output none 2>/dev/null; then`,
      `  echo "NSG ${n.name} exists"`,
      'else',
      `  run az network nsg create --resource-group "$RG" --name ${shq(n.name)} --location "$LOCATION" --output none`,
      'fi',
    );
    for (const r of [...n.rules].sort((a, b) => a.priority - b.priority)) {
      const args = [
        `--priority ${r.priority}`,
        `--direction ${r.direction}`,
        `--access ${r.access}`,
        `--protocol ${shq(r.protocol)}`,
        `--source-address-prefixes ${r.sourcePrefixes.map(shq).join(' ')}`,
        `--source-port-ranges ${r.sourcePorts.map(shq).join(' ')}`,
        `--destination-address-prefixes ${r.destinationPrefixes.map(shq).join(' ')}`,
        `--destination-port-ranges ${r.destinationPorts.map(shq).join(' ')}`,
        ...(r.description ? [`--description ${shq(r.description)}`] : []),
      ];
      body.push(`apply_rule ${shq(n.name)} ${shq(r.name)} ${args.join(' ')}`);
    }
    body.push('');
  }
  for (const s of subnets) {
    const nsg = s.subnet.nsg ? l.nsgs.get(s.subnet.nsg)?.value : undefined;
    const want = [...s.subnet.serviceEndpoints].sort().join(',');
    body.push(
      `endpoints="$(az network vnet subnet show --resource-group "$RG" --vnet-name ${shq(s.vnet.name)} --name ${shq(s.subnet.name)} --query "serviceEndpoints[].service" --output tsv 2>/dev/null | sort | paste -sd, - || true)"`,
      `nsg_id="$(az network vnet subnet show --resource-group "$RG" --vnet-name ${shq(s.vnet.name)} --name ${shq(s.subnet.name)} --query "networkSecurityGroup.id" --output tsv 2>/dev/null || true)"`,
      `if [ "$endpoints" = ${shq(want || '')} ] && [ "\${nsg_id##*/}" = ${shq(nsg?.name ?? '')} ]; then`,
      `  echo "subnet ${s.subnet.name}: NSG and service endpoints already in place"`,
      'else',
      `  run az network vnet subnet update --resource-group "$RG" --vnet-name ${shq(s.vnet.name)} --name ${shq(s.subnet.name)}${nsg ? ` --network-security-group ${shq(nsg.name)}` : ''}${s.subnet.serviceEndpoints.length ? ` --service-endpoints ${s.subnet.serviceEndpoints.map(shq).join(' ')}` : ''} --output none`,
      'fi',
    );
  }
  body.push('echo "done"');
  return renderSh({
    synopsis: `Applies the NSG rules and Storage service endpoints of ${cc.name} with the Azure CLI.`,
    description: [
      'Seed 002: allow Storage, AzureActiveDirectory, AzureMonitor, AzureResourceManager (100-103) above a deny to Internet (4000).',
      'Every NSG, rule and subnet is read first: missing ones are created, a subnet is updated only when it differs, and an existing rule is set to the workspace values (az network nsg rule update; the same values change nothing).',
    ],
    runsOn: 'an admin workstation with Azure CLI 2.x signed in (az login)',
    runAs: 'an account with Network Contributor on the resource group',
    prerequisites: [
      'Azure CLI (az)',
      `Subscription ${site?.azure?.subscriptionId ?? '(see workspace)'} selected`,
    ],
    runbookStep: reference,
    workspace: l.ws.name,
    logName: 'cyclecloud-apply-nsg',
    body,
  });
}

function probeBody(checks: { host: string; port: number; why: string }[]): string[] {
  return [
    'failed=0',
    'probe() {',
    '  local host="$1" port="$2" why="$3"',
    '  if [ "$DRY_RUN" -eq 1 ]; then',
    '    echo "would test $host:$port ($why)"',
    '    return 0',
    '  fi',
    '  # shellcheck disable=SC2016 # $1 and $2 expand in the child bash, which gets host and port as arguments',
    '  if timeout "$TIMEOUT" bash -c \'exec 3<>"/dev/tcp/$1/$2"\' _ "$host" "$port" 2>/dev/null; then',
    '    echo "OK    $host:$port  $why"',
    '  else',
    '    echo "FAIL  $host:$port  $why"',
    '    failed=1',
    '  fi',
    '}',
    'command -v timeout >/dev/null 2>&1 || { echo "prerequisite missing: timeout (coreutils)"; exit 2; }',
    ...checks.map((c) => `probe ${shq(c.host)} ${c.port} ${shq(c.why)}`),
    'if [ -n "$STORAGE_ACCOUNT" ]; then',
    '  probe "$STORAGE_ACCOUNT.blob.core.windows.net" 443 "Azure Storage (service endpoint)"',
    'fi',
    'if [ "$failed" -ne 0 ]; then',
    '  echo "some endpoints did not answer"',
    '  exit 3',
    'fi',
    'echo "all endpoints answered"',
  ];
}

export function cycleCloudSteps(l: Lookup): StepDraft[] {
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
        prerequisites: ['Azure CLI signed in, or the portal/az deployment for the ARM template'],
        notes: [
          'Two equivalent ways: the Azure CLI script (reads first; creates what is missing, sets existing rules to the workspace values) or the ARM template (az deployment group create --resource-group <rg> --template-file <file>).',
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
            `# or: az deployment group what-if --resource-group ${rg} --template-file ${ctx.names['nsg-and-service-endpoints.json']}`,
            `# then: az deployment group create --resource-group ${rg} --template-file ${ctx.names['nsg-and-service-endpoints.json']}`,
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
    steps.push({
      scenario: 'cyclecloud',
      target: serverTarget,
      title: 'Check the outbound endpoints CycleCloud needs',
      runAs: 'any user on the CycleCloud VM',
      prerequisites: ['NSG rules applied (previous step)'],
      notes: [
        'management.azure.com and login.microsoftonline.com must answer; the Application Insights endpoints fall under AzureMonitor.',
      ],
      files: [
        {
          name: 'check-outbound.sh',
          kind: 'bash',
          content: (ctx) =>
            renderSh({
              synopsis: `Tests the HTTPS endpoints ${cc.name} needs from ${server.name} (seed 002 list).`,
              description: [
                'Read-only: opens a TCP connection to each endpoint with bash /dev/tcp and closes it.',
              ],
              runsOn: serverTarget.label,
              runAs: 'any user',
              prerequisites: ['bash and coreutils timeout'],
              runbookStep: ctx.reference,
              workspace: l.ws.name,
              logName: 'cyclecloud-check-outbound',
              options: [...storageOpt, timeoutOpt],
              body: probeBody(
                CYCLECLOUD_ENDPOINTS.map((h) => ({ host: h, port: 443, why: 'HTTPS (seed 002)' })),
              ),
            }),
        },
      ],
      commands: (ctx) => [`bash ${ctx.names['check-outbound.sh']} --storage-account <account>`],
    });
    const nic = server.interfaces.find((i) => i.subnet === cc.serverSubnet) ?? server.interfaces[0];
    const serverAddr = nic?.address ? addressOf(nic.address) : representative(subnets[0]!.subnet.prefix);
    for (const s of subnets.slice(1)) {
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
            name: `check-cyclecloud-ports-${s.subnet.name}.sh`,
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
                  })),
                ),
              }),
          },
        ],
        commands: (ctx) => [`bash ${ctx.names[`check-cyclecloud-ports-${s.subnet.name}.sh`]}`],
      });
    }
    return steps;
  });
}
