// Turning what the admin typed ("cc01", "snet-cluster", "10.10.1.20", "Storage") into a located endpoint.
// Unknown names are bad input, answered with the closest names in the workspace rather than a guess.
import type { Lookup, SubnetEntry } from '../model/lookup';
import type { Host, HostInterface } from '../model/schema';
import { SERVICE_TAGS } from '../model/schema';
import { addressOf, contains, isValidAddress, toRange } from '../net/cidr';
import { representative } from '../lint/rules/cyclecloud';
import { parseTag, REGIONAL_TAGS } from '../nsg/tags';
import { ReachInputError, type Endpoint, type Zone } from './types';

/** Tags that name a set of public Azure (or Internet) addresses and so make sense as a destination. */
export const DESTINATION_TAGS = SERVICE_TAGS.filter((t) => t !== 'VirtualNetwork' && t !== 'AzureLoadBalancer');

export function zoneOfSubnet(s: SubnetEntry): Zone {
  return s.kind === 'azure' ? { kind: 'azure', site: s.site, vnet: s.vnet.id } : { kind: 'on-premises', site: s.site };
}

/** The most specific subnet in the workspace holding an address. */
export function subnetOfAddress(l: Lookup, address: string): SubnetEntry | undefined {
  let best: SubnetEntry | undefined;
  let bestLen = -1;
  for (const s of l.subnets.values()) {
    if (!contains(s.subnet.prefix, address)) continue;
    const len = toRange(s.subnet.prefix).prefixLength;
    if (len > bestLen) {
      best = s;
      bestLen = len;
    }
  }
  return best;
}

/** Where an address lives when no subnet holds it: inside a network's or VNet's space, or outside the model. */
export function zoneOfAddress(l: Lookup, address: string): Zone {
  const s = subnetOfAddress(l, address);
  if (s) return zoneOfSubnet(s);
  for (const n of l.ws.networks) if (n.addressSpace.some((p) => contains(p, address))) return { kind: 'on-premises', site: n.site };
  for (const v of l.ws.azure.vnets) if (v.addressSpace.some((p) => contains(p, address))) return { kind: 'azure', site: v.site, vnet: v.id };
  return { kind: 'external' };
}

function nicAddress(l: Lookup, nic: HostInterface): string | undefined {
  if (nic.address) return addressOf(nic.address);
  const s = l.subnets.get(nic.subnet);
  // Groups and DHCP hosts have no fixed address: stand for them with a node of their subnet.
  return s ? representative(s.subnet.prefix) : undefined;
}

function hostEndpoint(l: Lookup, host: Host, nic: HostInterface | undefined): Endpoint {
  const entry = l.hosts.get(host.id);
  const chosen = nic ?? host.interfaces.find((n) => n.address) ?? host.interfaces[0];
  const subnet = chosen ? l.subnets.get(chosen.subnet) : undefined;
  const address = chosen ? nicAddress(l, chosen) : undefined;
  const zone: Zone = subnet ? zoneOfSubnet(subnet) : zoneFromSite(l, host.site);
  return {
    label: address ? `${host.id} (${address})` : host.id,
    host,
    hostPath: entry?.path,
    nic: chosen,
    address,
    subnet,
    zone,
  };
}

function zoneFromSite(l: Lookup, site: string): Zone {
  const s = l.sites.get(site)?.value;
  return s?.kind === 'on-premises' ? { kind: 'on-premises', site } : { kind: 'external' };
}

const names = new WeakMap<Lookup, Map<string, Host>>();

function findHost(l: Lookup, text: string): Host | undefined {
  const direct = l.hosts.get(text)?.value;
  if (direct) return direct;
  let index = names.get(l);
  if (!index) {
    index = new Map();
    for (const h of l.ws.hosts)
      for (const k of [h.name, h.fqdn, h.id]) if (k !== undefined && !index.has(k.toLowerCase())) index.set(k.toLowerCase(), h);
    names.set(l, index);
  }
  return index.get(text.toLowerCase());
}

type Owner = { host: Host; nic: HostInterface };
// Built once per lookup: a scan of every interface per question made lint's needed flows and `reach --diff`
// linear in the number of hosts for each flow (10,000 hosts: milliseconds per flow instead of microseconds).
const owners = new WeakMap<Lookup, Map<string, Owner>>();

/** The host that owns an address on one of its interfaces, with that interface (the first one in document order). */
export function hostOfAddress(l: Lookup, address: string): Owner | undefined {
  let index = owners.get(l);
  if (!index) {
    index = new Map();
    for (const host of l.ws.hosts)
      for (const nic of host.interfaces)
        for (const a of [nic.address, nic.ipv6Address]) {
          const key = a ? addressOf(a) : undefined;
          if (key !== undefined && !index.has(key)) index.set(key, { host, nic });
        }
    owners.set(l, index);
  }
  return index.get(address);
}

