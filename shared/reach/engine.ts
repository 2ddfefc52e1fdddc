// "Can A reach B on port P?" answered from the model, offline, across the hybrid boundary. The walk follows the
// packet: the source host's routing table or its subnet's Azure routes and NSGs, the site-to-site VPN or the
// License Link junction box (seed 000), the far side's routing and inbound NSGs, and the return path where the
// model decides it (the VPN's local network gateway prefixes, the L2TP pool behind the junction box). NSG
// decisions come from shared/nsg/evaluate, the same code the lint rules use.
import { buildLookup, type Lookup, type SubnetEntry } from '../model/lookup';
import type { Host, LicenseLink, Workspace } from '../model/schema';
import { addressOf, contains, ipVersion } from '../net/cidr';
import { evaluateNsg, type EvalContext, type Flow } from '../nsg/evaluate';
import { vnetContext } from '../lint/rules/cyclecloud';
import { chooseAzureRoute, describeAzureRoute, effectiveRoutes } from './azure-routing';
import { chooseHostRoute, describeRoute, hostRoutes, routeCostRange, type HostRoute } from './host-routing';
import { formatRange } from './interface-metric';
import { hostOfAddress, resolveEndpoint, subnetOfAddress } from './resolve';
import type { Endpoint, Hop, ReachProtocol, ReachQuery, ReachResult, Verdict } from './types';
import { ReachInputError } from './types';

export interface ReachOptions {
  /** Cached service-tag prefixes (Azure's ServiceTags JSON), so addresses can match tags like Storage. */
  serviceTagPrefixes?: EvalContext['serviceTagPrefixes'];
}

type AzureSubnet = SubnetEntry & { kind: 'azure' };
type Target = { address: string } | { tag: string };

interface Walk {
  l: Lookup;
  q: Required<ReachQuery>;
  src: Endpoint;
  dst: Endpoint;
  hops: Hop[];
  opts: ReachOptions;
}

const MAX_APPLIANCE_HOPS = 4;

function target(e: Endpoint): Target {
  return e.address !== undefined ? { address: e.address } : { tag: e.tag! };
}

function push(w: Walk, hop: Hop): Verdict | undefined {
  w.hops.push(hop);
  if (hop.outcome === 'blocked') return 'blocked';
  if (hop.outcome === 'no-route') return 'no-route';
  return undefined;
}

function nsgContext(w: Walk, vnetId: string): EvalContext {
  const base = vnetContext(w.l, vnetId);
  return w.opts.serviceTagPrefixes ? { ...base, serviceTagPrefixes: w.opts.serviceTagPrefixes } : base;
}

/** NSGs in Azure's order for a direction: inbound subnet then NIC, outbound NIC then subnet. Both must allow. */
function checkNsgs(
  w: Walk,
  direction: 'Inbound' | 'Outbound',
  subnet: AzureSubnet,
  nicNsg: string | undefined,
  flow: Omit<Flow, 'direction'>,
): Verdict | undefined {
  const subnetNsg = subnet.subnet.nsg;
  const order = direction === 'Inbound' ? [['subnet', subnetNsg], ['NIC', nicNsg]] : [['NIC', nicNsg], ['subnet', subnetNsg]];
  const ctx = nsgContext(w, subnet.vnet.id);
  for (const [level, id] of order) {
    if (!id) continue;
    const nsg = w.l.nsgs.get(id);
    if (!nsg) continue; // a dangling reference is a lint error (REF rules); treat as no NSG
    const d = evaluateNsg(nsg.value.rules, { ...flow, direction }, ctx);
    const ruleIndex = nsg.value.rules.findIndex((r) => r.name === d.ruleName && r.direction === direction);
    const path = d.isDefault || ruleIndex < 0 ? nsg.path : [...nsg.path, 'rules', ruleIndex];
    const verdict = push(w, {
      at: id,
      kind: 'nsg',
      text: `${direction.toLowerCase()} ${level} NSG "${id}" on ${subnet.id}: ${d.access === 'Allow' ? 'allowed' : 'denied'} by ${d.isDefault ? 'default rule' : 'rule'} "${d.ruleName}" (priority ${d.priority})`,
      outcome: d.access === 'Allow' ? 'pass' : 'blocked',
      decidedBy: { kind: 'nsg-rule', name: `${id}/${d.ruleName}`, path },
    });
    if (verdict) return verdict;
  }
  return undefined;
}

