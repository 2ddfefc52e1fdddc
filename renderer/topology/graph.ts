// Workspace → graph for the topology view. Pure: the same function feeds the canvas, the search and the tests.
import type { Workspace } from '../../shared/model/schema';
import type { LocatedFinding } from '../../shared/api/contract';
import type { DocPath } from '../../shared/model/path';
import type { Severity } from '../../shared/lint/types';

export type NodeKind =
  | 'site'
  | 'network'
  | 'subnet'
  | 'vnet'
  | 'azure-subnet'
  | 'host'
  | 'vpn-gateway'
  | 'local-gateway'
  | 'nsg'
  | 'route-table'
  | 'logical-network'
  | 'vm-network'
  | 'hnv-gateway'
  | 'cyclecloud';

export type EdgeKind = 'contains' | 'attached' | 'tunnel' | 'link' | 'represents' | 'uses';

export interface TopoNode {
  /** Unique in the graph (a duplicated workspace id gets a suffix, so the canvas still draws). */
  key: string;
  /** The workspace id it shows. */
  id: string;
  kind: NodeKind;
  label: string;
  sub: string;
  /** Site key (compound parent); undefined for sites themselves. */
  site?: string;
  path: DocPath;
  severity?: Severity;
  problems: number;
}

export interface TopoEdge {
  key: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
}

export interface Topology {
  nodes: TopoNode[];
  edges: TopoEdge[];
  /** Workspace id → node key (first declaration). */
  byId: Map<string, string>;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** The id of the deepest object with an `id` along a document path: which topology object a finding is about. */
export function objectIdForPath(ws: unknown, path: DocPath): string | undefined {
  let cur: unknown = ws;
  let found: string | undefined;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') break;
    cur = (cur as Record<string | number, unknown>)[seg];
    const maybe = cur && typeof cur === 'object' ? (cur as { id?: unknown }).id : undefined;
    if (typeof maybe === 'string') found = maybe;
  }
  return found;
}

