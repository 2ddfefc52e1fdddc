// Host routing (seed 001): a gateway VM with a default gateway on two NICs picks one by metric. Without
// distinct metrics the choice flips and tenants lose the Internet; with the management NIC winning, VMM is
// happy and tenants are not. Windows sums the route metric and the interface metric; the lowest sum wins.
import type { FindingDraft, Rule } from '../types';
import type { Host, HostInterface } from '../../model/schema';
import type { Lookup } from '../../model/lookup';
import { addressOf, contains, ipVersion } from '../../net/cidr';

/** Windows' default-route cost, or undefined when automatic metrics make it unpredictable from the model. */
export function defaultRouteCost(nic: HostInterface): number | undefined {
  if (nic.routeMetric === undefined || nic.interfaceMetric === undefined) return undefined;
  return nic.routeMetric + nic.interfaceMetric;
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
  title: 'A host with two default gateways gives them distinct metrics',
  explanation:
    'With two default routes and automatic or equal metrics, Windows may send Internet-bound traffic out of the management NIC (route print shows 0.0.0.0 via the wrong gateway) and tenants behind a gateway VM lose their connection.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hosts.forEach((h, i) => {
      const defaults = ipv4Defaults(h);
      if (defaults.length < 2) return;
      for (const { nic, index } of defaults) {
        if (nic.routeMetric === undefined || nic.interfaceMetric === undefined) {
          out.push({
            message: `host "${h.id}" has ${defaults.length} default gateways and interface "${nic.name}" leaves its metric automatic`,
            path: ['hosts', i, 'interfaces', index],
            fix: 'set routeMetric and interfaceMetric on every interface with a default gateway (seed 001: front-end 200, management 300)',
          });
        }
      }
      const costs = new Map<number, string[]>();
      for (const { nic } of defaults) {
        const c = defaultRouteCost(nic);
        if (c !== undefined) costs.set(c, [...(costs.get(c) ?? []), nic.name]);
      }
      for (const [cost, names] of costs) {
        if (names.length > 1)
          out.push({
            message: `host "${h.id}": default routes via ${names.map((n) => `"${n}"`).join(' and ')} have the same total metric ${cost}`,
            path: ['hosts', i, 'interfaces'],
            fix: 'give the interface that should carry Internet traffic the lower metric (seed 001: front-end 200, management 300)',
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
        const mc = defaultRouteCost(m.nic);
        for (const f of fe) {
          const fc = defaultRouteCost(f.nic);
          if (mc !== undefined && fc !== undefined && mc <= fc) {
            out.push({
              message: `gateway VM "${h.id}": the management default route (metric ${mc}) beats the front-end one (metric ${fc})`,
              path: ['hosts', i, 'interfaces', m.index, 'routeMetric'],
              fix: `raise the management metric above ${fc} (seed 001 uses 300 for management, 200 for front-end) and add static routes for the management networks`,
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
