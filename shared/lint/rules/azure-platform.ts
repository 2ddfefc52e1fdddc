// What Azure itself refuses or quietly breaks, caught offline. In an air-gapped workflow the Azure side is applied days
// later by someone else; a resource ARM rejects then restarts the whole edit–lint–bundle–carry–apply round trip.
// Errors are constraints ARM enforces when the resource is written; warnings are configurations ARM accepts but that
// Microsoft documents as not working. Each rule cites the page it comes from (docs/rules.md shows them).
import type { FindingDraft, Rule } from '../types';
import type { Lookup } from '../../model/lookup';
import type { DocPath } from '../../model/path';
import { addressOf, contains, isValidCidr, overlaps, toRange } from '../../net/cidr';
import { isTag, parseTag, REGIONAL_TAGS } from '../../nsg/tags';
import { parsePortRange } from '../../nsg/evaluate';
import ipaddr from 'ipaddr.js';

const LEARN = 'https://learn.microsoft.com/en-us/azure';
const SRC = {
  vnetFaqReserved: {
    title: 'Azure Virtual Network FAQ: restrictions on IP addresses within subnets',
    url: `${LEARN}/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets`,
  },
  vnetFaqSize: {
    title: 'Azure Virtual Network FAQ: how small and how large can virtual networks and subnets be',
    url: `${LEARN}/virtual-network/virtual-networks-faq#how-small-and-how-large-can-virtual-networks-and-subnets-be`,
  },
  nsgRules: {
    title: 'Azure network security groups overview: security rules',
    url: `${LEARN}/virtual-network/network-security-groups-overview#security-rules`,
  },
  serviceTags: {
    title: 'Azure service tags overview: available service tags (Regional column)',
    url: `${LEARN}/virtual-network/service-tags-overview#available-service-tags`,
  },
  nameRules: {
    title: 'Naming rules and restrictions for Azure resources: Microsoft.Network',
    url: `${LEARN}/azure-resource-manager/management/resource-name-rules#microsoftnetwork`,
  },
  policyBasedIke: {
    title: 'Connect your on-premises network to Azure with VPN Gateway: policy-based VPNs support IKEv1 only',
    url: 'https://learn.microsoft.com/en-us/training/modules/connect-on-premise-network-with-vpn-gateway/2-connect-on-premise-networks-to-azure-using-site-to-site-vpn-gateways',
  },
  gatewayRequirements: {
    title: 'About VPN Gateway configuration settings: gateway requirements (policy-based: no BGP)',
    url: `${LEARN}/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#requirements`,
  },
  gatewaySubnet: {
    title: "About VPN Gateway configuration settings: the gateway subnet must be named 'GatewaySubnet'",
    url: `${LEARN}/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub`,
  },
  vnetFaqRanges: {
    title: 'Azure Virtual Network FAQ: what address ranges can I use in my virtual networks',
    url: `${LEARN}/virtual-network/virtual-networks-faq#what-address-ranges-can-i-use-in-my-virtual-networks`,
  },
  vpnFaqBgp: {
    title: 'VPN Gateway FAQ: BGP (SKUs, policy-based gateways, reserved ASNs)',
    url: `${LEARN}/vpn-gateway/vpn-gateway-vpn-faq#bgp`,
  },
  ipsecPolicy: {
    title: 'Configure custom IPsec/IKE connection policies: considerations (gateway SKUs)',
    url: `${LEARN}/vpn-gateway/ipsec-ike-policy-howto`,
  },
  udr: {
    title: 'Virtual network traffic routing: user-defined routes and next hop types',
    url: `${LEARN}/virtual-network/virtual-networks-udr-overview#user-defined`,
  },
} as const;

// ── Subnets and addresses ─────────────────────────────────────────────────────────────────────────────────────