function flowBase(w: Walk, srcAddress: string): Omit<Flow, 'direction'> {
  return { protocol: w.q.protocol, source: { address: srcAddress }, destination: target(w.dst), destinationPort: w.q.port };
}

function deliverOnPrem(w: Walk): Verdict {
  const d = w.dst;
  const where = d.subnet ? ` on ${d.subnet.id}` : d.zone.kind === 'on-premises' ? ` in site ${d.zone.site}` : '';
  const who = d.host && !d.host.roles.includes('compute-node-group') ? `${d.host.id}` : d.address!;
  push(w, {
    at: d.host?.id ?? d.address!,
    kind: 'deliver',
    text: `delivered to ${who}${d.host ? ` (${d.address})` : ''}${where}`,
    outcome: 'pass',
    assumptions: [`host firewalls (Windows Firewall${d.host ? ` on ${d.host.id}` : ''}) are not in the model`],
  });
  return 'reachable';
}

function deliverAzure(w: Walk, srcAddress: string): Verdict {
  const d = w.dst;
  if (!d.subnet || d.subnet.kind !== 'azure') {
    return push(w, {
      at: d.zone.kind === 'azure' ? d.zone.vnet : d.label,
      kind: 'deliver',
      text: `${d.address} is in the address space of VNet "${d.zone.kind === 'azure' ? d.zone.vnet : '?'}" but no subnet holds it`,
      outcome: 'no-route',
      decidedBy: { kind: 'model', name: 'no subnet' },
    })!;
  }
  const nicNsg = d.nic && d.nic.subnet === d.subnet.id ? d.nic.nsg : undefined;
  const v = checkNsgs(w, 'Inbound', d.subnet as AzureSubnet, nicNsg, flowBase(w, srcAddress));
  if (v) return v;
  push(w, {
    at: d.host?.id ?? d.address!,
    kind: 'deliver',
    text: `delivered to ${d.label} on ${d.subnet.id}`,
    outcome: 'pass',
    assumptions: [`the guest OS firewall${d.host ? ` on ${d.host.id}` : ''} is not in the model`],
  });
  return 'reachable';
}

function deliverInternet(w: Walk, from: string, assumption: string): Verdict {
  push(w, {
    at: 'Internet',
    kind: 'deliver',
    text: `leaves ${from} for ${w.dst.tag ? `service tag ${w.dst.tag}` : `the Internet address ${w.dst.address}`}`,
    outcome: 'pass',
    assumptions: [assumption],
  });
  return 'reachable';
}

// ── On-premises ─────────────────────────────────────────────────────────────────────────────────────────

/** Names only the routes whose cost can actually meet the winner's, with the costs that make them rivals. */
function ambiguityText(chosen: HostRoute, rivals: readonly HostRoute[]): string {
  const cost = (r: HostRoute) => {
    const c = routeCostRange(r);
    return c ? `cost ${formatRange(c)}` : 'an automatic metric the model cannot bound (not Windows)';
  };
  const automatic = [chosen, ...rivals].find((r) => r.interfaceMetric === undefined && r.automatic)?.automatic;
  const why = automatic ? ` (automatic interface metric, ${automatic.basis})` : '';
  return `the winner among equal-prefix routes is not fixed by the model: "${chosen.nic.name}" (${cost(chosen)}) and ${rivals
    .map((r) => `"${r.nic.name}" (${cost(r)})`)
    .join(', ')} can tie or swap${why}; Windows may pick ${rivals.map((r) => `"${r.nic.name}"`).join(' or ')}`;
}

