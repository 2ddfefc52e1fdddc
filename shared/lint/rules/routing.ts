// Host routing (seed 001): a gateway VM with a default gateway on two NICs picks one by metric. Without
// distinct metrics the choice flips and tenants lose the Internet; with the management NIC winning, VMM is
// happy and tenants are not. Windows sums the route metric and the interface metric; the lowest sum wins.
// An automatic interface metric is bounded by Microsoft's link-speed table for the host's OS
// (shared/reach/interface-metric.ts), so the sum is a range: decided when ranges cannot overlap.
import type { FindingDraft, Rule } from '../types';
import type { Host, HostInterface } from '../../model/schema';
import type { Lookup } from '../../model/lookup';
import { addressOf, contains, ipVersion } from '../../net/cidr';
import { automaticMetricRange, formatRange, interfaceMetricRange, rangesOverlap, type MetricRange } from '../../reach/interface-metric';
import { DEFAULT_ROUTE_METRIC } from '../../reach/host-routing';

/** Windows' default-route cost (route metric + interface metric) as a range; undefined when it cannot be bounded. */
export function defaultRouteCost(host: Pick<Host, 'os'>, nic: HostInterface): MetricRange | undefined {
  const i = interfaceMetricRange(host, nic.interfaceMetric);
  const r = nic.routeMetric ?? DEFAULT_ROUTE_METRIC;
  return i ? { min: r + i.min, max: r + i.max } : undefined;
}

function costText(host: Host, nic: HostInterface): string {
  const c = defaultRouteCost(host, nic);
  const r = nic.routeMetric ?? DEFAULT_ROUTE_METRIC;
  if (!c) return `route metric ${r} + an automatic interface metric the model cannot bound`;
  if (nic.interfaceMetric !== undefined) return `${r} + ${nic.interfaceMetric} = ${c.min}`;
  return `${r} + automatic ${formatRange({ min: c.min - r, max: c.max - r })} = ${formatRange(c)}`;
}

function purposeOf(l: Lookup, nic: HostInterface): string | undefined {
  const s = l.subnets.get(nic.subnet);
  return s?.subnet.purpose;
}

function subnetPrefix(l: Lookup, nic: HostInterface): string | undefined {
  return l.subnets.get(nic.subnet)?.subnet.prefix;
}

function ipv4Defaults(h: Host): { nic: HostInterface; index: number }[] {
  return h.interfaces
    .map((nic, index) => ({ nic, index }))
    .filter(({ nic }) => nic.defaultGateway !== undefined && ipVersion(nic.defaultGateway) === 4);
}

export const ambiguousDefaultRoute: Rule = {
  id: 'RT001',
  name: 'ambiguous-default-route',
  severity: 'error',
  seeds: ['001'],
  title: 'A host with two default gateways gives them metrics that cannot tie',
  explanation:
    "With two default routes whose route metric + interface metric can be equal or swap, Windows may send Internet-bound traffic out of the management NIC (route print shows 0.0.0.0 via the wrong gateway) and tenants behind a gateway VM lose their connection. An automatic interface metric counts as the range Microsoft's link-speed table allows for the host's OS (5–50 before Windows 10 / Server 2016, 5–85 after; \"An explanation of the Automatic Metric feature for IPv4 routes\", learn.microsoft.com/en-us/troubleshoot/windows-server/networking/automatic-metric-for-ipv4-routes): route metrics 200 and 300 never tie, 200 and 220 can.",
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hosts.forEach((h, i) => {
      const defaults = ipv4Defaults(h);
      if (defaults.length < 2) return;
      const auto = automaticMetricRange(h.os);
      for (let a = 0; a < defaults.length; a++)
        for (let b = a + 1; b < defaults.length; b++) {
          const x = defaults[a]!;
          const y = defaults[b]!;
          const cx = defaultRouteCost(h, x.nic);
          const cy = defaultRouteCost(h, y.nic);
          if (cx && cy && !rangesOverlap(cx, cy)) continue;
          const bothFixed = x.nic.interfaceMetric !== undefined && y.nic.interfaceMetric !== undefined;
          const automaticOne = [x, y].find(({ nic }) => nic.interfaceMetric === undefined);
          const message =
            bothFixed && cx && cy && cx.min === cy.min
              ? `host "${h.id}": default routes via "${x.nic.name}" and "${y.nic.name}" have the same total metric ${cx.min}`
              : `host "${h.id}": default routes via "${x.nic.name}" (${costText(h, x.nic)}) and "${y.nic.name}" (${costText(h, y.nic)}) can tie or swap with link speed${auto ? ` (${auto.basis})` : ''}`;
          out.push({
            message,
            path: bothFixed || !automaticOne ? ['hosts', i, 'interfaces'] : ['hosts', i, 'interfaces', automaticOne.index],
            fix: bothFixed
              ? 'give the interface that should carry Internet traffic the lower metric (seed 001: front-end 200, management 300)'
              : auto
              ? `give the interface that should carry Internet traffic a route metric lower by more than ${auto.max - auto.min} (the spread of the automatic metric), or set interfaceMetric on both (seed 001: front-end 200, management 300)`
              : 'set routeMetric and interfaceMetric on every interface with a default gateway (seed 001: front-end 200, management 300)',
          });
        }
    });
    return out;
  },
};

