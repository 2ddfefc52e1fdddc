// The Azure platform rules beyond their planted fixture: each boundary both ways, and regional service tags in the
// schema and in CycleCloud's locked-down checks (seed 002).
import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { loadWorkspace } from '../../shared/model/load';
import { FIXED_NOW, load, rawExample, type Raw } from '../helpers/example';

const lint = (raw: unknown) => lintWorkspace(load(raw), { now: FIXED_NOW });
const hits = (raw: unknown, id: string) => lint(raw).findings.filter((f) => f.ruleId === id);
const cc01 = (r: Raw) => r.hosts.find((h: { id: string }) => h.id === 'cc01');
const nsgRule = (r: Raw, nsg: number, name: string) =>
  r.azure.nsgs[nsg].rules.find((x: { name: string }) => x.name === name);

describe('AZ001 Azure-reserved addresses', () => {
  for (const [last, role] of [
    ['0', /network address/],
    ['1', /default gateway/],
    ['2', /Azure DNS/],
    ['3', /Azure DNS/],
    ['255', /broadcast/],
  ] as const)
    it(`refuses 10.50.2.${last} in a /24 (${role.source})`, () => {
      const raw = rawExample();
      cc01(raw).interfaces[0].address = `10.50.2.${last}/24`;
      const f = hits(raw, 'AZ001');
      expect(f).toHaveLength(1);
      expect(f[0]!.message).toMatch(role);
      expect(f[0]!.fix).toMatch(/10\.50\.2\.4/);
    });

  it('accepts the first and last usable addresses (.4 and .254)', () => {
    for (const last of ['4', '254']) {
      const raw = rawExample();
      cc01(raw).interfaces[0].address = `10.50.2.${last}/24`;
      expect(hits(raw, 'AZ001')).toEqual([]);
    }
  });

  it('leaves on-premises subnets alone (.1 is a normal router address there)', () => {
    const raw = rawExample();
    raw.hosts[0].interfaces[0].address = '10.10.1.1/24';
    expect(hits(raw, 'AZ001')).toEqual([]);
  });
});

describe('AZ002 subnet size', () => {
  it('a /29 is the smallest Azure subnet; /30 and /32 are refused', () => {
    const at = (p: string) => {
      const raw = rawExample();
      raw.azure.vnets[0].subnets[3].prefix = p;
      return hits(raw, 'AZ002');
    };
    expect(at('10.50.255.0/29')).toEqual([]);
    expect(at('10.50.255.0/30')[0]!.message).toMatch(/smaller than \/29/);
    expect(at('10.50.255.0/32')).toHaveLength(1);
  });
});

describe('AZ003 PolicyBased gateways', () => {
  it('accept an IKEv1 connection without BGP, refuse BGP', () => {
    const raw = rawExample();
    raw.azure.vpnGateways[0].vpnType = 'PolicyBased';
    raw.azure.connections[0].connectionProtocol = 'IKEv1';
    expect(hits(raw, 'AZ003')).toEqual([]);
    raw.azure.connections[0].enableBgp = true;
    expect(hits(raw, 'AZ003').map((f) => f.message)).toEqual([expect.stringMatching(/enables BGP/)]);
  });
});

describe('AZ004 GatewaySubnet', () => {
  it('names the VNet when there is no gateway subnet at all', () => {
    const raw = rawExample();
    raw.azure.vnets[0].subnets.splice(3, 1);
    const f = hits(raw, 'AZ004');
    expect(f[0]!.message).toMatch(/has no subnet named GatewaySubnet/);
    expect(f[0]!.path).toEqual(['azure', 'vnets', 0, 'subnets']);
  });
});

