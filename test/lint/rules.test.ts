import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { RULES } from '../../shared/lint/rules';
import { FIXED_NOW, load, rawExample } from '../helpers/example';
import { PLANTED } from './planted';

const lint = (raw: unknown) => lintWorkspace(load(raw), { now: FIXED_NOW });

describe('lint rules', () => {
  it('the example workspace is lint-clean (the passing fixture of every rule)', () => {
    const report = lint(rawExample());
    // RET001 (issue 18) warns that the seed-era estate relies on retired Azure services: that is the example's point,
    // so it is the one rule whose passing fixture is examples/modern-hybrid.junction.json (test/lint/retired-services).
    expect(report.findings.filter((f) => f.ruleId !== 'RET001')).toEqual([]);
  });

  it('rule ids are unique and every rule has a planted failing fixture', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(PLANTED).sort()).toEqual([...ids].sort());
  });

  it('every rule explains itself and names its seeds', () => {
    for (const r of RULES) {
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(r.explanation.length, r.id).toBeGreaterThan(40);
      for (const s of r.seeds) expect(['000', '001', '002', '003', '004']).toContain(s);
    }
  });

  for (const r of RULES) {
    const plant = PLANTED[r.id];
    it(`${r.id} ${r.name}: fires on "${plant?.what}"`, () => {
      expect(plant, `no planted fixture for ${r.id}`).toBeDefined();
      const raw = rawExample();
      plant!.mutate(raw);
      const report = lint(raw);
      const hits = report.findings.filter((f) => f.ruleId === r.id);
      expect(hits.length, JSON.stringify(report.findings, null, 2)).toBeGreaterThan(0);
      for (const h of hits) {
        expect(h.fix.length).toBeGreaterThan(5);
        expect(h.message.length).toBeGreaterThan(5);
      }
      expect(hits.some((h) => plant!.pathPrefix.every((seg, i) => h.path[i] === seg))).toBe(true);
    });
  }
});

