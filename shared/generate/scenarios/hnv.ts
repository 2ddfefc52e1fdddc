// HNV gateway with VMM (seed 004): logical networks with sites and pools, VM networks, the gateway network
// service with its connection string, NAT connections and site-to-site IKEv2 VPNs with routes. Each object is
// looked up by name first, so a second run only reports what exists.
import type { Lookup } from '../../model/lookup';
import type { Host } from '../../model/schema';
import { buildConnectionString } from '../../hnv/connection-string';
import { hostAddress, hostTarget } from '../common';
import { change, indent, prereq, psq, renderPs, say } from '../ps';
import type { StepDraft } from '../types';

const PROVIDER = 'Microsoft Windows Server Gateway Provider';

function vmmPrologue(vmm: Host): string[] {
  return [
    ...prereq(
      '-not (Get-Module -ListAvailable -Name virtualmachinemanager)',
      'the virtualmachinemanager module (VMM console)',
    ),
    'Import-Module -Name virtualmachinemanager',
    `$vmm = Get-SCVMMServer -ComputerName ${psq(hostAddress(vmm))}`,
  ];
}

function vmmStep(
  l: Lookup,
  vmm: Host,
  title: string,
  name: string,
  synopsis: string,
  description: string[],
  body: string[],
  extra: { params?: string[]; notes?: string[]; prerequisites?: string[] } = {},
): StepDraft {
  const target = hostTarget(vmm);
  const runAs = 'a VMM administrator (fabric administrator role)';
  return {
    scenario: 'hnv-gateway',
    target,
    title,
    runAs,
    prerequisites: extra.prerequisites ?? [],
    notes: extra.notes,
    files: [
      {
        name,
        kind: 'powershell',
        content: (ctx) =>
          renderPs({
            synopsis,
            description,
            runsOn: target.label,
            runAs,
            prerequisites: ['System Center Virtual Machine Manager 2012 R2 or later, its PowerShell module'],
            runbookStep: ctx.reference,
            workspace: l.ws.name,
            params: extra.params ?? [],
            requiresAdmin: false,
            logName: `hnv-${name.replace(/\.ps1$/, '')}`,
            body: [...vmmPrologue(vmm), ...body],
          }),
      },
    ],
    commands: (ctx) => [`.\\${ctx.names[name]} -WhatIf`, `.\\${ctx.names[name]}`],
  };
}