describe('AZ005 GatewaySubnet caveats', () => {
  it('an NSG there is a warning for an existing gateway and an error when Junction creates it', () => {
    const raw = rawExample();
    raw.azure.vnets[0].subnets[3].nsg = 'nsg-cluster';
    expect(hits(raw, 'AZ005')[0]!.severity).toBe('warning');
    raw.azure.vpnGateways[0].create = true;
    expect(hits(raw, 'AZ005')[0]!.severity).toBe('error');
  });

  it('a 0.0.0.0/0 route and disabled BGP propagation on its table are both reported', () => {
    const raw = rawExample();
    raw.azure.vnets[0].subnets[3].routeTable = 'rt-cluster';
    raw.azure.routeTables[0].routes.push({ name: 'default-to-fw', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.50.1.4' });
    raw.azure.routeTables[0].disableBgpRoutePropagation = true;
    const msgs = hits(raw, 'AZ005').map((f) => f.message);
    expect(msgs).toHaveLength(2);
    expect(msgs).toEqual(expect.arrayContaining([expect.stringMatching(/0\.0\.0\.0\/0 route "default-to-fw"/), expect.stringMatching(/BGP route propagation disabled/)]));
  });
});

describe('AZ006 one service tag per rule side', () => {
  const with_ = (prefixes: string[]) => {
    const raw = rawExample();
    nsgRule(raw, 0, 'AllowAzureStorage').destinationPrefixes = prefixes;
    return hits(raw, 'AZ006');
  };
  it('refuses two tags, a tag with CIDRs, and "*" with addresses', () => {
    expect(with_(['Storage', 'AzureMonitor'])[0]!.message).toMatch(/lists 2 service tags/);
    expect(with_(['Storage', '10.1.0.0/16'])[0]!.message).toMatch(/mixes service tag Storage with addresses/);
    expect(with_(['*', '10.1.0.0/16'])[0]!.message).toMatch(/mixes "\*"/);
  });
  it('accepts several addresses and ranges, or one tag', () => {
    expect(with_(['10.1.0.0/16', '10.2.0.0/16', '10.3.0.4'])).toEqual([]);
    expect(with_(['Storage.WestEurope'])).toEqual([]);
  });
});

describe('AZ008 ports and AZ009 names', () => {
  it('a port above 65535 is refused; 0–65535 and "*" are fine', () => {
    const raw = rawExample();
    nsgRule(raw, 1, 'AllowCycleCloud').destinationPorts = ['70000', '0-65535', '443'];
    expect(hits(raw, 'AZ008').map((f) => f.message)).toEqual([expect.stringMatching(/"70000" is above 65535/)]);
  });
  it('names may hold "." "-" "_" but not end in "." or "-"; VNets need two characters', () => {
    const raw = rawExample();
    nsgRule(raw, 0, 'AllowAzureRM').name = 'Allow.Azure-RM_';
    expect(hits(raw, 'AZ009')).toEqual([]);
    nsgRule(raw, 0, 'Allow.Azure-RM_').name = 'AllowAzureRM.';
    raw.azure.vnets[0].name = 'v';
    const msgs = hits(raw, 'AZ009').map((f) => f.message);
    expect(msgs).toHaveLength(2);
    expect(msgs).toEqual(
      expect.arrayContaining([expect.stringMatching(/VNet name "v" is shorter than 2/), expect.stringMatching(/rule name "AllowAzureRM\." ends with/)]),
    );
  });
});

describe('AZ010 routes', () => {
  it('a next hop address on a non-appliance route is a warning; a bad prefix is an error', () => {
    const raw = rawExample();
    raw.azure.routeTables[0].routes[0].nextHopIpAddress = '10.50.1.4';
    expect(hits(raw, 'AZ010').map((f) => f.severity)).toEqual(['warning']);
    raw.azure.routeTables[0].routes[0].addressPrefix = '10.0.0.1/24';
    expect(hits(raw, 'AZ010').map((f) => f.severity).sort()).toEqual(['error', 'warning']);
    raw.azure.routeTables[0].routes[0].addressPrefix = 'Storage.WestEurope';
    expect(hits(raw, 'AZ010').map((f) => f.severity)).toEqual(['warning']);
  });
});

describe('regional service tags', () => {
  it('the schema accepts Tag.Region and refuses malformed or unknown tags, naming the place', () => {
    const ok = rawExample();
    nsgRule(ok, 0, 'AllowAzureStorage').destinationPrefixes = ['Storage.EastUS2'];
    expect(loadWorkspace(JSON.stringify(ok), 'ws.json').ok).toBe(true);
    for (const bad of ['Storage.East-US', 'Storage.', 'Bogus.WestEurope', 'Storage.West.Europe']) {
      const raw = rawExample();
      nsgRule(raw, 0, 'AllowAzureStorage').destinationPrefixes = [bad];
      const r = loadWorkspace(JSON.stringify(raw), 'ws.json');
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(JSON.stringify(r.problems)).toMatch(/destinationPrefixes/);
    }
  });

  const storageTo = (tag: string, region = 'westeurope') => {
    const raw = rawExample();
    raw.sites[1].azure.region = region;
    nsgRule(raw, 0, 'AllowAzureStorage').destinationPrefixes = [tag];
    return raw;
  };

  it("CC001: the site region's regional tag covers the Storage requirement, in any spelling of the region", () => {
    expect(hits(storageTo('Storage.WestEurope'), 'CC001')).toEqual([]);
    expect(hits(storageTo('storage.westeurope'), 'CC001')).toEqual([]);
    expect(hits(storageTo('Storage.WestEurope', 'West Europe'), 'CC001')).toEqual([]);
    expect(hits(storageTo('Storage.EastUS2', 'eastus2'), 'CC001')).toEqual([]);
  });

  it("CC001: another region's tag does not, and the finding says why", () => {
    const f = hits(storageTo('Storage.EastUS2'), 'CC001');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/to Storage is denied by "BlockOutbound"/);
    expect(f[0]!.fix).toMatch(/another region's tag does not cover westeurope/);
  });

  it('CC003: a regional allow placed after the Internet deny is reported as such', () => {
    const raw = storageTo('Storage.WestEurope');
    nsgRule(raw, 0, 'AllowAzureStorage').priority = 4001;
    expect(hits(raw, 'CC003')[0]!.message).toMatch(/allow "AllowAzureStorage" to Storage \(priority 4001\)/);
    expect(hits(raw, 'CC001')).toEqual([]);
  });

  it('AzureCloud.<region> covers the regional services of that region only', () => {
    const raw = rawExample();
    const n = raw.azure.nsgs[0];
    n.rules = n.rules.filter((x: { name: string }) => !['AllowAzureStorage', 'AllowAzureMonitor', 'AllowAzureRM'].includes(x.name));
    n.rules.push({ name: 'AllowAzureCloud', priority: 110, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: ['AzureCloud.westeurope'], destinationPorts: ['443'] });
    expect(hits(raw, 'CC001')).toEqual([]);
    n.rules.at(-1).destinationPrefixes = ['AzureCloud.northeurope'];
    expect(hits(raw, 'CC001').map((f) => f.message.match(/to (\w+) is/)![1]).sort()).toEqual(['AzureMonitor', 'AzureResourceManager', 'Storage']);
  });
});

describe('AZ011 BGP and AZ012 address space', () => {
  it('BGP on a Basic or PolicyBased gateway is refused; a private ASN outside the reserved ones is fine', () => {
    const raw = rawExample();
    raw.azure.vpnGateways[0].bgp = { asn: 65515, peeringAddress: '10.50.255.30' };
    raw.azure.localNetworkGateways[0].bgp = { asn: 65010, peeringAddress: '10.0.0.1' };
    expect(hits(raw, 'AZ011')).toEqual([]);
    raw.azure.vpnGateways[0].sku = 'Basic';
    expect(hits(raw, 'AZ011')[0]!.message).toMatch(/Basic SKU/);
    raw.azure.vpnGateways[0].sku = 'VpnGw1';
    raw.azure.vpnGateways[0].vpnType = 'PolicyBased';
    expect(hits(raw, 'AZ011')[0]!.message).toMatch(/is PolicyBased/);
  });

  it('IANA-reserved ASNs are refused too', () => {
    for (const asn of [23456, 64500, 65550]) {
      const raw = rawExample();
      raw.azure.localNetworkGateways[0].bgp = { asn, peeringAddress: '10.0.0.1' };
      expect(hits(raw, 'AZ011')[0]!.message, String(asn)).toMatch(/reserved by IANA/);
    }
  });

  it('168.63.129.16 inside the VNet space is refused; neighbouring private space is not', () => {
    const raw = rawExample();
    raw.azure.vnets[0].addressSpace.push('168.63.0.0/16');
    expect(hits(raw, 'AZ012')[0]!.message).toMatch(/168\.63\.129\.16/);
    const ok = rawExample();
    ok.azure.vnets[0].addressSpace.push('10.51.0.0/16');
    expect(hits(ok, 'AZ012')).toEqual([]);
  });
});