describe('rule semantics', () => {
  it('RT001 names both interfaces and suggests the seed metrics', () => {
    const raw = rawExample();
    PLANTED.RT001!.mutate(raw);
    const f = lint(raw).findings.find((x) => x.ruleId === 'RT001')!;
    expect(f.message).toMatch(/"FrontEnd" and "Management"/);
    expect(f.fix).toMatch(/200.*300/);
  });

  it('RT001 also catches automatic metrics on a dual-homed host when their link-speed range can tie', () => {
    const raw = rawExample();
    const gw = raw.hosts.find((h: { id: string }) => h.id === 'gwvm01');
    delete gw.interfaces[0].interfaceMetric;
    gw.interfaces[1].routeMetric = 220; // 220 + 10 = 230 lies inside the front end's 200 + 5–50
    const f = lint(raw).findings.filter((x) => x.ruleId === 'RT001');
    expect(f.map((x) => x.message).join()).toMatch(/can tie or swap with link speed/);
  });

  it('NET001 allows overlapping HNV VM networks (isolated routing domains)', () => {
    const raw = rawExample();
    expect(raw.hnv.vmNetworks[0].subnets[0].prefix).toBe(raw.hnv.vmNetworks[1].subnets[0].prefix);
    expect(lint(raw).findings.filter((f) => f.ruleId === 'NET001')).toEqual([]);
  });

  it('NET001 catches a local network gateway advertising the VNet space', () => {
    const raw = rawExample();
    raw.azure.localNetworkGateways[0].addressPrefixes.push('10.50.0.0/24');
    const f = lint(raw).findings.filter((x) => x.ruleId === 'NET001');
    expect(f.some((x) => /advertises 10\.50\.0\.0\/24/.test(x.message))).toBe(true);
  });

  it('NET001 treats the L2TP pool inside the junction box subnet as on-link, but not one overlapping Azure', () => {
    const raw = rawExample();
    raw.licenseLinks[0].vpn.clientAddressPool = { start: '10.50.1.200', end: '10.50.1.250' };
    const f = lint(raw).findings.filter((x) => x.ruleId === 'NET001');
    expect(f.some((x) => /client pool/.test(x.message))).toBe(true);
  });

  it('NSG003 reports a conflicting shadow as an error and a redundant one as a warning', () => {
    const raw = rawExample();
    raw.azure.nsgs[1].rules.push({
      name: 'AllowInternetLate',
      priority: 4001,
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      destinationPrefixes: ['Internet'],
      destinationPorts: ['443'],
    });
    const f = lint(raw).findings.filter((x) => x.ruleId === 'NSG003');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toMatch(/never applies.*BlockOutbound/);
    const raw2 = rawExample();
    PLANTED.NSG003!.mutate(raw2);
    expect(lint(raw2).findings.find((x) => x.ruleId === 'NSG003')!.severity).toBe('warning');
  });

  it('CC001 fires for each missing service tag and names it', () => {
    const raw = rawExample();
    const n = raw.azure.nsgs[0];
    n.rules = n.rules.filter(
      (r: { name: string }) => !['AllowAzureStorage', 'AllowActiveDirectory'].includes(r.name),
    );
    const msgs = lint(raw)
      .findings.filter((x) => x.ruleId === 'CC001')
      .map((x) => x.message);
    expect(msgs).toHaveLength(2);
    expect(msgs.join()).toMatch(/Storage/);
    expect(msgs.join()).toMatch(/AzureActiveDirectory/);
  });

  it('CC001 reports a locked-down subnet without any NSG', () => {
    const raw = rawExample();
    delete raw.azure.vnets[0].subnets[1].nsg;
    const msgs = lint(raw)
      .findings.filter((x) => x.ruleId === 'CC001')
      .map((x) => x.message);
    expect(msgs).toEqual([expect.stringMatching(/has no NSG/)]);
  });

  it('CC004 is silent when ReturnProxy carries the traffic', () => {
    const raw = rawExample();
    PLANTED.CC004!.mutate(raw);
    raw.cycleCloud[0].returnProxy = true;
    expect(lint(raw).findings.filter((x) => x.ruleId === 'CC004')).toEqual([]);
  });

  it('CERT001 warns 30 days ahead and errors once expired', () => {
    const raw = rawExample();
    raw.certificates[2].notAfter = '2026-12-10T00:00:00Z';
    const warn = lint(raw).findings.find((x) => x.ruleId === 'CERT001')!;
    expect(warn.severity).toBe('warning');
    expect(warn.message).toMatch(/expires in 17 days/);
    const later = lintWorkspace(load(raw), { now: new Date('2027-01-01T00:00:00Z') }).findings.find(
      (x) => x.ruleId === 'CERT001',
    )!;
    expect(later.severity).toBe('error');
  });

  it('CERT007 follows the HPC Pack version: 2012 SP1 head nodes need no Current User store', () => {
    const raw = rawExample();
    PLANTED.CERT007!.mutate(raw);
    expect(lint(raw).findings.some((x) => x.ruleId === 'CERT007')).toBe(true);
    for (const h of raw.hosts) if (h.hpcPackVersion) h.hpcPackVersion = '2012-SP1';
    const c = raw.certificates[0];
    c.placements = c.placements.filter((p: { host: string }) => p.host !== 'hpcadmin01');
    expect(lint(raw).findings.filter((x) => x.ruleId === 'CERT007')).toEqual([]);
  });

  it('CERT007 requires the subscription upload of the .cer', () => {
    const raw = rawExample();
    const c = raw.certificates[0];
    c.placements = c.placements.filter((p: { store: string }) => p.store !== 'AzureSubscription');
    const f = lint(raw).findings.filter((x) => x.ruleId === 'CERT007');
    expect(f.map((x) => x.message).join()).toMatch(/AzureSubscription.*403/);
  });

  it('HNV003 suggests the right key for a misspelling and flags values that disagree with the model', () => {
    const raw = rawExample();
    PLANTED.HNV003!.mutate(raw);
    const f = lint(raw).findings.filter((x) => x.ruleId === 'HNV003');
    expect(f.map((x) => x.message).join('\n')).toMatch(/white space/);
    expect(f.map((x) => x.fix).join('\n')).toMatch(/did you mean "GatewayVM"/);
    const raw2 = rawExample();
    raw2.hnv.gateways[0].connectionString =
      'VMHost=hv01.contoso.com;GatewayVM=GatewayVM01;BackendSwitch=HNV-Switch';
    const g = lint(raw2).findings.filter((x) => x.ruleId === 'HNV003');
    expect(g.map((x) => x.message).join()).toMatch(
      /VMHost=hv01\.contoso\.com, but the model says hvgw01\.contoso\.com/,
    );
  });

  it('HNV004 flags a NAT address used twice', () => {
    const raw = rawExample();
    raw.hnv.natConnections[1].externalIp = raw.hnv.natConnections[0].externalIp;
    expect(
      lint(raw)
        .findings.filter((x) => x.ruleId === 'HNV004')
        .map((x) => x.message)
        .join(),
    ).toMatch(/already used by "nat-fabrikam"/);
  });

  it('findings come out in a stable order', () => {
    const raw = rawExample();
    for (const p of Object.values(PLANTED).slice(0, 12)) p.mutate(raw);
    const a = lint(raw).findings;
    const b = lint(JSON.parse(JSON.stringify(raw))).findings;
    expect(a).toEqual(b);
    const order = { error: 0, warning: 1, info: 2 };
    for (let i = 1; i < a.length; i++)
      expect(order[a[i - 1]!.severity]).toBeLessThanOrEqual(order[a[i]!.severity]);
  });
});