export function hnvSteps(l: Lookup): StepDraft[] {
  const hnv = l.ws.hnv;
  if (hnv.logicalNetworks.length === 0 && hnv.gateways.length === 0) return [];
  const vmm = [...l.hosts.values()].map((e) => e.value).find((h) => h.roles.includes('vmm-server'));
  if (!vmm) return [];
  const hostGroup = hnv.gateways[0]?.hostGroup ?? 'All Hosts';
  const steps: StepDraft[] = [];

  const lnBody: string[] = [
    `$hostGroup = Get-SCVMHostGroup -Name ${psq(hostGroup)} -VMMServer $vmm`,
    ...prereq('-not $hostGroup', `the host group "${hostGroup}"`),
  ];
  for (const ln of hnv.logicalNetworks) {
    const site = `${ln.name}_0`;
    lnBody.push(
      `$ln = Get-SCLogicalNetwork -Name ${psq(ln.name)} -VMMServer $vmm`,
      'if ($ln) {',
      `    ${say(`Logical network ${ln.name} exists`)}`,
      '} else {',
      ...indent(
        change(ln.name, 'New-SCLogicalNetwork', [
          `$ln = New-SCLogicalNetwork -Name ${psq(ln.name)} -EnableNetworkVirtualization ${ln.networkVirtualization ? '$true' : '$false'} -UseGRE ${ln.networkVirtualization ? '$true' : '$false'} -LogicalNetworkDefinitionIsolation $false -IsPVLAN $false -VMMServer $vmm`,
        ]),
      ),
      '}',
      'if ($ln) {',
      ...indent([
        `$lnd = Get-SCLogicalNetworkDefinition -LogicalNetwork $ln -Name ${psq(site)} -VMMServer $vmm`,
        'if ($lnd) {',
        `    ${say(`Network site ${site} exists`)}`,
        '} else {',
        ...indent(
          change(site, `New-SCLogicalNetworkDefinition (${ln.subnets.join(', ')})`, [
            '$subnetVlans = @()',
            ...ln.subnets.map((s) => `$subnetVlans += New-SCSubnetVLan -Subnet ${psq(s)} -VLanID 0`),
            `$lnd = New-SCLogicalNetworkDefinition -Name ${psq(site)} -LogicalNetwork $ln -VMHostGroup $hostGroup -SubnetVLan $subnetVlans -VMMServer $vmm`,
          ]),
        ),
        '}',
        ...ln.ipPools.flatMap((p) => [
          `if (Get-SCStaticIPAddressPool -Name ${psq(p.name)} -VMMServer $vmm) {`,
          `    ${say(`IP pool ${p.name} exists`)}`,
          '} elseif ($lnd) {',
          ...indent(
            change(p.name, `New-SCStaticIPAddressPool ${p.start}-${p.end}`, [
              `$null = New-SCStaticIPAddressPool -Name ${psq(p.name)} -LogicalNetworkDefinition $lnd -Subnet ${psq(p.subnet)} -IPAddressRangeStart ${psq(p.start)} -IPAddressRangeEnd ${psq(p.end)} -VMMServer $vmm`,
            ]),
          ),
          '}',
        ]),
      ]),
      '}',
    );
  }
  if (hnv.logicalNetworks.length)
    steps.push(
      vmmStep(
        l,
        vmm,
        'Create the logical networks, their network sites and IP pools',
        'logical-networks.ps1',
        `Creates ${hnv.logicalNetworks.map((n) => n.name).join(', ')} in VMM.`,
        [
          'Seed 004: external, management and the HNV provider (PA) network, which allows network virtualization.',
        ],
        lnBody,
        {
          notes: [
            'The PA network needs "Allow new VM networks created on this logical network to use network virtualization": -EnableNetworkVirtualization sets it.',
          ],
        },
      ),
    );

  const vmnBody: string[] = [];
  for (const n of hnv.vmNetworks) {
    const ln = l.logicalNetworks.get(n.logicalNetwork)?.value;
    if (!ln) continue;
    vmnBody.push(
      `$ln = Get-SCLogicalNetwork -Name ${psq(ln.name)} -VMMServer $vmm`,
      ...prereq('-not $ln', `logical network ${ln.name} (previous step)`),
      `$vmn = Get-SCVMNetwork -Name ${psq(n.name)} -VMMServer $vmm`,
      'if ($vmn) {',
      `    ${say(`VM network ${n.name} exists`)}`,
      '} else {',
      ...indent(
        change(n.name, 'New-SCVMNetwork (Windows Network Virtualization)', [
          `$vmn = New-SCVMNetwork -Name ${psq(n.name)} -LogicalNetwork $ln -IsolationType WindowsNetworkVirtualization -CAIPAddressPoolType IPV4 -PAIPAddressPoolType IPV4 -VMMServer $vmm`,
        ]),
      ),
      '}',
      ...n.subnets.flatMap((s) => [
        `$vmSubnet = if ($vmn) { Get-SCVMSubnet -VMNetwork $vmn | Where-Object { $_.Name -eq ${psq(s.name)} } }`,
        `if ($vmn -and -not $vmSubnet) {`,
        ...indent(
          change(s.name, `New-SCVMSubnet ${s.prefix}`, [
            `$subnetVlan = New-SCSubnetVLan -Subnet ${psq(s.prefix)}`,
            `$vmSubnet = New-SCVMSubnet -Name ${psq(s.name)} -VMNetwork $vmn -SubnetVLan $subnetVlan -VMMServer $vmm`,
          ]),
        ),
        '} else {',
        `    ${say(`VM subnet ${s.name} exists (or its VM network is still to be created)`)}`,
        '}',
        // VMs in the subnet (and the gateway's NAT and S2S) get their customer addresses from this pool.
        ...(s.ipPool
          ? [
              `if (-not $vmSubnet) {`,
              `    ${say(`IP pool of ${s.name}: waits for the VM subnet`)}`,
              `} elseif (Get-SCStaticIPAddressPool -VMSubnet $vmSubnet -VMMServer $vmm) {`,
              `    ${say(`VM subnet ${s.name} has an IP pool`)}`,
              '} else {',
              ...indent(
                change(`${s.name} Pool`, `New-SCStaticIPAddressPool ${s.ipPool.start}-${s.ipPool.end}`, [
                  `$null = New-SCStaticIPAddressPool -Name ${psq(`${s.name} Pool`)} -VMSubnet $vmSubnet -Subnet ${psq(s.prefix)} -IPAddressRangeStart ${psq(s.ipPool.start)} -IPAddressRangeEnd ${psq(s.ipPool.end)} -VMMServer $vmm`,
                ]),
              ),
              '}',
            ]
          : []),
      ]),
    );
  }
  if (vmnBody.length)
    steps.push(
      vmmStep(
        l,
        vmm,
        'Create the tenant VM networks and their subnets',
        'vm-networks.ps1',
        `Creates the VM networks ${hnv.vmNetworks.map((n) => n.name).join(', ')}.`,
        [
          'Each is an isolated customer network, so their address spaces may overlap (seed 004: Adatum and Fabrikam both use 10.30.1.0/24).',
        ],
        vmnBody,
        {
          notes: [
            'VMM assigns the routing domain ids and VSIDs; compare them with the workspace (Get-SCVMSubnet | Format-Table Name, VMSubnetID) if you planned fixed ones: ' +
              hnv.vmNetworks.flatMap((n) => n.subnets.map((s) => `${s.name}=${s.vsid}`)).join(', '),
          ],
        },
      ),
    );

  for (const gw of hnv.gateways) {
    const host = l.hosts.get(gw.host)?.value;
    const vm = l.hosts.get(gw.gatewayVm)?.value;
    if (!host || !vm) continue;
    const cs =
      gw.connectionString ??
      buildConnectionString({
        vmHost: hostAddress(host),
        gatewayVm: vm.name,
        backendSwitch: gw.backendSwitch,
        directRoutingMode: gw.directRoutingMode,
      });
    const fe = l.logicalNetworks.get(gw.frontEnd.logicalNetwork)?.value;
    const be = l.logicalNetworks.get(gw.backEnd.logicalNetwork)?.value;
    steps.push(
      vmmStep(
        l,
        vmm,
        `Add the gateway "${gw.name}" as a VMM network service`,
        'network-service.ps1',
        `Adds ${vm.name} on ${host.name} as network service "${gw.name}" with connection string ${cs}.`,
        [
          'Seed 004 "Adding a Gateway to VMM": model Microsoft Windows Server Gateway, Run As account with admin rights on the gateway VM.',
          'The Run As account is created from a credential you type when it does not exist yet.',
        ],
        [
          `$ra = Get-SCRunAsAccount -Name ${psq(gw.runAsAccount)} -VMMServer $vmm`,
          'if (-not $ra) {',
          ...indent(
            change(gw.runAsAccount, 'New-SCRunAsAccount from a prompted credential', [
              `$cred = Get-Credential -Message ${psq(`Local administrator of ${vm.name} for Run As account "${gw.runAsAccount}"`)}`,
              // -NoValidation: the gateway VM is not in the domain, and VMM otherwise validates the credential as a domain account.
              `$ra = New-SCRunAsAccount -Name ${psq(gw.runAsAccount)} -Credential $cred -NoValidation -VMMServer $vmm`,
            ]),
          ),
          '}',
          `if (Get-SCNetworkService -Name ${psq(gw.name)} -VMMServer $vmm) {`,
          `    ${say(`Network service ${gw.name} exists`)}`,
          '} elseif ($ra) {',
          ...indent([
            `$provider = Get-SCConfigurationProvider -Name ${psq(PROVIDER)} -VMMServer $vmm`,
            ...prereq('-not $provider', `the VMM configuration provider "${PROVIDER}"`),
            `$hostGroup = Get-SCVMHostGroup -Name ${psq(gw.hostGroup)} -VMMServer $vmm`,
            '# No spaces in the connection string: VMM accepts them and the provider test then fails (KB 3012571).',
            ...change(gw.name, 'Add-SCNetworkService', [
              `$null = Add-SCNetworkService -Name ${psq(gw.name)} -RunAsAccount $ra -ConfigurationProvider $provider -VMHostGroup $hostGroup -ConnectionString ${psq(cs)} -VMMServer $vmm`,
            ]),
          ]),
          '}',
        ],
        {
          prerequisites: [
            `${host.name} marked in VMM as a gateway host; ${vm.name} deployed with the Remote Access role (Deploy VPN only), firewall off, adapters renamed ${gw.frontEnd.adapter}/${gw.backEnd.adapter}`,
          ],
          notes: [
            `Then in the VMM console: Fabric > Networking > Network Service > "${gw.name}" > Properties > Connectivity: enable the front end (adapter ${gw.frontEnd.adapter}, network site of ${fe?.name ?? gw.frontEnd.logicalNetwork}) and the back end (adapter ${gw.backEnd.adapter}, network site of ${be?.name ?? gw.backEnd.logicalNetwork}).`,
            'Check the provider test passes (Add Network Service wizard > Provider > Test) and the jobs succeed.',
          ],
        },
      ),
    );
  }

  const connBody: string[] = [];
  const networksWithGateway = [
    ...new Set([...hnv.natConnections, ...hnv.s2sConnections].map((c) => `${c.vmNetwork}|${c.gateway}`)),
  ];
  const s2sParams: string[] = [];
  for (const key of networksWithGateway) {
    const [vmnId, gwId] = key.split('|') as [string, string];
    const vmn = l.vmNetworks.get(vmnId)?.value;
    const gw = l.hnvGateways.get(gwId)?.value;
    if (!vmn || !gw) continue;
    const gwName = `${vmn.name}_Gateway`;
    const s2s = hnv.s2sConnections.filter((c) => c.vmNetwork === vmnId && c.gateway === gwId);
    const bgp = s2s.find((c) => c.bgp)?.bgp;
    const v = `$gw_${vmn.name.replace(/[^A-Za-z0-9]/g, '')}`;
    connBody.push(
      `$vmn = Get-SCVMNetwork -Name ${psq(vmn.name)} -VMMServer $vmm`,
      ...prereq('-not $vmn', `VM network ${vmn.name}`),
      // Any gateway of this VM network on this network service counts, whatever its name (made by hand or renamed).
      `${v} = Get-SCVMNetworkGateway -VMNetwork $vmn -VMMServer $vmm | Where-Object { $_.NetworkGateway.Name -eq ${psq(gw.name)} } | Select-Object -First 1`,
      `if (-not ${v}) {`,
      ...indent([
        `$device = Get-SCNetworkGateway -Name ${psq(gw.name)} -VMMServer $vmm`,
        ...prereq('-not $device', `the network service "${gw.name}" (previous step)`),
        ...change(gwName, `Add-SCVMNetworkGateway to ${vmn.name}`, [
          `${v} = Add-SCVMNetworkGateway -Name ${psq(gwName)} -VMNetwork $vmn -NetworkGateway $device${bgp ? ` -EnableBGP $true -AutonomousSystemNumber ${bgp.localAsn}` : ' -EnableBGP $false'} -VMMServer $vmm`,
        ]),
      ]),
      '}',
    );
    for (const nat of hnv.natConnections.filter((c) => c.vmNetwork === vmnId && c.gateway === gwId)) {
      connBody.push(
        // Under -WhatIf the gateway above is not created, so there is nothing to look in yet.
        `$natExisting = if (${v}) { Get-SCNATConnection -VMNetworkGateway ${v} -VMMServer $vmm | Select-Object -First 1 }`,
        `if (-not ${v}) {`,
        `    ${say(`NAT connection ${nat.name}: waits for the gateway ${gwName}`)}`,
        // A VM network gateway has one NAT connection: an existing one is kept whatever it is called.
        `} elseif ($natExisting) {`,
        `    Write-Host (${psq(`NAT connection for ${vmn.name} exists: `)} + $natExisting.Name)`,
        '} else {',
        ...indent(
          change(nat.name, `Add-SCNATConnection${nat.externalIp ? ` ${nat.externalIp}` : ''}`, [
            `$null = Add-SCNATConnection -Name ${psq(nat.name)} -VMNetworkGateway ${v}${nat.externalIp ? ` -ExternalIPAddress ${psq(nat.externalIp)}` : ''} -VMMServer $vmm`,
          ]),
        ),
        '}',
      );
    }
    for (const c of s2s) {
      const param = `Psk${c.id.replace(/[^A-Za-z0-9]/g, '')}`;
      const runAsName = `${c.name} PSK`;
      s2sParams.push(`[pscredential]$${param}`);
      connBody.push(
        `$pskAccount = Get-SCRunAsAccount -Name ${psq(runAsName)} -VMMServer $vmm`,
        'if (-not $pskAccount) {',
        ...indent(
          change(
            runAsName,
            `New-SCRunAsAccount holding the pre-shared key${c.pskRef ? ` (secret ${c.pskRef})` : ''}`,
            [
              `if (-not $${param}) { $${param} = Get-Credential -UserName 'psk' -Message ${psq(`Pre-shared key for ${c.name} (${c.targetAddress}) in the password field`)} }`,
              // -NoValidation: "psk" is a holder for the key, not an account VMM could validate.
              `$pskAccount = New-SCRunAsAccount -Name ${psq(runAsName)} -Credential $${param} -NoValidation -VMMServer $vmm`,
            ],
          ),
        ),
        '}',
        `$vpn = if (${v}) { Get-SCVPNConnection -VMNetworkGateway ${v} -VMMServer $vmm | Where-Object { $_.Name -eq ${psq(c.name)} } }`,
        `if (-not $vpn -and ${v} -and $pskAccount) {`,
        ...indent(
          change(c.name, `Add-SCVPNConnection IKEv2 PSK to ${c.targetAddress}`, [
            `$targetSplat = @{ TargetIPv4VPNAddress = ${psq(c.targetAddress)} }`,
            `$vpn = Add-SCVPNConnection @targetSplat -Name ${psq(c.name)} -VMNetworkGateway ${v} -Protocol ${c.protocol} -AuthenticationMethod ${c.authentication} -Secret $pskAccount -VMMServer $vmm`,
          ]),
        ),
        '} else {',
        `    ${say(`VPN connection ${c.name} exists (or its gateway is still to be created)`)}`,
        '}',
        ...c.routes.flatMap((r) => [
          `if ($vpn -and -not (Get-SCNetworkRoute -VMNetworkGateway ${v} -VMMServer $vmm | Where-Object { [string]$_.IPSubnet -eq ${psq(r)} })) {`,
          ...indent(
            change(`${r} via ${c.name}`, 'Add-SCNetworkRoute', [
              `$null = Add-SCNetworkRoute -IPSubnet ${psq(r)} -VPNConnection $vpn -VMNetworkGateway ${v} -VMMServer $vmm`,
            ]),
          ),
          '}',
        ]),
      );
    }
  }
  if (connBody.length)
    steps.push(
      vmmStep(
        l,
        vmm,
        'Connect the VM networks to the gateway: NAT and site-to-site VPN',
        'gateway-connections.ps1',
        'Adds the VM network gateways, NAT connections and IKEv2 site-to-site VPN connections with their routes.',
        [
          'The pre-shared key lives only in a VMM Run As account, created from a credential you type (password field = the key).',
        ],
        connBody,
        {
          params: s2sParams,
          notes: [
            ...hnv.natConnections.map(
              (n) =>
                `NAT ${n.name}: external address ${n.externalIp ?? '(VMM picks one from the pool)'} from pool "${n.pool.name}".`,
            ),
            ...hnv.s2sConnections
              .filter((c) => c.bgp)
              .map(
                (c) =>
                  `BGP for ${c.name}: add the peer ${c.bgp!.peerAddress} (AS ${c.bgp!.peerAsn}) in the VM network's VPN connection > Routes in the VMM console.`,
              ),
            'Test: from a VM in the network, ping an address behind the tunnel (seed 004: 10.30.50.101); the gateway dials on first traffic.',
          ],
        },
      ),
    );
  return steps;
}
