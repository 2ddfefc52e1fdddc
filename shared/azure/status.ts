// Live VPN status compared with what the model expects. Pure: the host reads ARM and hands the observations in;
// this decides, per connection, ok / degraded / down / unknown / missing and says what an admin can do about it.
// Field names follow @azure/arm-network 36 (VirtualNetworkGatewayConnection, TunnelConnectionHealth, BgpPeerStatus).
import type { Workspace } from '../model/schema';
import { desiredResources, parseArmId, type DesiredOptions, type DesiredProblem } from './desired';

export type Verdict = 'ok' | 'degraded' | 'down' | 'unknown' | 'missing';
/** Worse verdicts rank higher; a connection's verdict is its worst finding. */
export const VERDICT_RANK: Record<Verdict, number> = { ok: 0, unknown: 1, degraded: 2, down: 3, missing: 4 };

export interface BgpEndpoint {
  asn: number;
  address: string;
}

export interface ExpectedConnection {
  /** Workspace id of the connection. */
  id: string;
  name: string;
  /** Where it sits in the workspace, e.g. $.azure.connections[0]. */
  source: string;
  armId: string;
  subscriptionId: string;
  resourceGroup: string;
  gateway: { id: string; name: string; armId: string; subscriptionId: string; resourceGroup: string; bgp?: BgpEndpoint };
  localNetworkGateway: { id: string; name: string; gatewayIpAddress: string; addressPrefixes: string[]; bgp?: BgpEndpoint };
  /** The on-premises site behind the local network gateway. */
  onPremisesSite: string;
  enableBgp: boolean;
  connectionProtocol: string;
  ipsecPolicy?: Record<string, unknown>;
}

/** The model's VPN connections with their ARM placement (same placement rules as plan/apply). */
export function expectedConnections(ws: Workspace, opts: DesiredOptions = {}): { expected: ExpectedConnection[]; problems: DesiredProblem[] } {
  const { resources, problems } = desiredResources(ws, opts);
  const expected: ExpectedConnection[] = [];
  ws.azure.connections.forEach((c, i) => {
    const source = `$.azure.connections[${i}]`;
    const r = resources.find((x) => x.kind === 'connection' && x.source === source);
    const lng = ws.azure.localNetworkGateways.find((g) => g.id === c.localNetworkGateway);
    const gw = ws.azure.vpnGateways.find((g) => g.id === c.vpnGateway);
    if (!r || !lng || !gw) return; // desiredResources already reported why
    const gwArmId = (r.body.properties['virtualNetworkGateway1'] as { id: string }).id;
    const gwPlace = parseArmId(gwArmId)!;
    expected.push({
      id: c.id,
      name: c.name,
      source,
      armId: r.armId,
      subscriptionId: r.subscriptionId,
      resourceGroup: r.resourceGroup,
      gateway: {
        id: gw.id,
        name: gw.name,
        armId: gwArmId,
        subscriptionId: gwPlace.subscriptionId,
        resourceGroup: gwPlace.resourceGroup,
        ...(gw.bgp ? { bgp: { asn: gw.bgp.asn, address: gw.bgp.peeringAddress } } : {}),
      },
      localNetworkGateway: {
        id: lng.id,
        name: lng.name,
        gatewayIpAddress: lng.gatewayIpAddress,
        addressPrefixes: [...lng.addressPrefixes],
        ...(lng.bgp ? { bgp: { asn: lng.bgp.asn, address: lng.bgp.peeringAddress } } : {}),
      },
      onPremisesSite: lng.represents,
      enableBgp: c.enableBgp,
      connectionProtocol: c.connectionProtocol,
      ...(c.ipsecPolicy ? { ipsecPolicy: { ...c.ipsecPolicy } } : {}),
    });
  });
  return { expected, problems };
}

export interface ObservedTunnel {
  tunnel?: string;
  connectionStatus?: string;
  ingressBytesTransferred?: number;
  egressBytesTransferred?: number;
  lastConnectionEstablishedUtcTime?: string;
}

export interface ObservedConnection {
  connectionStatus?: string;
  ingressBytesTransferred?: number;
  egressBytesTransferred?: number;
  tunnelConnectionStatus: ObservedTunnel[];
  enableBgp?: boolean;
  provisioningState?: string;
}

export interface ObservedBgpPeer {
  localAddress?: string;
  neighbor?: string;
  asn?: number;
  state?: string;
  connectedDuration?: string;
  routesReceived?: number;
  messagesSent?: number;
  messagesReceived?: number;
}

/** What the host could read for one connection. An error is a read that failed for another reason than 404. */
export interface Observation {
  connection: { found: true; value: ObservedConnection } | { found: false } | { error: string };
  /** The BGP peers of the connection's gateway; absent when they were not asked for. */
  bgp?: { peers: ObservedBgpPeer[] } | { error: string };
}

export interface Finding {
  verdict: Verdict;
  message: string;
}

