import { describe, expect, it } from 'vitest';
import { byId, type Raw, load, rawExample } from '../helpers/example';

const find = (xs: Raw[], id: string): Raw => byId(xs, id);
import { reach, formatReach, hostRoutes, chooseHostRoute, ReachInputError } from '../../shared/reach';
import { buildLookup } from '../../shared/model/lookup';

const ws = load(rawExample());

describe('the seeds’ questions on the example workspace', () => {
  it('Azure compute nodes reach the license server on 27000 through the junction box and its tunnel (seed 000)', () => {
    const r = reach(ws, { from: 'azure-nodes', to: 'lic01', port: 27000 });
    expect(r.verdict).toBe('reachable');
    const text = r.hops.map((h) => h.text).join('\n');
    expect(text).toMatch(/junction box jb01/);
    expect(text).toMatch(/L2TP/);
    expect(text).toMatch(/Azure Connect IPv6/);
    expect(r.hops.some((h) => h.kind === 'license-link' && /replies to 10\.10\.99\.200/.test(h.text))).toBe(true);
    expect(r.hops.at(-2)?.text).toMatch(/delivered to lic01/);
  });

  it('without the license link the nodes have no route: Azure drops 10.0.0.0/8 (system route None)', () => {
    const raw = rawExample();
    raw.licenseLinks = [];
    const r = reach(load(raw), { from: 'azure-nodes', to: 'lic01', port: 27000 });
    expect(r.verdict).toBe('no-route');
    expect(r.decisive?.text).toMatch(/10\.0\.0\.0\/8 → None/);
  });

  it('the link carries the license ports only: another port on lic01 is refused', () => {
    const r = reach(ws, { from: 'azure-nodes', to: 'lic01', port: 3389 });
    expect(r.verdict).toBe('blocked');
    expect(r.decisive?.decidedBy?.path).toEqual(['licenseLinks', 0, 'licensePorts']);
  });

  it('replies need a way back to the L2TP pool: a pool off the junction box subnet with no route is no-route', () => {
    const raw = rawExample();
    raw.licenseLinks[0].vpn.clientAddressPool = { start: '192.168.77.10', end: '192.168.77.20' };
    const r = reach(load(raw), { from: 'azure-nodes', to: 'lic01', port: 27000 });
    expect(r.verdict).toBe('no-route');
    expect(r.decisive?.text).toMatch(/no way back to jb01/);
    find(raw.hosts, 'lic01').staticRoutes = [{ destination: '192.168.77.0/24', nextHop: '10.10.99.10' }];
    // lic01 is on corp-servers; the next hop must be jb01's address, which the static route names.
    expect(reach(load(raw), { from: 'azure-nodes', to: 'lic01', port: 27000 }).verdict).toBe('reachable');
  });

  it('a junction box without IPv6 cannot carry the Azure Connect tunnel', () => {
    const raw = rawExample();
    delete find(raw.hosts, 'jb01').interfaces[0].ipv6Address;
    const r = reach(load(raw), { from: 'azure-nodes', to: 'lic01', port: 27000 });
    expect(r.verdict).toBe('no-route');
    expect(r.decisive?.text).toMatch(/no IPv6 address/);
  });

  for (const port of [5672, 9443]) {
    it(`cluster nodes (snet-cluster) reach CycleCloud on ${port} (seed 002)`, () => {
      const r = reach(ws, { from: 'snet-cluster', to: 'cc01', port });
      expect(r.verdict).toBe('reachable');
      const rules = r.hops.filter((h) => h.kind === 'nsg').map((h) => h.decidedBy?.name);
      expect(rules).toEqual(['nsg-cluster/AllowCycleCloud', port === 5672 ? 'nsg-cyclecloud/AllowClusterAmqp' : 'nsg-cyclecloud/AllowClusterHttps']);
    });
  }

  it('other ports inside the VNet fall to the default AllowVnet rules, as in Azure; from outside the VNet they are denied', () => {
    const r = reach(ws, { from: 'snet-cluster', to: 'cc01', port: 22 });
    expect(r.hops.filter((h) => h.kind === 'nsg').map((h) => h.decidedBy?.name)).toEqual(['nsg-cluster/AllowVnetOutBound', 'nsg-cyclecloud/AllowVnetInBound']);
    const raw = rawExample();
    find(raw.azure.nsgs, 'nsg-cyclecloud').rules.push({ name: 'DenyVnetIn', priority: 4001, direction: 'Inbound', access: 'Deny', protocol: '*', sourcePrefixes: ['VirtualNetwork'] });
    const denied = reach(load(raw), { from: 'snet-cluster', to: 'cc01', port: 22 });
    expect(denied.verdict).toBe('blocked');
    expect(denied.decisive?.decidedBy?.name).toBe('nsg-cyclecloud/DenyVnetIn');
    expect(reach(load(raw), { from: 'snet-cluster', to: 'cc01', port: 5672 }).verdict).toBe('reachable');
  });

  const services = [
    ['AzureResourceManager', 'AllowAzureRM'],
    ['AzureActiveDirectory', 'AllowActiveDirectory'],
    ['Storage', 'AllowAzureStorage'],
  ] as const;
  for (const [tag, rule] of services) {
    it(`CycleCloud reaches ${tag} on 443 through allow rule ${rule}`, () => {
      const r = reach(ws, { from: 'cc01', to: tag, port: 443 });
      expect(r.verdict).toBe('reachable');
      expect(r.hops.find((h) => h.kind === 'nsg')?.decidedBy?.name).toBe(`nsg-cyclecloud/${rule}`);
    });
  }

  it('Storage goes over the subnet’s service endpoint route', () => {
    const r = reach(ws, { from: 'cc01', to: 'Storage', port: 443 });
    expect(r.hops.find((h) => h.kind === 'azure-route')?.text).toMatch(/VirtualNetworkServiceEndpoint/);
  });

  for (const to of ['Internet', '93.184.216.34']) {
    it(`CycleCloud to ${to} on 443 is blocked by BlockOutbound at 4000`, () => {
      const r = reach(ws, { from: 'cc01', to, port: 443 });
      expect(r.verdict).toBe('blocked');
      expect(r.decisive?.decidedBy).toMatchObject({ kind: 'nsg-rule', name: 'nsg-cyclecloud/BlockOutbound', path: ['azure', 'nsgs', 0, 'rules', 4] });
      expect(formatReach(r)).toMatch(/BlockOutbound.*4000/);
    });
  }

  it('the dual-homed gateway VM uses the front-end default route (200+10 = 210 over 300+10 = 310; seed 001)', () => {
    const r = reach(ws, { from: 'gwvm01', to: 'Internet', port: 443 });
    expect(r.verdict).toBe('reachable');
    const hop = r.hops[0]!;
    expect(hop.text).toMatch(/via 77\.233\.248\.1 on "FrontEnd".*= 210.*beats.*via 10\.0\.0\.1 on "Management".*= 310/);
    expect(hop.decidedBy?.path).toEqual(['hosts', 9, 'interfaces', 0, 'routeMetric']);
    const choice = chooseHostRoute(hostRoutes(buildLookup(ws), find(ws.hosts, 'gwvm01')), { address: '93.184.216.34' });
    expect(choice.chosen?.nic.name).toBe('FrontEnd');
    expect(choice.ambiguous).toBe(false);
  });

  it('with the metrics swapped the gateway VM sends Internet traffic to the management router and loses it', () => {
    const raw = rawExample();
    const gw = find(raw.hosts, 'gwvm01');
    gw.interfaces[0].routeMetric = 300;
    gw.interfaces[1].routeMetric = 200;
    const r = reach(load(raw), { from: 'gwvm01', to: '93.184.216.34', port: 443 });
    expect(r.verdict).toBe('no-route');
    expect(r.hops[0]!.text).toMatch(/on "Management"/);
    expect(r.decisive?.text).toMatch(/management network/);
  });

  it('equal metrics are reported as ambiguous rather than guessed', () => {
    const raw = rawExample();
    const gw = find(raw.hosts, 'gwvm01');
    gw.interfaces[1].routeMetric = 200;
    const r = reach(load(raw), { from: 'gwvm01', to: 'Internet', port: 443 });
    expect(r.hops[0]!.assumptions?.join(' ')).toMatch(/not fixed by the model/);
  });

  it('static routes (longest prefix) win over the default route', () => {
    const r = reach(ws, { from: 'gwvm01', to: 'lic01', port: 445 });
    expect(r.verdict).toBe('reachable');
    expect(r.hops[0]!.decidedBy?.path).toEqual(['hosts', 9, 'staticRoutes', 0]);
  });

  it('the fabric reaches CycleCloud over the site-to-site VPN; the corporate LAN is not in the LNG and has no way back', () => {
    const ok = reach(ws, { from: 'vmm01', to: 'cc01', port: 443 });
    expect(ok.verdict).toBe('reachable');
    expect(ok.hops.map((h) => h.kind)).toEqual(['host-route', 'vpn', 'azure-route', 'nsg', 'deliver']);
    const no = reach(ws, { from: 'hn01', to: 'cc01', port: 443 });
    expect(no.verdict).toBe('no-route');
    expect(no.decisive?.decidedBy?.path).toEqual(['azure', 'localNetworkGateways', 0, 'addressPrefixes']);
  });

  it('user routes beat gateway routes for the same prefix, and a None user route drops the traffic', () => {
    const raw = rawExample();
    find(raw.azure.routeTables, 'rt-cluster').routes[0].nextHopType = 'None';
    const r = reach(load(raw), { from: 'snet-cluster', to: 'vmm01', port: 443 });
    expect(r.verdict).toBe('no-route');
    expect(r.decisive?.text).toMatch(/user route "rt-cluster\/fabric-mgmt-via-vpn".*None.*over gateway route/);
  });

  it('disabling gateway route propagation removes the LNG routes', () => {
    const raw = rawExample();
    const rt = find(raw.azure.routeTables, 'rt-cluster');
    rt.routes = [];
    expect(reach(load(raw), { from: 'snet-cluster', to: 'vmm01', port: 443 }).verdict).toBe('reachable');
    rt.disableBgpRoutePropagation = true;
    const r = reach(load(raw), { from: 'snet-cluster', to: 'vmm01', port: 443 });
    expect(r.verdict).toBe('no-route');
    expect(r.decisive?.text).toMatch(/10\.0\.0\.0\/8 → None/);
  });
});

describe('bad input', () => {
  it('an unknown host is an input error with close matches', () => {
    const err = (() => {
      try {
        reach(ws, { from: 'cc1', to: 'lic01', port: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ReachInputError);
    expect((err as ReachInputError).suggestions).toContain('cc01');
  });
  it('a service tag cannot be a source, and ports are checked', () => {
    expect(() => reach(ws, { from: 'Storage', to: 'cc01', port: 443 })).toThrow(/cannot be the source/);
    expect(() => reach(ws, { from: 'cc01', to: 'Storage', port: 70000 })).toThrow(/not a port/);
  });
});
