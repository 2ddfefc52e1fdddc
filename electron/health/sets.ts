// Probe sets derived from the workspace: what each scenario needs to work, as checks a host can run. Each
// probe says where it is meant to run from (runFrom), because "can CycleCloud reach ARM" only means something
// when asked on the CycleCloud VM; the far-side scripts run the same sets there.
import type { Workspace } from '../../shared/model/schema';
import { buildLookup } from '../../shared/model/lookup';
import { addressOf } from '../../shared/net/cidr';
import { CLUSTER_PORTS } from '../../shared/lint/rules/cyclecloud';
import type { ProbeSpec } from './types';

/** Seed 002: the HTTPS endpoints a CycleCloud VM must reach, Azure public cloud. */
export const CYCLECLOUD_OUTBOUND_ENDPOINTS = [
  'management.azure.com',
  'login.microsoftonline.com',
  'watson.telemetry.microsoft.com',
  'dc.applicationinsights.azure.com',
  'dc.applicationinsights.microsoft.com',
  'dc.services.visualstudio.com',
  'ratecard.azure-api.net',
] as const;

export interface ProbeSet {
  name: string;
  description: string;
  probes: ProbeSpec[];
}

export function probeSets(ws: Workspace): ProbeSet[] {
  const l = buildLookup(ws);
  const sets: ProbeSet[] = [];
  for (const cc of ws.cycleCloud) {
    const server = l.hosts.get(cc.server)?.value;
    const nic = server?.interfaces.find((n) => n.subnet === cc.serverSubnet) ?? server?.interfaces[0];
    const out: ProbeSpec[] = CYCLECLOUD_OUTBOUND_ENDPOINTS.flatMap((host): ProbeSpec[] => [
      { id: `${cc.id}:dns:${host}`, set: 'cyclecloud-outbound', runFrom: cc.server, kind: 'dns', name: host },
      { id: `${cc.id}:https:${host}`, set: 'cyclecloud-outbound', runFrom: cc.server, kind: 'https', url: `https://${host}/` },
    ]);
    sets.push({ name: 'cyclecloud-outbound', description: `CycleCloud "${cc.id}" to the Azure endpoints it needs over HTTPS (seed 002)`, probes: out });
    if (nic?.address) {
      const addr = addressOf(nic.address);
      const from = cc.clusterSubnets[0] ? `a node of ${cc.clusterSubnets[0]}` : 'a cluster node';
      const probes: ProbeSpec[] = CLUSTER_PORTS.map(({ port, service }): ProbeSpec =>
        service === 'AMQP'
          ? { id: `${cc.id}:amqp:${port}`, set: 'cyclecloud-cluster', runFrom: from, kind: 'amqp', host: addr, port }
          : { id: `${cc.id}:tls:${port}`, set: 'cyclecloud-cluster', runFrom: from, kind: 'tls', host: addr, port, servername: server?.fqdn },
      );
      sets.push({ name: 'cyclecloud-cluster', description: `cluster nodes to CycleCloud "${cc.id}" on ${CLUSTER_PORTS.map((p) => `${p.port} (${p.service})`).join(' and ')}`, probes });
    }
  }
  for (const ll of ws.licenseLinks) {
    const ls = l.hosts.get(ll.licenseServer)?.value;
    const addr = ls?.interfaces.find((n) => n.address)?.address;
    if (!addr) continue;
    const host = addressOf(addr);
    sets.push({
      name: 'license-link',
      description: `license server "${ll.licenseServer}" on its license ports, through junction box "${ll.junctionBox}" (seed 000)`,
      probes: ll.licensePorts.map((port) => ({ id: `${ll.id}:tcp:${port}`, set: 'license-link', runFrom: ll.nodeGroup, kind: 'tcp', host, port })),
    });
  }
  // Several CycleClouds or links give several sets of one name: merge them.
  const merged = new Map<string, ProbeSet>();
  for (const s of sets) {
    const m = merged.get(s.name);
    if (m) m.probes.push(...s.probes);
    else merged.set(s.name, { ...s, probes: [...s.probes] });
  }
  return [...merged.values()];
}