export interface ConnectionStatusReport {
  id: string;
  name: string;
  source: string;
  armId: string;
  verdict: Verdict;
  /** The worst finding's message: what to do first. */
  reason: string;
  findings: Finding[];
  expected: { enableBgp: boolean; onPremisesAddress: string; bgpPeer?: BgpEndpoint };
  observed?: ObservedConnection & { bgpPeers?: ObservedBgpPeer[] };
}

const num = (n: number | undefined) => n ?? 0;

/** 1536 → "1.5 KiB": bytes counters are shown to people, the raw numbers stay in the JSON. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

function policyText(e: ExpectedConnection): string {
  const p = e.ipsecPolicy;
  if (!p) return `${e.connectionProtocol} with Azure's default IKE/IPsec proposals`;
  return `${e.connectionProtocol}, IKE ${String(p['ikeEncryption'])}/${String(p['ikeIntegrity'])}/${String(p['dhGroup'])}, IPsec ${String(p['ipsecEncryption'])}/${String(p['ipsecIntegrity'])}/${String(p['pfsGroup'])}`;
}

function tunnelFindings(e: ExpectedConnection, c: ObservedConnection): Finding[] {
  const out: Finding[] = [];
  const st = c.connectionStatus ?? 'Unknown';
  const onPrem = e.localNetworkGateway.gatewayIpAddress;
  switch (st) {
    case 'Connected': {
      const down = c.tunnelConnectionStatus.filter((t) => t.connectionStatus !== undefined && t.connectionStatus !== 'Connected');
      for (const t of down)
        out.push({
          verdict: 'degraded',
          message: `tunnel ${t.tunnel ?? '(unnamed)'} is ${t.connectionStatus}: one gateway instance has no tunnel to ${onPrem}; check that the on-premises device accepts both Azure gateway public addresses (active-active)`,
        });
      if (num(c.egressBytesTransferred) > 0 && num(c.ingressBytesTransferred) === 0)
        out.push({
          verdict: 'degraded',
          message: `Connected, but nothing came back from on-premises (${formatBytes(c.egressBytesTransferred)} sent, 0 B received): check the on-premises device's routes/traffic selectors for the Azure address space and its firewall`,
        });
      if (!out.length) out.push({ verdict: 'ok', message: `Connected (in ${formatBytes(c.ingressBytesTransferred)}, out ${formatBytes(c.egressBytesTransferred)})` });
      break;
    }
    case 'Connecting':
      out.push({
        verdict: 'degraded',
        message: `Connecting: IKE has not completed with ${onPrem}; if it stays so, compare the proposals on the on-premises device with the model (${policyText(e)}) and the shared key`,
      });
      break;
    case 'NotConnected':
      out.push({
        verdict: 'down',
        message: `NotConnected: check the shared key on the on-premises device and that its public address is ${onPrem} (UDP 500/4500 open towards Azure)`,
      });
      break;
    default:
      out.push({
        verdict: 'unknown',
        message: `Azure reports ${st}: the gateway has not determined the status yet (new or updating connection); check again in a few minutes`,
      });
  }
  return out;
}

function bgpFindings(e: ExpectedConnection, c: ObservedConnection, bgp: Observation['bgp']): Finding[] {
  if (!e.enableBgp) {
    return c.enableBgp === true ? [{ verdict: 'degraded', message: 'BGP is enabled on the connection in Azure but not in the model: plan and apply to bring them in line' }] : [];
  }
  if (c.enableBgp === false) return [{ verdict: 'degraded', message: 'BGP enabled in the model but disabled on the connection in Azure: run `junction azure plan` and apply' }];
  const peer = e.localNetworkGateway.bgp;
  if (!peer)
    return [{ verdict: 'degraded', message: `BGP enabled in the model but local network gateway ${e.localNetworkGateway.name} has no bgp settings: add bgp.asn and bgp.peeringAddress to it` }];
  // Peer state only means something once the tunnel is up; a down tunnel already explains an Idle peer.
  if (c.connectionStatus !== 'Connected') return [];
  if (!bgp) return [{ verdict: 'unknown', message: `BGP peer status of ${e.gateway.name} was not read` }];
  if ('error' in bgp) return [{ verdict: 'unknown', message: `cannot read the BGP peer status of ${e.gateway.name}: ${bgp.error}` }];
  const azureSide = e.gateway.bgp ? `${e.gateway.bgp.address} (ASN ${e.gateway.bgp.asn})` : `the gateway's BGP address (ASN 65515 unless set)`;
  const seen = bgp.peers.filter((p) => p.neighbor === peer.address);
  if (!seen.length)
    return [
      {
        verdict: 'degraded',
        message: `BGP enabled in the model but ${e.gateway.name} has no peer ${peer.address}: check bgpSettings.bgpPeeringAddress on local network gateway ${e.localNetworkGateway.name}`,
      },
    ];
  const out: Finding[] = [];
  const connected = seen.find((p) => p.state === 'Connected');
  const p = connected ?? seen[0]!;
  if (p.asn !== undefined && p.asn !== peer.asn)
    out.push({ verdict: 'degraded', message: `BGP peer ${peer.address} reports ASN ${p.asn}, the model says ${peer.asn}: align bgp.asn on the local network gateway or the on-premises device` });
  if (!connected)
    out.push({
      verdict: 'degraded',
      message: `BGP enabled in the model but the peer ${peer.address} is ${p.state ?? 'Unknown'}: check that the on-premises device at ${e.localNetworkGateway.gatewayIpAddress} peers from ${peer.address} (ASN ${peer.asn}) with ${azureSide} over the tunnel (eBGP multihop)`,
    });
  else if (num(p.routesReceived) === 0)
    out.push({
      verdict: 'degraded',
      message: `BGP peer ${peer.address} is Connected but advertised no routes: check that the on-premises device announces ${e.localNetworkGateway.addressPrefixes.join(', ') || 'its prefixes'}`,
    });
  else out.push({ verdict: 'ok', message: `BGP peer ${peer.address} Connected, ${p.routesReceived} route(s) received` });
  return out;
}

/** One verdict per expected connection. */
export function compareStatus(expected: readonly ExpectedConnection[], observed: ReadonlyMap<string, Observation>): ConnectionStatusReport[] {
  return expected.map((e) => {
    const o = observed.get(e.id);
    const base = {
      id: e.id,
      name: e.name,
      source: e.source,
      armId: e.armId,
      expected: { enableBgp: e.enableBgp, onPremisesAddress: e.localNetworkGateway.gatewayIpAddress, ...(e.localNetworkGateway.bgp ? { bgpPeer: e.localNetworkGateway.bgp } : {}) },
    };
    let findings: Finding[];
    let obs: ConnectionStatusReport['observed'];
    if (!o) findings = [{ verdict: 'unknown', message: 'not read' }];
    else if ('error' in o.connection) findings = [{ verdict: 'unknown', message: `cannot read ${e.name}: ${o.connection.error}` }];
    else if (!o.connection.found)
      findings = [
        {
          verdict: 'missing',
          message: `${e.name} does not exist in resource group ${e.resourceGroup}: run \`junction azure plan\` and apply to create it`,
        },
      ];
    else {
      const c = o.connection.value;
      obs = { ...c, ...(o.bgp && 'peers' in o.bgp ? { bgpPeers: o.bgp.peers } : {}) };
      findings =
        c.provisioningState === 'Failed'
          ? [{ verdict: 'down', message: `${e.name} is in provisioning state Failed: re-apply it (\`junction azure apply --resume\` or a new apply)` }]
          : [...tunnelFindings(e, c), ...bgpFindings(e, c, o.bgp)];
    }
    const worst = findings.reduce((a, b) => (VERDICT_RANK[b.verdict] > VERDICT_RANK[a.verdict] ? b : a));
    return { ...base, verdict: worst.verdict, reason: worst.message, findings, ...(obs ? { observed: obs } : {}) };
  });
}

