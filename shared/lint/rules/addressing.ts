// Address plans. Networks joined by routing or a VPN must not overlap, or one side's traffic for the other is
// delivered locally. HNV VM networks are the exception: each is its own routing domain (seed 004 shows Adatum
// and Fabrikam both on 10.30.1.0/24), so they are left out of the joined graph and only checked internally.
import Graph from 'graphology';
import { connectedComponents } from 'graphology-components';
import type { FindingDraft, Rule } from '../types';
import type { DocPath } from '../../model/path';
import type { Lookup } from '../../model/lookup';
import { addressRange, contains, overlaps, rangesOverlap, toRange, type AddressRange } from '../../net/cidr';
import { formatPath } from '../../model/path';

interface Space {
  owner: string; // graph node: "site:<id>" or "vnet:<id>"
  label: string;
  text: string; // as the admin wrote it: a prefix or "start–end"
  range: AddressRange;
  path: DocPath;
  /** An RRAS pool inside the junction box's own subnet is answered by proxy ARP: it may sit in that network. */
  onLinkIn?: string;
}

const space = (owner: string, label: string, prefix: string, path: DocPath): Space => ({
  owner,
  label,
  text: prefix,
  range: toRange(prefix),
  path,
});

/** Which routing domains are joined: all networks of one site, a VNet, and the links between them. */
export function joinedDomains(l: Lookup): { graph: Graph; spaces: Space[] } {
  const g = new Graph({ type: 'undirected', multi: true });
  const node = (k: string) => {
    if (!g.hasNode(k)) g.addNode(k);
    return k;
  };
  const spaces: Space[] = [];
  l.ws.networks.forEach((n, i) =>
    n.addressSpace.forEach((p, j) =>
      spaces.push(space(node(`site:${n.site}`), `network "${n.id}"`, p, ['networks', i, 'addressSpace', j])),
    ),
  );
  l.ws.azure.vnets.forEach((v, i) =>
    v.addressSpace.forEach((p, j) =>
      spaces.push(space(node(`vnet:${v.id}`), `VNet "${v.id}"`, p, ['azure', 'vnets', i, 'addressSpace', j])),
    ),
  );
  for (const c of l.ws.azure.connections) {
    const gw = l.vpnGateways.get(c.vpnGateway)?.value;
    const lng = l.localNetworkGateways.get(c.localNetworkGateway)?.value;
    if (gw && lng) g.addEdge(node(`vnet:${gw.vnet}`), node(`site:${lng.represents}`));
  }
  const domainOfHost = (hostId: string): string | undefined => {
    const h = l.hosts.get(hostId)?.value;
    const nic = h?.interfaces[0];
    const s = nic ? l.subnets.get(nic.subnet) : undefined;
    if (!s) return h ? `site:${h.site}` : undefined;
    return s.kind === 'azure' ? `vnet:${s.vnet.id}` : `site:${s.site}`;
  };
  l.ws.licenseLinks.forEach((ll, i) => {
    const onLink = l.hosts
      .get(ll.junctionBox)
      ?.value.interfaces.map((n) => l.subnets.get(n.subnet))
      .find(
        (s) =>
          s &&
          contains(s.subnet.prefix, ll.vpn.clientAddressPool.start) &&
          contains(s.subnet.prefix, ll.vpn.clientAddressPool.end),
      );
    const a = domainOfHost(ll.nodeGroup);
    const b = domainOfHost(ll.licenseServer);
    if (a && b) g.addEdge(node(a), node(b));
    const pool = ll.vpn.clientAddressPool;
    // The L2TP client pool is a network of its own on the license-server side of the link.
    if (b)
      spaces.push({
        owner: node(b),
        label: `License Link "${ll.id}" client pool`,
        text: `${pool.start}–${pool.end}`,
        range: addressRange(pool.start, pool.end),
        path: ['licenseLinks', i, 'vpn', 'clientAddressPool'],
        onLinkIn: onLink
          ? onLink.kind === 'azure'
            ? `VNet "${onLink.vnet.id}"`
            : `network "${onLink.network.id}"`
          : undefined,
      });
  });
  return { graph: g, spaces };
}

