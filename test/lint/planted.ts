// One planted mistake per rule, each a small edit of the lint-clean example. The "failing fixture" of every rule;
// the example itself is the passing fixture. Keyed by rule id so a test can insist every rule has one.
import { byId, type Raw } from '../helpers/example';

const rule = (raw: Raw, nsgId: string, name: string): Raw =>
  byId<{ id: string; rules: { name: string }[] } & Raw>(raw.azure.nsgs, nsgId).rules.find(
    (r: { name: string }) => r.name === name,
  );
const host = (raw: Raw, id: string): Raw => byId(raw.hosts, id);
const cert = (raw: Raw, id: string): Raw => byId(raw.certificates, id);

export interface Plant {
  /** What an admin did wrong, in words. */
  what: string;
  mutate(raw: Raw): void;
  /** The path the finding must point at (a prefix is enough). */
  pathPrefix: (string | number)[];
}

export const PLANTED: Record<string, Plant> = {
  RET001: {
    // The seed-era example already carries it (Azure Connect, worker-role nodes, a management certificate).
    what: 'the License Link rides on Azure Connect',
    mutate: (r) => (r.licenseLinks[0].ipv6Transport = 'azure-connect'),
    pathPrefix: ['licenseLinks', 0, 'ipv6Transport'],
  },
  WS001: {
    what: 'two hosts share an id',
    mutate: (r) => (host(r, 'hv02').id = 'hv01'),
    pathPrefix: ['hosts'],
  },
  WS002: {
    what: 'the License Link names a junction box that does not exist',
    mutate: (r) => (r.licenseLinks[0].junctionBox = 'jb99'),
    pathPrefix: ['licenseLinks', 0, 'junctionBox'],
  },
  WS003: {
    what: 'a VPN connection references an undeclared secret',
    mutate: (r) => (r.azure.connections[0].sharedKeyRef = 'typo-psk'),
    pathPrefix: ['azure', 'connections', 0, 'sharedKeyRef'],
  },
  WS004: {
    what: 'an Azure site without its subscription details',
    mutate: (r) => delete r.sites[1].azure,
    pathPrefix: ['sites', 1],
  },
  NET001: {
    what: 'the Azure VNet claims part of the corporate LAN',
    mutate: (r) => r.azure.vnets[0].addressSpace.push('10.10.128.0/17'),
    pathPrefix: [],
  },
  NET002: {
    what: 'a subnet outside its VNet',
    mutate: (r) => (r.azure.vnets[0].subnets[0].prefix = '10.60.1.0/24'),
    pathPrefix: ['azure', 'vnets', 0, 'subnets', 0, 'prefix'],
  },
  RT001: {
    what: 'the gateway VM has two default gateways with the same metric',
    mutate: (r) => (host(r, 'gwvm01').interfaces[1].routeMetric = 200),
    pathPrefix: ['hosts'],
  },
  RT002: {
    what: "the gateway VM's management default route wins",
    mutate: (r) => (host(r, 'gwvm01').interfaces[1].routeMetric = 100),
    pathPrefix: ['hosts'],
  },
  FLOW001: {
    what: "CycleCloud's deny-Internet NSG on the subnet of the License Link nodes, whose tunnel needs outbound 443",
    mutate: (r) => (byId<Raw>(r.azure.vnets[0].subnets, 'snet-compute').nsg = 'nsg-cluster'),
    pathPrefix: ['azure', 'nsgs', 1, 'rules'],
  },
  FLOW002: {
    what: 'an intent that CycleCloud reaches the Internet, which its locked-down NSG blocks',
    mutate: (r) => (r.intents = [{ from: 'cc01', to: 'Internet', port: 443, expect: 'reachable', why: 'updates' }]),
    pathPrefix: ['intents', 0],
  },
  RT003: {
    what: 'a static route via a router on no local subnet',
    mutate: (r) => (host(r, 'gwvm01').staticRoutes[0].nextHop = '10.9.9.1'),
    pathPrefix: ['hosts'],
  },
  RT004: {
    what: 'a default gateway outside the subnet',
    mutate: (r) => (host(r, 'hn01').interfaces[0].defaultGateway = '10.10.2.1'),
    pathPrefix: ['hosts', 0, 'interfaces', 0, 'defaultGateway'],
  },
  NSG001: {
    what: 'an NSG priority below 100',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowClusterAmqp').priority = 50),
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  NSG002: {
    what: 'two outbound rules with priority 101',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowAzureMonitor').priority = 101),
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  NSG003: {
    what: 'a rule made redundant by an earlier one',
    mutate: (r) =>
      byId<Raw>(r.azure.nsgs, 'nsg-cluster').rules.push({
        name: 'AllowStorageAgain',
        priority: 130,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        destinationPrefixes: ['Storage'],
        destinationPorts: ['443'],
      }),
    pathPrefix: ['azure', 'nsgs', 1, 'rules', 3],
  },
  NSG004: {
    what: 'two rules with one name',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowAzureMonitor').name = 'AllowAzureStorage'),
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  CC001: {
    what: 'the AzureResourceManager allow is missing',
    mutate: (r) => {
      const n = byId<Raw>(r.azure.nsgs, 'nsg-cyclecloud');
      n.rules = n.rules.filter((x: { name: string }) => x.name !== 'AllowAzureRM');
    },
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  CC002: {
    what: 'no deny to Internet',
    mutate: (r) => {
      const n = byId<Raw>(r.azure.nsgs, 'nsg-cyclecloud');
      n.rules = n.rules.filter((x: { name: string }) => x.name !== 'BlockOutbound');
    },
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  CC003: {
    what: 'the ARM allow sits after the Internet deny',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowAzureRM').priority = 4001),
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  CC004: {
    what: 'cluster nodes are denied inbound to CycleCloud',
    mutate: (r) =>
      byId<Raw>(r.azure.nsgs, 'nsg-cyclecloud').rules.push({
        name: 'DenyClusterSubnet',
        priority: 150,
        direction: 'Inbound',
        access: 'Deny',
        protocol: '*',
        sourcePrefixes: ['10.50.4.0/22'],
      }),
    pathPrefix: ['azure', 'nsgs', 0, 'rules'],
  },
  CC005: {
    what: 'the cluster subnet lacks the Storage service endpoint',
    mutate: (r) => (r.azure.vnets[0].subnets[2].serviceEndpoints = []),
    pathPrefix: ['azure', 'vnets', 0, 'subnets', 2, 'serviceEndpoints'],
  },
  CERT001: {
    what: 'an expired TLS certificate',
    mutate: (r) => (cert(r, 'cert-rdgw-tls').notAfter = '2026-11-01T00:00:00Z'),
    pathPrefix: ['certificates', 2, 'notAfter'],
  },
  CERT002: {
    what: 'Remote Console certificate without digital signature',
    mutate: (r) => (cert(r, 'cert-remote-console').keyUsage = ['keyEncipherment']),
    pathPrefix: ['certificates', 1, 'keyUsage'],
  },
  CERT003: {
    what: 'Remote Console certificate with the Server Authentication EKU (New-SelfSignedCertificate default)',
    mutate: (r) => (cert(r, 'cert-remote-console').extendedKeyUsage = ['1.3.6.1.5.5.7.3.1']),
    pathPrefix: ['certificates', 1, 'extendedKeyUsage'],
  },
  CERT004: {
    what: 'Remote Console certificate signed with SHA-1',
    mutate: (r) => (cert(r, 'cert-remote-console').signatureHash = 'sha1'),
    pathPrefix: ['certificates', 1, 'signatureHash'],
  },
  CERT005: {
    what: 'a 1024-bit key',
    mutate: (r) => (cert(r, 'cert-hpc-mgmt').keySize = 1024),
    pathPrefix: ['certificates', 0, 'keySize'],
  },
  CERT006: {
    what: 'a thumbprint pasted with spaces',
    mutate: (r) =>
      (cert(r, 'cert-hpc-mgmt').thumbprint = '3b 7e 01 9a 55 10 aa 9c 8d 00 12 34 56 78 9a bc de f0 12 34'),
    pathPrefix: ['certificates', 0, 'thumbprint'],
  },
  CERT007: {
    what: 'HPC Pack 2012 RTM head node without the certificate in Current User\\Personal',
    mutate: (r) => {
      const c = cert(r, 'cert-hpc-mgmt');
      c.placements = c.placements.filter(
        (p: { host: string; store: string }) => !(p.host === 'hn01' && p.store === 'CurrentUser\\My'),
      );
    },
    pathPrefix: ['certificates', 0, 'placements'],
  },
  CERT008: {
    what: 'the .pfx imported into Trusted Root',
    mutate: (r) => (cert(r, 'cert-hpc-mgmt').placements[1].form = 'pfx'),
    pathPrefix: ['certificates', 0, 'placements', 1, 'form'],
  },
  CERT009: {
    what: 'RD Gateway TLS certificate for another name',
    mutate: (r) =>
      Object.assign(cert(r, 'cert-rdgw-tls'), {
        subject: 'CN=gw.fabrikam.com',
        subjectAltNames: ['gw.fabrikam.com'],
      }),
    pathPrefix: ['certificates', 2],
  },
  LL001: {
    what: 'the junction box joined to the domain',
    mutate: (r) => (host(r, 'jb01').domain = { joined: true, name: 'contoso.com' }),
    pathPrefix: ['hosts', 3, 'domain', 'joined'],
  },
  LL002: {
    what: 'the relay account is an administrator',
    mutate: (r) => (r.licenseLinks[0].relayAccount.administrator = true),
    pathPrefix: ['licenseLinks', 0, 'relayAccount', 'administrator'],
  },
  LL003: {
    what: 'node VPN configured by hand',
    mutate: (r) => (r.licenseLinks[0].nodeSetup.delivery = 'manual'),
    pathPrefix: ['licenseLinks', 0, 'nodeSetup', 'delivery'],
  },
  LL004: {
    what: 'an IPv6 client prefix with two groups',
    mutate: (r) => (r.licenseLinks[0].ipv6Prefix = '2011:1234::'),
    pathPrefix: ['licenseLinks', 0, 'ipv6Prefix'],
  },
  LL005: {
    what: 'the junction box lives in Azure with no leg on the license network',
    mutate: (r) => {
      const jb = host(r, 'jb01');
      jb.site = 'azure-hpc';
      jb.interfaces = [{ name: 'Ethernet', subnet: 'snet-compute', address: '10.50.1.10/24' }];
    },
    pathPrefix: ['licenseLinks', 0, 'junctionBox'],
  },
  HNV001: {
    what: 'a reserved VSID',
    mutate: (r) => (r.hnv.vmNetworks[0].subnets[0].vsid = 100),
    pathPrefix: ['hnv', 'vmNetworks', 0, 'subnets', 0, 'vsid'],
  },
  HNV002: {
    what: 'two tenants with one VSID',
    mutate: (r) => (r.hnv.vmNetworks[1].subnets[0].vsid = 5001),
    pathPrefix: ['hnv', 'vmNetworks', 1, 'subnets', 0, 'vsid'],
  },
  HNV003: {
    what: 'a connection string with a space and a misspelt key',
    mutate: (r) =>
      (r.hnv.gateways[0].connectionString =
        'VMHost=hvgw01.contoso.com; GatewayVm=GatewayVM01;BackendSwitch=HNV-Switch'),
    pathPrefix: ['hnv', 'gateways', 0, 'connectionString'],
  },
  HNV004: {
    what: 'a NAT address outside the external pool',
    mutate: (r) => (r.hnv.natConnections[0].externalIp = '77.233.248.200'),
    pathPrefix: ['hnv', 'natConnections', 0, 'externalIp'],
  },
  HNV005: {
    what: 'a site-to-site connection without a key',
    mutate: (r) => delete r.hnv.s2sConnections[0].pskRef,
    pathPrefix: ['hnv', 's2sConnections', 0],
  },
  HNV006: {
    what: 'the HNV gateway on a virtual host',
    mutate: (r) => (host(r, 'hvgw01').physical = false),
    pathPrefix: ['hnv', 'gateways', 0, 'host'],
  },
  AZ001: {
    what: "the CycleCloud VM at its Azure subnet's .1 (Azure's default gateway)",
    mutate: (r) => (host(r, 'cc01').interfaces[0].address = '10.50.2.1/24'),
    pathPrefix: ['hosts', 11, 'interfaces', 0, 'address'],
  },
  AZ002: {
    what: 'a /30 GatewaySubnet',
    mutate: (r) => (r.azure.vnets[0].subnets[3].prefix = '10.50.255.0/30'),
    pathPrefix: ['azure', 'vnets', 0, 'subnets', 3, 'prefix'],
  },
  AZ003: {
    what: 'a PolicyBased VPN gateway with an IKEv2 connection',
    mutate: (r) => (r.azure.vpnGateways[0].vpnType = 'PolicyBased'),
    pathPrefix: ['azure', 'connections', 0, 'connectionProtocol'],
  },
  AZ004: {
    what: "the VPN gateway's subnet named snet-gateway",
    mutate: (r) => (r.azure.vnets[0].subnets[3].name = 'snet-gateway'),
    pathPrefix: ['azure', 'vnets', 0, 'subnets', 3, 'name'],
  },
  AZ005: {
    what: 'an NSG on GatewaySubnet',
    mutate: (r) => (r.azure.vnets[0].subnets[3].nsg = 'nsg-cluster'),
    pathPrefix: ['azure', 'vnets', 0, 'subnets', 3, 'nsg'],
  },
  AZ006: {
    what: 'one NSG rule allowing two service tags',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowAzureStorage').destinationPrefixes = ['Storage', 'AzureMonitor']),
    pathPrefix: ['azure', 'nsgs', 0, 'rules', 0, 'destinationPrefixes'],
  },
  AZ007: {
    what: 'a regional form of AzureActiveDirectory, which has none',
    mutate: (r) =>
      (rule(r, 'nsg-cyclecloud', 'AllowActiveDirectory').destinationPrefixes = ['AzureActiveDirectory.WestEurope']),
    pathPrefix: ['azure', 'nsgs', 0, 'rules', 1, 'destinationPrefixes', 0],
  },
  AZ008: {
    what: 'a port range written high to low',
    mutate: (r) => (byId<Raw>(r.azure.nsgs, 'nsg-cluster').rules[0].destinationPorts = ['9443-5672']),
    pathPrefix: ['azure', 'nsgs', 1, 'rules', 0, 'destinationPorts', 0],
  },
  AZ009: {
    what: 'an NSG rule name with spaces',
    mutate: (r) => (rule(r, 'nsg-cyclecloud', 'AllowAzureRM').name = 'Allow Azure RM'),
    pathPrefix: ['azure', 'nsgs', 0, 'rules', 3, 'name'],
  },
  AZ010: {
    what: 'a VirtualAppliance route without the appliance address',
    mutate: (r) => (r.azure.routeTables[0].routes[0].nextHopType = 'VirtualAppliance'),
    pathPrefix: ['azure', 'routeTables', 0, 'routes', 0],
  },
  AZ011: {
    what: 'the on-premises device peering with ASN 65515, which Azure keeps for its gateways',
    mutate: (r) => (r.azure.localNetworkGateways[0].bgp = { asn: 65515, peeringAddress: '10.0.0.1' }),
    pathPrefix: ['azure', 'localNetworkGateways', 0, 'bgp', 'asn'],
  },
  AZ012: {
    what: 'a VNet address space including link-local 169.254.0.0/16',
    mutate: (r) => r.azure.vnets[0].addressSpace.push('169.254.0.0/16'),
    pathPrefix: ['azure', 'vnets', 0, 'addressSpace', 1],
  },
  AZ013: {
    what: "a custom IPsec/IKE policy on a Basic gateway's connection",
    mutate: (r) => (r.azure.vpnGateways[0].sku = 'Basic'),
    pathPrefix: ['azure', 'connections', 0, 'ipsecPolicy'],
  },
};
