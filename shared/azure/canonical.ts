// One canonical form for both sides of a diff. Desired bodies and live GET responses both pass through here, so
// read-only and server-set fields (etag, provisioningState, resourceGuid, ids, type, defaultSecurityRules, server
// defaults such as privateEndpointNetworkPolicies) never show up as changes: what-if's noise (arm-template-whatif
// #340) comes from diffing raw responses. Only the properties Junction models are kept.
import type { ResourceKind } from './desired';

export type Canonical = Record<string, unknown>;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Resource references compare case-insensitively, as ARM ids do. */
const ref = (v: unknown): string | null => str(obj(v)['id'])?.toLowerCase() ?? null;
const sorted = (xs: unknown[]): string[] => xs.filter((x): x is string => typeof x === 'string').sort();
/** ARM returns either the singular or the plural field; both mean the same list. */
const list = (p: Obj, singular: string, plural: string): string[] => {
  const many = arr(p[plural]);
  if (many.length) return sorted(many);
  const one = str(p[singular]);
  return one !== undefined && one !== '' ? [one] : [];
};
const byName = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.name.localeCompare(b.name));
const named = (v: unknown) => ({ name: str(obj(v)['name']) ?? '', p: obj(obj(v)['properties']) });

function nsg(p: Obj): Obj {
  return {
    securityRules: byName(
      arr(p['securityRules']).map(named).map(({ name, p: r }) => ({
        name,
        priority: r['priority'],
        direction: r['direction'],
        access: r['access'],
        protocol: r['protocol'],
        sourceAddressPrefixes: list(r, 'sourceAddressPrefix', 'sourceAddressPrefixes'),
        sourcePortRanges: list(r, 'sourcePortRange', 'sourcePortRanges'),
        destinationAddressPrefixes: list(r, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
        destinationPortRanges: list(r, 'destinationPortRange', 'destinationPortRanges'),
        description: str(r['description']) ?? '',
      })),
    ),
  };
}

function routeTable(p: Obj): Obj {
  return {
    disableBgpRoutePropagation: p['disableBgpRoutePropagation'] === true,
    routes: byName(
      arr(p['routes']).map(named).map(({ name, p: r }) => ({
        name,
        addressPrefix: r['addressPrefix'],
        nextHopType: r['nextHopType'],
        nextHopIpAddress: str(r['nextHopIpAddress']) ?? '',
      })),
    ),
  };
}

function vnet(p: Obj): Obj {
  return {
    addressPrefixes: sorted(arr(obj(p['addressSpace'])['addressPrefixes'])),
    subnets: byName(
      arr(p['subnets']).map(named).map(({ name, p: s }) => ({
        name,
        addressPrefixes: list(s, 'addressPrefix', 'addressPrefixes'),
        networkSecurityGroup: ref(s['networkSecurityGroup']),
        routeTable: ref(s['routeTable']),
        serviceEndpoints: sorted(arr(s['serviceEndpoints']).map((e) => obj(e)['service'])),
      })),
    ),
  };
}

function bgp(v: unknown): Obj | null {
  const b = obj(v);
  return b['asn'] === undefined ? null : { asn: b['asn'], bgpPeeringAddress: str(b['bgpPeeringAddress']) ?? '' };
}

function localNetworkGateway(p: Obj): Obj {
  return {
    gatewayIpAddress: p['gatewayIpAddress'],
    addressPrefixes: sorted(arr(obj(p['localNetworkAddressSpace'])['addressPrefixes'])),
    bgpSettings: bgp(p['bgpSettings']),
  };
}

function publicIp(p: Obj): Obj {
  return { publicIPAllocationMethod: p['publicIPAllocationMethod'] ?? 'Dynamic', publicIPAddressVersion: p['publicIPAddressVersion'] ?? 'IPv4' };
}

function vpnGateway(p: Obj): Obj {
  return {
    gatewayType: p['gatewayType'],
    vpnType: p['vpnType'],
    sku: str(obj(p['sku'])['name']) ?? null,
    enableBgp: p['enableBgp'] === true,
    // Azure fills bgpSettings (ASN 65515) even without BGP; it only matters when BGP is on.
    bgpSettings: p['enableBgp'] === true ? bgp(p['bgpSettings']) : null,
    ipConfigurations: byName(
      arr(p['ipConfigurations']).map(named).map(({ name, p: c }) => ({ name, subnet: ref(c['subnet']), publicIPAddress: ref(c['publicIPAddress']) })),
    ),
  };
}

const IPSEC_FIELDS = ['saLifeTimeSeconds', 'saDataSizeKilobytes', 'ipsecEncryption', 'ipsecIntegrity', 'ikeEncryption', 'ikeIntegrity', 'dhGroup', 'pfsGroup'];

function connection(p: Obj): Obj {
  // sharedKey is write-only for this diff: GET does not reliably return it, and it must never be compared in the clear.
  return {
    connectionType: p['connectionType'],
    connectionProtocol: p['connectionProtocol'] ?? 'IKEv2',
    enableBgp: p['enableBgp'] === true,
    virtualNetworkGateway1: ref(p['virtualNetworkGateway1']),
    localNetworkGateway2: ref(p['localNetworkGateway2']),
    ipsecPolicies: arr(p['ipsecPolicies']).map((x) => Object.fromEntries(IPSEC_FIELDS.map((f) => [f, obj(x)[f] ?? null]))),
  };
}

const BY_KIND: Record<ResourceKind, (p: Obj) => Obj> = { nsg, routeTable, vnet, localNetworkGateway, publicIp, vpnGateway, connection };

/** Canonical form of an ARM resource in wire shape (GET response or desired body). */
export function canonical(kind: ResourceKind, body: unknown): Canonical {
  const b = obj(body);
  const tags = Object.fromEntries(Object.entries(obj(b['tags'])).sort(([a], [c]) => a.localeCompare(c)));
  return {
    location: (str(b['location']) ?? '').toLowerCase().replace(/\s+/g, ''),
    tags,
    ...(kind === 'publicIp' ? { sku: str(obj(b['sku'])['name']) ?? 'Basic' } : {}),
    properties: BY_KIND[kind](obj(b['properties'])),
  };
}
