// Reads live VPN status through @azure/arm-network (connections' status and byte counters, the gateway's BGP
// peers through the getBgpPeerStatus long-running POST), compares it with the model (shared/azure/status) and
// turns the verdicts into records of the health time series, so the topology colours links from one file.
import type { BgpPeerStatus, VirtualNetworkGatewayConnection } from '@azure/arm-network';
import {
  compareStatus,
  wantsBgp,
  type ConnectionStatusReport,
  type ExpectedConnection,
  type Observation,
  type ObservedBgpPeer,
  type ObservedConnection,
  type Verdict,
} from '../../shared/azure/status';
import { appendHistory } from '../health/history';
import type { ProbeResult, ProbeStatus } from '../health/types';
import { isNotFound } from './arm';
import type { Clients } from './engine';
import { probeArm, type ConnectionSettings } from './connection';

/** One line of an SDK/REST failure, with what to check when it is about sign-in. */
export function describeError(e: unknown): string {
  const x = e as { statusCode?: number; code?: string; message?: string; name?: string };
  const first = (x.message ?? String(e)).split('\n')[0]!;
  if (x.name === 'CredentialUnavailableError' || x.name === 'AuthenticationError' || x.statusCode === 401 || x.statusCode === 403)
    return `sign-in or permission failed (${x.statusCode ?? x.name}): ${first}; check --method/--tenant/--client-id and that the identity may read Microsoft.Network`;
  return `${x.statusCode ? `HTTP ${x.statusCode} ` : ''}${x.code ? `${x.code}: ` : ''}${first}`;
}

const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function observedConnection(c: VirtualNetworkGatewayConnection): ObservedConnection {
  return defined({
    connectionStatus: str(c.connectionStatus),
    ingressBytesTransferred: n(c.ingressBytesTransferred),
    egressBytesTransferred: n(c.egressBytesTransferred),
    tunnelConnectionStatus: (c.tunnelConnectionStatus ?? []).map((t) =>
      defined({
        tunnel: str(t.tunnel),
        connectionStatus: str(t.connectionStatus),
        ingressBytesTransferred: n(t.ingressBytesTransferred),
        egressBytesTransferred: n(t.egressBytesTransferred),
        lastConnectionEstablishedUtcTime: str(t.lastConnectionEstablishedUtcTime),
      }),
    ),
    enableBgp: typeof c.enableBgp === 'boolean' ? c.enableBgp : undefined,
    provisioningState: str(c.provisioningState),
  });
}

export function observedPeer(p: BgpPeerStatus): ObservedBgpPeer {
  return defined({
    localAddress: str(p.localAddress),
    neighbor: str(p.neighbor),
    asn: n(p.asn),
    state: str(p.state),
    connectedDuration: str(p.connectedDuration),
    routesReceived: n(p.routesReceived),
    messagesSent: n(p.messagesSent),
    messagesReceived: n(p.messagesReceived),
  });
}

/** GET every expected connection, then the BGP peers once per gateway that has BGP on any of its connections. */
export async function observe(clients: Clients, expected: readonly ExpectedConnection[], pollMs: number): Promise<Map<string, Observation>> {
  const conns = await Promise.all(
    expected.map(async (e): Promise<Observation['connection']> => {
      try {
        const c = await clients.for(e.subscriptionId).client.virtualNetworkGatewayConnections.get(e.resourceGroup, e.name);
        return { found: true, value: observedConnection(c) };
      } catch (err) {
        return isNotFound(err) ? { found: false } : { error: describeError(err) };
      }
    }),
  );
  const gateways = new Map<string, ExpectedConnection['gateway']>();
  expected.forEach((e, i) => {
    const c = conns[i]!;
    if ('found' in c && c.found && wantsBgp(e, c.value)) gateways.set(e.gateway.armId.toLowerCase(), e.gateway);
  });
  const bgp = new Map<string, NonNullable<Observation['bgp']>>();
  await Promise.all(
    [...gateways].map(async ([key, gw]) => {
      try {
        const r = await clients.for(gw.subscriptionId).client.virtualNetworkGateways.beginGetBgpPeerStatusAndWait(gw.resourceGroup, gw.name, { updateIntervalInMs: pollMs });
        bgp.set(key, { peers: (r.value ?? []).map(observedPeer) });
      } catch (err) {
        bgp.set(key, { error: describeError(err) });
      }
    }),
  );
  const out = new Map<string, Observation>();
  expected.forEach((e, i) => {
    const b = bgp.get(e.gateway.armId.toLowerCase());
    out.set(e.id, { connection: conns[i]!, ...(b ? { bgp: b } : {}) });
  });
  return out;
}