/** The five addresses Azure keeps in every IPv4 subnet: network, .1 (gateway), .2–.3 (DNS), broadcast. */
export function reservedRole(prefix: string, address: string): string | undefined {
  const r = toRange(prefix);
  if (r.version !== 4 || !contains(prefix, address)) return undefined;
  const a = BigInt(ipaddr.IPv4.parse(address).toByteArray().reduce((n, b) => n * 256 + b, 0));
  const offset = a - r.start;
  if (offset === 0n) return 'the network address';
  if (offset === 1n) return "Azure's default gateway";
  if (offset === 2n || offset === 3n) return 'reserved for Azure DNS';
  if (a === r.end) return 'the broadcast address';
  return undefined;
}

export const reservedAddress: Rule = {
  id: 'AZ001',
  name: 'azure-reserved-address',
  severity: 'error',
  seeds: ['000', '002'],
  title: 'No host in an Azure subnet uses one of the five addresses Azure reserves',
  explanation:
    'Azure reserves the first four addresses and the last address of every subnet (network address, default gateway, two for Azure DNS, broadcast). A NIC cannot be given one of them, so a VM planned at 10.50.2.1 fails to deploy or the scripts configure an address it never gets.',
  sources: [SRC.vnetFaqReserved],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, h] of l.hosts) {
      h.value.interfaces.forEach((nic, j) => {
        const s = l.subnets.get(nic.subnet);
        if (!s || s.kind !== 'azure' || !nic.address) return;
        const address = addressOf(nic.address);
        const role = reservedRole(s.subnet.prefix, address);
        if (!role) return;
        out.push({
          message: `host "${h.value.id}" interface "${nic.name}" is at ${address}, ${role} of Azure subnet "${s.id}" (${s.subnet.prefix})`,
          path: [...h.path, 'interfaces', j, 'address'],
          fix: `pick an address from the fourth one up (${firstUsable(s.subnet.prefix)}) to the one before the broadcast address`,
        });
      });
    }
    return out;
  },
};

function firstUsable(prefix: string): string {
  const bytes = ipaddr.IPv4.networkAddressFromCIDR(prefix).toByteArray();
  bytes[3] = (bytes[3] ?? 0) + 4; // prefixes of /29 and larger start on a multiple of 8: no carry
  return ipaddr.fromByteArray(bytes).toString();
}

export const subnetTooSmall: Rule = {
  id: 'AZ002',
  name: 'azure-subnet-size',
  severity: 'error',
  seeds: [],
  title: 'Azure IPv4 subnets are /29 or larger; IPv6 subnets are exactly /64',
  explanation:
    'ARM refuses a subnet smaller than /29 (with five addresses reserved, a /29 leaves three) and an IPv6 subnet of any size but /64. The VNet deployment fails and every subnet in it with it.',
  sources: [SRC.vnetFaqSize],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, s] of l.subnets) {
      if (s.kind !== 'azure') continue;
      const r = toRange(s.subnet.prefix);
      const bad = r.version === 4 ? r.prefixLength > 29 : r.prefixLength !== 64;
      if (!bad) continue;
      out.push({
        message: `Azure subnet "${s.id}" is ${s.subnet.prefix}: ${r.version === 4 ? 'smaller than /29' : 'an IPv6 subnet that is not /64'}`,
        path: [...s.path, 'prefix'],
        fix: r.version === 4 ? 'widen it to /29 or larger (a gateway subnet: /27 is recommended)' : 'use a /64',
      });
    }
    return out;
  },
};

// ── VPN gateways and connections ─────────────────────────────────────────────────────────────────────────────

