// The flows an estate depends on, derived from its scenarios, plus the admin's own intents, run through the reach
// engine. One scenario's rules can break another's flow (a deny-Internet NSG for CycleCloud on the subnet whose
// License Link tunnel needs outbound 443), which no single-scenario lint rule sees; the engine does.
// Ports: License Link licensePorts (seed 000) and Azure Connect over HTTPS 443; CycleCloud 5672/9443 and the four
// service tags on 443 (seed 002); VMConnect 2179 to the Hyper-V hosts and 443 to the RD Gateway (seed 001); VMM's
// agent over WinRM HTTP 5985 (MS-WSMV ClientDefaultPortsType, learn.microsoft.com/en-us/openspecs/windows_protocols/
// ms-wsmv/5039d677-f854-43b2-b9fd-a15671a8f16f); IKEv2 UDP 500/4500 for HNV site-to-site; HTTPS to Azure's
// management API from the head node (seed 003).
import type { Lookup } from '../model/lookup';
import type { DocPath } from '../model/path';
import type { Host } from '../model/schema';
import { addressOf, isValidAddress, isValidCidr, ipVersion, overlaps } from '../net/cidr';
import { DESTINATION_TAGS } from './resolve';
import { reach, normaliseProtocol, type ReachOptions } from './engine';
import { ReachInputError, type Decider, type Hop, type ReachProtocol, type ReachResult, type Verdict } from './types';

export interface FlowSpec {
  from: string;
  to: string;
  port: number;
  protocol: ReachProtocol;
  /** Alternative sources: the flow is met when any one of them reaches `to` (e.g. "an on-premises admin machine"). */
  fromAny?: string[];
  /** How the source reads when it is a set: "an on-premises admin machine". */
  fromLabel?: string;
}

export interface NeededFlow extends FlowSpec {
  kind: 'needed' | 'intent' | 'rule';
  /** The scenario that needs it ('License Link "ll-flexlm"'), "intent 3", or the rule that mentions it. */
  owner: string;
  /** Where the owner is declared in the workspace. */
  ownerPath: DocPath;
  why: string;
  expect: 'reachable' | 'blocked';
}

export interface FlowOutcome {
  flow: NeededFlow;
  verdict: Verdict | 'unresolved';
  ok: boolean;
  result?: ReachResult;
  /** Why the flow could not be asked (an endpoint the workspace does not have). */
  error?: string;
  /** For a failed "reachable" flow: the hop that blocked it, and the scenarios that own the blocking element. */
  blocker?: Hop;
  blockerOwners?: string[];
}

const scenarioName = {
  licenseLink: (id: string) => `License Link "${id}"`,
  cycleCloud: (id: string) => `CycleCloud "${id}"`,
  hnv: (id: string) => `HNV gateway "${id}"`,
  remoteConsole: 'Remote Console',
  azureManagement: 'Azure management (seed 003)',
};

const hostsWith = (l: Lookup, role: Host['roles'][number]) => l.ws.hosts.filter((h) => h.roles.includes(role));
const onPremises = (l: Lookup, h: Host) => l.sites.get(h.site)?.value.kind === 'on-premises';
const hasAddress = (h: Host) => h.interfaces.some((n) => n.address);

/** The host's interface on a subnet of the given purpose, so VMM talks to the management leg; the host id when
 *  that is already the interface reach would use. */
function addressOn(l: Lookup, h: Host, purpose: string): string {
  const nic = h.interfaces.find((n) => n.address && l.subnets.get(n.subnet)?.subnet.purpose === purpose);
  return nic && nic !== h.interfaces.find((n) => n.address) ? addressOf(nic.address!) : h.id;
}