/** Routes a packet out of an on-premises host: its routing table decides the interface and source address. */
function fromOnPremHost(w: Walk, host: Host, srcOverride?: string): Verdict {
  const choice = chooseHostRoute(hostRoutes(w.l, host), target(w.dst));
  if (!choice.chosen) {
    return push(w, {
      at: host.id,
      kind: 'host-route',
      text: `${host.id} has no route to ${w.dst.address ?? w.dst.tag} (no matching route and no default gateway)`,
      outcome: 'no-route',
      decidedBy: { kind: 'host-route', name: 'no route', path: w.l.hosts.get(host.id)?.path },
    })!;
  }
  const r = choice.chosen;
  const beats = choice.alternatives.length ? `; beats ${choice.alternatives.map(describeRoute).join('; ')}` : '';
  push(w, {
    at: host.id,
    kind: 'host-route',
    text: `${host.id} routes ${w.dst.address ?? w.dst.tag} by ${describeRoute(r)}${beats}`,
    outcome: 'pass',
    decidedBy: { kind: 'host-route', name: `${r.destination} ${r.nextHop ? `via ${r.nextHop}` : 'on-link'} (${r.nic.name})`, path: r.path },
    assumptions: choice.ambiguous ? [ambiguityText(r, choice.rivals)] : undefined,
  });
  const srcAddress = srcOverride ?? (r.nic.address ? addressOf(r.nic.address) : w.src.address!);
  const egress = w.l.subnets.get(r.nic.subnet);
  if (!r.nextHop) return deliverOnPrem(w); // on-link: the destination is on this interface's subnet
  const site = egress?.site ?? host.site;
  return fromSite(w, site, srcAddress, egress, r.nextHop);
}

/** Inside a site's routed fabric: all networks of one site are routed together. */
function fromSite(w: Walk, site: string, srcAddress: string, egress: SubnetEntry | undefined, router: string): Verdict {
  const d = w.dst;
  if (d.zone.kind === 'external') {
    if (egress?.subnet.purpose === 'management')
      return push(w, {
        at: router,
        kind: 'site-routing',
        text: `the route leaves through the management network (${egress.id}), whose router ${router} reaches the fabric only: traffic for ${d.address ?? d.tag} is dropped (seed 001)`,
        outcome: 'no-route',
        decidedBy: { kind: 'model', name: `subnet ${egress.id} purpose management`, path: [...egress.path, 'purpose'] },
      })!;
    return deliverInternet(w, `site ${site} through router ${router}`, `the site's edge firewall or proxy is not in the model`);
  }
  if (d.zone.kind === 'on-premises') {
    if (d.zone.site !== site)
      return push(w, {
        at: site,
        kind: 'site-routing',
        text: `${d.address} belongs to site ${d.zone.site}; the model has no route from site ${site} to it`,
        outcome: 'no-route',
        decidedBy: { kind: 'model', name: 'no inter-site route' },
      })!;
    push(w, {
      at: site,
      kind: 'site-routing',
      text: `router ${router} forwards within site ${site} (all networks of one site are routed together) to ${d.subnet ? d.subnet.id : d.address}`,
      outcome: 'pass',
    });
    return deliverOnPrem(w);
  }
  return viaSiteToSite(w, site, srcAddress, router);
}

