// `junction init --from-state`: a first workspace built from collected state reports, so a new admin edits a
// model of the estate they have instead of typing it. Hosts, their interfaces (address, metric, default gateway)
// and their static routes come from the reports; subnets are the networks the addresses sit in. What a report
// cannot tell (a host's role, its OS release, certificates' key parameters) is guessed or left out and said so.
import { addressOf, contains, ipVersion, isValidCidr, networkOf } from '../net/cidr';
import { CURRENT_SCHEMA_VERSION } from '../model/schema';
import { idAllocator } from '../azure/import';
import type { HostState } from './report';

type Obj = Record<string, unknown>;

export interface FromStateResult {
  doc: Obj;
  notes: string[];
}

const usable = (cidr: string) => {
  if (!isValidCidr(cidr, { hostBitsAllowed: true })) return false;
  const a = addressOf(cidr).toLowerCase();
  return !(a.startsWith('127.') || a === '::1' || a.startsWith('fe80:') || a.startsWith('169.254.'));
};
const metric = (m: number | undefined) => (m !== undefined && Number.isInteger(m) && m >= 1 && m <= 9999 ? m : undefined);
const isDefault = (d: string) => d === '0.0.0.0/0' || d === '::/0';
const onLink = (hop: string) => hop === '0.0.0.0' || hop === '::' || hop === '';

function roleOf(s: HostState): { roles: string[]; guessed: boolean } {
  if (s.staging?.present) return { roles: ['cyclecloud-server'], guessed: false };
  if (s.rras?.installed) return { roles: ['junction-box'], guessed: false };
  if (s.vmm) return { roles: ['vmm-server'], guessed: false };
  return { roles: ['client-computer'], guessed: true };
}

export function workspaceFromState(name: string, states: readonly HostState[]): FromStateResult {
  const notes: string[] = [];
  const site = { id: 'onprem', name: 'On-premises (from collected state)', kind: 'on-premises' };
  const doc: Obj = { schemaVersion: CURRENT_SCHEMA_VERSION, name, sites: [site], networks: [], hosts: [] };
  const newId = idAllocator(doc);
  newId('onprem');
  const subnets = new Map<string, Obj>(); // network prefix → subnet
  const subnetFor = (cidr: string) => {
    const prefix = networkOf(cidr);
    let s = subnets.get(prefix);
    if (!s) {
      s = { id: newId(`net-${prefix.replace(/[.:/]+/g, '-')}`), name: prefix, prefix };
      subnets.set(prefix, s);
    }
    return s;
  };
  const hosts: Obj[] = [];
  for (const st of [...states].sort((a, b) => a.host.localeCompare(b.host))) {
    const { roles, guessed } = roleOf(st);
    const hostId = newId(st.host);
    if (guessed) notes.push(`hosts[${hosts.length}] ${hostId}: role guessed as client-computer (the report cannot tell); set its roles`);
    const defaults = st.routes.filter((r) => isDefault(r.destination) && !onLink(r.nextHop));
    const interfaces: Obj[] = [];
    for (const itf of st.interfaces) {
      const v4 = itf.addresses.filter((a) => usable(a) && ipVersion(a) === 4);
      const v6 = itf.addresses.filter((a) => usable(a) && ipVersion(a) === 6);
      if (!v4.length) continue;
      if (v4.length > 1) notes.push(`${hostId} ${itf.name}: ${v4.length} IPv4 addresses; the model takes the first (${v4[0]})`);
      const subnet = subnetFor(v4[0]!);
      const gw = defaults.find((r) => r.interface === itf.name && ipVersion(r.nextHop) === 4 && contains(String(subnet['prefix']), `${r.nextHop}/32`));
      if (gw && subnet['gateway'] === undefined) subnet['gateway'] = gw.nextHop;
      const m = metric(itf.interfaceMetric);
      const rm = gw && st.os === 'windows' ? metric(gw.metric) : undefined;
      interfaces.push({
        name: itf.name,
        subnet: subnet['id'],
        address: v4[0],
        ...(v6[0] ? { ipv6Address: v6[0] } : {}),
        ...(gw ? { defaultGateway: gw.nextHop } : {}),
        ...(rm !== undefined ? { routeMetric: rm } : {}),
        ...(m !== undefined ? { interfaceMetric: m } : {}),
      });
    }
    const staticRoutes = st.routes
      .filter((r) => !isDefault(r.destination) && !onLink(r.nextHop) && isValidCidr(r.destination))
      .filter((r) => (st.os === 'windows' ? r.protocol === 'NetMgmt' : !['kernel', 'dhcp', 'ra', 'redirect'].includes(r.protocol ?? 'boot')))
      .map((r) => {
        const m = metric(r.metric);
        return { destination: r.destination, nextHop: r.nextHop, ...(m !== undefined ? { metric: m } : {}), ...(r.interface ? { interface: r.interface } : {}) };
      })
      .sort((a, b) => a.destination.localeCompare(b.destination) || a.nextHop.localeCompare(b.nextHop));
    hosts.push({
      id: hostId,
      name: (st.computer ?? st.host).slice(0, 63),
      site: site.id,
      roles,
      ...(st.os === 'linux' ? { os: 'Linux' } : {}),
      interfaces,
      staticRoutes,
      notes: `Built by junction init --from-state from the report collected ${st.collected}.`,
    });
    if (st.certificates.length) notes.push(`${hostId}: ${st.certificates.length} certificate(s) seen but not modelled (a report has no key size or usage); add the ones Junction should manage under certificates`);
  }
  const list = [...subnets.values()].sort((a, b) => String(a['prefix']).localeCompare(String(b['prefix'])));
  if (list.length)
    doc['networks'] = [{ id: newId('observed'), name: 'Observed networks', site: site.id, addressSpace: list.map((s) => s['prefix']), subnets: list }];
  doc['hosts'] = hosts;
  return { doc, notes };
}