/** The flows each scenario in the workspace depends on. */
export function neededFlows(l: Lookup): NeededFlow[] {
  const out: NeededFlow[] = [];
  const need = (owner: string, ownerPath: DocPath, why: string, spec: Omit<FlowSpec, 'protocol'> & { protocol?: ReachProtocol }) =>
    out.push({ kind: 'needed', owner, ownerPath, why, expect: 'reachable', protocol: 'Tcp', ...spec });
  const admins = [...hostsWith(l, 'client-computer'), ...l.ws.hosts.filter((h) => !h.roles.includes('client-computer'))]
    .filter((h) => onPremises(l, h) && hasAddress(h) && !h.roles.includes('compute-node-group'))
    .slice(0, 32)
    .map((h) => h.id);

  l.ws.licenseLinks.forEach((ll, i) => {
    const owner = scenarioName.licenseLink(ll.id);
    for (const port of ll.licensePorts)
      need(owner, ['licenseLinks', i], `the nodes of ${ll.nodeGroup} check out licenses from ${ll.licenseServer} through junction box ${ll.junctionBox}`, {
        from: ll.nodeGroup,
        to: ll.licenseServer,
        port,
      });
    const group = l.hosts.get(ll.nodeGroup)?.value;
    const groupSubnet = group?.interfaces[0] ? l.subnets.get(group.interfaces[0].subnet) : undefined;
    if (ll.ipv6Transport === 'azure-connect' && groupSubnet?.kind === 'azure')
      need(owner, ['licenseLinks', i, 'ipv6Transport'], 'Azure Connect carries the license tunnel over outbound HTTPS', { from: ll.nodeGroup, to: 'Internet', port: 443 });
  });

  l.ws.cycleCloud.forEach((cc, i) => {
    const owner = scenarioName.cycleCloud(cc.id);
    if (!cc.returnProxy)
      cc.clusterSubnets.forEach((s, j) => {
        for (const [port, what] of [[5672, 'AMQP'], [9443, 'HTTPS']] as const)
          need(owner, ['cycleCloud', i, 'clusterSubnets', j], `cluster nodes report to CycleCloud over ${what} ${port}`, { from: s, to: cc.server, port });
      });
    for (const tag of ['Storage', 'AzureActiveDirectory', 'AzureMonitor', 'AzureResourceManager'])
      need(owner, ['cycleCloud', i, 'server'], `CycleCloud reaches ${tag} on 443 (seed 002's NSG rules)`, { from: cc.server, to: tag, port: 443 });
    if (admins.length)
      need(owner, ['cycleCloud', i, 'server'], 'an admin opens the CycleCloud web UI from on-premises', {
        from: admins[0]!,
        fromAny: admins,
        fromLabel: 'an on-premises admin machine',
        to: cc.server,
        port: 443,
      });
  });

  const rdGateways = hostsWith(l, 'rd-gateway');
  if (rdGateways.length || l.ws.certificates.some((c) => c.purpose === 'remote-console')) {
    const hvHosts = hostsWith(l, 'hyperv-host');
    const rcPath: DocPath = rdGateways.length ? l.hosts.get(rdGateways[0]!.id)!.path : ['certificates'];
    for (const rd of rdGateways) {
      for (const hv of hvHosts)
        need(scenarioName.remoteConsole, l.hosts.get(rd.id)!.path, `RD Gateway ${rd.id} opens VMConnect (2179) on Hyper-V host ${hv.id}`, { from: rd.id, to: addressOn(l, hv, 'management'), port: 2179 });
      const clients = hostsWith(l, 'client-computer').filter(hasAddress).map((h) => h.id);
      if (clients.length)
        need(scenarioName.remoteConsole, l.hosts.get(rd.id)!.path, `console clients reach RD Gateway ${rd.id} on 443`, {
          from: clients[0]!,
          fromAny: clients.slice(0, 32),
          fromLabel: 'a client computer',
          to: rd.id,
          port: 443,
        });
    }
    for (const vmm of hostsWith(l, 'vmm-server'))
      for (const hv of hvHosts)
        need(scenarioName.remoteConsole, rcPath, `VMM ${vmm.id} manages Hyper-V host ${hv.id} through its agent (WinRM 5985)`, { from: vmm.id, to: addressOn(l, hv, 'management'), port: 5985 });
  }

  l.ws.hnv.gateways.forEach((g, i) => {
    const owner = scenarioName.hnv(g.id);
    const gw = l.hosts.get(g.gatewayVm)?.value;
    if (!gw) return;
    for (const vmm of hostsWith(l, 'vmm-server'))
      need(owner, ['hnv', 'gateways', i, 'gatewayVm'], `VMM ${vmm.id} configures gateway VM ${gw.id} (WinRM 5985, Run As "${g.runAsAccount}")`, {
        from: vmm.id,
        to: addressOn(l, gw, 'management'),
        port: 5985,
      });
    l.ws.hnv.natConnections.forEach((n, j) => {
      if (n.gateway === g.id)
        need(owner, ['hnv', 'natConnections', j], `tenants of ${n.vmNetwork} reach the Internet through NAT on gateway VM ${gw.id}`, { from: gw.id, to: 'Internet', port: 443 });
    });
    l.ws.hnv.s2sConnections.forEach((s, j) => {
      if (s.gateway !== g.id) return;
      for (const port of [500, 4500])
        need(owner, ['hnv', 's2sConnections', j, 'targetAddress'], `site-to-site "${s.name}" (${s.routes.join(', ') || 'no routes'}) needs IKEv2 UDP ${port} to ${s.targetAddress}`, {
          from: gw.id,
          to: s.targetAddress,
          port,
          protocol: 'Udp',
        });
    });
  });

  const azureNodes = l.ws.hosts.some((h) => h.roles.includes('compute-node-group') && l.sites.get(h.site)?.value.kind === 'azure');
  const mgmtCert = l.ws.certificates.findIndex((c) => c.purpose === 'hpc-management');
  if (mgmtCert >= 0 || azureNodes)
    for (const hn of hostsWith(l, 'head-node').filter((h) => onPremises(l, h)))
      need(scenarioName.azureManagement, mgmtCert >= 0 ? ['certificates', mgmtCert] : l.hosts.get(hn.id)!.path, `head node ${hn.id} manages Azure nodes through Azure's management API over HTTPS`, {
        from: hn.id,
        to: 'AzureCloud',
        port: 443,
      });
  return out;
}

