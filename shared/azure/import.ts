// Live ARM resources → the workspace's azure section: the inverse of desired.ts. Works on the raw document (what the
// admin wrote, before schema defaults) so a merge keeps every hand-written field, and only rewrites a resource's
// ARM-derived fields when the workspace would not already produce what Azure holds (canonical.ts decides). Ids are
// stable: a resource already in the workspace keeps its id; a new one gets one from its name. Shared keys are never
// read (arm.ts scrubs them); connections get a secret *reference* declared under `secrets`.
import type { Workspace } from '../model/schema';
import { canonical } from './canonical';
import { KIND_ORDER, OWNER_TAG, desiredResources, parseArmId, type ResourceKind } from './desired';
import type { LiveResource } from './plan';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const lc = (s: string) => s.toLowerCase();
const refId = (v: unknown) => str(obj(v)['id'])?.toLowerCase();
/** ARM returns the singular or the plural field; the workspace always holds a list. */
const list = (p: Obj, singular: string, plural: string): string[] => {
  const many = arr(p[plural]).filter((x): x is string => typeof x === 'string');
  if (many.length) return many;
  const one = str(p[singular]);
  return one !== undefined && one !== '' ? [one] : [];
};

export interface ImportScope {
  subscriptionId: string;
  resourceGroup: string;
  /** Put every resource on this (existing, Azure) site instead of finding or creating one per region. */
  siteId?: string;
}

export interface ImportNote {
  /** The resource (ARM id) or workspace path the note is about. */
  where: string;
  message: string;
}

export interface ImportOutcome {
  /** The raw workspace document to write. */
  doc: Obj;
  added: string[];
  updated: string[];
  unchanged: string[];
  /** Modelled objects of this resource group that Azure does not have: kept, plan will create them. */
  notInAzure: string[];
  notes: ImportNote[];
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** A workspace id from an Azure name: the id alphabet, at most 80 characters, unique across the document. */
export function idAllocator(doc: unknown): (base: string) => string {
  const taken = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Obj)) {
        if (k === 'id' && typeof x === 'string') taken.add(lc(x));
        else walk(x);
      }
  };
  walk(doc);
  return (base) => {
    let slug = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 72) || 'imported';
    slug = slug.replace(/[-.]+$/, '') || 'imported';
    let id = slug;
    for (let n = 2; taken.has(lc(id)); n++) id = `${slug}-${n}`;
    taken.add(lc(id));
    return id;
  };
}

const emptyAzure = () => ({ vnets: [], nsgs: [], routeTables: [], vpnGateways: [], localNetworkGateways: [], connections: [] });

/** A new, minimal workspace document for an import into a file that does not exist yet. */
export function newImportDocument(name: string): Obj {
  return { schemaVersion: 1, name, sites: [], networks: [], hosts: [], azure: emptyAzure(), secrets: [] };
}

/** The one owner tag value the imported resources share, if they share one. */
export function commonOwner(live: readonly LiveResource[]): string | undefined {
  const owners = new Set(live.map((l) => str(obj(l.body['tags'])[OWNER_TAG])).filter((x): x is string => !!x));
  return owners.size === 1 ? [...owners][0] : undefined;
}

const IPSEC_FIELDS = ['saLifeTimeSeconds', 'saDataSizeKilobytes', 'ipsecEncryption', 'ipsecIntegrity', 'ikeEncryption', 'ikeIntegrity', 'dhGroup', 'pfsGroup'];

const ANY = ['*'];
const RULE_DEFAULTS: Obj = { sourcePrefixes: ANY, sourcePorts: ANY, destinationPrefixes: ANY, destinationPorts: ANY };
const FIELD_DEFAULTS: Record<string, Obj> = {
  routeTables: { disableBgpRoutePropagation: false },
  vpnGateways: { sku: 'VpnGw1', vpnType: 'RouteBased', create: false },
  connections: { connectionProtocol: 'IKEv2', enableBgp: false },
  localNetworkGateways: { addressPrefixes: [] },
};