export const gatewayDefaultViaManagement: Rule = {
  id: 'RT002',
  name: 'gateway-vm-default-via-management',
  severity: 'error',
  seeds: ['001'],
  title: "A gateway VM's default route goes out of its front-end NIC",
  explanation:
    'On an HNV/NVGRE gateway VM the management network reaches VMM only; if its default route wins, tenant traffic to the Internet is sent to the management router and dropped.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hosts.forEach((h, i) => {
      if (!h.roles.includes('gateway-vm')) return;
      const defaults = ipv4Defaults(h);
      const fe = defaults.filter(({ nic }) => purposeOf(l, nic) === 'front-end');
      const mgmt = defaults.filter(({ nic }) => purposeOf(l, nic) === 'management');
      for (const m of mgmt) {
        const mc = defaultRouteCost(h, m.nic);
        for (const f of fe) {
          const fc = defaultRouteCost(h, f.nic);
          // Management wins (or ties) on every link speed the table allows; an overlap is RT001's ambiguity.
          if (mc !== undefined && fc !== undefined && mc.max <= fc.min) {
            out.push({
              message: `gateway VM "${h.id}": the management default route (${costText(h, m.nic)}) beats the front-end one (${costText(h, f.nic)})`,
              path: ['hosts', i, 'interfaces', m.index, m.nic.routeMetric !== undefined ? 'routeMetric' : 'defaultGateway'],
              fix: `raise the management route metric above the front-end one by more than the automatic metric's spread (seed 001 uses 300 for management, 200 for front-end) and add static routes for the management networks`,
            });
          }
        }
      }
    });
    return out;
  },
};

export const staticRouteNextHop: Rule = {
  id: 'RT003',
  name: 'unreachable-next-hop',
  severity: 'error',
  seeds: ['001'],
  title: "A static route's next hop is on one of the host's subnets",
  explanation:
    'Windows refuses (or silently never uses) a route whose gateway is not on a directly connected subnet; the management networks then become unreachable once the default route moves to the front-end NIC.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hosts.forEach((h, i) => {
      h.staticRoutes.forEach((r, j) => {
        const candidates = r.interface ? h.interfaces.filter((n) => n.name === r.interface) : h.interfaces;
        if (r.interface && candidates.length === 0) {
          out.push({
            message: `route to ${r.destination} names interface "${r.interface}", which host "${h.id}" does not have`,
            path: ['hosts', i, 'staticRoutes', j, 'interface'],
            fix: `use one of: ${h.interfaces.map((n) => n.name).join(', ')}`,
          });
          return;
        }
        const onLink = candidates.some((nic) => {
          const p = subnetPrefix(l, nic);
          return p !== undefined && contains(p, r.nextHop);
        });
        if (!onLink && candidates.length > 0) {
          out.push({
            message: `next hop ${r.nextHop} of the route to ${r.destination} is not on any subnet of host "${h.id}"`,
            path: ['hosts', i, 'staticRoutes', j, 'nextHop'],
            fix: 'use the router address of a subnet this host has an interface on',
          });
        }
      });
    });
    return out;
  },
};

export const addressOnSubnet: Rule = {
  id: 'RT004',
  name: 'address-outside-subnet',
  severity: 'error',
  seeds: ['001'],
  title: "Interface addresses and default gateways lie inside the interface's subnet",
  explanation:
    'A default gateway outside the local subnet is unreachable: Windows keeps the route but traffic goes nowhere, which looks like an intermittent outage.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hosts.forEach((h, i) =>
      h.interfaces.forEach((nic, j) => {
        const prefix = subnetPrefix(l, nic);
        if (!prefix) return;
        if (nic.address && !contains(prefix, addressOf(nic.address)))
          out.push({
            message: `address ${nic.address} of "${h.id}/${nic.name}" is outside subnet ${prefix}`,
            path: ['hosts', i, 'interfaces', j, 'address'],
            fix: `choose an address in ${prefix}, or attach the interface to the subnet that holds it`,
          });
        if (
          nic.defaultGateway &&
          ipVersion(nic.defaultGateway) === 4 &&
          !contains(prefix, nic.defaultGateway)
        )
          out.push({
            message: `default gateway ${nic.defaultGateway} of "${h.id}/${nic.name}" is outside subnet ${prefix}`,
            path: ['hosts', i, 'interfaces', j, 'defaultGateway'],
            fix: `use the router address of ${prefix}`,
          });
      }),
    );
    return out;
  },
};

export const ROUTING_RULES: readonly Rule[] = [
  ambiguousDefaultRoute,
  gatewayDefaultViaManagement,
  staticRouteNextHop,
  addressOnSubnet,
];
