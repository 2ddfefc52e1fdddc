// A Windows host's IPv4/IPv6 forwarding decision from the model (seed 001): connected routes, static routes and
// default gateways; longest prefix first, then the lowest route metric + interface metric. An automatic interface
// metric depends on link speed, which the model does not hold, but Microsoft's table bounds it per OS
// (interface-metric.ts): the route's cost is then a range, decided when ranges cannot overlap, reported when they can.
import type { Lookup } from '../model/lookup';
import type { DocPath } from '../model/path';
import type { Host, HostInterface } from '../model/schema';
import { addressOf, contains, ipVersion, toRange } from '../net/cidr';
import { automaticMetricRange, formatRange, rangesOverlap, type AutomaticMetric, type MetricRange } from './interface-metric';

/** Windows' RouteMetric when none is set (New-NetRoute, and the default gateway of a static configuration). */
export const DEFAULT_ROUTE_METRIC = 256;

export interface HostRoute {
  destination: string;
  /** Undefined for an on-link (connected) route. */
  nextHop?: string;
  nic: HostInterface;
  routeMetric: number;
  /** Undefined when the interface metric is automatic. */
  interfaceMetric?: number;
  /** For an automatic interface metric: the range Microsoft's table allows on the host's OS (undefined off Windows). */
  automatic?: AutomaticMetric;
  origin: 'connected' | 'static' | 'default-gateway';
  path: DocPath;
}

export const routeCost = (r: HostRoute): number | undefined =>
  r.interfaceMetric === undefined ? undefined : r.routeMetric + r.interfaceMetric;

/** Route metric + interface metric as a range; undefined when the interface metric cannot be bounded. */
export function routeCostRange(r: HostRoute): MetricRange | undefined {
  if (r.interfaceMetric !== undefined) return { min: r.routeMetric + r.interfaceMetric, max: r.routeMetric + r.interfaceMetric };
  if (r.automatic) return { min: r.routeMetric + r.automatic.min, max: r.routeMetric + r.automatic.max };
  return undefined;
}

export function describeRoute(r: HostRoute): string {
  const via = r.nextHop ? `via ${r.nextHop}` : 'on-link';
  const cost = routeCostRange(r);
  const metric =
    r.interfaceMetric !== undefined
      ? `metric ${r.routeMetric} + ${r.interfaceMetric} = ${cost!.min}`
      : cost
        ? `metric ${r.routeMetric} + automatic ${formatRange(r.automatic!)} = ${formatRange(cost)}`
        : `route metric ${r.routeMetric} + automatic interface metric`;
  return `${r.destination} ${via} on "${r.nic.name}" (${r.origin}, ${metric})`;
}

/** The host's routing table as `route print` would show it, from the model. */
export function hostRoutes(l: Lookup, host: Host): HostRoute[] {
  const hostPath = l.hosts.get(host.id)?.path ?? ['hosts'];
  const automatic = automaticMetricRange(host.os);
  const out: HostRoute[] = [];
  host.interfaces.forEach((nic, i) => {
    const subnet = l.subnets.get(nic.subnet);
    const nicPath = [...hostPath, 'interfaces', i];
    // An interface without an address (a switch port for HNV, a DHCP leg) has no route Windows can use.
    if (subnet && (nic.address || host.roles.includes('compute-node-group')))
      out.push({ destination: subnet.subnet.prefix, nic, routeMetric: DEFAULT_ROUTE_METRIC, interfaceMetric: nic.interfaceMetric, automatic, origin: 'connected', path: nicPath });
    if (nic.defaultGateway)
      out.push({
        destination: ipVersion(nic.defaultGateway) === 4 ? '0.0.0.0/0' : '::/0',
        nextHop: nic.defaultGateway,
        nic,
        routeMetric: nic.routeMetric ?? DEFAULT_ROUTE_METRIC,
        interfaceMetric: nic.interfaceMetric,
        automatic,
        origin: 'default-gateway',
        path: nic.routeMetric !== undefined ? [...nicPath, 'routeMetric'] : [...nicPath, 'defaultGateway'],
      });
  });
  host.staticRoutes.forEach((r, j) => {
    const nic = r.interface
      ? host.interfaces.find((n) => n.name === r.interface)
      : host.interfaces.find((n) => {
          const s = l.subnets.get(n.subnet);
          return s !== undefined && contains(s.subnet.prefix, r.nextHop);
        });
    if (!nic) return; // RT003 reports a next hop that is on no interface; Windows never uses such a route
    out.push({
      destination: r.destination,
      nextHop: r.nextHop,
      nic,
      routeMetric: r.metric ?? DEFAULT_ROUTE_METRIC,
      interfaceMetric: nic.interfaceMetric,
      automatic,
      origin: 'static',
      path: [...hostPath, 'staticRoutes', j],
    });
  });
  return out;
}

export interface HostRouteChoice {
  chosen?: HostRoute;
  /** Routes with the same (longest) prefix that lost on metric, for the explanation. */
  alternatives: HostRoute[];
  /** True when the winner is not determined by the model (equal costs, or automatic-metric ranges that overlap). */
  ambiguous: boolean;
  /** The alternatives that can win instead on some link speed (overlapping or unbounded cost). */
  rivals: HostRoute[];
}

/** Longest prefix, then lowest route + interface metric. A service-tag destination only matches default routes. */
export function chooseHostRoute(routes: readonly HostRoute[], destination: { address: string } | { tag: string }): HostRouteChoice {
  const family = 'address' in destination ? ipVersion(destination.address) : 4;
  const matching = routes.filter((r) =>
    'address' in destination ? contains(r.destination, destination.address) : r.destination === (family === 4 ? '0.0.0.0/0' : '::/0'),
  );
  if (matching.length === 0) return { alternatives: [], ambiguous: false, rivals: [] };
  const longest = Math.max(...matching.map((r) => toRange(r.destination).prefixLength));
  const tied = matching.filter((r) => toRange(r.destination).prefixLength === longest);
  const ranked = tied
    .map((r) => ({ r, c: routeCostRange(r) }))
    .sort((a, b) => (a.c?.min ?? Infinity) - (b.c?.min ?? Infinity) || (a.c?.max ?? Infinity) - (b.c?.max ?? Infinity));
  const first = ranked[0]!;
  const rivals = ranked.slice(1).filter(({ c }) => !first.c || !c || rangesOverlap(first.c, c)).map(({ r }) => r);
  return { chosen: first.r, alternatives: ranked.slice(1).map(({ r }) => r), ambiguous: rivals.length > 0, rivals };
}

/** The source address Windows uses for a route: the address of its outgoing interface. */
export function sourceAddressFor(l: Lookup, route: HostRoute): string | undefined {
  if (route.nic.address) return addressOf(route.nic.address);
  return undefined;
}