export function buildTopology(ws: Workspace, findings: readonly LocatedFinding[] = []): Topology {
  const nodes: TopoNode[] = [];
  const edges: TopoEdge[] = [];
  const byId = new Map<string, string>();
  const keys = new Set<string>();

  const add = (
    id: string,
    kind: NodeKind,
    label: string,
    sub: string,
    path: DocPath,
    site?: string,
  ): string => {
    let key = id;
    for (let n = 2; keys.has(key); n++) key = `${id}~${n}`;
    keys.add(key);
    if (!byId.has(id)) byId.set(id, key);
    const node: TopoNode = { key, id, kind, label, sub, path, problems: 0 };
    const siteKey = site !== undefined ? byId.get(site) : undefined;
    if (siteKey !== undefined) node.site = siteKey;
    nodes.push(node);
    return key;
  };
  const link = (source: string | undefined, target: string | undefined, kind: EdgeKind, label?: string) => {
    if (!source || !target || source === target) return;
    const e: TopoEdge = { key: `e${edges.length}`, source, target, kind };
    if (label) e.label = label;
    edges.push(e);
  };
  const firstOnPrem = ws.sites.find((s) => s.kind === 'on-premises')?.id;
  const firstAzure = ws.sites.find((s) => s.kind === 'azure')?.id;

  ws.sites.forEach((s, i) =>
    add(s.id, 'site', s.name, s.kind === 'azure' ? `Azure · ${s.azure?.region ?? ''}` : 'On-premises', [
      'sites',
      i,
    ]),
  );
  ws.networks.forEach((n, i) => {
    const nk = add(n.id, 'network', n.name, n.addressSpace.join(', '), ['networks', i], n.site);
    n.subnets.forEach((s, j) => {
      const sk = add(
        s.id,
        'subnet',
        s.name,
        `${s.prefix} · ${s.purpose}`,
        ['networks', i, 'subnets', j],
        n.site,
      );
      link(nk, sk, 'contains');
    });
  });
  ws.azure.nsgs.forEach((n, i) =>
    add(n.id, 'nsg', n.name, `NSG · ${n.rules.length} rules`, ['azure', 'nsgs', i], n.site),
  );
  ws.azure.routeTables.forEach((r, i) =>
    add(r.id, 'route-table', r.name, `Routes · ${r.routes.length}`, ['azure', 'routeTables', i], r.site),
  );
  ws.azure.vnets.forEach((v, i) => {
    const vk = add(v.id, 'vnet', v.name, v.addressSpace.join(', '), ['azure', 'vnets', i], v.site);
    v.subnets.forEach((s, j) => {
      const sk = add(s.id, 'azure-subnet', s.name, s.prefix, ['azure', 'vnets', i, 'subnets', j], v.site);
      link(vk, sk, 'contains');
      if (s.nsg) link(sk, byId.get(s.nsg), 'attached');
      if (s.routeTable) link(sk, byId.get(s.routeTable), 'attached');
    });
  });
  ws.hosts.forEach((h, i) => {
    const roles = h.roles.join(', ');
    const sub = h.count ? `${roles} ×${h.count}` : roles;
    const hk = add(h.id, 'host', h.name, sub, ['hosts', i], h.site);
    h.interfaces.forEach((itf) => {
      link(hk, byId.get(itf.subnet), 'attached', itf.address);
      if (itf.nsg) link(hk, byId.get(itf.nsg), 'attached');
    });
  });
  ws.azure.vpnGateways.forEach((g, i) => {
    const vnetSite = ws.azure.vnets.find((v) => v.id === g.vnet)?.site ?? firstAzure;
    const gk = add(
      g.id,
      'vpn-gateway',
      g.name,
      `VPN gateway · ${g.sku}`,
      ['azure', 'vpnGateways', i],
      vnetSite,
    );
    link(gk, byId.get(g.vnet), 'attached');
  });
  ws.azure.localNetworkGateways.forEach((g, i) => {
    const lk = add(
      g.id,
      'local-gateway',
      g.name,
      `Local gateway · ${g.gatewayIpAddress}`,
      ['azure', 'localNetworkGateways', i],
      g.site,
    );
    ws.networks.filter((n) => n.site === g.represents).forEach((n) => link(lk, byId.get(n.id), 'represents'));
  });
  ws.azure.connections.forEach((c) =>
    link(
      byId.get(c.vpnGateway),
      byId.get(c.localNetworkGateway),
      'tunnel',
      `${c.name} · ${c.connectionProtocol}`,
    ),
  );
  ws.hnv.logicalNetworks.forEach((l, i) =>
    add(
      l.id,
      'logical-network',
      l.name,
      `Logical network · ${l.purpose}`,
      ['hnv', 'logicalNetworks', i],
      firstOnPrem,
    ),
  );
  ws.hnv.vmNetworks.forEach((v, i) => {
    const vk = add(
      v.id,
      'vm-network',
      v.name,
      v.subnets.map((s) => s.prefix).join(', '),
      ['hnv', 'vmNetworks', i],
      firstOnPrem,
    );
    link(byId.get(v.logicalNetwork), vk, 'contains');
  });
  ws.hnv.gateways.forEach((g, i) => {
    const site = ws.hosts.find((h) => h.id === g.host)?.site ?? firstOnPrem;
    const gk = add(g.id, 'hnv-gateway', g.name, 'HNV gateway', ['hnv', 'gateways', i], site);
    link(gk, byId.get(g.host), 'uses');
    link(gk, byId.get(g.gatewayVm), 'uses');
    link(gk, byId.get(g.frontEnd.logicalNetwork), 'attached');
    link(gk, byId.get(g.backEnd.logicalNetwork), 'attached');
  });
  ws.hnv.natConnections.forEach((c) =>
    link(byId.get(c.vmNetwork), byId.get(c.gateway), 'link', `NAT ${c.name}`),
  );
  ws.hnv.s2sConnections.forEach((c) =>
    link(byId.get(c.vmNetwork), byId.get(c.gateway), 'tunnel', `S2S ${c.name}`),
  );
  ws.licenseLinks.forEach((l) => {
    link(byId.get(l.nodeGroup), byId.get(l.junctionBox), 'tunnel', `${l.name} · L2TP`);
    link(byId.get(l.junctionBox), byId.get(l.licenseServer), 'link', `license ${l.licensePorts.join(',')}`);
  });
  ws.cycleCloud.forEach((c, i) => {
    const site = ws.hosts.find((h) => h.id === c.server)?.site ?? firstAzure;
    const ck = add(
      c.id,
      'cyclecloud',
      c.name,
      c.lockedDown ? 'CycleCloud · locked down' : 'CycleCloud',
      ['cycleCloud', i],
      site,
    );
    link(ck, byId.get(c.server), 'uses');
    c.clusterSubnets.forEach((s) => link(ck, byId.get(s), 'uses'));
  });

  // Badges: each finding counts against the object it is about.
  for (const f of findings) {
    const node = nodeForPath(nodes, f.path);
    if (!node || node.kind === 'site') continue;
    node.problems++;
    if (!node.severity || SEVERITY_RANK[f.severity] > SEVERITY_RANK[node.severity])
      node.severity = f.severity;
  }
  return { nodes, edges, byId };
}

/**
 * The node a document path is about: the one whose own path is the longest prefix of it. Unlike an id lookup
 * this tells two objects with the same (duplicated) id apart.
 */
export function nodeForPath(nodes: readonly TopoNode[], path: DocPath): TopoNode | undefined {
  let best: TopoNode | undefined;
  for (const n of nodes) {
    if (n.path.length > path.length || (best && n.path.length <= best.path.length)) continue;
    if (n.path.every((seg, i) => seg === path[i])) best = n;
  }
  return best;
}

/** Case-insensitive match on name, id, and the detail line (prefixes, roles). */
export function searchNodes(nodes: readonly TopoNode[], query: string): TopoNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return nodes.filter(
    (n) =>
      n.kind !== 'site' &&
      (n.label.toLowerCase().includes(q) ||
        n.id.toLowerCase().includes(q) ||
        n.sub.toLowerCase().includes(q)),
  );
}