export function resolveEndpoint(l: Lookup, text: string, role: 'source' | 'destination'): Endpoint {
  const t = text.trim();
  if (t === '') throw new ReachInputError(`the ${role} is empty`, [], `name a host id, a subnet id, an address${role === 'destination' ? ' or a service tag' : ''}`);
  const host = findHost(l, t);
  if (host) {
    if (host.interfaces.length === 0)
      throw new ReachInputError(`host "${host.id}" has no interfaces in the workspace, so it has no address`, [], `add an interface to hosts["${host.id}"]`);
    return hostEndpoint(l, host, undefined);
  }
  const subnet = l.subnets.get(t);
  if (subnet) {
    const address = representative(subnet.subnet.prefix);
    const owner = groupOnSubnet(l, subnet.id);
    return {
      label: `a node of ${subnet.id} (${address})`,
      host: owner?.host,
      hostPath: owner ? l.hosts.get(owner.host.id)?.path : undefined,
      nic: owner?.nic,
      address,
      subnet,
      zone: zoneOfSubnet(subnet),
    };
  }
  if (isValidAddress(t)) {
    const owned = hostOfAddress(l, t);
    if (owned) return { ...hostEndpoint(l, owned.host, owned.nic), address: t, label: `${owned.host.id} (${t})` };
    const s = subnetOfAddress(l, t);
    const group = s ? groupOnSubnet(l, s.id) : undefined;
    return {
      label: group ? `${group.host.id} (${t})` : t,
      host: group?.host,
      hostPath: group ? l.hosts.get(group.host.id)?.path : undefined,
      nic: group?.nic,
      address: t,
      subnet: s,
      zone: zoneOfAddress(l, t),
    };
  }
  const tag = DESTINATION_TAGS.find((x) => x.toLowerCase() === t.toLowerCase().split('.')[0]);
  if (tag) {
    if (role === 'source')
      throw new ReachInputError(`a service tag ("${t}") cannot be the source of a flow`, [], 'name a host id, a subnet id or an address as --from');
    const parsed = parseTag(t);
    if (t.includes('.') && (!parsed?.region || !REGIONAL_TAGS.includes(tag)))
      throw new ReachInputError(`"${t}" is not a service tag: ${tag} has no regional form`, [], `name "${tag}", or a regional tag such as Storage.WestEurope`);
    const regional = parsed?.region ? `${tag}.${parsed.region}` : tag;
    return { label: `service tag ${regional}`, tag: regional, zone: { kind: 'external' } };
  }
  if (SERVICE_TAGS.some((x) => x.toLowerCase() === t.toLowerCase()))
    throw new ReachInputError(`service tag "${t}" is not a place a flow can go to`, [], 'name a host, a subnet or an address inside the VNet instead');
  const names = [
    ...l.ws.hosts.flatMap((h) => [h.id, h.name, ...(h.fqdn ? [h.fqdn] : [])]),
    ...l.subnets.keys(),
    ...(role === 'destination' ? DESTINATION_TAGS : []),
  ];
  const close = closeMatches(t, [...new Set(names)]);
  throw new ReachInputError(
    `unknown ${role} "${t}": not a host, subnet, address${role === 'destination' ? ' or service tag' : ''} in the workspace`,
    close,
    close.length ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `known hosts: ${l.ws.hosts.map((h) => h.id).join(', ')}`,
  );
}

/** A compute-node group whose interface sits on the subnet: "a node of snet-compute" is one of its nodes. */
const groups = new WeakMap<Lookup, Map<string, Owner>>();

function groupOnSubnet(l: Lookup, subnetId: string): Owner | undefined {
  let index = groups.get(l);
  if (!index) {
    index = new Map();
    for (const host of l.ws.hosts) {
      if (!host.roles.includes('compute-node-group')) continue;
      for (const nic of host.interfaces) if (!index.has(nic.subnet)) index.set(nic.subnet, { host, nic });
    }
    groups.set(l, index);
  }
  return index.get(subnetId);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to three names within a few edits of the input, or containing it, nearest first. */
export function closeMatches(input: string, names: readonly string[]): string[] {
  const q = input.toLowerCase();
  return names
    .map((n) => {
      const lower = n.toLowerCase();
      const d = lower.includes(q) || q.includes(lower) ? 0.5 : editDistance(q, lower);
      return { n, d };
    })
    .filter(({ d }) => d <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map(({ n }) => n);
}