export interface LiveStatus {
  at: string;
  ms: number;
  reports: ConnectionStatusReport[];
}

export async function liveStatus(clients: Clients, expected: readonly ExpectedConnection[], opts: { pollMs: number; now?: () => Date }): Promise<LiveStatus> {
  const at = (opts.now ?? (() => new Date()))().toISOString();
  const t0 = performance.now();
  const observed = await observe(clients, expected, opts.pollMs);
  return { at, ms: Math.round(performance.now() - t0), reports: compareStatus(expected, observed) };
}

/** When ARM cannot be reached at all every connection is unknown, with the same reason. */
export function unreachable(expected: readonly ExpectedConnection[], detail: string, now = new Date()): LiveStatus {
  const observed = new Map(expected.map((e) => [e.id, { connection: { error: `ARM is unreachable (${detail}): connect (jump host, --proxy, --ca-file) and run it again` } } satisfies Observation]));
  return { at: now.toISOString(), ms: 0, reports: compareStatus(expected, observed) };
}

/**
 * Probe ARM, then read every expected connection, or mark them all unknown with why ARM was out of reach: what
 * `junction azure status` and the console's "Check Azure VPN status" both do. `clients` is asked for only online.
 */
export async function readStatus(
  settings: ConnectionSettings,
  expected: readonly ExpectedConnection[],
  clients: () => Promise<Clients>,
): Promise<{ online: boolean; detail: string; live: LiveStatus }> {
  const reach = await probeArm(settings);
  const live = reach.online
    ? await liveStatus(await clients(), expected, { pollMs: settings.pollIntervalMs })
    : unreachable(expected, reach.detail);
  return { ...reach, live };
}

// The probe history's status scale: a degraded or unreadable link is a warning, a down or missing one a failure.
const PROBE_STATUS: Record<Verdict, ProbeStatus> = { ok: 'ok', degraded: 'warning', unknown: 'warning', down: 'fail', missing: 'fail' };

/** A history line for one connection: the probe record's fields plus the verdict and what was observed. */
export interface AzureStatusRecord extends Omit<ProbeResult, 'kind'> {
  kind: 'azure-vpn';
  azure: {
    verdict: Verdict;
    armId: string;
    connection: string;
    vpnGateway: string;
    localNetworkGateway: string;
    onPremisesSite: string;
    findings: ConnectionStatusReport['findings'];
    observed?: ConnectionStatusReport['observed'];
  };
}

export function historyRecords(status: LiveStatus, expected: readonly ExpectedConnection[]): AzureStatusRecord[] {
  return status.reports.map((r) => {
    const e = expected.find((x) => x.id === r.id)!;
    return {
      id: `${r.id}:azure-vpn`,
      set: 'azure-status',
      kind: 'azure-vpn',
      target: `${e.gateway.name}<->${e.localNetworkGateway.gatewayIpAddress}`,
      status: PROBE_STATUS[r.verdict],
      at: status.at,
      ms: status.ms,
      message: r.reason,
      azure: {
        verdict: r.verdict,
        armId: r.armId,
        connection: r.id,
        vpnGateway: e.gateway.id,
        localNetworkGateway: e.localNetworkGateway.id,
        onPremisesSite: e.onPremisesSite,
        findings: r.findings,
        ...(r.observed ? { observed: r.observed } : {}),
      },
    };
  });
}

export async function appendStatusHistory(file: string, records: readonly AzureStatusRecord[]): Promise<void> {
  // Same file and line format as the probes (readHistory keys on id/at/status); the kind is one the probe
  // runner does not produce, so readers that care tell the two apart by it.
  await appendHistory(file, records);
}
