// Integrity of the document itself: ids, references, secrets. A broken reference makes every later answer
// (scripts, reachability, plans) wrong in ways that are hard to trace, so these are errors.
import type { DocPath } from '../../model/path';
import type { Lookup } from '../../model/lookup';
import type { HostRole } from '../../model/schema';
import type { FindingDraft, Rule } from '../types';
import { formatPath } from '../../model/path';

export const duplicateId: Rule = {
  id: 'WS001',
  name: 'duplicate-id',
  severity: 'error',
  seeds: [],
  title: 'Every id is unique across the workspace, ignoring case',
  explanation:
    'Objects refer to each other by id. Two objects with one id make every reference to it ambiguous, and the generators would configure the wrong machine. Case does not count: ids become folder names on Windows and FAT, and apply.sh and apply.ps1 match host ids case-blind, as Windows matches computer names.',
  check({ lookup }) {
    const out: FindingDraft[] = [];
    // Declarations grouped ignoring case, each group in document order of its first declaration.
    const groups = new Map<string, { id: string; path: DocPath }[]>();
    for (const [id, paths] of lookup.declarations) {
      const key = id.toLowerCase();
      const list = groups.get(key) ?? [];
      for (const p of paths) list.push({ id, path: p });
      groups.set(key, list);
    }
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const first = list[0]!;
      for (const d of list.slice(1)) {
        const sameCase = d.id === first.id;
        out.push({
          message: sameCase
            ? `id "${d.id}" is already used at ${formatPath(first.path)}`
            : `id "${d.id}" differs only by case from "${first.id}" at ${formatPath(first.path)}`,
          path: [...d.path, 'id'],
          fix: `rename this id (for example "${d.id}-2") and update the references that mean this object`,
        });
      }
    }
    return out;
  },
};

type Kind =
  | 'site'
  | 'azure-site'
  | 'on-prem-site'
  | 'subnet'
  | 'azure-subnet'
  | 'host'
  | 'nsg'
  | 'routeTable'
  | 'vnet'
  | 'vpnGateway'
  | 'localNetworkGateway'
  | 'logicalNetwork'
  | 'vmNetwork'
  | 'hnvGateway';

function exists(l: Lookup, kind: Kind, id: string): boolean {
  switch (kind) {
    case 'site':
      return l.sites.has(id);
    case 'azure-site':
      return l.sites.get(id)?.value.kind === 'azure';
    case 'on-prem-site':
      return l.sites.get(id)?.value.kind === 'on-premises';
    case 'subnet':
      return l.subnets.has(id);
    case 'azure-subnet':
      return l.subnets.get(id)?.kind === 'azure';
    case 'host':
      return l.hosts.has(id);
    case 'nsg':
      return l.nsgs.has(id);
    case 'routeTable':
      return l.routeTables.has(id);
    case 'vnet':
      return l.vnets.has(id);
    case 'vpnGateway':
      return l.vpnGateways.has(id);
    case 'localNetworkGateway':
      return l.localNetworkGateways.has(id);
    case 'logicalNetwork':
      return l.logicalNetworks.has(id);
    case 'vmNetwork':
      return l.vmNetworks.has(id);
    case 'hnvGateway':
      return l.hnvGateways.has(id);
  }
}

const KIND_WORDS: Record<Kind, string> = {
  site: 'site',
  'azure-site': 'Azure site (a site with kind "azure")',
  'on-prem-site': 'on-premises site',
  subnet: 'subnet (of a network or a VNet)',
  'azure-subnet': 'Azure VNet subnet',
  host: 'host',
  nsg: 'NSG',
  routeTable: 'route table',
  vnet: 'VNet',
  vpnGateway: 'VPN gateway',
  localNetworkGateway: 'local network gateway',
  logicalNetwork: 'HNV logical network',
  vmNetwork: 'VM network',
  hnvGateway: 'HNV gateway',
};

