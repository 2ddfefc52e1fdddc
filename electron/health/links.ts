// Which parts of the model a probe speaks for. A probe set checks a path the estate depends on (Azure nodes to
// the license server through the junction box, cluster nodes to CycleCloud, CycleCloud to Azure, a site-to-site
// VPN); its results colour those objects and the topology edges between them.
import type { Workspace } from '../../shared/model/schema';
import type { HealthLink } from '../../shared/api/health-api';

export type LinkDef = Pick<HealthLink, 'id' | 'kind' | 'label' | 'from' | 'to' | 'nodes' | 'edges'>;

export function healthLinks(ws: Workspace): LinkDef[] {
  const out: LinkDef[] = [];
  for (const ll of ws.licenseLinks)
    out.push({
      id: `license-link:${ll.id}`,
      kind: 'license-link',
      label: `${ll.name}: ${ll.nodeGroup} → ${ll.licenseServer} via ${ll.junctionBox}`,
      from: ll.nodeGroup,
      to: ll.licenseServer,
      nodes: [ll.licenseServer],
      edges: [
        [ll.nodeGroup, ll.junctionBox],
        [ll.junctionBox, ll.licenseServer],
      ],
    });
  for (const cc of ws.cycleCloud) {
    const from = cc.clusterSubnets[0] ? `a node of ${cc.clusterSubnets[0]}` : 'a cluster node';
    out.push({
      id: `cyclecloud-cluster:${cc.id}`,
      kind: 'cyclecloud-cluster',
      label: `Cluster nodes → CycleCloud ${cc.server} (AMQP 5672, TLS 9443)`,
      from,
      to: cc.server,
      nodes: [cc.server],
      edges: [[cc.id, cc.server], ...cc.clusterSubnets.map((s): [string, string] => [cc.id, s])],
    });
    out.push({
      id: `cyclecloud-outbound:${cc.id}`,
      kind: 'cyclecloud-outbound',
      label: `CycleCloud ${cc.server} → Azure endpoints (DNS, HTTPS)`,
      from: cc.server,
      to: 'Azure endpoints',
      nodes: [cc.id],
      edges: [],
    });
  }
  for (const c of ws.azure.connections)
    out.push({
      id: `azure-vpn:${c.id}`,
      kind: 'azure-vpn',
      label: `VPN ${c.name}: ${c.vpnGateway} ↔ ${c.localNetworkGateway}`,
      from: c.vpnGateway,
      to: c.localNetworkGateway,
      nodes: [],
      edges: [[c.vpnGateway, c.localNetworkGateway]],
    });
  return out;
}

/** The link a result belongs to: probe ids are `<owner>:<kind>:…` inside a named set; VPN records name theirs. */
export function linkIdOf(r: { id: string; set?: string; kind: string; azure?: object }): string | undefined {
  if (r.kind === 'azure-vpn') {
    const conn = (r.azure as { connection?: unknown } | undefined)?.connection;
    return `azure-vpn:${typeof conn === 'string' ? conn : r.id.replace(/:azure-vpn$/, '')}`;
  }
  if (!r.set) return undefined;
  const owner = r.id.split(':')[0];
  return owner ? `${r.set}:${owner}` : undefined;
}