export const policyBasedIkev2: Rule = {
  id: 'AZ003',
  name: 'policy-based-gateway-ike',
  severity: 'error',
  seeds: [],
  title: 'Connections of a PolicyBased VPN gateway use IKEv1 and no BGP',
  explanation:
    'A PolicyBased (static routing) VPN gateway speaks IKEv1 only and has no BGP: an IKEv2 or BGP connection on it never comes up, whether ARM refuses it on write or the tunnel fails to negotiate days later. Use a RouteBased gateway for IKEv2 (with policy-based traffic selectors if the device needs them).',
  sources: [SRC.policyBasedIke, SRC.gatewayRequirements],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, c] of l.connections) {
      const gw = l.vpnGateways.get(c.value.vpnGateway)?.value;
      if (gw?.vpnType !== 'PolicyBased') continue;
      if (c.value.connectionProtocol === 'IKEv2')
        out.push({
          message: `connection "${c.value.id}" uses IKEv2 on PolicyBased VPN gateway "${gw.id}", which supports IKEv1 only`,
          path: [...c.path, 'connectionProtocol'],
          fix: `set connectionProtocol to "IKEv1", or make gateway "${gw.id}" RouteBased (a gateway's VPN type cannot change: it is deleted and re-created)`,
        });
      if (c.value.enableBgp)
        out.push({
          message: `connection "${c.value.id}" enables BGP on PolicyBased VPN gateway "${gw.id}", which has no BGP`,
          path: [...c.path, 'enableBgp'],
          fix: 'set enableBgp to false, or use a RouteBased gateway',
        });
    }
    return out;
  },
};

const isGatewaySubnetName = (name: string) => name.toLowerCase() === 'gatewaysubnet';

export const gatewaySubnetName: Rule = {
  id: 'AZ004',
  name: 'gateway-subnet-name',
  severity: 'error',
  seeds: [],
  title: "The VNet of a VPN gateway has a subnet named 'GatewaySubnet'",
  explanation:
    "Azure deploys a virtual network gateway only into the subnet named 'GatewaySubnet'; a gateway subnet under any other name is not used and creating the gateway fails.",
  sources: [SRC.gatewaySubnet],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, g] of l.vpnGateways) {
      const vnet = l.vnets.get(g.value.vnet);
      if (!vnet || vnet.value.subnets.some((s) => isGatewaySubnetName(s.name))) continue;
      const j = vnet.value.subnets.findIndex((s) => s.purpose === 'gateway');
      out.push({
        message:
          j >= 0
            ? `VPN gateway "${g.value.id}" needs a subnet named GatewaySubnet in VNet "${vnet.value.id}"; its gateway subnet is named "${vnet.value.subnets[j]!.name}"`
            : `VPN gateway "${g.value.id}": VNet "${vnet.value.id}" has no subnet named GatewaySubnet`,
        path: j >= 0 ? [...vnet.path, 'subnets', j, 'name'] : [...vnet.path, 'subnets'],
        fix: j >= 0 ? 'rename that subnet to exactly "GatewaySubnet"' : 'add a subnet named "GatewaySubnet" (/27 or larger) with purpose "gateway"',
      });
    }
    return out;
  },
};

/** The subnet a VPN gateway sits in: its VNet's GatewaySubnet, with whether Junction creates the gateway. */
function gatewaySubnets(l: Lookup) {
  const out: { gatewayId: string; create: boolean; subnet: { nsg?: string; routeTable?: string; name: string }; path: DocPath }[] = [];
  for (const [, g] of l.vpnGateways) {
    const vnet = l.vnets.get(g.value.vnet);
    if (!vnet) continue;
    vnet.value.subnets.forEach((s, j) => {
      if (isGatewaySubnetName(s.name)) out.push({ gatewayId: g.value.id, create: g.value.create, subnet: s, path: [...vnet.path, 'subnets', j] });
    });
  }
  return out;
}

