// One pass over a workspace that answers "what is this id, and where does it live in the document?".
// Lint rules, generators and the reachability engine all start from here instead of re-scanning arrays.
import type { DocPath } from './path';
import type {
  AzureSubnet,
  Certificate,
  CycleCloud,
  Host,
  HnvGateway,
  LicenseLink,
  LogicalNetwork,
  Network,
  Nsg,
  RouteTable,
  Site,
  VNet,
  VmNetwork,
  Workspace,
} from './schema';
import type { z } from 'zod';
import type { NetworkSubnet, VpnGateway, LocalNetworkGateway, VpnConnection } from './schema';

export type SubnetEntry =
  | {
      kind: 'on-premises';
      id: string;
      subnet: z.infer<typeof NetworkSubnet>;
      network: Network;
      site: string;
      path: DocPath;
    }
  | { kind: 'azure'; id: string; subnet: AzureSubnet; vnet: VNet; site: string; path: DocPath };

export interface Entry<T> {
  readonly value: T;
  readonly path: DocPath;
}

export interface Lookup {
  readonly ws: Workspace;
  readonly sites: Map<string, Entry<Site>>;
  readonly networks: Map<string, Entry<Network>>;
  readonly subnets: Map<string, SubnetEntry>;
  readonly hosts: Map<string, Entry<Host>>;
  readonly vnets: Map<string, Entry<VNet>>;
  readonly nsgs: Map<string, Entry<Nsg>>;
  readonly routeTables: Map<string, Entry<RouteTable>>;
  readonly vpnGateways: Map<string, Entry<z.infer<typeof VpnGateway>>>;
  readonly localNetworkGateways: Map<string, Entry<z.infer<typeof LocalNetworkGateway>>>;
  readonly connections: Map<string, Entry<z.infer<typeof VpnConnection>>>;
  readonly licenseLinks: Map<string, Entry<LicenseLink>>;
  readonly logicalNetworks: Map<string, Entry<LogicalNetwork>>;
  readonly vmNetworks: Map<string, Entry<VmNetwork>>;
  readonly hnvGateways: Map<string, Entry<HnvGateway>>;
  readonly cycleClouds: Map<string, Entry<CycleCloud>>;
  readonly certificates: Map<string, Entry<Certificate>>;
  readonly secrets: Set<string>;
  /** Every id in the workspace with all the places it is declared (more than one is a lint error). */
  readonly declarations: Map<string, DocPath[]>;
}

function collect<T extends { id: string }>(
  items: readonly T[],
  base: DocPath,
  declarations: Map<string, DocPath[]>,
): Map<string, Entry<T>> {
  const out = new Map<string, Entry<T>>();
  items.forEach((value, i) => {
    const path = [...base, i];
    const seen = declarations.get(value.id);
    if (seen) seen.push(path);
    else declarations.set(value.id, [path]);
    if (!out.has(value.id)) out.set(value.id, { value, path });
  });
  return out;
}

export function buildLookup(ws: Workspace): Lookup {
  const declarations = new Map<string, DocPath[]>();
  const sites = collect(ws.sites, ['sites'], declarations);
  const networks = collect(ws.networks, ['networks'], declarations);
  const vnets = collect(ws.azure.vnets, ['azure', 'vnets'], declarations);
  const subnets = new Map<string, SubnetEntry>();
  const declare = (id: string, path: DocPath) => {
    const seen = declarations.get(id);
    if (seen) seen.push(path);
    else declarations.set(id, [path]);
  };
  ws.networks.forEach((network, n) =>
    network.subnets.forEach((subnet, s) => {
      const path = ['networks', n, 'subnets', s];
      declare(subnet.id, path);
      if (!subnets.has(subnet.id))
        subnets.set(subnet.id, {
          kind: 'on-premises',
          id: subnet.id,
          subnet,
          network,
          site: network.site,
          path,
        });
    }),
  );
  ws.azure.vnets.forEach((vnet, v) =>
    vnet.subnets.forEach((subnet, s) => {
      const path = ['azure', 'vnets', v, 'subnets', s];
      declare(subnet.id, path);
      if (!subnets.has(subnet.id))
        subnets.set(subnet.id, { kind: 'azure', id: subnet.id, subnet, vnet, site: vnet.site, path });
    }),
  );
  // Declared for duplicate-id checks only; rules read them from the workspace directly.
  collect(ws.hnv.natConnections, ['hnv', 'natConnections'], declarations);
  collect(ws.hnv.s2sConnections, ['hnv', 's2sConnections'], declarations);
  return {
    ws,
    sites,
    networks,
    subnets,
    vnets,
    hosts: collect(ws.hosts, ['hosts'], declarations),
    nsgs: collect(ws.azure.nsgs, ['azure', 'nsgs'], declarations),
    routeTables: collect(ws.azure.routeTables, ['azure', 'routeTables'], declarations),
    vpnGateways: collect(ws.azure.vpnGateways, ['azure', 'vpnGateways'], declarations),
    localNetworkGateways: collect(
      ws.azure.localNetworkGateways,
      ['azure', 'localNetworkGateways'],
      declarations,
    ),
    connections: collect(ws.azure.connections, ['azure', 'connections'], declarations),
    licenseLinks: collect(ws.licenseLinks, ['licenseLinks'], declarations),
    logicalNetworks: collect(ws.hnv.logicalNetworks, ['hnv', 'logicalNetworks'], declarations),
    vmNetworks: collect(ws.hnv.vmNetworks, ['hnv', 'vmNetworks'], declarations),
    hnvGateways: collect(ws.hnv.gateways, ['hnv', 'gateways'], declarations),
    cycleClouds: collect(ws.cycleCloud, ['cycleCloud'], declarations),
    certificates: collect(ws.certificates, ['certificates'], declarations),
    secrets: new Set(ws.secrets.map((s) => s.name)),
    declarations,
  };
}

export function hostsWithRole(l: Lookup, role: Host['roles'][number]): Entry<Host>[] {
  return [...l.hosts.values()].filter((h) => h.value.roles.includes(role));
}