function viaSiteToSite(w: Walk, site: string, srcAddress: string, router: string): Verdict {
  const d = w.dst;
  const vnetId = d.zone.kind === 'azure' ? d.zone.vnet : '';
  const candidates = w.l.ws.azure.connections.flatMap((c) => {
    const gw = w.l.vpnGateways.get(c.vpnGateway)?.value;
    const lng = w.l.localNetworkGateways.get(c.localNetworkGateway);
    return gw?.vnet === vnetId && lng?.value.represents === site ? [{ c, lng }] : [];
  });
  if (candidates.length === 0)
    return push(w, {
      at: site,
      kind: 'vpn',
      text: `no site-to-site VPN connection joins site ${site} to VNet ${vnetId}`,
      outcome: 'no-route',
      decidedBy: { kind: 'model', name: 'no VPN connection', path: ['azure', 'connections'] },
    })!;
  const carrying = candidates.find(({ lng }) => lng.value.addressPrefixes.some((p) => contains(p, srcAddress)));
  if (!carrying) {
    const { lng, c } = candidates[0]!;
    return push(w, {
      at: c.id,
      kind: 'vpn',
      text: `source ${srcAddress} is not in the prefixes of local network gateway "${lng.value.id}" (${lng.value.addressPrefixes.join(', ') || 'none'}): Azure has no route back to it through "${c.id}"`,
      outcome: 'no-route',
      decidedBy: { kind: 'vpn-connection', name: `${lng.value.id} addressPrefixes`, path: [...lng.path, 'addressPrefixes'] },
    })!;
  }
  const { c, lng } = carrying;
  const cPath = w.l.connections.get(c.id)?.path;
  push(w, {
    at: c.id,
    kind: 'vpn',
    text: `router ${router} sends it into site-to-site VPN "${c.id}" (${lng.value.id} ${lng.value.addressPrefixes.join(', ')} ↔ ${c.vpnGateway})`,
    outcome: 'pass',
    decidedBy: { kind: 'vpn-connection', name: c.id, path: cPath },
    assumptions: [`site ${site} routes ${vnetId}'s address space to its VPN device`],
  });
  if (d.subnet?.kind === 'azure') {
    // Replies follow the destination subnet's effective routes; if they do not point back into the gateway,
    // the TCP handshake never completes.
    const back = chooseAzureRoute(effectiveRoutes(w.l, d.subnet as AzureSubnet), { address: srcAddress }).chosen;
    if (!back || back.nextHopType !== 'VirtualNetworkGateway')
      return push(w, {
        at: d.subnet.id,
        kind: 'azure-route',
        text: `replies from ${d.subnet.id} to ${srcAddress} take ${back ? describeAzureRoute(back) : 'no route'}, not the VPN gateway`,
        outcome: 'no-route',
        decidedBy: { kind: 'azure-route', name: back?.name ?? 'no route', path: back?.path },
      })!;
    push(w, { at: d.subnet.id, kind: 'azure-route', text: `replies from ${d.subnet.id} return by ${describeAzureRoute(back)}`, outcome: 'pass', decidedBy: { kind: 'azure-route', name: back.name, path: back.path } });
  }
  return deliverAzure(w, srcAddress);
}

// ── Azure ───────────────────────────────────────────────────────────────────────────────────────────────

function fromAzure(w: Walk, subnet: AzureSubnet, srcAddress: string, nicNsg: string | undefined, depth: number): Verdict {
  const nsgVerdict = checkNsgs(w, 'Outbound', subnet, nicNsg, flowBase(w, srcAddress));
  if (nsgVerdict) return nsgVerdict;
  const { chosen, overridden } = chooseAzureRoute(effectiveRoutes(w.l, subnet), target(w.dst));
  if (!chosen)
    return push(w, { at: subnet.id, kind: 'azure-route', text: `${subnet.id} has no route to ${w.dst.label}`, outcome: 'no-route', decidedBy: { kind: 'azure-route', name: 'no route' } })!;
  const over = overridden.length ? ` (over ${overridden.map(describeAzureRoute).join('; ')})` : '';
  const routeHop = (outcome: Hop['outcome'], extra = ''): Hop => ({
    at: subnet.subnet.routeTable ?? subnet.id,
    kind: 'azure-route',
    text: `${subnet.id} routes ${w.dst.address ?? w.dst.tag} by ${describeAzureRoute(chosen)}${over}${extra}`,
    outcome,
    decidedBy: { kind: 'azure-route', name: chosen.name, path: chosen.path },
  });
  const d = w.dst;
  switch (chosen.nextHopType) {
    case 'None':
      return push(w, routeHop('no-route', ': Azure drops the packet'))!;
    case 'VnetLocal':
      if (d.zone.kind !== 'azure' || d.zone.vnet !== subnet.vnet.id) return push(w, routeHop('no-route', `, but ${d.label} is not in this VNet`))!;
      push(w, routeHop('pass'));
      return deliverAzure(w, srcAddress);
    case 'VirtualNetworkServiceEndpoint':
      push(w, routeHop('pass'));
      return deliverInternet(w, `${subnet.id} over the service endpoint`, 'the service resource (account firewall, private access) is not in the model');
    case 'Internet':
      if (d.tag || d.zone.kind === 'external') {
        push(w, routeHop('pass'));
        return deliverInternet(w, `VNet ${subnet.vnet.id}`, 'Azure outbound (default SNAT or a NAT gateway/public IP) is not in the model');
      }
      return push(
        w,
        routeHop('no-route', d.zone.kind === 'on-premises' ? `, but ${d.label} is on site ${d.zone.site}, which takes no traffic from the Internet in the model` : `: ${d.label} is a private address`),
      )!;
    case 'VirtualNetworkGateway':
      push(w, routeHop('pass'));
      return viaGatewayToSite(w, subnet);
    case 'VirtualAppliance':
      return viaAppliance(w, routeHop, chosen.nextHopIpAddress, srcAddress, depth);
  }
}