export const gatewaySubnetCaveats: Rule = {
  id: 'AZ005',
  name: 'gateway-subnet-nsg-udr',
  severity: 'warning',
  seeds: [],
  title: 'GatewaySubnet has no NSG, no 0.0.0.0/0 user-defined route, and BGP route propagation on',
  explanation:
    "Microsoft does not support NSGs or a 0.0.0.0/0 user-defined route on GatewaySubnet: gateways with this configuration are blocked from being created, and an existing gateway stops reaching its management controllers. With BGP route propagation disabled on GatewaySubnet's route table the gateway does not work. Reported as errors when Junction creates the gateway, as warnings when it already exists.",
  sources: [SRC.gatewaySubnet],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const g of gatewaySubnets(l)) {
      const severity = g.create ? 'error' : 'warning';
      const when = g.create ? 'creating the gateway is blocked' : 'the gateway stops working';
      if (g.subnet.nsg)
        out.push({
          message: `GatewaySubnet of VPN gateway "${g.gatewayId}" has NSG "${g.subnet.nsg}": ${when}`,
          path: [...g.path, 'nsg'],
          fix: 'remove the NSG from GatewaySubnet; filter traffic on the other subnets instead',
          severity,
        });
      const rt = g.subnet.routeTable ? l.routeTables.get(g.subnet.routeTable) : undefined;
      if (!rt) continue;
      rt.value.routes.forEach((r, k) => {
        if (r.addressPrefix !== '0.0.0.0/0') return;
        out.push({
          message: `GatewaySubnet of VPN gateway "${g.gatewayId}" has route table "${rt.value.id}" with a 0.0.0.0/0 route "${r.name}": ${when}`,
          path: [...rt.path, 'routes', k, 'addressPrefix'],
          fix: 'drop the default route from the table on GatewaySubnet (or give GatewaySubnet its own table)',
          severity,
        });
      });
      if (rt.value.disableBgpRoutePropagation)
        out.push({
          message: `GatewaySubnet of VPN gateway "${g.gatewayId}" has route table "${rt.value.id}" with BGP route propagation disabled: the gateway will not function`,
          path: [...rt.path, 'disableBgpRoutePropagation'],
          fix: 'set disableBgpRoutePropagation to false on the table used by GatewaySubnet',
        });
    }
    return out;
  },
};

// ── NSG rules ────────────────────────────────────────────────────────────────────────────────────────────────

const SIDES = [
  ['sourcePrefixes', 'source'],
  ['destinationPrefixes', 'destination'],
] as const;

export const severalTags: Rule = {
  id: 'AZ006',
  name: 'nsg-rule-several-tags',
  severity: 'error',
  seeds: ['002'],
  title: 'An NSG rule side lists either one service tag (or "*") or only addresses and prefixes',
  explanation:
    'Augmented rules take several addresses and ranges in one rule, but not several service tags, and not a tag mixed with addresses. ARM refuses the rule (a tag in the plural address field) and with it the whole NSG.',
  sources: [SRC.nsgRules],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, n] of l.nsgs) {
      n.value.rules.forEach((r, j) => {
        for (const [field, side] of SIDES) {
          const values = r[field];
          if (values.length < 2) continue;
          const tags = values.filter((v) => v === '*' || isTag(v));
          if (tags.length === 0) continue;
          out.push({
            message:
              tags.length > 1
                ? `rule "${r.name}" of NSG "${n.value.id}" lists ${tags.length} service tags as its ${side} (${tags.join(', ')})`
                : `rule "${r.name}" of NSG "${n.value.id}" mixes ${tags[0] === '*' ? '"*"' : `service tag ${tags[0]}`} with addresses as its ${side}`,
            path: [...n.path, 'rules', j, field],
            fix: 'split it into one rule per service tag (adjacent priorities), and one more rule for the addresses',
          });
        }
      });
    }
    return out;
  },
};

