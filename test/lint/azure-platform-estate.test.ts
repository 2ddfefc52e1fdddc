// The six cases on a differently shaped estate than the example: a second region (East US 2), a 172.20/20
// VNet, a small CycleCloud subnet, a PolicyBased gateway to a legacy device, Storage allowed by its regional tag.
import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { FIXED_NOW, load, type Raw } from '../helpers/example';

function estate(): Raw {
  const rule = (name: string, priority: number, to: string, extra: Raw = {}) => ({ name, priority, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: [to], destinationPorts: ['443'], ...extra });
  return {
    schemaVersion: 1,
    name: 'fabrikam-research',
    sites: [
      { id: 'lab', name: 'Fabrikam lab', kind: 'on-premises' },
      { id: 'az-east', name: 'Azure East US 2', kind: 'azure', azure: { resourceGroup: 'rg-research', region: 'eastus2' } },
    ],
    networks: [{ id: 'lab-net', name: 'Lab', site: 'lab', addressSpace: ['192.168.40.0/22'], subnets: [{ id: 'lab-servers', name: 'Servers', prefix: '192.168.40.0/24', gateway: '192.168.40.1' }] }],
    hosts: [
      { id: 'cc1', name: 'CC1', site: 'az-east', roles: ['cyclecloud-server'], interfaces: [{ name: 'eth0', subnet: 'snet-cc', address: '172.20.1.10/26' }] },
    ],
    azure: {
      vnets: [
        {
          id: 'vnet-research',
          name: 'vnet-research-eastus2',
          site: 'az-east',
          addressSpace: ['172.20.0.0/20'],
          subnets: [
            { id: 'snet-cc', name: 'snet-cc', prefix: '172.20.1.0/26', nsg: 'nsg-cc', serviceEndpoints: ['Microsoft.Storage'] },
            { id: 'snet-nodes', name: 'snet-nodes', prefix: '172.20.4.0/22', purpose: 'cluster', serviceEndpoints: ['Microsoft.Storage'] },
            { id: 'snet-gw', name: 'GatewaySubnet', prefix: '172.20.15.224/27', purpose: 'gateway' },
          ],
        },
      ],
      nsgs: [
        {
          id: 'nsg-cc',
          name: 'nsg-cc',
          site: 'az-east',
          rules: [
            rule('AllowStorageRegion', 100, 'Storage.EastUS2'),
            rule('AllowEntra', 101, 'AzureActiveDirectory'),
            rule('AllowMonitor', 102, 'AzureMonitor'),
            rule('AllowArm', 103, 'AzureResourceManager'),
            { name: 'BlockOutbound', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', destinationPrefixes: ['Internet'] },
          ],
        },
      ],
      vpnGateways: [{ id: 'gw', name: 'vpngw-research', vnet: 'vnet-research', sku: 'Basic', vpnType: 'PolicyBased' }],
      localNetworkGateways: [{ id: 'lng-lab', name: 'lng-lab', site: 'az-east', represents: 'lab', gatewayIpAddress: '203.0.113.7', addressPrefixes: ['192.168.40.0/22'] }],
      connections: [{ id: 'cn-lab', name: 'cn-research-lab', vpnGateway: 'gw', localNetworkGateway: 'lng-lab', connectionProtocol: 'IKEv1', sharedKeyRef: 'lab-psk' }],
    },
    cycleCloud: [{ id: 'cc', name: 'CycleCloud', server: 'cc1', serverSubnet: 'snet-cc', clusterSubnets: ['snet-nodes'], lockedDown: true, returnProxy: true }],
    secrets: [{ name: 'lab-psk', kind: 'pre-shared-key' }],
  };
}

const azFindings = (raw: Raw) =>
  lintWorkspace(load(raw), { now: FIXED_NOW }).findings.filter((f) => /^(AZ|CC|NSG|NET)/.test(f.ruleId));

describe('a differently shaped estate', () => {
  it('is clean as drawn: a PolicyBased Basic gateway on IKEv1, and Storage.EastUS2 for an East US 2 site', () => {
    expect(azFindings(estate())).toEqual([]);
  });

  const cases: [string, (r: Raw) => void, string, RegExp][] = [
    ['a host at the network address', (r) => (r.hosts[0].interfaces[0].address = '172.20.1.0/26'), 'AZ001', /network address/],
    ['a host at .3', (r) => (r.hosts[0].interfaces[0].address = '172.20.1.3/26'), 'AZ001', /Azure DNS/],
    ['a host at the broadcast address', (r) => (r.hosts[0].interfaces[0].address = '172.20.1.63/26'), 'AZ001', /broadcast/],
    ['a /30 subnet', (r) => (r.azure.vnets[0].subnets[0].prefix = '172.20.1.0/30'), 'AZ002', /smaller than \/29/],
    ['IKEv2 on the PolicyBased gateway', (r) => (r.azure.connections[0].connectionProtocol = 'IKEv2'), 'AZ003', /supports IKEv1 only/],
    ['the gateway subnet named snet-gw', (r) => (r.azure.vnets[0].subnets[2].name = 'snet-gw'), 'AZ004', /its gateway subnet is named "snet-gw"/],
    ['two service tags in one rule', (r) => (r.azure.nsgs[0].rules[1].destinationPrefixes = ['AzureActiveDirectory', 'AzureMonitor']), 'AZ006', /lists 2 service tags/],
    ['a service tag with CIDRs', (r) => (r.azure.nsgs[0].rules[2].destinationPrefixes = ['AzureMonitor', '20.0.0.0/8']), 'AZ006', /mixes service tag AzureMonitor/],
    ["another region's Storage tag", (r) => (r.azure.nsgs[0].rules[0].destinationPrefixes = ['Storage.WestEurope']), 'CC001', /to Storage is denied by "BlockOutbound"/],
  ];
  for (const [what, mutate, id, message] of cases)
    it(`catches ${what} (${id})`, () => {
      const raw = estate();
      mutate(raw);
      const f = azFindings(raw).filter((x) => x.ruleId === id);
      expect(f.map((x) => x.message)).toEqual([expect.stringMatching(message)]);
      expect(f[0]!.severity).toBe('error');
    });
});
