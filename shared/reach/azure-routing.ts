// Azure's effective routes for a subnet, offline: user routes (the subnet's route table) over routes the VPN
// gateway propagates (local network gateway prefixes; BGP) over Azure's default system routes, after the
// longest prefix. The default set is Azure's documented one: the VNet space → VnetLocal, 0.0.0.0/0 → Internet,
// the private and shared ranges → None, and a service endpoint route for each enabled service.
import type { Lookup, SubnetEntry } from '../model/lookup';
import type { DocPath } from '../model/path';
import { parseCidr } from 'cidr-tools';
import { ipVersion } from '../net/cidr';
import { isTag, tagContains } from '../nsg/evaluate';

export type NextHopType = 'VnetLocal' | 'Internet' | 'VirtualNetworkGateway' | 'VirtualAppliance' | 'None' | 'VirtualNetworkServiceEndpoint';
export type RouteSource = 'User' | 'VirtualNetworkGateway' | 'Default';

export interface EffectiveRoute {
  name: string;
  /** A CIDR prefix or a service tag. */
  prefix: string;
  source: RouteSource;
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
  path?: DocPath;
  // Parsed once: a 5,000-route table is looked up per query.
  version?: 4 | 6;
  start?: bigint;
  end?: bigint;
  length?: number;
}

const SOURCE_RANK: Record<RouteSource, number> = { User: 0, VirtualNetworkGateway: 1, Default: 2 };
const NONE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
const SERVICE_ENDPOINT_TAGS: Record<string, string> = {
  'Microsoft.Storage': 'Storage',
  'Microsoft.AzureActiveDirectory': 'AzureActiveDirectory',
};

function parsed(r: EffectiveRoute): EffectiveRoute {
  if (isTag(r.prefix)) return r;
  // cidr-tools' parser directly: toRange also normalises the text, which a 5,000-route table cannot afford.
  const p = parseCidr(r.prefix);
  const length = p.prefixPresent ? Number(p.prefix) : p.version === 4 ? 32 : 128;
  return { ...r, version: p.version, start: p.start, end: p.end, length };
}

const cache = new WeakMap<Lookup, Map<string, EffectiveRoute[]>>();

/** The gateway-propagated routes of a VNet: each connection's local network gateway prefixes. */
function gatewayRoutes(l: Lookup, vnetId: string): EffectiveRoute[] {
  const out: EffectiveRoute[] = [];
  for (const c of l.ws.azure.connections) {
    const gw = l.vpnGateways.get(c.vpnGateway)?.value;
    if (gw?.vnet !== vnetId) continue;
    const lng = l.localNetworkGateways.get(c.localNetworkGateway);
    lng?.value.addressPrefixes.forEach((p, i) =>
      out.push({ name: `${c.id} → ${lng.value.id} ${p}`, prefix: p, source: 'VirtualNetworkGateway', nextHopType: 'VirtualNetworkGateway', path: [...lng.path, 'addressPrefixes', i] }),
    );
  }
  return out;
}

export function effectiveRoutes(l: Lookup, subnet: SubnetEntry & { kind: 'azure' }): EffectiveRoute[] {
  let perLookup = cache.get(l);
  if (!perLookup) cache.set(l, (perLookup = new Map()));
  const hit = perLookup.get(subnet.id);
  if (hit) return hit;
  const vnet = subnet.vnet;
  const rtEntry = subnet.subnet.routeTable ? l.routeTables.get(subnet.subnet.routeTable) : undefined;
  const routes: EffectiveRoute[] = [];
  rtEntry?.value.routes.forEach((r, i) =>
    routes.push({
      name: `${rtEntry.value.id}/${r.name}`,
      prefix: r.addressPrefix,
      source: 'User',
      nextHopType: r.nextHopType,
      nextHopIpAddress: r.nextHopIpAddress,
      path: [...rtEntry.path, 'routes', i],
    }),
  );
  if (!rtEntry?.value.disableBgpRoutePropagation) routes.push(...gatewayRoutes(l, vnet.id));
  for (const p of vnet.addressSpace) routes.push({ name: `default: VNet space ${p}`, prefix: p, source: 'Default', nextHopType: 'VnetLocal' });
  for (const p of NONE_RANGES) routes.push({ name: `default: ${p} → None`, prefix: p, source: 'Default', nextHopType: 'None' });
  routes.push({ name: 'default: 0.0.0.0/0 → Internet', prefix: '0.0.0.0/0', source: 'Default', nextHopType: 'Internet' });
  routes.push({ name: 'default: ::/0 → Internet', prefix: '::/0', source: 'Default', nextHopType: 'Internet' });
  for (const se of subnet.subnet.serviceEndpoints) {
    const tag = SERVICE_ENDPOINT_TAGS[se];
    if (tag) routes.push({ name: `default: service endpoint ${se}`, prefix: tag, source: 'Default', nextHopType: 'VirtualNetworkServiceEndpoint' });
  }
  const compiled = routes.map(parsed);
  perLookup.set(subnet.id, compiled);
  return compiled;
}

export interface AzureRouteChoice {
  chosen?: EffectiveRoute;
  /** Routes for the same prefix that lost on source (user > gateway/BGP > default). */
  overridden: EffectiveRoute[];
}

// On a tie within the defaults, the VNet's own space wins over the None ranges (Azure drops those routes
// for ranges inside the address space).
const tieRank = (r: EffectiveRoute) => SOURCE_RANK[r.source] * 10 + (r.nextHopType === 'VnetLocal' ? 0 : 1);

/**
 * Longest prefix, then source. A service-tag destination is matched by routes naming that tag (or a tag that
 * contains it), which are more specific than any default route, else by the default routes 0.0.0.0/0 and ::/0.
 */
export function chooseAzureRoute(routes: readonly EffectiveRoute[], destination: { address: string } | { tag: string }): AzureRouteChoice {
  let best: EffectiveRoute[] = [];
  let bestScore = -1;
  const consider = (r: EffectiveRoute, score: number) => {
    if (score > bestScore) {
      bestScore = score;
      best = [r];
    } else if (score === bestScore) best.push(r);
  };
  if ('address' in destination) {
    const v = ipVersion(destination.address);
    const a = parseCidr(destination.address).start;
    for (const r of routes) {
      if (r.start === undefined || r.version !== v || a < r.start || a > r.end!) continue;
      consider(r, r.length!);
    }
  } else {
    for (const r of routes) {
      if (isTag(r.prefix)) {
        if (tagContains(r.prefix, destination.tag)) consider(r, 1000 + (r.prefix === destination.tag ? 1 : 0));
      } else if (r.length === 0 && r.version === 4) consider(r, 0);
    }
  }
  if (best.length === 0) return { overridden: [] };
  const ranked = [...best].sort((x, y) => tieRank(x) - tieRank(y));
  return { chosen: ranked[0], overridden: ranked.slice(1) };
}

export function describeAzureRoute(r: EffectiveRoute): string {
  const hop = r.nextHopType === 'VirtualAppliance' ? `VirtualAppliance ${r.nextHopIpAddress ?? '(no address)'}` : r.nextHopType;
  const label = r.source === 'User' ? `user route "${r.name}"` : r.source === 'VirtualNetworkGateway' ? `gateway route "${r.name}"` : `system route "${r.name.replace(/^default: /, '')}"`;
  return `${label}: ${r.prefix} → ${hop}`;
}