export const regionalTagScope: Rule = {
  id: 'AZ007',
  name: 'service-tag-region',
  severity: 'error',
  seeds: ['002'],
  title: 'Only tags with a regional scope are narrowed to a region (Storage.EastUS2, not AzureActiveDirectory.EastUS2)',
  explanation:
    'Storage, AzureCloud, AzureMonitor and AzureResourceManager can be narrowed to one region ("Storage.WestEurope"); Internet, VirtualNetwork, AzureLoadBalancer, AzureActiveDirectory and GatewayManager cannot. ARM refuses a rule or route with a regional form of a tag that has none.',
  sources: [SRC.serviceTags],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const bad = (v: string) => {
      const t = parseTag(v);
      return t?.region !== undefined && !REGIONAL_TAGS.includes(t.base) ? t.base : undefined;
    };
    for (const [, n] of l.nsgs) {
      n.value.rules.forEach((r, j) => {
        for (const [field] of SIDES)
          r[field].forEach((v, k) => {
            const base = bad(v);
            if (base)
              out.push({
                message: `rule "${r.name}" of NSG "${n.value.id}" uses "${v}", but ${base} has no regional form`,
                path: [...n.path, 'rules', j, field, k],
                fix: `use "${base}" (the whole tag)`,
              });
          });
      });
    }
    for (const [, rt] of l.routeTables) {
      rt.value.routes.forEach((r, k) => {
        const base = bad(r.addressPrefix);
        if (base)
          out.push({
            message: `route "${r.name}" of route table "${rt.value.id}" uses "${r.addressPrefix}", but ${base} has no regional form`,
            path: [...rt.path, 'routes', k, 'addressPrefix'],
            fix: `use "${base}" (the whole tag)`,
          });
      });
    }
    return out;
  },
};

export const portRanges: Rule = {
  id: 'AZ008',
  name: 'nsg-port-range',
  severity: 'error',
  seeds: ['002'],
  title: 'NSG rule ports are 0–65535 and ranges run low to high',
  explanation:
    'A port is an integer from 0 to 65535 and a range is written low-high. ARM refuses a rule with a port outside that or a reversed range, and the whole NSG with it.',
  sources: [SRC.nsgRules],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, n] of l.nsgs) {
      n.value.rules.forEach((r, j) => {
        for (const field of ['sourcePorts', 'destinationPorts'] as const) {
          r[field].forEach((p, k) => {
            if (p === '*') return;
            const [lo, hi] = parsePortRange(p);
            const problem = hi > 65535 || lo > 65535 ? 'is above 65535' : lo > hi ? 'runs high to low' : undefined;
            if (!problem) return;
            out.push({
              message: `rule "${r.name}" of NSG "${n.value.id}": port "${p}" ${problem}`,
              path: [...n.path, 'rules', j, field, k],
              fix: lo > hi && hi <= 65535 ? `write it as "${hi}-${lo}"` : 'use ports from 0 to 65535',
            });
          });
        }
      });
    }
    return out;
  },
};

// ── Names ────────────────────────────────────────────────────────────────────────────────────────────────────

/** Microsoft.Network names: word characters, "." and "-"; a word character first; a word character or "_" last. */
const NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u;
const nameProblem = (name: string, max: number): string | undefined => {
  if (name.length > max) return `is ${name.length} characters long (at most ${max})`;
  if (!NAME.test(name)) return 'has a character other than letters, digits, "_", "." and "-", or does not start with a letter, digit or "_"';
  if (/[.-]$/.test(name)) return 'ends with "." or "-"';
  return undefined;
};

export const resourceNames: Rule = {
  id: 'AZ009',
  name: 'azure-resource-name',
  severity: 'error',
  seeds: [],
  title: 'Azure network resource names follow ARM naming rules',
  explanation:
    'Names of VNets (2–64 characters), subnets, NSGs and their rules, route tables and routes, gateways and connections (up to 80) may contain letters, digits, "_", "." and "-", start with a letter, digit or "_" and end with a letter, digit or "_". ARM refuses any other name (InvalidResourceName).',
  sources: [SRC.nameRules, SRC.nsgRules],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const check = (kind: string, name: string, path: DocPath, max = 80, min = 1) => {
      const p = name.length < min ? `is shorter than ${min} characters` : nameProblem(name, max);
      if (p)
        out.push({
          message: `${kind} name "${name}" ${p}`,
          path: [...path, 'name'],
          fix: 'use letters, digits, "_", "." and "-" only, and end with a letter, digit or "_"',
        });
    };
    for (const [, v] of l.vnets) {
      check('VNet', v.value.name, v.path, 64, 2);
      v.value.subnets.forEach((s, j) => check('subnet', s.name, [...v.path, 'subnets', j]));
    }
    for (const [, n] of l.nsgs) {
      check('NSG', n.value.name, n.path);
      n.value.rules.forEach((r, j) => check(`NSG "${n.value.id}" rule`, r.name, [...n.path, 'rules', j]));
    }
    for (const [, rt] of l.routeTables) {
      check('route table', rt.value.name, rt.path);
      rt.value.routes.forEach((r, j) => check(`route table "${rt.value.id}" route`, r.name, [...rt.path, 'routes', j]));
    }
    for (const [, g] of l.vpnGateways) check('VPN gateway', g.value.name, g.path);
    for (const [, g] of l.localNetworkGateways) check('local network gateway', g.value.name, g.path);
    for (const [, c] of l.connections) check('connection', c.value.name, c.path);
    return out;
  },
};