export const unknownReference: Rule = {
  id: 'WS002',
  name: 'unknown-reference',
  severity: 'error',
  seeds: [],
  title: 'References point at an existing object of the right kind',
  explanation:
    'A reference to a missing or wrong-kind object (a junction box that is not a junction box, a subnet in the wrong place) produces scripts for machines that do not exist.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const ref = (kind: Kind, id: string | undefined, path: DocPath) => {
      if (id === undefined || exists(l, kind, id)) return;
      const what = KIND_WORDS[kind];
      const found = l.declarations.get(id);
      out.push({
        message: found ? `"${id}" is not a ${what}` : `no ${what} has id "${id}"`,
        path,
        fix: found
          ? `point this at a ${what}, or change the object at ${formatPath(found[0] ?? [])}`
          : `use the id of an existing ${what}, or declare one with id "${id}"`,
      });
    };
    const role = (id: string, want: HostRole, path: DocPath) => {
      const h = l.hosts.get(id);
      if (h && !h.value.roles.includes(want)) {
        out.push({
          message: `host "${id}" is referenced as a ${want} but does not have that role`,
          path,
          fix: `add "${want}" to the roles of host "${id}" (${formatPath(h.path)}), or reference the right host`,
        });
      }
    };
    const ws = l.ws;
    ws.networks.forEach((n, i) => ref('on-prem-site', n.site, ['networks', i, 'site']));
    ws.hosts.forEach((h, i) => {
      ref('site', h.site, ['hosts', i, 'site']);
      h.interfaces.forEach((nic, j) => {
        ref('subnet', nic.subnet, ['hosts', i, 'interfaces', j, 'subnet']);
        ref('nsg', nic.nsg, ['hosts', i, 'interfaces', j, 'nsg']);
        const s = l.subnets.get(nic.subnet);
        if (s && s.site !== h.site) {
          out.push({
            message: `interface "${nic.name}" is on subnet "${nic.subnet}" of site "${s.site}", but the host is in site "${h.site}"`,
            path: ['hosts', i, 'interfaces', j, 'subnet'],
            fix: `move the host to site "${s.site}" or attach the interface to a subnet of "${h.site}"`,
          });
        }
      });
    });
    ws.azure.vnets.forEach((v, i) => {
      ref('azure-site', v.site, ['azure', 'vnets', i, 'site']);
      v.subnets.forEach((s, j) => {
        ref('nsg', s.nsg, ['azure', 'vnets', i, 'subnets', j, 'nsg']);
        ref('routeTable', s.routeTable, ['azure', 'vnets', i, 'subnets', j, 'routeTable']);
      });
    });
    ws.azure.nsgs.forEach((n, i) => ref('azure-site', n.site, ['azure', 'nsgs', i, 'site']));
    ws.azure.routeTables.forEach((r, i) => ref('azure-site', r.site, ['azure', 'routeTables', i, 'site']));
    ws.azure.vpnGateways.forEach((g, i) => ref('vnet', g.vnet, ['azure', 'vpnGateways', i, 'vnet']));
    ws.azure.localNetworkGateways.forEach((g, i) => {
      ref('azure-site', g.site, ['azure', 'localNetworkGateways', i, 'site']);
      ref('on-prem-site', g.represents, ['azure', 'localNetworkGateways', i, 'represents']);
    });
    ws.azure.connections.forEach((c, i) => {
      ref('vpnGateway', c.vpnGateway, ['azure', 'connections', i, 'vpnGateway']);
      ref('localNetworkGateway', c.localNetworkGateway, ['azure', 'connections', i, 'localNetworkGateway']);
    });
    ws.licenseLinks.forEach((ll, i) => {
      const base = ['licenseLinks', i];
      ref('host', ll.junctionBox, [...base, 'junctionBox']);
      role(ll.junctionBox, 'junction-box', [...base, 'junctionBox']);
      ref('host', ll.licenseServer, [...base, 'licenseServer']);
      role(ll.licenseServer, 'license-server', [...base, 'licenseServer']);
      ref('host', ll.nodeGroup, [...base, 'nodeGroup']);
      role(ll.nodeGroup, 'compute-node-group', [...base, 'nodeGroup']);
    });
    ws.hnv.vmNetworks.forEach((v, i) =>
      ref('logicalNetwork', v.logicalNetwork, ['hnv', 'vmNetworks', i, 'logicalNetwork']),
    );
    ws.hnv.gateways.forEach((g, i) => {
      const base = ['hnv', 'gateways', i];
      ref('host', g.host, [...base, 'host']);
      role(g.host, 'hnv-gateway-host', [...base, 'host']);
      ref('host', g.gatewayVm, [...base, 'gatewayVm']);
      role(g.gatewayVm, 'gateway-vm', [...base, 'gatewayVm']);
      ref('logicalNetwork', g.frontEnd.logicalNetwork, [...base, 'frontEnd', 'logicalNetwork']);
      ref('logicalNetwork', g.backEnd.logicalNetwork, [...base, 'backEnd', 'logicalNetwork']);
    });
    ws.hnv.natConnections.forEach((n, i) => {
      const base = ['hnv', 'natConnections', i];
      ref('vmNetwork', n.vmNetwork, [...base, 'vmNetwork']);
      ref('hnvGateway', n.gateway, [...base, 'gateway']);
      ref('logicalNetwork', n.pool.logicalNetwork, [...base, 'pool', 'logicalNetwork']);
      const ln = l.logicalNetworks.get(n.pool.logicalNetwork);
      if (ln && !ln.value.ipPools.some((p) => p.name === n.pool.name)) {
        out.push({
          message: `logical network "${ln.value.id}" has no IP pool named "${n.pool.name}"`,
          path: [...base, 'pool', 'name'],
          fix: `use one of: ${ln.value.ipPools.map((p) => p.name).join(', ') || '(none declared; add an ipPools entry)'}`,
        });
      }
    });
    ws.hnv.s2sConnections.forEach((s, i) => {
      ref('vmNetwork', s.vmNetwork, ['hnv', 's2sConnections', i, 'vmNetwork']);
      ref('hnvGateway', s.gateway, ['hnv', 's2sConnections', i, 'gateway']);
    });
    ws.cycleCloud.forEach((c, i) => {
      ref('host', c.server, ['cycleCloud', i, 'server']);
      role(c.server, 'cyclecloud-server', ['cycleCloud', i, 'server']);
      ref('azure-subnet', c.serverSubnet, ['cycleCloud', i, 'serverSubnet']);
      c.clusterSubnets.forEach((s, j) => ref('azure-subnet', s, ['cycleCloud', i, 'clusterSubnets', j]));
    });
    ws.certificates.forEach((c, i) => {
      if (c.issuer !== 'self' && c.issuer !== 'trusted-ca') {
        const ca = l.certificates.get(c.issuer);
        if (!ca || ca.value.purpose !== 'ca') {
          out.push({
            message: `issuer "${c.issuer}" is not a certificate with purpose "ca"`,
            path: ['certificates', i, 'issuer'],
            fix: 'use "self" (self-signed), "trusted-ca" (an already-trusted CA), or the id of a workspace CA certificate',
          });
        }
      }
      c.placements.forEach((p, j) => {
        if (p.store === 'AzureSubscription')
          ref('azure-site', p.host, ['certificates', i, 'placements', j, 'host']);
        else ref('host', p.host, ['certificates', i, 'placements', j, 'host']);
      });
    });
    return out;
  },
};

