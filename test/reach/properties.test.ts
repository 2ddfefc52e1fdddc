// Monotonicity: more deny rules, or fewer routes, never open a path. Flows are drawn from every host, subnet,
// service tag and an outside address of the example, on the ports the seeds use.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { load, rawExample, type Raw } from '../helpers/example';
import { reach } from '../../shared/reach';
import type { Workspace } from '../../shared/model/schema';

const base = rawExample();
const ENDPOINTS = [...base.hosts.map((h: Raw) => h.id), 'snet-cluster', 'snet-compute', 'snet-cyclecloud', '93.184.216.34', '10.10.1.77', '10.50.4.9'];
const DESTS = [...ENDPOINTS, 'Internet', 'Storage', 'AzureResourceManager', 'AzureActiveDirectory', 'AzureMonitor'];
const PORTS = [22, 443, 445, 5672, 9443, 27000, 27001];
const PREFIXES = ['*', 'VirtualNetwork', 'Internet', 'Storage', 'AzureResourceManager', '10.50.0.0/16', '10.50.4.0/22', '10.50.2.0/24', '10.50.2.4', '10.0.0.0/24', '0.0.0.0/0', '93.184.216.0/24'];

const flow = fc.record({ from: fc.constantFrom(...ENDPOINTS), to: fc.constantFrom(...DESTS), port: fc.constantFrom(...PORTS), protocol: fc.constantFrom('Tcp' as const, 'Udp' as const) });

function verdictOf(ws: Workspace, f: { from: string; to: string; port: number; protocol: 'Tcp' | 'Udp' }) {
  try {
    return reach(ws, f).verdict;
  } catch {
    return 'bad-input'; // e.g. a host with no interfaces; identical before and after
  }
}

const denyRule = fc.record({
  nsg: fc.constantFrom(...base.azure.nsgs.map((n: Raw) => n.id)),
  priority: fc.integer({ min: 100, max: 4096 }),
  direction: fc.constantFrom('Inbound', 'Outbound'),
  protocol: fc.constantFrom('Tcp', 'Udp', '*'),
  src: fc.constantFrom(...PREFIXES),
  dst: fc.constantFrom(...PREFIXES),
  port: fc.constantFrom('*', '443', '5672', '9443', '27000-27001', '1-1024'),
});

describe('reachability is monotone', () => {
  it('adding a deny rule to any NSG never makes anything newly reachable', () => {
    const before = load(base);
    fc.assert(
      fc.property(fc.array(denyRule, { minLength: 1, maxLength: 3 }), fc.array(flow, { minLength: 8, maxLength: 8 }), (rules, flows) => {
        const raw = rawExample();
        for (const r of rules)
          raw.azure.nsgs
            .find((n: Raw) => n.id === r.nsg)
            .rules.push({ name: `Deny${r.priority}`, priority: r.priority, direction: r.direction, access: 'Deny', protocol: r.protocol, sourcePrefixes: [r.src], destinationPrefixes: [r.dst], destinationPorts: [r.port] });
        const after = load(raw);
        for (const f of flows) if (verdictOf(after, f) === 'reachable') expect(verdictOf(before, f)).toBe('reachable');
      }),
      { numRuns: 150 },
    );
  });

  it('the same holds on a model where deny rules already exist (the added deny lands among them)', () => {
    const seeded = rawExample();
    seeded.azure.nsgs[1].rules.push({ name: 'DenyMgmt', priority: 3000, direction: 'Outbound', access: 'Deny', protocol: '*', destinationPrefixes: ['10.0.0.0/24'], destinationPorts: ['22'] });
    const before = load(seeded);
    fc.assert(
      fc.property(denyRule, fc.array(flow, { minLength: 8, maxLength: 8 }), (r, flows) => {
        const raw = JSON.parse(JSON.stringify(seeded));
        raw.azure.nsgs.find((n: Raw) => n.id === r.nsg).rules.push({ name: 'Added', priority: r.priority === 3000 ? 3001 : r.priority, direction: r.direction, access: 'Deny', protocol: r.protocol, sourcePrefixes: [r.src], destinationPrefixes: [r.dst], destinationPorts: [r.port] });
        const after = load(raw);
        for (const f of flows) if (verdictOf(after, f) === 'reachable') expect(verdictOf(before, f)).toBe('reachable');
      }),
      { numRuns: 100 },
    );
  });

  // Every route the example can lose: Azure user routes, local network gateway prefixes (gateway routes), host
  // static routes and default gateways. All of them forward where they say; a route whose next hop is a dead end
  // (None, an appliance outside the model) shadows a working shorter one, and removing such a route is exactly how
  // an admin repairs a path, so those are not in the pool (see docs/reachability.md).
  type Removal = { kind: 'user' | 'lng' | 'static' | 'gateway'; a: number; b: number };
  const removals: Removal[] = [];
  base.azure.routeTables.forEach((rt: Raw, a: number) => rt.routes.forEach((_: Raw, b: number) => removals.push({ kind: 'user', a, b })));
  base.azure.localNetworkGateways.forEach((g: Raw, a: number) => g.addressPrefixes.forEach((_: Raw, b: number) => removals.push({ kind: 'lng', a, b })));
  base.hosts.forEach((h: Raw, a: number) => {
    (h.staticRoutes ?? []).forEach((_: Raw, b: number) => removals.push({ kind: 'static', a, b }));
    h.interfaces.forEach((n: Raw, b: number) => n.defaultGateway && removals.push({ kind: 'gateway', a, b }));
  });

  function remove(raw: Raw, r: Removal) {
    if (r.kind === 'user') raw.azure.routeTables[r.a].routes.splice(r.b, 1);
    else if (r.kind === 'lng') raw.azure.localNetworkGateways[r.a].addressPrefixes.splice(r.b, 1);
    else if (r.kind === 'static') raw.hosts[r.a].staticRoutes.splice(r.b, 1);
    else {
      const nic = raw.hosts[r.a].interfaces[r.b];
      delete nic.defaultGateway;
      delete nic.routeMetric;
    }
  }

  it('removing a route never makes anything newly reachable', () => {
    expect(removals.length).toBeGreaterThan(10);
    const before = load(base);
    fc.assert(
      fc.property(fc.subarray(removals, { minLength: 1, maxLength: 3 }), fc.array(flow, { minLength: 10, maxLength: 10 }), (chosen, flows) => {
        const raw = rawExample();
        // Remove from the highest index down so earlier removals do not shift later ones.
        for (const r of [...chosen].sort((x, y) => y.b - x.b)) remove(raw, r);
        const after = load(raw);
        for (const f of flows) if (verdictOf(after, f) === 'reachable') expect(verdictOf(before, f)).toBe('reachable');
      }),
      { numRuns: 150 },
    );
  });

  it('some removals do cut paths (the property is not vacuous)', () => {
    const raw = rawExample();
    raw.azure.localNetworkGateways[0].addressPrefixes = [];
    expect(reach(load(base), { from: 'vmm01', to: 'cc01', port: 443 }).verdict).toBe('reachable');
    expect(reach(load(raw), { from: 'vmm01', to: 'cc01', port: 443 }).verdict).toBe('no-route');
  });
});