// ── Routes ───────────────────────────────────────────────────────────────────────────────────────────────────

export const routeNextHop: Rule = {
  id: 'AZ010',
  name: 'route-next-hop',
  severity: 'error',
  seeds: ['000', '002'],
  title: 'A route names a prefix or service tag, and a next hop IP address exactly when the type is VirtualAppliance',
  explanation:
    'A user-defined route takes a CIDR prefix or a service tag as its address prefix. A VirtualAppliance route needs the appliance\'s private address as its next hop IP address; the other next hop types (VirtualNetworkGateway, VnetLocal, Internet, None) take none, and an address given there does nothing.',
  sources: [SRC.udr],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, rt] of l.routeTables) {
      rt.value.routes.forEach((r, k) => {
        const at = [...rt.path, 'routes', k];
        if (!isValidCidr(r.addressPrefix) && !parseTag(r.addressPrefix))
          out.push({
            message: `route "${r.name}" of route table "${rt.value.id}": "${r.addressPrefix}" is neither a CIDR prefix nor a service tag`,
            path: [...at, 'addressPrefix'],
            fix: 'use a prefix with its host bits zero (10.0.0.0/24) or a service tag (Storage, AzureCloud.WestEurope, ...)',
          });
        if (r.nextHopType === 'VirtualAppliance' && !r.nextHopIpAddress)
          out.push({
            message: `route "${r.name}" of route table "${rt.value.id}" goes to a VirtualAppliance but names no next hop IP address`,
            path: at,
            fix: "add nextHopIpAddress: the appliance's private address (its NIC needs IP forwarding on)",
          });
        if (r.nextHopType !== 'VirtualAppliance' && r.nextHopIpAddress)
          out.push({
            message: `route "${r.name}" of route table "${rt.value.id}" names next hop ${r.nextHopIpAddress}, but next hop type ${r.nextHopType} takes no address`,
            path: [...at, 'nextHopIpAddress'],
            fix: 'remove nextHopIpAddress, or make the next hop type VirtualAppliance',
            severity: 'warning',
          });
      });
    }
    return out;
  },
};

// ── BGP and address space ────────────────────────────────────────────────────────────────────────────────────

/** ASNs an on-premises device may not use towards an Azure VPN gateway: Azure's own and IANA's special ones. */
export function reservedAsn(asn: number): string | undefined {
  if ([8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520].includes(asn)) return 'reserved by Azure';
  if (asn === 23456 || (asn >= 64496 && asn <= 64511) || (asn >= 65535 && asn <= 65551) || asn === 4294967295)
    return 'reserved by IANA';
  return undefined;
}