/** Leaves out a field the admin left out when Azure's value is the schema default, so a merge adds no noise. */
function withoutDefaults(fields: Obj, existing: Obj | undefined, defaults: Obj): Obj {
  return Object.fromEntries(
    Object.entries(fields).filter(([k, v]) => !(k in defaults && !(existing && k in existing) && JSON.stringify(v) === JSON.stringify(defaults[k]))),
  );
}

const canon = (kind: ResourceKind, body: unknown) => JSON.stringify(canonical(kind, body));

/**
 * Folds `live` (everything LISTed in one resource group) into `raw`. `parsed` is the same document through the
 * schema (defaults applied), or undefined for a new document; it decides which resources are already right.
 */
export function importLive(raw: Obj, parsed: Workspace | undefined, live: readonly LiveResource[], scope: ImportScope): ImportOutcome {
  const doc = structuredClone(raw);
  const notes: ImportNote[] = [];
  const added: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];
  const newId = idAllocator(doc);
  const sites = (doc['sites'] = arr(doc['sites'])) as Obj[];
  const azure = (doc['azure'] = { ...emptyAzure(), ...obj(doc['azure']) }) as Record<string, Obj[]>;
  for (const k of Object.keys(emptyAzure())) azure[k] = arr(azure[k]) as Obj[];
  const secrets = (doc['secrets'] = arr(doc['secrets'])) as Obj[];
  const owner = str(doc['name']) ?? '';

  const inScope = (id: string) => {
    const p = parseArmId(id);
    return p !== undefined && lc(p.subscriptionId) === lc(scope.subscriptionId) && lc(p.resourceGroup) === lc(scope.resourceGroup);
  };
  const resources = live
    .filter((l) => inScope(l.armId))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || lc(a.armId).localeCompare(lc(b.armId)));

  // ── Sites: the named one, or one per region of this resource group (found, else created).
  const siteMatches = (s: Obj, region: string) => {
    const az = obj(s['azure']);
    const sub = str(az['subscriptionId']);
    return (
      s['kind'] === 'azure' &&
      lc(str(az['resourceGroup']) ?? '') === lc(scope.resourceGroup) &&
      lc(str(az['region']) ?? '').replace(/\s+/g, '') === region &&
      (sub === undefined || lc(sub) === lc(scope.subscriptionId))
    );
  };
  let fixedSite: Obj | undefined;
  if (scope.siteId !== undefined) {
    fixedSite = sites.find((s) => s['id'] === scope.siteId);
    if (!fixedSite || fixedSite['kind'] !== 'azure' || !obj(fixedSite['azure'])['resourceGroup'])
      throw new ImportError(`--site ${scope.siteId}: no Azure site with that id in the workspace`, 'name a site of kind "azure" (with azure.resourceGroup and azure.region), or leave --site out to find or create one');
    if (lc(String(obj(fixedSite['azure'])['resourceGroup'])) !== lc(scope.resourceGroup))
      throw new ImportError(
        `--site ${scope.siteId}: that site is resource group ${String(obj(fixedSite['azure'])['resourceGroup'])}, not ${scope.resourceGroup}`,
        'name the site whose azure.resourceGroup is the group being imported, or leave --site out',
      );
  }
  const regionOf = (l: LiveResource) => lc(str(l.body['location']) ?? '').replace(/\s+/g, '');
  const regions = [...new Set(resources.map(regionOf))].sort();
  const siteFor = new Map<string, string>();
  for (const region of regions) {
    if (fixedSite) {
      if (lc(String(obj(fixedSite['azure'])['region'])).replace(/\s+/g, '') !== region)
        notes.push({ where: `site ${scope.siteId}`, message: `resources in ${region} were put on a site in ${String(obj(fixedSite['azure'])['region'])}: plan will want to move them; import without --site to get a site per region` });
      siteFor.set(region, String(fixedSite['id']));
      continue;
    }
    let s = sites.find((x) => siteMatches(x, region));
    if (!s) {
      s = {
        id: newId(regions.length > 1 ? `azure-${scope.resourceGroup}-${region}` : `azure-${scope.resourceGroup}`),
        name: `Azure ${scope.resourceGroup} (${region})`,
        kind: 'azure',
        azure: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, region },
      };
      sites.push(s);
      added.push(`site ${String(s['id'])}`);
    }
    siteFor.set(region, String(s['id']));
  }

  // ── Which workspace object is which ARM resource: by the ARM id the workspace already produces.
  const desiredById = new Map<string, { source: string; canon: string }>();
  if (parsed)
    for (const d of desiredResources(parsed, { subscriptionId: scope.subscriptionId }).resources)
      desiredById.set(lc(d.armId), { source: d.source, canon: canon(d.kind, d.body) });
  const wsIdOf = new Map<string, string>(); // arm id (lower) → workspace id
  const existingOf = new Map<string, Obj>(); // arm id (lower) → raw workspace object
  for (const [id, d] of desiredById) {
    const m = /^\$\.azure\.(\w+)\[(\d+)\]$/.exec(d.source);
    if (!m) continue;
    const o = arr(azure[m[1]!])[Number(m[2])] as Obj | undefined;
    if (!o) continue;
    if (parseArmId(id)?.type.toLowerCase() === 'publicipaddresses') continue; // the gateway's own source
    existingOf.set(id, o);
    wsIdOf.set(id, String(o['id']));
  }
  // Gateways with create: false are not in desired; match them by name through their VNet's site.
  if (parsed)
    parsed.azure.vpnGateways.forEach((g, i) => {
      const v = parsed.azure.vnets.find((x) => x.id === g.vnet);
      const site = parsed.sites.find((s) => s.id === v?.site)?.azure;
      if (!site) return;
      const id = lc(`/subscriptions/${site.subscriptionId ?? scope.subscriptionId}/resourceGroups/${site.resourceGroup}/providers/Microsoft.Network/virtualNetworkGateways/${g.name}`);
      if (!existingOf.has(id)) {
        existingOf.set(id, azure['vpnGateways']![i]!);
        wsIdOf.set(id, g.id);
      }
    });

  const liveById = new Map(resources.map((l) => [lc(l.armId), l]));
  const seen = new Set<string>();
  const nameOf = (l: LiveResource) => parseArmId(l.armId)?.name ?? String(l.body['name']);
  const propsOf = (l: LiveResource) => obj(l.body['properties']);

  /** Set the ARM-derived fields on an existing object, or append a new one. */
  const place = (l: LiveResource, section: string, fields: Obj, keep: (existing: Obj) => Obj = () => ({})) => {
    const key = lc(l.armId);
    seen.add(key);
    const label = `${l.kind} ${nameOf(l)}`;
    const existing = existingOf.get(key);
    const d = desiredById.get(key);
    fields = withoutDefaults(fields, existing, FIELD_DEFAULTS[section] ?? {});
    if (existing) {
      if (d && d.canon === canon(l.kind, l.body)) {
        unchanged.push(label);
        return String(existing['id']);
      }
      Object.assign(existing, fields, keep(existing));
      updated.push(label);
      return String(existing['id']);
    }
    const id = newId(nameOf(l));
    wsIdOf.set(key, id);
    azure[section]!.push({ id, name: nameOf(l), ...fields });
    added.push(label);
    return id;
  };
  const siteOf = (l: LiveResource) => siteFor.get(regionOf(l))!;

  for (const l of resources) {
    const tag = str(obj(l.body['tags'])[OWNER_TAG]);
    if (tag === undefined)
      notes.push({ where: l.armId, message: `has no ${OWNER_TAG} tag: plan lists it as Ignore (not owned) until you take it over with --allow-unowned ${nameOf(l)}` });
    else if (owner && tag !== owner)
      notes.push({ where: l.armId, message: `is tagged ${OWNER_TAG}=${tag}, not this workspace's name "${owner}": plan lists it as Ignore` });
  }

  // ── Resource by resource, in dependency order so references resolve to workspace ids.
  for (const l of resources) {
    const p = propsOf(l);
    switch (l.kind) {
      case 'nsg': {
        const rules = arr(p['securityRules']).map((x) => {
          const r = obj(obj(x)['properties']);
          const ruleName = str(obj(x)['name']) ?? '';
          if (!list(r, 'sourceAddressPrefix', 'sourceAddressPrefixes').length || !list(r, 'destinationAddressPrefix', 'destinationAddressPrefixes').length)
            throw new ImportError(
              `${l.armId}: rule ${ruleName} uses application security groups instead of address prefixes, which the workspace cannot model; nothing was written`,
              'change the rule to address prefixes or service tags in Azure, or model this NSG by hand and import the other resources from a group without it',
            );
          const description = str(r['description']);
          return {
            name: str(obj(x)['name']) ?? '',
            priority: r['priority'],
            direction: r['direction'],
            access: r['access'],
            protocol: r['protocol'],
            sourcePrefixes: list(r, 'sourceAddressPrefix', 'sourceAddressPrefixes'),
            sourcePorts: list(r, 'sourcePortRange', 'sourcePortRanges'),
            destinationPrefixes: list(r, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
            destinationPorts: list(r, 'destinationPortRange', 'destinationPortRanges'),
            ...(description ? { description } : {}),
          };
        });
        // Rules the workspace already has keep their place and their written form; new ones follow by priority.
        const old = arr(existingOf.get(lc(l.armId))?.['rules']).map(obj);
        const rank = (name: string) => {
          const i = old.findIndex((o) => o['name'] === name);
          return i < 0 ? old.length : i;
        };
        rules.sort((a, b) => rank(a.name) - rank(b.name) || Number(a.priority) - Number(b.priority) || a.name.localeCompare(b.name));
        const written = rules.map((r) => {
          const o = old.find((x) => x['name'] === r.name);
          const kept = withoutDefaults(r, o, RULE_DEFAULTS);
          return o ? Object.fromEntries(Object.entries(kept).map(([k, v]) => [k, JSON.stringify(o[k]) === JSON.stringify(v) ? o[k] : v])) : kept;
        });
        place(l, 'nsgs', { site: siteOf(l), rules: written }, (e) => ({ site: e['site'] }));
        break;
      }
      case 'routeTable': {
        const routes = arr(p['routes']).map((x) => {
          const r = obj(obj(x)['properties']);
          const hop = str(r['nextHopIpAddress']);
          return { name: str(obj(x)['name']) ?? '', addressPrefix: r['addressPrefix'], nextHopType: r['nextHopType'], ...(hop ? { nextHopIpAddress: hop } : {}) };
        });
        place(l, 'routeTables', { site: siteOf(l), disableBgpRoutePropagation: p['disableBgpRoutePropagation'] === true, routes }, (e) => ({ site: e['site'] }));
        break;
      }
      case 'localNetworkGateway': {
        const bgp = obj(p['bgpSettings']);
        const onPrem = () => {
          const ons = sites.filter((s) => s['kind'] === 'on-premises');
          if (ons.length === 1) return String(ons[0]!['id']);
          const s = { id: newId(`onprem-${nameOf(l)}`), name: `On-premises network behind ${nameOf(l)}`, kind: 'on-premises' };
          sites.push(s);
          added.push(`site ${s.id}`);
          notes.push({ where: `site ${s.id}`, message: `created for local network gateway ${nameOf(l)}: name the on-premises site it represents` });
          return s.id;
        };
        const existing = existingOf.get(lc(l.armId));
        place(
          l,
          'localNetworkGateways',
          {
            site: siteOf(l),
            represents: existing ? existing['represents'] : onPrem(),
            gatewayIpAddress: p['gatewayIpAddress'],
            addressPrefixes: arr(obj(p['localNetworkAddressSpace'])['addressPrefixes']),
            ...(bgp['asn'] !== undefined ? { bgp: { asn: bgp['asn'], peeringAddress: bgp['bgpPeeringAddress'] } } : {}),
          },
          (e) => ({ site: e['site'], represents: e['represents'] }),
        );
        if (existing && bgp['asn'] === undefined) delete existing['bgp'];
        break;
      }
      case 'vnet': {
        const existing = existingOf.get(lc(l.armId));
        const oldSubnets = new Map(arr(existing?.['subnets']).map((s) => [lc(String(obj(s)['name'])), obj(s)]));
        const vnetName = nameOf(l);
        const subnets = arr(p['subnets']).map((x) => {
          const name = str(obj(x)['name']) ?? '';
          const s = obj(obj(x)['properties']);
          const prefixes = list(s, 'addressPrefix', 'addressPrefixes');
          if (prefixes.length > 1) notes.push({ where: `${l.armId}/subnets/${name}`, message: `has ${prefixes.length} address prefixes; the workspace models one (${prefixes[0]})` });
          const old = oldSubnets.get(lc(name));
          const link = (field: string, v: unknown) => {
            const target = refId(v);
            if (!target) return {};
            const wsId = wsIdOf.get(target);
            if (!wsId) {
              notes.push({ where: `${l.armId}/subnets/${name}`, message: `refers to ${target}, which is outside ${scope.resourceGroup} and not in the workspace: import its resource group too` });
              return {};
            }
            return { [field]: wsId };
          };
          const endpoints = arr(s['serviceEndpoints']).map((e) => str(obj(e)['service'])).filter((e): e is string => !!e);
          const sub: Obj = {
            id: old ? old['id'] : newId(`${vnetName}-${name}`),
            name,
            prefix: prefixes[0],
            ...(old?.['purpose'] !== undefined ? { purpose: old['purpose'] } : name === 'GatewaySubnet' ? { purpose: 'gateway' } : {}),
            ...link('nsg', s['networkSecurityGroup']),
            ...link('routeTable', s['routeTable']),
            ...(endpoints.length ? { serviceEndpoints: endpoints } : {}),
          };
          // Hand-written subnet fields Junction does not send to Azure stay as they were.
          return old ? { ...old, ...sub, ...(sub['nsg'] ? {} : { nsg: undefined }), ...(sub['routeTable'] ? {} : { routeTable: undefined }) } : sub;
        });
        const clean = subnets.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)));
        place(l, 'vnets', { site: siteOf(l), addressSpace: arr(obj(p['addressSpace'])['addressPrefixes']), subnets: clean }, (e) => ({ site: e['site'] }));
        break;
      }
      case 'publicIp':
        seen.add(lc(l.armId));
        break; // modelled as part of its VPN gateway (below) or not at all
      case 'vpnGateway': {
        const configs = arr(p['ipConfigurations']).map((c) => obj(obj(c)['properties']));
        const subnet = configs.map((c) => refId(c['subnet'])).find((x) => x);
        const vnetId = subnet?.replace(/\/subnets\/[^/]+$/, '');
        const vnet = vnetId ? wsIdOf.get(vnetId) : undefined;
        if (!vnet) {
          notes.push({ where: l.armId, message: 'its VNet is not in this resource group or the workspace: not imported; import the VNet\'s resource group first' });
          seen.add(lc(l.armId));
          break;
        }
        const name = nameOf(l);
        const pipIds = configs.map((c) => refId(c['publicIPAddress'])).filter((x): x is string => !!x);
        const pipName = `${name}-pip`.toLowerCase();
        const ownPip = pipIds.length === 1 && parseArmId(pipIds[0]!)?.name.toLowerCase() === pipName;
        const configName = str(obj(arr(p['ipConfigurations'])[0])['name']);
        if (!ownPip || configName !== 'default')
          notes.push({ where: l.armId, message: `its public IP (${pipIds.map((x) => parseArmId(x)?.name).join(', ') || 'none'}) or IP configuration (${configName ?? 'none'}) is not named as Junction creates them (${name}-pip, default): modelled with create: false, so Junction refers to it but never rewrites it` });
        const pip = ownPip ? liveById.get(pipIds[0]!) : undefined;
        const address = pip ? str(propsOf(pip)['ipAddress']) : undefined;
        const bgp = obj(p['bgpSettings']);
        place(l, 'vpnGateways', {
          vnet,
          sku: str(obj(p['sku'])['name']) ?? 'VpnGw1',
          vpnType: p['vpnType'] ?? 'RouteBased',
          ...(address ? { publicIpAddress: address } : {}),
          ...(p['enableBgp'] === true && bgp['asn'] !== undefined ? { bgp: { asn: bgp['asn'], peeringAddress: bgp['bgpPeeringAddress'] } } : {}),
          create: ownPip && configName === 'default',
        });
        break;
      }
      case 'connection': {
        const gw = wsIdOf.get(refId(p['virtualNetworkGateway1']) ?? '') ?? referencedGateway(refId(p['virtualNetworkGateway1']));
        const lng = wsIdOf.get(refId(p['localNetworkGateway2']) ?? '');
        if (!gw || !lng) {
          notes.push({ where: l.armId, message: 'its VPN gateway or local network gateway is outside this resource group and the workspace: not imported; import that group first' });
          seen.add(lc(l.armId));
          break;
        }
        const existing = existingOf.get(lc(l.armId));
        const keyRef = existing && typeof existing['sharedKeyRef'] === 'string' ? existing['sharedKeyRef'] : newSecret(`${nameOf(l)}-psk`, nameOf(l));
        const rawPolicy = obj(arr(p['ipsecPolicies'])[0]);
        const policy = Object.fromEntries(IPSEC_FIELDS.filter((f) => rawPolicy[f] !== undefined).map((f) => [f, rawPolicy[f]]));
        place(
          l,
          'connections',
          {
            vpnGateway: gw,
            localNetworkGateway: lng,
            connectionProtocol: p['connectionProtocol'] ?? 'IKEv2',
            sharedKeyRef: keyRef,
            enableBgp: p['enableBgp'] === true,
            ...(Object.keys(policy).length ? { ipsecPolicy: policy } : {}),
          },
          (e) => ({ sharedKeyRef: e['sharedKeyRef'] ?? keyRef }),
        );
        if (existing && !Object.keys(policy).length) delete existing['ipsecPolicy'];
        break;
      }
    }
  }

  /**
   * A connection's gateway that is in this group but does not exist (yet): modelled with create: false, as a
   * workspace refers to a gateway someone else creates, on the one VNet that has a GatewaySubnet.
   */
  function referencedGateway(id: string | undefined): string | undefined {
    const parsedId = id ? parseArmId(id) : undefined;
    if (!id || !parsedId || !inScope(id) || liveById.has(id) || parsedId.type.toLowerCase() !== 'virtualnetworkgateways') return undefined;
    const vnets = resources.filter((v) => v.kind === 'vnet' && arr(propsOf(v)['subnets']).some((x) => obj(x)['name'] === 'GatewaySubnet'));
    const vnet = vnets.length === 1 ? wsIdOf.get(lc(vnets[0]!.armId)) : undefined;
    if (!vnet) return undefined;
    const wsId = newId(parsedId.name);
    wsIdOf.set(id, wsId);
    azure['vpnGateways']!.push({ id: wsId, name: parsedId.name, vnet, create: false });
    added.push(`vpnGateway ${parsedId.name}`);
    notes.push({ where: id, message: 'a connection uses this VPN gateway but it does not exist: modelled with create: false on the VNet with the GatewaySubnet; set create: true to have Junction create it' });
    return wsId;
  }

  function newSecret(base: string, connection: string): string {
    const name = base.replace(/[^A-Za-z0-9._/-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 120) || 'imported-psk';
    if (!secrets.some((s) => s['name'] === name)) {
      secrets.push({ name, kind: 'pre-shared-key', description: `Shared key of Azure connection ${connection}; imported as a reference only, the value was not read` });
      notes.push({ where: `secret ${name}`, message: `declared for connection ${connection}: store its value (JUNCTION_SECRET_… or the key store) before an apply` });
    }
    return name;
  }

  const notInAzure: string[] = [];
  for (const [id, d] of desiredById)
    if (inScope(id) && !seen.has(id) && !/publicipaddresses/i.test(id)) notInAzure.push(`${d.source} (${parseArmId(id)?.name})`);
  return { doc, added, updated, unchanged, notInAzure, notes };
}