function viaGatewayToSite(w: Walk, subnet: AzureSubnet): Verdict {
  const d = w.dst;
  const gw = w.l.ws.azure.vpnGateways.find((g) => g.vnet === subnet.vnet.id);
  if (!gw) return push(w, { at: subnet.vnet.id, kind: 'vpn', text: `VNet ${subnet.vnet.id} has no VPN gateway`, outcome: 'no-route', decidedBy: { kind: 'model', name: 'no VPN gateway', path: ['azure', 'vpnGateways'] } })!;
  const hit = w.l.ws.azure.connections
    .filter((c) => c.vpnGateway === gw.id)
    .map((c) => ({ c, lng: w.l.localNetworkGateways.get(c.localNetworkGateway) }))
    .find(({ lng }) => d.address !== undefined && lng?.value.addressPrefixes.some((p) => contains(p, d.address!)));
  if (!hit || !hit.lng)
    return push(w, {
      at: gw.id,
      kind: 'vpn',
      text: `VPN gateway "${gw.id}" has no connection whose local network gateway covers ${d.address ?? d.tag}`,
      outcome: 'no-route',
      decidedBy: { kind: 'model', name: 'no covering local network gateway', path: ['azure', 'localNetworkGateways'] },
    })!;
  const { c, lng } = hit;
  const site = lng.value.represents;
  push(w, {
    at: c.id,
    kind: 'vpn',
    text: `VPN gateway "${gw.id}" sends it through connection "${c.id}" to ${lng.value.id} (site ${site})`,
    outcome: 'pass',
    decidedBy: { kind: 'vpn-connection', name: c.id, path: w.l.connections.get(c.id)?.path },
  });
  if (d.zone.kind !== 'on-premises' || d.zone.site !== site)
    return push(w, {
      at: site,
      kind: 'site-routing',
      text: `${lng.value.id} claims ${d.address}, but the model does not place it in site ${site}`,
      outcome: 'no-route',
      decidedBy: { kind: 'vpn-connection', name: `${lng.value.id} addressPrefixes`, path: [...lng.path, 'addressPrefixes'] },
    })!;
  push(w, { at: site, kind: 'site-routing', text: `site ${site} forwards from its VPN device to ${d.subnet ? d.subnet.id : d.address}`, outcome: 'pass' });
  return deliverOnPrem(w);
}

function viaAppliance(w: Walk, routeHop: (o: Hop['outcome'], extra?: string) => Hop, ip: string | undefined, srcAddress: string, depth: number): Verdict {
  const owner = ip ? hostOfAddress(w.l, ip) : undefined;
  const at = owner ? w.l.subnets.get(owner.nic.subnet) : undefined;
  if (!owner || !at || at.kind !== 'azure') return push(w, routeHop('no-route', `: no Azure host in the model owns ${ip ?? 'the next hop'}`))!;
  if (depth >= MAX_APPLIANCE_HOPS) return push(w, routeHop('no-route', ': routing loop through virtual appliances'))!;
  push(w, routeHop('pass'));
  push(w, {
    at: owner.host.id,
    kind: 'appliance',
    text: `virtual appliance ${owner.host.id} (${ip}) forwards it`,
    outcome: 'pass',
    assumptions: [`IP forwarding and the appliance's own filtering on ${owner.host.id} are not in the model`],
  });
  return fromAzure(w, at as AzureSubnet, srcAddress, owner.nic.nsg, depth + 1);
}

// ── License Link (seed 000) ─────────────────────────────────────────────────────────────────────────────

