// Workspace → the ARM resources Junction wants to exist, in ARM wire shape ({ location, tags, properties }).
// Rules, routes and subnets are inline in their parents: one owner per rule (the azurerm #5387 lesson), and one PUT
// per resource so a journal step is one resource.
import type { Workspace } from '../model/schema';

export const API_VERSION = '2025-05-01';
export const OWNER_TAG = 'junction-owned';

export type ResourceKind = 'nsg' | 'routeTable' | 'publicIp' | 'localNetworkGateway' | 'vnet' | 'vpnGateway' | 'connection';

/** ARM resource type segment under Microsoft.Network, per kind. */
export const ARM_TYPES: Record<ResourceKind, string> = {
  nsg: 'networkSecurityGroups',
  routeTable: 'routeTables',
  publicIp: 'publicIPAddresses',
  localNetworkGateway: 'localNetworkGateways',
  vnet: 'virtualNetworks',
  vpnGateway: 'virtualNetworkGateways',
  connection: 'connections',
};

/** Creation order: every kind only refers to kinds before it. Deletes run in the reverse order. */
export const KIND_ORDER: readonly ResourceKind[] = ['nsg', 'routeTable', 'publicIp', 'localNetworkGateway', 'vnet', 'vpnGateway', 'connection'];

export interface ArmBody {
  location: string;
  tags: Record<string, string>;
  sku?: { name: string };
  properties: Record<string, unknown>;
}

export interface DesiredResource {
  kind: ResourceKind;
  armId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Where the object sits in the workspace, e.g. $.azure.nsgs[0]. */
  source: string;
  body: ArmBody;
  dependsOn: string[];
  /** Write-only properties filled from the secret store at apply time: property → secret name. Never in body. */
  secrets: Record<string, string>;
  /** Creating it takes tens of minutes (VPN gateways). */
  slow: boolean;
}

export interface DesiredProblem {
  source: string;
  message: string;
  fix: string;
}

