// A schema-valid workspace of about `nodes` topology nodes, for the layout test and the topology benchmark.
import { Workspace, type WorkspaceInput } from '../../shared/model/schema';

export function syntheticDocument(nodes: number): WorkspaceInput {
  const networks = 10;
  const subnetsPer = 40;
  const azureSubnets = 20;
  const fixed = 2 + networks + networks * subnetsPer + 1 + azureSubnets;
  const hosts = Math.max(0, nodes - fixed);
  return {
    schemaVersion: 1,
    name: `Synthetic estate (${nodes} nodes)`,
    sites: [
      { id: 'dc', name: 'Datacenter', kind: 'on-premises' },
      { id: 'az', name: 'Azure', kind: 'azure', azure: { resourceGroup: 'rg', region: 'westeurope' } },
    ],
    networks: Array.from({ length: networks }, (_, n) => ({
      id: `net${n}`,
      name: `Network ${n}`,
      site: 'dc',
      addressSpace: [`10.${n}.0.0/16`],
      subnets: Array.from({ length: subnetsPer }, (_, s) => ({
        id: `net${n}-s${s}`,
        name: `Subnet ${n}.${s}`,
        prefix: `10.${n}.${s}.0/24`,
      })),
    })),
    hosts: Array.from({ length: hosts }, (_, h) => {
      const n = h % networks;
      const s = Math.floor(h / networks) % subnetsPer;
      return {
        id: `host${h}`,
        name: `HOST${h}`,
        site: 'dc',
        roles: ['client-computer' as const],
        interfaces: [
          {
            name: 'Ethernet',
            subnet: `net${n}-s${s}`,
            address: `10.${n}.${s}.${10 + (Math.floor(h / (networks * subnetsPer)) % 240)}/24`,
          },
        ],
      };
    }),
    azure: {
      vnets: [
        {
          id: 'vnet',
          name: 'vnet-hub',
          site: 'az',
          addressSpace: ['10.200.0.0/16'],
          subnets: Array.from({ length: azureSubnets }, (_, s) => ({
            id: `az-s${s}`,
            name: `snet-${s}`,
            prefix: `10.200.${s}.0/24`,
          })),
        },
      ],
    },
  };
}

export function syntheticWorkspace(nodes: number): Workspace {
  return Workspace.parse(syntheticDocument(nodes));
}