export function intentFlows(l: Lookup): NeededFlow[] {
  return l.ws.intents.map((it, i) => ({
    kind: 'intent',
    owner: `intent ${i + 1}`,
    ownerPath: ['intents', i],
    why: it.why,
    expect: it.expect,
    from: it.from,
    to: it.to,
    port: it.port,
    protocol: normaliseProtocol(it.proto),
  }));
}

/** At most this many rule-mentioned flows per workspace, so a huge rule set cannot make a diff unbounded. */
export const MAX_RULE_FLOWS = 20_000;

/**
 * The host/subnet × port pairs the model's NSG rules mention: for each rule with concrete ports, from the subnets
 * (and NIC hosts) the NSG sits on to what the rule names (subnets its prefixes overlap, tags), or, inbound, from the
 * subnets its source prefixes overlap to where the NSG sits. A rule on every port ("*") is tried on the ports the
 * same NSG's other rules mention, else 443. Protocol "*" is tried as TCP; ICMP, ESP and AH are not flows reach asks.
 */
export function ruleFlows(l: Lookup): NeededFlow[] {
  const out: NeededFlow[] = [];
  const seen = new Set<string>();
  const subnets = [...l.subnets.values()];
  const overlapping = (prefix: string): string[] =>
    subnets.filter((s) => ipVersion(s.subnet.prefix) === ipVersion(prefix) && overlaps(s.subnet.prefix, prefix)).map((s) => s.id);
  const ends = (prefixes: readonly string[], side: 'source' | 'destination'): string[] =>
    prefixes.flatMap((p) => {
      if (p === '*') return [];
      if (isValidCidr(p)) return overlapping(p);
      if (isValidAddress(p)) return [p];
      const tag = DESTINATION_TAGS.find((t) => t.toLowerCase() === p.split('.')[0]!.toLowerCase());
      return side === 'destination' && tag ? [p] : [];
    });
  l.ws.azure.nsgs.forEach((nsg, k) => {
    const attached = [
      ...l.ws.azure.vnets.flatMap((v) => v.subnets.filter((s) => s.nsg === nsg.id).map((s) => s.id)),
      ...l.ws.hosts.filter((h) => h.interfaces.some((n) => n.nsg === nsg.id) && hasAddress(h)).map((h) => h.id),
    ];
    if (!attached.length) return;
    const concrete = (ports: readonly string[]) => ports.flatMap((p) => (p === '*' ? [] : [Number(p.split('-')[0])]));
    const mentioned = [...new Set(nsg.rules.flatMap((r) => concrete(r.destinationPorts)))];
    nsg.rules.forEach((r, j) => {
      if (!['Tcp', 'Udp', '*'].includes(r.protocol)) return;
      const ports = r.destinationPorts.includes('*') ? (mentioned.length ? mentioned : [443]) : concrete(r.destinationPorts);
      const pairs: [string, string][] =
        r.direction === 'Outbound'
          ? attached.flatMap((a) => ends(r.destinationPrefixes, 'destination').map((d): [string, string] => [a, d]))
          : ends(r.sourcePrefixes, 'source').flatMap((s) => attached.map((a): [string, string] => [s, a]));
      for (const [from, to] of pairs)
        for (const port of ports) {
          if (from === to || out.length >= MAX_RULE_FLOWS) continue;
          const protocol: ReachProtocol = r.protocol === 'Udp' ? 'Udp' : 'Tcp';
          // Per rule: the same pair under two rules is kept twice so a diff can name every rule that mentions it.
          const key = `${k}\u0000${j}\u0000${from}\u0000${to}\u0000${port}\u0000${protocol}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ kind: 'rule', owner: `NSG rule ${nsg.id}/${r.name}`, ownerPath: ['azure', 'nsgs', k, 'rules', j], why: `mentioned by ${nsg.id}/${r.name}`, expect: 'reachable', from, to, port, protocol });
        }
    });
  });
  return out;
}

// ── Who owns the element that decided ────────────────────────────────────────────────────────────────────

/** Scenarios whose objects include the element at `path` (an NSG on their subnet, a route on their host). */
export function ownersOf(l: Lookup, path: DocPath | undefined): string[] {
  if (!path || path.length < 2) return [];
  const owners = new Set<string>();
  const subnetOwners = (subnetIds: Set<string>) => {
    for (const cc of l.ws.cycleCloud)
      if (subnetIds.has(cc.serverSubnet) || cc.clusterSubnets.some((s) => subnetIds.has(s))) owners.add(scenarioName.cycleCloud(cc.id));
    for (const ll of l.ws.licenseLinks) {
      const g = l.hosts.get(ll.nodeGroup)?.value;
      if (g?.interfaces.some((n) => subnetIds.has(n.subnet))) owners.add(scenarioName.licenseLink(ll.id));
    }
  };
  const hostOwners = (h: Host) => {
    for (const ll of l.ws.licenseLinks) if ([ll.junctionBox, ll.licenseServer, ll.nodeGroup].includes(h.id)) owners.add(scenarioName.licenseLink(ll.id));
    for (const cc of l.ws.cycleCloud) if (cc.server === h.id) owners.add(scenarioName.cycleCloud(cc.id));
    for (const g of l.ws.hnv.gateways) if (g.gatewayVm === h.id || g.host === h.id) owners.add(scenarioName.hnv(g.id));
    if (h.roles.includes('rd-gateway')) owners.add(scenarioName.remoteConsole);
  };
  const [a, b, c, d] = path;
  if (a === 'azure' && (b === 'nsgs' || b === 'routeTables') && typeof c === 'number') {
    const id = (b === 'nsgs' ? l.ws.azure.nsgs[c] : l.ws.azure.routeTables[c])?.id;
    if (!id) return [];
    const subnets = new Set<string>();
    for (const v of l.ws.azure.vnets) for (const s of v.subnets) if ((b === 'nsgs' ? s.nsg : s.routeTable) === id) subnets.add(s.id);
    subnetOwners(subnets);
    if (b === 'nsgs') for (const h of l.ws.hosts) if (h.interfaces.some((n) => n.nsg === id)) hostOwners(h);
  } else if (a === 'hosts' && typeof b === 'number') {
    const h = l.ws.hosts[b];
    if (h) hostOwners(h);
  } else if (a === 'licenseLinks' && typeof b === 'number') {
    const ll = l.ws.licenseLinks[b];
    if (ll) owners.add(scenarioName.licenseLink(ll.id));
  } else if (a === 'networks' || (a === 'azure' && b === 'vnets')) {
    const subnetIdx = a === 'networks' ? c === 'subnets' ? d : undefined : path[4];
    const net = a === 'networks' ? l.ws.networks[b as number] : l.ws.azure.vnets[c as number];
    const s = typeof subnetIdx === 'number' ? net?.subnets[subnetIdx] : undefined;
    if (s) subnetOwners(new Set([s.id]));
  }
  return [...owners];
}

// ── Running them ─────────────────────────────────────────────────────────────────────────────────────────

function ask(l: Lookup, f: FlowSpec, from: string, opts: ReachOptions): ReachResult {
  return reach(l, { from, to: f.to, port: f.port, protocol: f.protocol }, opts);
}

/** Runs one flow; a set of sources passes when any of them reaches the destination. */
export function checkFlow(l: Lookup, flow: NeededFlow, opts: ReachOptions = {}): FlowOutcome {
  const sources = flow.fromAny?.length ? flow.fromAny : [flow.from];
  let first: ReachResult | undefined;
  let error: string | undefined;
  for (const from of sources) {
    let r: ReachResult;
    try {
      r = ask(l, flow, from, opts);
    } catch (e) {
      if (!(e instanceof ReachInputError)) throw e;
      error ??= e.message;
      continue;
    }
    first ??= r;
    if (r.verdict === 'reachable') {
      first = r;
      break;
    }
  }
  if (!first) return { flow, verdict: 'unresolved', ok: false, error };
  const reachable = first.verdict === 'reachable';
  const ok = flow.expect === 'reachable' ? reachable : !reachable;
  const out: FlowOutcome = { flow, verdict: first.verdict, ok, result: first };
  if (!reachable && first.decisive) {
    out.blocker = first.decisive;
    if (!ok) out.blockerOwners = ownersOf(l, first.decisive.decidedBy?.path);
  }
  return out;
}

export function checkFlows(l: Lookup, flows: readonly NeededFlow[], opts: ReachOptions = {}): FlowOutcome[] {
  return flows.map((f) => checkFlow(l, f, opts));
}

/** The hop that decided an outcome: the blocking hop, or for a reachable flow the NSG rule that let it through
 *  (where a deny would go), else the last route that carried it. */
export function decidingHop(o: Pick<FlowOutcome, 'blocker' | 'result' | 'verdict'>): Hop | undefined {
  if (o.verdict !== 'reachable') return o.blocker;
  const hops = o.result?.hops ?? [];
  return hops.find((h) => h.kind === 'nsg' && h.decidedBy?.path && h.decidedBy.path.length > 3) ?? [...hops].reverse().find((h) => h.decidedBy);
}

export const describeFlow = (f: FlowSpec): string => `${f.fromLabel ?? f.from} → ${f.to} ${f.protocol.toUpperCase()} ${f.port}`;

export function describeDecider(d: Decider | undefined): string {
  if (!d) return 'the model';
  const kind = { 'host-route': 'route', 'azure-route': 'Azure route', 'nsg-rule': 'NSG rule', 'license-link': 'License Link', 'vpn-connection': 'VPN', model: '' }[d.kind];
  return kind ? `${kind} ${d.name}` : d.name;
}
