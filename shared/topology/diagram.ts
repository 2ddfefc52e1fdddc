// Workspace → network diagram: sites as regions, networks inside them, subnets inside those, hosts with one port
// per NIC, NSGs and route tables as badges on what they attach to, and tunnels between their real endpoints.
// Pure and deterministic: the CLI export and the console draw the same diagram.
import type { Workspace } from '../model/schema';
import type { DocPath } from '../model/path';

export type DiagramNodeKind = 'site' | 'network' | 'subnet' | 'host' | 'gateway' | 'device';
export type DiagramEdgeKind = 'nic' | 'tunnel' | 'flow';

export interface DiagramPort {
  id: string;
  /** Interface alias, e.g. "Management". */
  nic: string;
  address?: string;
  /** Set when a default route leaves by this NIC. */
  defaultRoute?: { via: string; routeMetric?: number; interfaceMetric?: number };
  nsg?: string;
}

export interface DiagramBadge {
  kind: 'nsg' | 'route-table' | 'role';
  /** Workspace id of the NSG or route table; empty for a role badge. */
  ref: string;
  label: string;
  /** One line per rule or route, shown when the badge is expanded. */
  lines: string[];
}

export interface DiagramNode {
  id: string;
  kind: DiagramNodeKind;
  label: string;
  detail: string;
  parent?: string;
  ports: DiagramPort[];
  badges: DiagramBadge[];
  /** The workspace object it shows; absent for a drawn-only end (a VPN device known by its address). */
  path?: DocPath;
  /** Hosts a collapsed container stands for (level of detail). */
  hostCount?: number;
}

export interface DiagramEdge {
  id: string;
  kind: DiagramEdgeKind;
  source: string;
  sourcePort?: string;
  target: string;
  targetPort?: string;
  label?: string;
}

export interface Diagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/** Node ids are prefixed by kind so a site and a host that share a workspace id stay two nodes. */
const nid = (kind: string, id: string) => `${kind}:${id}`;

function nsgLines(ws: Workspace, id: string): string[] {
  const nsg = ws.azure.nsgs.find((n) => n.id === id);
  if (!nsg) return [`(no NSG ${id} in the workspace)`];
  return [...nsg.rules]
    .sort((a, b) => a.priority - b.priority || a.direction.localeCompare(b.direction))
    .map(
      (r) =>
        `${r.priority} ${r.direction} ${r.access} ${r.protocol} ${r.sourcePrefixes.join(',')} → ${r.destinationPrefixes.join(',')}:${r.destinationPorts.join(',')}`,
    );
}

function routeLines(ws: Workspace, id: string): string[] {
  const rt = ws.azure.routeTables.find((r) => r.id === id);
  if (!rt) return [`(no route table ${id} in the workspace)`];
  return rt.routes.map(
    (r) => `${r.addressPrefix} → ${r.nextHopType}${r.nextHopIpAddress ? ` ${r.nextHopIpAddress}` : ''}`,
  );
}

export interface DiagramOptions {
  /**
   * Level of detail for crowded subnets: past this many plain hosts (one NIC, no tunnel or role of note) a subnet
   * shows that many and one summary box for the rest, so a 2,000-node cluster reads as a diagram, not a column.
   * Unset: every host is drawn (the CLI export's default).
   */
  maxHostsPerSubnet?: number;
}

/** Hosts that must stay visible whatever the detail: several NICs, a tunnel or flow end, a CycleCloud server. */
function notableHosts(ws: Workspace): Set<string> {
  const ids = new Set<string>();
  for (const h of ws.hosts)
    if (
      h.interfaces.length !== 1 ||
      h.roles.some((r) => r !== 'compute-node-group' && r !== 'client-computer')
    )
      ids.add(h.id);
  for (const l of ws.licenseLinks) [l.nodeGroup, l.junctionBox, l.licenseServer].forEach((x) => ids.add(x));
  for (const g of ws.hnv.gateways) [g.host, g.gatewayVm].forEach((x) => ids.add(x));
  for (const c of ws.cycleCloud) ids.add(c.server);
  return ids;
}