export const vpnBgp: Rule = {
  id: 'AZ011',
  name: 'vpn-gateway-bgp',
  severity: 'error',
  seeds: [],
  title: 'BGP runs on RouteBased, non-Basic VPN gateways, with an on-premises ASN Azure allows',
  explanation:
    'BGP is supported on every VPN gateway SKU except Basic, and on route-based gateways only. An on-premises device cannot use an ASN reserved by Azure (8074, 8075, 12076, 65515, 65517–65520) or by IANA (23456, 64496–64511, 65535–65551, 4294967295).',
  sources: [SRC.vpnFaqBgp],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, g] of l.vpnGateways) {
      if (!g.value.bgp) continue;
      const why = g.value.vpnType === 'PolicyBased' ? 'is PolicyBased' : /^basic$/i.test(g.value.sku) ? 'is on the Basic SKU' : undefined;
      if (why)
        out.push({
          message: `VPN gateway "${g.value.id}" has BGP settings but ${why}, which has no BGP`,
          path: [...g.path, 'bgp'],
          fix: 'use a RouteBased gateway on VpnGw1 or above, or drop the bgp settings (static routes through the local network gateway)',
        });
    }
    for (const [, g] of l.localNetworkGateways) {
      const asn = g.value.bgp?.asn;
      const why = asn !== undefined ? reservedAsn(asn) : undefined;
      if (why)
        out.push({
          message: `local network gateway "${g.value.id}" uses ASN ${asn}, ${why}`,
          path: [...g.path, 'bgp', 'asn'],
          fix: 'give the on-premises device a private ASN outside the reserved ones (for example 65010)',
        });
    }
    return out;
  },
};

/** Ranges a VNet's address space may not include (VNet FAQ). */
const FORBIDDEN_RANGES: readonly [string, string][] = [
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['168.63.129.16/32', "Azure's internal DNS, DHCP and load balancer probe address"],
];

export const vnetForbiddenRange: Rule = {
  id: 'AZ012',
  name: 'vnet-forbidden-range',
  severity: 'error',
  seeds: [],
  title: "A VNet's address space stays clear of multicast, broadcast, loopback, link-local and 168.63.129.16",
  explanation:
    'Azure does not let a virtual network include 224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8, 169.254.0.0/16 or 168.63.129.16/32; the VNet deployment is refused.',
  sources: [SRC.vnetFaqRanges],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, v] of l.vnets) {
      v.value.addressSpace.forEach((p, i) => {
        const hit = FORBIDDEN_RANGES.find(([r]) => overlaps(r, p));
        if (hit)
          out.push({
            message: `VNet "${v.value.id}" address space ${p} includes ${hit[0]} (${hit[1]})`,
            path: [...v.path, 'addressSpace', i],
            fix: 'use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10) that avoids it',
          });
      });
    }
    return out;
  },
};

export const ipsecPolicyGateway: Rule = {
  id: 'AZ013',
  name: 'ipsec-policy-gateway-sku',
  severity: 'warning',
  seeds: [],
  title: 'A custom IPsec/IKE policy is set only on connections of RouteBased VpnGw (or Standard/HighPerformance) gateways',
  explanation:
    'A custom IPsec/IKE policy works only on route-based VpnGw1–5 (and AZ), Standard and HighPerformance gateways. On a Basic or PolicyBased gateway the connection keeps the default proposals, so a device configured for the custom algorithms never agrees with Azure.',
  sources: [SRC.ipsecPolicy],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const [, c] of l.connections) {
      const gw = l.vpnGateways.get(c.value.vpnGateway)?.value;
      if (!gw || !c.value.ipsecPolicy) continue;
      const why = gw.vpnType === 'PolicyBased' ? 'PolicyBased' : /^basic$/i.test(gw.sku) ? 'on the Basic SKU' : undefined;
      if (why)
        out.push({
          message: `connection "${c.value.id}" sets a custom IPsec/IKE policy, but its gateway "${gw.id}" is ${why}, where custom policies do not apply`,
          path: [...c.path, 'ipsecPolicy'],
          fix: 'use a RouteBased gateway on VpnGw1 or above for a custom policy, or remove ipsecPolicy and configure the device for the default proposals',
        });
    }
    return out;
  },
};

export const AZURE_PLATFORM_RULES: readonly Rule[] = [
  reservedAddress,
  subnetTooSmall,
  policyBasedIkev2,
  gatewaySubnetName,
  gatewaySubnetCaveats,
  severalTags,
  regionalTagScope,
  portRanges,
  resourceNames,
  routeNextHop,
  vpnBgp,
  vnetForbiddenRange,
  ipsecPolicyGateway,
];