export const undeclaredSecret: Rule = {
  id: 'WS003',
  name: 'undeclared-secret',
  severity: 'error',
  seeds: ['000', '004'],
  title: 'Every secret reference names a declared secret',
  explanation:
    'Pre-shared keys and passwords are kept out of the workspace; the workspace names them. A reference to an undeclared name means the key will be asked for nowhere and the tunnel will not come up.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const need = (name: string | undefined, path: DocPath, kind: string) => {
      if (name === undefined || l.secrets.has(name)) return;
      out.push({
        message: `secret "${name}" is not declared`,
        path,
        fix: `add { "name": "${name}", "kind": "${kind}" } to "secrets" (the value itself stays out of the file)`,
      });
    };
    const ws = l.ws;
    ws.azure.connections.forEach((c, i) =>
      need(c.sharedKeyRef, ['azure', 'connections', i, 'sharedKeyRef'], 'pre-shared-key'),
    );
    ws.licenseLinks.forEach((ll, i) => {
      need(ll.vpn.pskRef, ['licenseLinks', i, 'vpn', 'pskRef'], 'pre-shared-key');
      need(ll.relayAccount.passwordRef, ['licenseLinks', i, 'relayAccount', 'passwordRef'], 'password');
    });
    ws.hnv.s2sConnections.forEach((s, i) =>
      need(s.pskRef, ['hnv', 's2sConnections', i, 'pskRef'], 'pre-shared-key'),
    );
    ws.certificates.forEach((c, i) =>
      need(c.pfxPasswordRef, ['certificates', i, 'pfxPasswordRef'], 'pfx-password'),
    );
    return out;
  },
};

export const siteKind: Rule = {
  id: 'WS004',
  name: 'site-kind-details',
  severity: 'error',
  seeds: [],
  title: 'Azure sites say where they live; on-premises sites do not',
  explanation:
    'ARM templates, plans and CLI scripts need the subscription, resource group and region of every Azure site; an on-premises site with Azure details is a copy-paste mistake.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.sites.forEach((s, i) => {
      if (s.kind === 'azure' && !s.azure)
        out.push({
          message: `Azure site "${s.id}" has no "azure" block`,
          path: ['sites', i],
          fix: 'add "azure": { "resourceGroup": "...", "region": "..." } (and subscriptionId when known)',
        });
      if (s.kind === 'on-premises' && s.azure)
        out.push({
          message: `on-premises site "${s.id}" has an "azure" block`,
          path: ['sites', i, 'azure'],
          fix: 'remove the "azure" block, or set "kind": "azure"',
        });
    });
    return out;
  },
};

export const WORKSPACE_RULES: readonly Rule[] = [duplicateId, unknownReference, undeclaredSecret, siteKind];
