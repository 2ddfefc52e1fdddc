// computeDrift on the example with hand-made host states: each kind of difference, and none when state matches.
import { describe, expect, it } from 'vitest';
import { computeDrift, type ObservedHost } from '../../shared/state/drift';
import type { HostState } from '../../shared/state/report';
import { generateAll } from '../../shared/generate/index';
import { load, rawExample } from '../helpers/example';

const ws = load(rawExample());
const steps = generateAll(ws).steps;
const NOW = new Date('2026-11-22T12:00:00Z');
const base = (host: string, extra: Partial<HostState>): HostState => ({ host, collected: '2026-11-22T10:00:00Z', os: 'windows', interfaces: [], routes: [], certificates: [], relayAccounts: [], vpnConnections: [], problems: [], ...extra });
const drift = (states: HostState[], now = NOW) =>
  computeDrift({ ws, observed: new Map<string, ObservedHost>(states.map((s) => [s.host.toLowerCase(), { state: s, file: `receipt/state/${s.host}.json` }])), steps, now });

describe('drift', () => {
  const jb = (extra: Partial<HostState>) =>
    base('jb01', {
      interfaces: [{ name: 'Ethernet', addresses: ['10.10.99.10/24', '2001:db8:10:99::10/64'] }],
      routes: [{ destination: '0.0.0.0/0', nextHop: '10.10.99.1', interface: 'Ethernet', metric: 0, protocol: 'NetMgmt' }],
      rras: { installed: true, vpnStatus: 'Installed', ipv6Config: `Prefix: ${ws.licenseLinks[0]!.ipv6Prefix}\nRouter: none` },
      relayAccounts: [{ name: 'relayUSER', exists: true, enabled: true }],
      ...extra,
    });

  it('a junction box as modelled has no drift', () => {
    expect(drift([jb({})])).toEqual([]);
  });

  it('RRAS: another IPv6 prefix, RRAS not installed, the relay account disabled or missing — each with the License Link step', () => {
    const d = drift([jb({ rras: { installed: true, vpnStatus: 'Installed', ipv6Config: 'Prefix: 2099:1::\n' }, relayAccounts: [{ name: 'relayUSER', exists: true, enabled: false }] })]);
    expect(d.map((x) => [x.kind, x.path, x.observed])).toEqual([
      ['rras', '$.licenseLinks[0].ipv6Prefix', 'Prefix: 2099:1::'],
      ['relay-account', '$.licenseLinks[0].relayAccount.name', 'disabled'],
    ]);
    const ll = steps.find((s) => s.target.id === 'jb01' && s.scenario === 'license-link')!;
    expect(d.every((x) => x.fix.step === ll.number)).toBe(true);
    expect(drift([jb({ rras: { installed: false, vpnStatus: 'Uninstalled' }, relayAccounts: [{ name: 'relayUSER', exists: false }] })]).map((x) => [x.kind, x.observed])).toEqual([
      ['rras', 'Uninstalled'],
      ['relay-account', 'does not exist'],
    ]);
  });

  it('certificates: expiring within 30 days, expired, wrong EKU; an automatic interface metric; an extra static route', () => {
    const cert = (store: string, notAfter: string, eku = ['1.3.6.1.5.5.7.3.2']) => ({ store, thumbprint: 'B'.repeat(40), subject: 'CN=Remote Console Connect', notAfter, eku });
    const d = drift([
      base('hv01', {
        interfaces: [{ name: 'Management', addresses: ['10.0.0.11/24'] }, { name: 'Provider', addresses: ['10.0.8.11/24'] }],
        routes: [
          { destination: '0.0.0.0/0', nextHop: '10.0.0.1', interface: 'Management', metric: 0, protocol: 'NetMgmt' },
          { destination: '192.168.5.0/24', nextHop: '10.0.0.254', interface: 'Management', metric: 5, protocol: 'NetMgmt' },
        ],
        certificates: [cert('LocalMachine\\Root', '2026-12-01T00:00:00Z')],
      }),
      base('hv02', { interfaces: [{ name: 'Management', addresses: ['10.0.0.12/24'] }], routes: [{ destination: '0.0.0.0/0', nextHop: '10.0.0.1', metric: 0, protocol: 'NetMgmt' }], certificates: [cert('LocalMachine\\Root', '2026-11-01T00:00:00Z', ['1.3.6.1.5.5.7.3.1'])] }),
      base('gwvm01', { interfaces: [{ name: 'FrontEnd', addresses: ['77.233.248.20/24'] }, { name: 'Management', addresses: ['10.0.0.40/24'], interfaceMetric: 10 }], routes: [] }),
    ]);
    const kinds = d.map((x) => `${x.host}:${x.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['hv01:certificate-expiring', 'hv01:route-extra', 'hv02:certificate-expired', 'hv02:certificate-eku', 'gwvm01:interface-metric']));
    expect(d.find((x) => x.kind === 'interface-metric')).toMatchObject({ path: '$.hosts[9].interfaces[0].interfaceMetric', expected: 10, observed: 'automatic' });
    expect(d.find((x) => x.kind === 'route-extra')?.observed).toBe('192.168.5.0/24 via 10.0.0.254 on Management metric 5');
    // A month later than the expiring one, nothing is "expiring": it is expired.
    expect(drift([base('hv01', { certificates: [cert('LocalMachine\\Root', '2026-12-01T00:00:00Z')] })], new Date('2027-01-01T00:00:00Z')).map((x) => x.kind)).toEqual(['certificate-expired']);
  });

  it('VMM: a logical or VM network the model has and VMM does not, with the HNV step that creates it', () => {
    const vmm01 = ws.hosts.find((h) => h.id === 'vmm01')!;
    const itf = vmm01.interfaces[0]!;
    const state = (vmNetworks: string[]) =>
      base('vmm01', {
        interfaces: [{ name: itf.name, addresses: [itf.address!] }],
        routes: [{ destination: '0.0.0.0/0', nextHop: itf.defaultGateway!, interface: itf.name, metric: 0, protocol: 'NetMgmt' }],
        vmm: { logicalNetworks: ws.hnv.logicalNetworks.map((l) => l.name.toUpperCase()), vmNetworks },
      });
    expect(drift([state(ws.hnv.vmNetworks.map((v) => v.name))])).toEqual([]);
    const d = drift([state([ws.hnv.vmNetworks[0]!.name])]);
    expect(d.map((x) => [x.kind, x.path, x.expected])).toEqual([['vmm-missing', '$.hnv.vmNetworks[1].name', ws.hnv.vmNetworks[1]!.name]]);
    const hnvStep = steps.find((s) => s.target.id === 'vmm01' && s.scenario === 'hnv-gateway');
    expect(hnvStep).toBeDefined();
    expect(d[0]!.fix.step).toBe(hnvStep!.number);
  });

  it('a host with no report is not judged; a compute-node group never is', () => {
    expect(drift([])).toEqual([]);
    expect(drift([base('AzureNodes', { interfaces: [{ name: 'x', addresses: [] }] })])).toEqual([]);
  });
});