function licenseLinkFor(w: Walk): { link: LicenseLink; index: number } | undefined {
  const src = w.src.host;
  if (!src || w.dst.zone.kind !== 'on-premises') return undefined;
  const index = w.l.ws.licenseLinks.findIndex((ll) => {
    const jb = w.l.hosts.get(ll.junctionBox)?.value;
    return ll.nodeGroup === src.id && jb !== undefined && jb.site === (w.dst.zone as { site: string }).site;
  });
  return index < 0 ? undefined : { link: w.l.ws.licenseLinks[index]!, index };
}

function viaLicenseLink(w: Walk, link: LicenseLink, index: number): Verdict {
  const path = ['licenseLinks', index];
  const jb = w.l.hosts.get(link.junctionBox)!.value;
  const pool = link.vpn.clientAddressPool;
  const tunnelAddress = pool.start;
  const srcSubnet = w.src.subnet;
  push(w, {
    at: w.src.host!.id,
    kind: 'license-link',
    text: `${w.src.host!.id} sends traffic for site ${jb.site} into L2TP/IPsec connection "${link.vpn.connectionName}" to junction box ${jb.id} (license link "${link.id}"; tunnel address from ${pool.start}–${pool.end})`,
    outcome: link.relayAccount.dialInPermitted ? 'pass' : 'blocked',
    decidedBy: { kind: 'license-link', name: link.id, path },
    assumptions: link.nodeSetup.delivery === 'manual' ? ['nodes re-serviced by the fabric lose the manually dialled VPN (seed 000)'] : undefined,
  });
  if (!link.relayAccount.dialInPermitted) {
    w.hops[w.hops.length - 1]!.text += `: relay account "${link.relayAccount.name}" has no dial-in permission`;
    return 'blocked';
  }
  // The IPv6 leg that carries the L2TP tunnel.
  const jbV6 = jb.interfaces.find((n) => n.ipv6Address);
  if (link.ipv6Transport === 'azure-connect') {
    if (!jbV6)
      return push(w, {
        at: jb.id,
        kind: 'license-link',
        text: `junction box ${jb.id} has no IPv6 address: the Azure Connect IPv6 tunnel that carries the L2TP connection cannot form`,
        outcome: 'no-route',
        decidedBy: { kind: 'model', name: `${jb.id} ipv6Address`, path: [...(w.l.hosts.get(jb.id)?.path ?? ['hosts']), 'interfaces'] },
      })!;
    if (srcSubnet?.kind === 'azure') {
      // Azure Connect relays the encrypted IPv6 tunnel over outbound HTTPS.
      const saved = { dst: w.dst, q: w.q };
      w.dst = { label: 'service tag Internet', tag: 'Internet', zone: { kind: 'external' } };
      w.q = { ...w.q, protocol: 'Tcp', port: 443 };
      const v = checkNsgs(w, 'Outbound', srcSubnet as AzureSubnet, w.src.nic?.nsg, flowBase(w, w.src.address!));
      Object.assign(w, saved);
      if (v) {
        w.hops[w.hops.length - 1]!.text += ' (Azure Connect needs outbound TCP 443 to the Internet)';
        return v;
      }
    }
    push(w, {
      at: jb.id,
      kind: 'license-link',
      text: `the tunnel rides the encrypted Azure Connect IPv6 connection to ${jb.id} (${addressOf(jbV6.ipv6Address!)}); RRAS hands ${link.ipv6Prefix} addresses to the nodes`,
      outcome: 'pass',
      decidedBy: { kind: 'license-link', name: `${link.id} ipv6Transport azure-connect`, path: [...path, 'ipv6Transport'] },
      assumptions: ['the Azure Connect relay service itself is outside the model'],
    });
  } else {
    // Over the site-to-site VPN: the nodes must reach the junction box's IPv4 address for L2TP/IPsec (UDP 4500).
    const jbNic = jb.interfaces.find((n) => n.address);
    if (!jbNic || srcSubnet?.kind !== 'azure')
      return push(w, { at: jb.id, kind: 'license-link', text: `junction box ${jb.id} has no IPv4 address for the tunnel`, outcome: 'no-route', decidedBy: { kind: 'license-link', name: link.id, path } })!;
    const jbAddress = addressOf(jbNic.address!);
    const saved = { dst: w.dst, q: w.q };
    w.dst = { label: `${jb.id} (${jbAddress})`, host: jb, nic: jbNic, address: jbAddress, subnet: w.l.subnets.get(jbNic.subnet), zone: { kind: 'on-premises', site: jb.site } };
    w.q = { ...w.q, protocol: 'Udp', port: 4500 };
    const v = fromAzure(w, srcSubnet as AzureSubnet, w.src.address!, w.src.nic?.nsg, 0);
    Object.assign(w, saved);
    if (v !== 'reachable') return v;
  }
  // The junction box forwards IPv4 from the pool onto the enterprise network.
  const ls = w.l.hosts.get(link.licenseServer)?.value;
  if (w.dst.host && ls && w.dst.host.id === ls.id && (w.q.protocol !== 'Tcp' || !link.licensePorts.includes(w.q.port)))
    return push(w, {
      at: ls.id,
      kind: 'license-link',
      text: `${ls.id} listens on TCP ${link.licensePorts.join(', ')} only (license link "${link.id}"): ${w.q.protocol.toUpperCase()} ${w.q.port} is refused`,
      outcome: 'blocked',
      decidedBy: { kind: 'license-link', name: `${link.id} licensePorts`, path: [...path, 'licensePorts'] },
    })!;
  const srcAtJb = { ...w.src, address: tunnelAddress };
  const saved = w.src;
  w.src = srcAtJb;
  push(w, { at: jb.id, kind: 'license-link', text: `junction box ${jb.id} (RRAS) forwards from the L2TP pool (${pool.start}–${pool.end}) onto site ${jb.site}`, outcome: 'pass', decidedBy: { kind: 'license-link', name: `${link.id} junctionBox`, path: [...path, 'junctionBox'] } });
  const v = fromOnPremHost(w, jb, tunnelAddress);
  w.src = saved;
  if (v !== 'reachable') return v;
  return licenseReturnPath(w, link, jb, path);
}

