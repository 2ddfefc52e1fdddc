// Needed flows and intents through the reach engine (issue 20): a flow one scenario needs and another scenario's
// rule blocks is an error naming both; intents hold in both directions.
import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { buildLookup } from '../../shared/model/lookup';
import { checkFlows, intentFlows, neededFlows } from '../../shared/reach/flows';
import { FIXED_NOW, byId, load, rawExample, type Raw } from '../helpers/example';

const findings = (raw: Raw, id: string) => lintWorkspace(load(raw), { now: FIXED_NOW }).findings.filter((f) => f.ruleId === id);

describe('needed flows', () => {
  it('every scenario of the example contributes flows, and all of them are reachable', () => {
    const l = buildLookup(load(rawExample()));
    const flows = neededFlows(l);
    const owners = new Set(flows.map((f) => f.owner));
    expect([...owners].sort()).toEqual(['Azure management (seed 003)', 'CycleCloud "cc-main"', 'HNV gateway "hnvgw01"', 'License Link "ll-flexlm"', 'Remote Console']);
    expect(flows.map((f) => `${f.from}>${f.to}:${f.port}`)).toEqual(
      expect.arrayContaining(['azure-nodes>lic01:27000', 'azure-nodes>Internet:443', 'snet-cluster>cc01:5672', 'snet-cluster>cc01:9443', 'cc01>Storage:443', 'rdgw01>hv01:2179', 'gwvm01>203.0.113.10:4500', 'hn01>AzureCloud:443']),
    );
    const failing = checkFlows(l, flows).filter((o) => !o.ok);
    expect(failing).toEqual([]);
  });

  it("a deny-Internet NSG from CycleCloud on the License Link nodes' subnet is an error naming both scenarios and the rule", () => {
    const raw = rawExample();
    byId<Raw>(raw.azure.vnets[0].subnets, 'snet-compute').nsg = 'nsg-cluster';
    const f = findings(raw, 'FLOW001');
    const tunnel = f.find((x) => x.message.includes('→ Internet TCP 443'))!;
    expect(tunnel.severity).toBe('error');
    expect(tunnel.message).toMatch(/^License Link "ll-flexlm" needs azure-nodes → Internet TCP 443 \(Azure Connect .*\), but it is blocked by NSG rule nsg-cluster\/BlockOutbound at \$\.azure\.nsgs\[1\]\.rules\[2\], which belongs to CycleCloud "cc-main"/);
    expect(tunnel.path).toEqual(['azure', 'nsgs', 1, 'rules', 2]);
    expect(tunnel.fix).toMatch(/Allow rule for TCP 443 to Internet in NSG "nsg-cluster".*"BlockOutbound"/);
    // The license ports themselves fail for the same reason (the engine walks the tunnel's transport).
    expect(f.filter((x) => /lic01 TCP 2700[01]/.test(x.message))).toHaveLength(2);
  });

  it('swapped gateway VM metrics break HNV NAT, named by the route that wins', () => {
    const raw = rawExample();
    const gw = byId<Raw>(raw.hosts, 'gwvm01');
    gw.interfaces[0].routeMetric = 300;
    gw.interfaces[1].routeMetric = 200;
    const nat = findings(raw, 'FLOW001').filter((x) => x.message.includes('gwvm01 → Internet'));
    expect(nat.length).toBeGreaterThan(0);
    expect(nat[0]!.message).toMatch(/HNV gateway "hnvgw01" needs gwvm01 → Internet TCP 443 .* not routed by subnet fabric-mgmt purpose management/);
  });

  it('a source outside the local network gateway prefixes is named as the missing prefix', () => {
    const raw = rawExample();
    raw.azure.localNetworkGateways[0].addressPrefixes = ['192.168.0.0/24'];
    const f = findings(raw, 'FLOW001').find((x) => x.message.includes('cc01 TCP 443'))!;
    expect(f.message).toMatch(/an on-premises admin machine → cc01 TCP 443.*VPN lng-contoso addressPrefixes at \$\.azure\.localNetworkGateways\[0\]\.addressPrefixes/);
    expect(f.fix).toMatch(/add the source's prefix to lng-contoso/);
  });
});

describe('intents', () => {
  const withIntents = (intents: Raw[]) => {
    const raw = rawExample();
    raw.intents = intents;
    return raw;
  };

  it('an intent expected reachable that is blocked, and one expected blocked that is reachable, both fail', () => {
    const raw = withIntents([
      { from: 'azure-nodes', to: 'lic01', port: 27000, expect: 'reachable', why: 'nodes must reach the license server' },
      { from: 'cc01', to: 'Internet', port: 443, expect: 'blocked', why: 'CycleCloud must never reach the Internet' },
      { from: 'cc01', to: 'Internet', port: 443, expect: 'reachable', why: 'wrong on purpose' },
      { from: 'cc01', to: 'Storage', port: 443, expect: 'blocked', why: 'wrong on purpose too' },
    ]);
    const l = buildLookup(load(raw));
    expect(checkFlows(l, intentFlows(l)).map((o) => [o.verdict, o.ok])).toEqual([
      ['reachable', true],
      ['blocked', true],
      ['blocked', false],
      ['reachable', false],
    ]);
    const f = findings(raw, 'FLOW002');
    expect(f.map((x) => x.path)).toEqual([
      ['intents', 2],
      ['intents', 3],
    ]);
    expect(f[0]!.message).toMatch(/intent 3 \("wrong on purpose"\): cc01 → Internet TCP 443 is blocked, expected reachable; decided by NSG rule nsg-cyclecloud\/BlockOutbound/);
    expect(f[1]!.message).toMatch(/intent 4 .* is reachable, expected blocked; decided by NSG rule nsg-cyclecloud\/AllowAzureStorage|intent 4 .* is reachable, expected blocked; decided by Azure route/);
  });

  it('an intent naming an unknown host is reported at the intent, not thrown', () => {
    const f = findings(withIntents([{ from: 'cc02', to: 'Internet', port: 443, expect: 'blocked', why: 'typo' }]), 'FLOW002');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/cannot be checked: unknown source "cc02"/);
  });

  it('the schema refuses an intent without an expectation', () => {
    const raw = withIntents([{ from: 'cc01', to: 'Internet', port: 443, why: 'x' }]);
    expect(() => load(raw)).toThrow(/expect/);
  });
});