export const overlappingJoinedNetworks: Rule = {
  id: 'NET001',
  name: 'overlapping-joined-networks',
  severity: 'error',
  seeds: ['000', '004'],
  title: 'Networks joined by routing or VPN do not overlap',
  explanation:
    'When two joined networks share addresses, packets for the far side are delivered locally: the license server or the on-premises subnet is unreachable from Azure although the tunnel is up. Only isolated HNV VM networks may reuse address space.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const { graph, spaces } = joinedDomains(l);
    const componentOf = new Map<string, number>();
    connectedComponents(graph).forEach((nodes, i) => nodes.forEach((n) => componentOf.set(n, i)));
    for (let a = 0; a < spaces.length; a++) {
      for (let b = a + 1; b < spaces.length; b++) {
        const x = spaces[a]!;
        const y = spaces[b]!;
        if (x.label === y.label || componentOf.get(x.owner) !== componentOf.get(y.owner)) continue;
        if (x.onLinkIn === y.label || y.onLinkIn === x.label) continue;
        if (rangesOverlap(x.range, y.range)) {
          out.push({
            message: `${y.label} (${y.text}) overlaps ${x.label} (${x.text}), and the two are joined by routing or a VPN`,
            path: y.path,
            fix: `renumber one of them so ${y.text} and ${x.text} are disjoint (see ${formatPath(x.path)})`,
          });
        }
      }
    }
    // A local network gateway describes the on-premises side; it must not claim the VNet's own space.
    l.ws.azure.connections.forEach((c) => {
      const gw = l.vpnGateways.get(c.vpnGateway)?.value;
      const lngEntry = l.localNetworkGateways.get(c.localNetworkGateway);
      const vnet = gw ? l.vnets.get(gw.vnet)?.value : undefined;
      if (!lngEntry || !vnet) return;
      lngEntry.value.addressPrefixes.forEach((p, j) => {
        const clash = vnet.addressSpace.find((v) => overlaps(v, p));
        if (clash)
          out.push({
            message: `local network gateway "${lngEntry.value.id}" advertises ${p}, which overlaps VNet "${vnet.id}" (${clash})`,
            path: [...lngEntry.path, 'addressPrefixes', j],
            fix: 'list only the on-premises prefixes behind the gateway',
          });
      });
    });
    return out;
  },
};

export const subnetWithinSpace: Rule = {
  id: 'NET002',
  name: 'subnet-outside-address-space',
  severity: 'error',
  seeds: ['002', '004'],
  title: "Subnets lie inside their network's address space and do not overlap each other",
  explanation:
    'Azure rejects a subnet outside the VNet address space, and two overlapping subnets make routing ambiguous on premises.',
  sources: [
    {
      title: 'Azure Virtual Network FAQ: subnet address spaces cannot overlap; a subnet needs space in the VNet range',
      url: 'https://learn.microsoft.com/en-us/azure/virtual-network/virtual-networks-faq',
    },
  ],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const check = (
      space: readonly string[],
      subnets: readonly { id: string; prefix: string }[],
      base: DocPath,
      owner: string,
    ) => {
      subnets.forEach((s, j) => {
        if (!space.some((p) => contains(p, s.prefix)))
          out.push({
            message: `subnet "${s.id}" (${s.prefix}) is outside the address space of ${owner} (${space.join(', ')})`,
            path: [...base, 'subnets', j, 'prefix'],
            fix: `choose a prefix inside ${space.join(' or ')}, or widen the address space`,
          });
        for (let k = 0; k < j; k++) {
          const t = subnets[k]!;
          if (overlaps(t.prefix, s.prefix))
            out.push({
              message: `subnet "${s.id}" (${s.prefix}) overlaps subnet "${t.id}" (${t.prefix})`,
              path: [...base, 'subnets', j, 'prefix'],
              fix: 'make the subnets disjoint',
            });
        }
      });
    };
    l.ws.networks.forEach((n, i) => check(n.addressSpace, n.subnets, ['networks', i], `network "${n.id}"`));
    l.ws.azure.vnets.forEach((v, i) =>
      check(v.addressSpace, v.subnets, ['azure', 'vnets', i], `VNet "${v.id}"`),
    );
    return out;
  },
};

export const ADDRESSING_RULES: readonly Rule[] = [overlappingJoinedNetworks, subnetWithinSpace];