/** Replies go to the pool address; they reach the junction box only if the pool is on its subnet or routed to it. */
function licenseReturnPath(w: Walk, link: LicenseLink, jb: Host, path: (string | number)[]): Verdict {
  const pool = link.vpn.clientAddressPool;
  const poolSubnet = subnetOfAddress(w.l, pool.start);
  const jbOnPoolSubnet = poolSubnet && jb.interfaces.some((n) => n.subnet === poolSubnet.id);
  if (jbOnPoolSubnet)
    return (
      push(w, {
        at: jb.id,
        kind: 'license-link',
        text: `replies to ${pool.start}–${pool.end} return to ${jb.id}: the pool is on ${poolSubnet.id}, where ${jb.id} answers for it, and go back through the tunnel to ${w.src.host!.id}`,
        outcome: 'pass',
        decidedBy: { kind: 'license-link', name: `${link.id} clientAddressPool`, path: [...path, 'vpn', 'clientAddressPool'] },
      }) ?? 'reachable'
    );
  const jbAddresses = jb.interfaces.flatMap((n) => (n.address ? [addressOf(n.address)] : []));
  const back = w.dst.host?.staticRoutes.find((r) => contains(r.destination, pool.start) && jbAddresses.includes(r.nextHop));
  if (back)
    return (
      push(w, {
        at: w.dst.host!.id,
        kind: 'license-link',
        text: `replies to the pool return by ${w.dst.host!.id}'s static route ${back.destination} via ${back.nextHop} (${jb.id})`,
        outcome: 'pass',
        decidedBy: { kind: 'host-route', name: `${back.destination} via ${back.nextHop}` },
      }) ?? 'reachable'
    );
  return push(w, {
    at: w.dst.host?.id ?? w.dst.address!,
    kind: 'license-link',
    text: `replies to the pool ${pool.start}–${pool.end} have no way back to ${jb.id}: the pool is not on a subnet of ${jb.id} and ${w.dst.host?.id ?? w.dst.address} has no route to it via ${jb.id}`,
    outcome: 'no-route',
    decidedBy: { kind: 'license-link', name: `${link.id} clientAddressPool`, path: [...path, 'vpn', 'clientAddressPool'] },
  })!;
}