export function buildDiagram(ws: Workspace, opts: DiagramOptions = {}): Diagram {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const byKey = new Map<string, DiagramNode>();
  const add = (
    n: Omit<DiagramNode, 'ports' | 'badges'> & Partial<Pick<DiagramNode, 'ports' | 'badges'>>,
  ): DiagramNode => {
    const node: DiagramNode = { ports: [], badges: [], ...n };
    if (byKey.has(node.id)) return byKey.get(node.id)!;
    byKey.set(node.id, node);
    nodes.push(node);
    return node;
  };
  const edge = (e: Omit<DiagramEdge, 'id'>) => {
    if (!byKey.has(e.source) || !byKey.has(e.target) || e.source === e.target) return;
    edges.push({ id: `e${edges.length}`, ...e });
  };

  /** Subnet id → its diagram node id and the network node that holds it. */
  const subnetOf = new Map<string, { node: string; network: string; site: string }>();

  ws.sites.forEach((s, i) =>
    add({
      id: nid('site', s.id),
      kind: 'site',
      label: s.name,
      detail: s.kind === 'azure' ? `Azure · ${s.azure?.region ?? ''}` : 'On-premises',
      path: ['sites', i],
    }),
  );
  const siteNode = (site: string) => (byKey.has(nid('site', site)) ? nid('site', site) : undefined);

  ws.networks.forEach((n, i) => {
    const net = add({
      id: nid('net', n.id),
      kind: 'network',
      label: n.name,
      detail: n.addressSpace.join(', '),
      parent: siteNode(n.site),
      path: ['networks', i],
    });
    n.subnets.forEach((s, j) => {
      add({
        id: nid('subnet', s.id),
        kind: 'subnet',
        label: s.name,
        detail: `${s.prefix} · ${s.purpose}`,
        parent: net.id,
        path: ['networks', i, 'subnets', j],
      });
      subnetOf.set(s.id, { node: nid('subnet', s.id), network: net.id, site: n.site });
    });
  });
  ws.azure.vnets.forEach((v, i) => {
    const net = add({
      id: nid('net', v.id),
      kind: 'network',
      label: v.name,
      detail: `VNet · ${v.addressSpace.join(', ')}`,
      parent: siteNode(v.site),
      path: ['azure', 'vnets', i],
    });
    v.subnets.forEach((s, j) => {
      const badges: DiagramBadge[] = [];
      if (s.nsg) badges.push({ kind: 'nsg', ref: s.nsg, label: `NSG ${s.nsg}`, lines: nsgLines(ws, s.nsg) });
      if (s.routeTable)
        badges.push({
          kind: 'route-table',
          ref: s.routeTable,
          label: `Routes ${s.routeTable}`,
          lines: routeLines(ws, s.routeTable),
        });
      add({
        id: nid('subnet', s.id),
        kind: 'subnet',
        label: s.name,
        detail: s.prefix,
        parent: net.id,
        path: ['azure', 'vnets', i, 'subnets', j],
        badges,
      });
      subnetOf.set(s.id, { node: nid('subnet', s.id), network: net.id, site: v.site });
    });
  });

  // Plain hosts past the per-subnet limit are folded into one summary box per subnet.
  const folded = new Map<string, { names: string[]; count: number; index: number }>();
  const isFolded = new Set<string>();
  const max = opts.maxHostsPerSubnet;
  if (max !== undefined) {
    const notable = notableHosts(ws);
    const shown = new Map<string, number>();
    ws.hosts.forEach((h, i) => {
      if (notable.has(h.id)) return;
      const subnet = h.interfaces[0]!.subnet;
      const n = (shown.get(subnet) ?? 0) + 1;
      shown.set(subnet, n);
      if (n <= max) return;
      const f = folded.get(subnet) ?? { names: [], count: 0, index: i };
      f.names.push(h.name);
      f.count += h.count ?? 1;
      folded.set(subnet, f);
      isFolded.add(h.id);
    });
  }

  const hostAddresses = new Map<string, string>();
  ws.hosts.forEach((h, i) => {
    if (isFolded.has(h.id)) return;
    const nets = new Set(
      h.interfaces
        .map((itf) => subnetOf.get(itf.subnet)?.network)
        .filter((x): x is string => x !== undefined),
    );
    // A host with NICs in one network sits in it; with NICs in two networks it sits in the site, between them.
    const parent = nets.size === 1 ? [...nets][0]! : siteNode(h.site);
    const ports: DiagramPort[] = h.interfaces.map((itf, k) => {
      const p: DiagramPort = { id: `${nid('host', h.id)}/nic${k}`, nic: itf.name };
      if (itf.address) p.address = itf.address;
      if (itf.defaultGateway) {
        p.defaultRoute = { via: itf.defaultGateway };
        if (itf.routeMetric !== undefined) p.defaultRoute.routeMetric = itf.routeMetric;
        if (itf.interfaceMetric !== undefined) p.defaultRoute.interfaceMetric = itf.interfaceMetric;
      }
      if (itf.nsg) p.nsg = itf.nsg;
      if (itf.address) hostAddresses.set(itf.address.split('/')[0]!, nid('host', h.id));
      return p;
    });
    const badges: DiagramBadge[] = h.interfaces
      .filter((itf) => itf.nsg)
      .map((itf) => ({
        kind: 'nsg' as const,
        ref: itf.nsg!,
        label: `NSG ${itf.nsg} on ${itf.name}`,
        lines: nsgLines(ws, itf.nsg!),
      }));
    const cc = ws.cycleCloud.find((c) => c.server === h.id);
    if (cc)
      badges.push({
        kind: 'role',
        ref: '',
        label: cc.lockedDown ? 'CycleCloud · locked down' : 'CycleCloud',
        lines: cc.projects.map((p) => `${p.name} ${p.version}`),
      });
    const roles = h.roles.join(', ');
    add({
      id: nid('host', h.id),
      kind: 'host',
      label: h.count ? `${h.name} ×${h.count}` : h.name,
      detail: [roles, h.os].filter(Boolean).join(' · '),
      parent,
      path: ['hosts', i],
      ports,
      badges,
    });
    // The first NIC's subnet comes before the host, the others after it: a two-NIC host is laid out between them.
    h.interfaces.forEach((itf, k) => {
      const s = subnetOf.get(itf.subnet);
      if (!s) return;
      // The address is on the NIC's port already; the edge itself carries no label.
      if (k === 0) edge({ kind: 'nic', source: s.node, target: nid('host', h.id), targetPort: ports[k]!.id });
      else edge({ kind: 'nic', source: nid('host', h.id), sourcePort: ports[k]!.id, target: s.node });
    });
  });

  for (const [subnet, f] of folded) {
    const s = subnetOf.get(subnet);
    if (!s) continue;
    const id = `${nid('more', subnet)}`;
    const shown = f.names.length > 2 ? `${f.names[0]} … ${f.names[f.names.length - 1]}` : f.names.join(', ');
    add({
      id,
      kind: 'host',
      label: `+${f.count} more hosts`,
      detail: shown,
      parent: s.network,
      path: ['hosts', f.index],
      hostCount: f.count,
    });
    edge({ kind: 'nic', source: s.node, target: id });
  }

  // Site-to-site: the Azure VPN gateway on its GatewaySubnet, to the on-premises device at the local network
  // gateway's address (a modelled host when one has it, else a device known only by that address).
  ws.azure.vpnGateways.forEach((g, i) => {
    const vnet = ws.azure.vnets.find((v) => v.id === g.vnet);
    const gwSubnet = vnet?.subnets.find((s) => s.name === 'GatewaySubnet');
    const node = add({
      id: nid('gw', g.id),
      kind: 'gateway',
      label: g.name,
      detail: `VPN gateway · ${g.sku} · ${g.vpnType}${g.publicIpAddress ? ` · ${g.publicIpAddress}` : ''}`,
      parent: vnet ? nid('net', vnet.id) : undefined,
      path: ['azure', 'vpnGateways', i],
    });
    if (gwSubnet) edge({ kind: 'nic', source: nid('subnet', gwSubnet.id), target: node.id });
  });
  const onPremEnd = (lngId: string): string | undefined => {
    const i = ws.azure.localNetworkGateways.findIndex((l) => l.id === lngId);
    const lng = ws.azure.localNetworkGateways[i];
    if (!lng) return undefined;
    const host = hostAddresses.get(lng.gatewayIpAddress);
    if (host) return host;
    return add({
      id: nid('device', lng.gatewayIpAddress),
      kind: 'device',
      label: `VPN device ${lng.gatewayIpAddress}`,
      detail: `local network gateway ${lng.name}${lng.addressPrefixes.length ? ` · ${lng.addressPrefixes.join(', ')}` : ''}`,
      parent: siteNode(lng.represents),
      path: ['azure', 'localNetworkGateways', i],
    }).id;
  };
  ws.azure.connections.forEach((c) => {
    const end = onPremEnd(c.localNetworkGateway);
    if (end)
      edge({
        kind: 'tunnel',
        source: nid('gw', c.vpnGateway),
        target: end,
        label: `${c.name} · S2S ${c.connectionProtocol}`,
      });
  });

  // License Link (seed 000): the nodes dial L2TP to the junction box, which reaches the license server.
  ws.licenseLinks.forEach((l) => {
    edge({
      kind: 'tunnel',
      source: nid('host', l.nodeGroup),
      target: nid('host', l.junctionBox),
      label: `${l.name} · L2TP/IPsec`,
    });
    edge({
      kind: 'flow',
      source: nid('host', l.junctionBox),
      target: nid('host', l.licenseServer),
      label: `TCP ${l.licensePorts.join(',')}`,
    });
  });

  // HNV (seed 004): tenant VM networks reach the outside through the gateway VM, by NAT or a site-to-site tunnel.
  const gatewayVm = (gatewayId: string) => {
    const g = ws.hnv.gateways.find((x) => x.id === gatewayId);
    return g ? nid('host', g.gatewayVm) : undefined;
  };
  ws.hnv.vmNetworks.forEach((v, i) => {
    const g = ws.hnv.gateways.find(
      (x) =>
        ws.hnv.natConnections.some((c) => c.vmNetwork === v.id && c.gateway === x.id) ||
        ws.hnv.s2sConnections.some((c) => c.vmNetwork === v.id && c.gateway === x.id),
    );
    const site = g
      ? ws.hosts.find((h) => h.id === g.gatewayVm)?.site
      : ws.sites.find((s) => s.kind === 'on-premises')?.id;
    add({
      id: nid('vmnet', v.id),
      kind: 'network',
      label: v.name,
      detail: `VM network · ${v.subnets.map((s) => s.prefix).join(', ')}`,
      parent: site ? siteNode(site) : undefined,
      path: ['hnv', 'vmNetworks', i],
    });
  });
  ws.hnv.natConnections.forEach((c) => {
    const gw = gatewayVm(c.gateway);
    if (gw) edge({ kind: 'flow', source: nid('vmnet', c.vmNetwork), target: gw, label: `NAT ${c.name}` });
  });
  ws.hnv.s2sConnections.forEach((c, i) => {
    const gw = gatewayVm(c.gateway);
    if (!gw) return;
    const remote =
      hostAddresses.get(c.targetAddress) ??
      add({
        id: nid('device', c.targetAddress),
        kind: 'device',
        label: `VPN device ${c.targetAddress}`,
        detail: `tenant side of ${c.name}${c.routes.length ? ` · ${c.routes.join(', ')}` : ''}`,
        path: ['hnv', 's2sConnections', i],
      }).id;
    edge({ kind: 'flow', source: nid('vmnet', c.vmNetwork), target: gw, label: `${c.name} (tenant)` });
    edge({ kind: 'tunnel', source: gw, target: remote, label: `${c.name} · S2S ${c.protocol}` });
  });
  return { nodes, edges };
}

/** The workspace id a diagram node shows (the part after the kind prefix). */
export function workspaceIdOf(nodeId: string): string {
  return nodeId.slice(nodeId.indexOf(':') + 1);
}