/** Should the BGP peer status of a gateway be read: any connection on it has BGP in the model or in Azure. */
export function wantsBgp(e: ExpectedConnection, c: ObservedConnection | undefined): boolean {
  return e.enableBgp || c?.enableBgp === true;
}

export function countVerdicts(reports: readonly ConnectionStatusReport[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { ok: 0, degraded: 0, down: 0, unknown: 0, missing: 0 };
  for (const r of reports) counts[r.verdict]++;
  return counts;
}

export function formatStatus(reports: readonly ConnectionStatusReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const o = r.observed;
    const head = o ? `${o.connectionStatus ?? 'Unknown'}, in ${formatBytes(o.ingressBytesTransferred)}, out ${formatBytes(o.egressBytesTransferred)}` : '';
    lines.push(`${r.verdict.padEnd(8)}  ${r.name}${head ? `  (${head})` : ''}`);
    for (const t of o?.tunnelConnectionStatus ?? [])
      lines.push(`          tunnel ${t.tunnel ?? '?'}: ${t.connectionStatus ?? 'Unknown'}, in ${formatBytes(t.ingressBytesTransferred)}, out ${formatBytes(t.egressBytesTransferred)}${t.lastConnectionEstablishedUtcTime ? `, up since ${t.lastConnectionEstablishedUtcTime}` : ''}`);
    for (const p of o?.bgpPeers ?? []) lines.push(`          BGP ${p.neighbor ?? '?'} (ASN ${p.asn ?? '?'}): ${p.state ?? 'Unknown'}, ${p.routesReceived ?? 0} route(s) received`);
    for (const f of r.findings) if (f.verdict !== 'ok' || r.findings.length === 1) lines.push(`          ${f.verdict === 'ok' ? '' : `${f.verdict}: `}${f.message}`);
  }
  const c = countVerdicts(reports);
  lines.push(`${c.ok} of ${reports.length} connection(s) ok${(Object.keys(c) as Verdict[]).filter((k) => k !== 'ok' && c[k]).map((k) => `, ${c[k]} ${k}`).join('')}.`);
  return lines.join('\n') + '\n';
}