// ── Entry point ─────────────────────────────────────────────────────────────────────────────────────────

export function normaliseProtocol(p: string | undefined): ReachProtocol {
  const s = (p ?? 'tcp').toLowerCase();
  if (s === 'tcp') return 'Tcp';
  if (s === 'udp') return 'Udp';
  throw new ReachInputError(`protocol "${p}" is not supported`, [], 'use tcp or udp');
}

export function reach(model: Workspace | Lookup, query: ReachQuery, opts: ReachOptions = {}): ReachResult {
  const l = 'declarations' in model ? model : buildLookup(model);
  if (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535)
    throw new ReachInputError(`port ${query.port} is not a port`, [], 'give a port from 1 to 65535');
  const q: Required<ReachQuery> = { ...query, protocol: query.protocol ?? 'Tcp' };
  const src = resolveEndpoint(l, q.from, 'source');
  const dst = resolveEndpoint(l, q.to, 'destination');
  if (dst.address !== undefined && ipVersion(dst.address) !== ipVersion(src.address!))
    throw new ReachInputError(`${src.label} and ${dst.label} are of different IP versions`, [], 'compare IPv4 with IPv4, IPv6 with IPv6');
  const w: Walk = { l, q, src, dst, hops: [], opts };
  const verdict = walk(w);
  const decisive = verdict === 'reachable' ? undefined : w.hops[w.hops.length - 1];
  return { query: q, verdict, source: src, destination: dst, hops: w.hops, decisive };
}

function walk(w: Walk): Verdict {
  const { src, dst } = w;
  if (src.address === dst.address) {
    push(w, { at: src.label, kind: 'deliver', text: `${src.label} is the destination itself`, outcome: 'pass' });
    return 'reachable';
  }
  const link = licenseLinkFor(w);
  if (link) return viaLicenseLink(w, link.link, link.index);
  if (src.zone.kind === 'azure' && src.subnet?.kind === 'azure') {
    const nicNsg = src.nic && src.nic.subnet === src.subnet.id ? src.nic.nsg : undefined;
    return fromAzure(w, src.subnet as AzureSubnet, src.address!, nicNsg, 0);
  }
  if (src.zone.kind === 'on-premises') {
    if (src.host && !src.host.roles.includes('compute-node-group') && src.host.interfaces.some((n) => n.address))
      return fromOnPremHost(w, src.host, hostOfAddress(w.l, src.address!) ? src.address : undefined);
    return fromBareOnPremAddress(w);
  }
  return push(w, {
    at: src.label,
    kind: 'site-routing',
    text: `${src.label} is outside every site and VNet in the model; traffic from the Internet into the estate is not modelled`,
    outcome: 'no-route',
    decidedBy: { kind: 'model', name: 'source outside the model' },
  })!;
}

/** An on-premises address no host owns: it uses its subnet's router, as a DHCP client would. */
function fromBareOnPremAddress(w: Walk): Verdict {
  const s = w.src.subnet;
  const site = (w.src.zone as { site: string }).site;
  if (s && w.dst.address !== undefined && contains(s.subnet.prefix, w.dst.address)) return deliverOnPrem(w);
  const gateway = s?.kind === 'on-premises' ? s.subnet.gateway : undefined;
  if (!gateway)
    return push(w, {
      at: w.src.label,
      kind: 'host-route',
      text: `${w.src.label}: ${s ? `subnet ${s.id} has no gateway in the model` : 'no subnet holds this address'}, so nothing routes it off-link`,
      outcome: 'no-route',
      decidedBy: { kind: 'model', name: 'no subnet gateway', path: s ? [...s.path, 'gateway'] : undefined },
    })!;
  push(w, { at: w.src.label, kind: 'host-route', text: `${w.src.label} uses the router of ${s!.id}, ${gateway}`, outcome: 'pass', decidedBy: { kind: 'model', name: `${s!.id} gateway`, path: [...s!.path, 'gateway'] } });
  return fromSite(w, site, w.src.address!, s, gateway);
}