export function armId(subscriptionId: string, resourceGroup: string, kind: ResourceKind, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/${ARM_TYPES[kind]}/${name}`;
}

/** Parses /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/type/name[/...]. */
export function parseArmId(id: string): { subscriptionId: string; resourceGroup: string; type: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/([^/]+)\/([^/]+)/i.exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, type: m[3]!, name: m[4]! };
}

export function kindOfType(type: string): ResourceKind | undefined {
  const t = type.replace(/^Microsoft\.Network\//i, '').toLowerCase();
  return (Object.keys(ARM_TYPES) as ResourceKind[]).find((k) => ARM_TYPES[k].toLowerCase() === t);
}

/** ARM accepts either the singular or the plural form of a prefix/port field, never both. */
function oneOrMany(singular: string, plural: string, values: readonly string[]): Record<string, unknown> {
  return values.length === 1 ? { [singular]: values[0] } : { [plural]: [...values] };
}

export interface DesiredOptions {
  /** Value of the ownership tag; the workspace name by default. */
  owner?: string;
  /** Used when a site has no subscriptionId. */
  subscriptionId?: string;
}

export function desiredResources(ws: Workspace, opts: DesiredOptions = {}): { resources: DesiredResource[]; problems: DesiredProblem[] } {
  const owner = opts.owner ?? ws.name;
  const problems: DesiredProblem[] = [];
  const resources: DesiredResource[] = [];
  const sites = new Map(ws.sites.map((s, i) => [s.id, { site: s, index: i }]));
  const byId = new Map<string, string>(); // workspace id → arm id

  const place = (siteId: string, source: string) => {
    const entry = sites.get(siteId);
    const az = entry?.site.azure;
    if (!entry || !az) {
      problems.push({ source, message: `site "${siteId}" is not an Azure site with an "azure" block`, fix: 'point it at a site of kind "azure" that has azure.resourceGroup and azure.region' });
      return undefined;
    }
    const sub = az.subscriptionId ?? opts.subscriptionId;
    if (!sub) {
      problems.push({
        source: `$.sites[${entry.index}].azure.subscriptionId`,
        message: `site "${siteId}" has no subscriptionId`,
        fix: 'add azure.subscriptionId to the site or pass --subscription <id>',
      });
      return undefined;
    }
    return { subscriptionId: sub, resourceGroup: az.resourceGroup, location: az.region.toLowerCase().replace(/\s+/g, '') };
  };
  const tags = { [OWNER_TAG]: owner };
  const add = (r: Omit<DesiredResource, 'armId' | 'secrets' | 'slow' | 'dependsOn'> & Partial<DesiredResource>, wsId: string) => {
    const id = armId(r.subscriptionId, r.resourceGroup, r.kind, r.name);
    byId.set(wsId, id);
    resources.push({ armId: id, secrets: {}, slow: false, dependsOn: [], ...r });
  };

  ws.azure.nsgs.forEach((nsg, i) => {
    const source = `$.azure.nsgs[${i}]`;
    const p = place(nsg.site, `${source}.site`);
    if (!p) return;
    const securityRules = nsg.rules.map((r) => ({
      name: r.name,
      properties: {
        priority: r.priority,
        direction: r.direction,
        access: r.access,
        protocol: r.protocol,
        ...oneOrMany('sourceAddressPrefix', 'sourceAddressPrefixes', r.sourcePrefixes),
        ...oneOrMany('sourcePortRange', 'sourcePortRanges', r.sourcePorts),
        ...oneOrMany('destinationAddressPrefix', 'destinationAddressPrefixes', r.destinationPrefixes),
        ...oneOrMany('destinationPortRange', 'destinationPortRanges', r.destinationPorts),
        ...(r.description ? { description: r.description } : {}),
      },
    }));
    add({ kind: 'nsg', name: nsg.name, ...p, source, body: { location: p.location, tags, properties: { securityRules } } }, nsg.id);
  });

  ws.azure.routeTables.forEach((rt, i) => {
    const source = `$.azure.routeTables[${i}]`;
    const p = place(rt.site, `${source}.site`);
    if (!p) return;
    const routes = rt.routes.map((r) => ({
      name: r.name,
      properties: { addressPrefix: r.addressPrefix, nextHopType: r.nextHopType, ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}) },
    }));
    add(
      { kind: 'routeTable', name: rt.name, ...p, source, body: { location: p.location, tags, properties: { disableBgpRoutePropagation: rt.disableBgpRoutePropagation, routes } } },
      rt.id,
    );
  });

  ws.azure.localNetworkGateways.forEach((g, i) => {
    const source = `$.azure.localNetworkGateways[${i}]`;
    const p = place(g.site, `${source}.site`);
    if (!p) return;
    const properties: Record<string, unknown> = {
      gatewayIpAddress: g.gatewayIpAddress,
      localNetworkAddressSpace: { addressPrefixes: [...g.addressPrefixes] },
      ...(g.bgp ? { bgpSettings: { asn: g.bgp.asn, bgpPeeringAddress: g.bgp.peeringAddress } } : {}),
    };
    add({ kind: 'localNetworkGateway', name: g.name, ...p, source, body: { location: p.location, tags, properties } }, g.id);
  });

  ws.azure.vnets.forEach((vnet, i) => {
    const source = `$.azure.vnets[${i}]`;
    const p = place(vnet.site, `${source}.site`);
    if (!p) return;
    const dependsOn: string[] = [];
    const subnets = vnet.subnets.map((s, j) => {
      const ref = (wsId: string | undefined, field: string) => {
        if (!wsId) return undefined;
        const target = byId.get(wsId);
        if (!target) {
          problems.push({ source: `${source}.subnets[${j}].${field}`, message: `"${wsId}" is not an NSG/route table Junction can place`, fix: `define it under azure.${field === 'nsg' ? 'nsgs' : 'routeTables'} on an Azure site` });
          return undefined;
        }
        if (!dependsOn.includes(target)) dependsOn.push(target);
        return { id: target };
      };
      const nsg = ref(s.nsg, 'nsg');
      const rt = ref(s.routeTable, 'routeTable');
      return {
        name: s.name,
        properties: {
          addressPrefix: s.prefix,
          ...(nsg ? { networkSecurityGroup: nsg } : {}),
          ...(rt ? { routeTable: rt } : {}),
          ...(s.serviceEndpoints.length ? { serviceEndpoints: s.serviceEndpoints.map((service) => ({ service })) } : {}),
        },
      };
    });
    add(
      { kind: 'vnet', name: vnet.name, ...p, source, dependsOn, body: { location: p.location, tags, properties: { addressSpace: { addressPrefixes: [...vnet.addressSpace] }, subnets } } },
      vnet.id,
    );
  });

  const vnetPlace = new Map(ws.azure.vnets.map((v) => [v.id, v]));
  ws.azure.vpnGateways.forEach((g, i) => {
    const source = `$.azure.vpnGateways[${i}]`;
    const vnet = vnetPlace.get(g.vnet);
    const p = vnet ? place(vnet.site, `${source}.vnet`) : undefined;
    if (!vnet || !p) {
      if (!vnet) problems.push({ source: `${source}.vnet`, message: `VNet "${g.vnet}" is not defined`, fix: 'point vnet at an entry of azure.vnets' });
      return;
    }
    const gwId = armId(p.subscriptionId, p.resourceGroup, 'vpnGateway', g.name);
    byId.set(g.id, gwId);
    if (!g.create) return; // referenced by connections, created by someone else
    const vnetId = byId.get(vnet.id)!;
    const pipName = `${g.name}-pip`;
    add(
      { kind: 'publicIp', name: pipName, ...p, source, body: { location: p.location, tags, sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static', publicIPAddressVersion: 'IPv4' } } },
      `${g.id}#pip`,
    );
    const pipId = byId.get(`${g.id}#pip`)!;
    add(
      {
        kind: 'vpnGateway',
        name: g.name,
        ...p,
        source,
        slow: true,
        dependsOn: [vnetId, pipId],
        body: {
          location: p.location,
          tags,
          properties: {
            gatewayType: 'Vpn',
            vpnType: g.vpnType,
            sku: { name: g.sku, tier: g.sku },
            enableBgp: g.bgp !== undefined,
            ...(g.bgp ? { bgpSettings: { asn: g.bgp.asn, bgpPeeringAddress: g.bgp.peeringAddress } } : {}),
            ipConfigurations: [
              { name: 'default', properties: { privateIPAllocationMethod: 'Dynamic', subnet: { id: `${vnetId}/subnets/GatewaySubnet` }, publicIPAddress: { id: pipId } } },
            ],
          },
        },
      },
      g.id,
    );
  });

  ws.azure.connections.forEach((c, i) => {
    const source = `$.azure.connections[${i}]`;
    const gw = byId.get(c.vpnGateway);
    const lng = byId.get(c.localNetworkGateway);
    const lngDef = ws.azure.localNetworkGateways.find((g) => g.id === c.localNetworkGateway);
    if (!gw || !lng || !lngDef) {
      problems.push({ source, message: `connection "${c.name}" refers to a VPN gateway or local network gateway that Junction cannot place`, fix: 'check vpnGateway and localNetworkGateway ids' });
      return;
    }
    const p = place(lngDef.site, `${source}.localNetworkGateway`)!;
    const gwCreated = resources.some((r) => r.armId === gw);
    add(
      {
        kind: 'connection',
        name: c.name,
        ...p,
        source,
        dependsOn: gwCreated ? [gw, lng] : [lng],
        secrets: c.sharedKeyRef ? { sharedKey: c.sharedKeyRef } : {},
        body: {
          location: p.location,
          tags,
          properties: {
            connectionType: 'IPsec',
            connectionProtocol: c.connectionProtocol,
            enableBgp: c.enableBgp,
            virtualNetworkGateway1: { id: gw },
            localNetworkGateway2: { id: lng },
            ...(c.ipsecPolicy ? { ipsecPolicies: [{ ...c.ipsecPolicy }] } : {}),
          },
        },
      },
      c.id,
    );
  });

  return { resources, problems };
}

/** The VPN gateways that connections use but Junction does not create: they must already exist. */
export function referencedGateways(resources: readonly DesiredResource[]): string[] {
  const created = new Set(resources.map((r) => r.armId.toLowerCase()));
  const out = new Set<string>();
  for (const r of resources) {
    if (r.kind !== 'connection') continue;
    const gw = (r.body.properties['virtualNetworkGateway1'] as { id: string }).id;
    if (!created.has(gw.toLowerCase())) out.add(gw);
  }
  return [...out];
}
