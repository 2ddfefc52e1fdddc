// CycleCloud in a locked-down network (seed 002): outbound only to the Azure services it needs, by service tag,
// allowed above a deny to Internet; cluster nodes reach CycleCloud on 5672 (AMQP) and 9443 (HTTPS); a Storage
// service endpoint on the subnets. Missing any of these fails cluster creation in the staging phase.
import type { FindingDraft, Rule } from '../types';
import type { Lookup, SubnetEntry } from '../../model/lookup';
import type { CycleCloud } from '../../model/schema';
import type { DocPath } from '../../model/path';
import { addressOf, toRange } from '../../net/cidr';
import { evaluateNsg, type Decision, type EvalContext, type Flow } from '../../nsg/evaluate';
import { isTag, regionalTag, tagContains } from '../../nsg/tags';
import { parseCidr } from 'cidr-tools';
import ipaddr from 'ipaddr.js';

export const REQUIRED_SERVICE_TAGS = [
  'Storage',
  'AzureActiveDirectory',
  'AzureMonitor',
  'AzureResourceManager',
] as const;
export const CLUSTER_PORTS = [
  { port: 5672, service: 'AMQP' },
  { port: 9443, service: 'HTTPS' },
] as const;

/** What the VirtualNetwork tag covers for a VNet: its space plus on-premises prefixes behind its gateways. */
export function vnetContext(l: Lookup, vnetId: string): EvalContext {
  const vnet = l.vnets.get(vnetId)?.value;
  const prefixes = [...(vnet?.addressSpace ?? [])];
  for (const c of l.ws.azure.connections) {
    const gw = l.vpnGateways.get(c.vpnGateway)?.value;
    if (gw?.vnet !== vnetId) continue;
    prefixes.push(...(l.localNetworkGateways.get(c.localNetworkGateway)?.value.addressPrefixes ?? []));
  }
  return { virtualNetworkPrefixes: prefixes };
}

/** NSGs a flow crosses at one end, in Azure's order for that direction (outbound: NIC then subnet). */
function nsgsAt(
  l: Lookup,
  subnet: SubnetEntry,
  nicNsg: string | undefined,
): { id: string; rules: Parameters<typeof evaluateNsg>[0] }[] {
  const ids = [nicNsg, subnet.kind === 'azure' ? subnet.subnet.nsg : undefined].filter(
    (x): x is string => !!x,
  );
  return ids.flatMap((id) => {
    const n = l.nsgs.get(id)?.value;
    return n ? [{ id, rules: n.rules }] : [];
  });
}

function serverEndpoint(l: Lookup, cc: CycleCloud): { address: string; nicNsg?: string } | undefined {
  const server = l.hosts.get(cc.server)?.value;
  const nic = server?.interfaces.find((n) => n.subnet === cc.serverSubnet) ?? server?.interfaces[0];
  const subnet = l.subnets.get(cc.serverSubnet);
  const address = nic?.address
    ? addressOf(nic.address)
    : subnet
      ? representative(subnet.subnet.prefix)
      : undefined;
  return address ? { address, nicNsg: nic?.nsg } : undefined;
}

/** An address standing for "a node of this subnet": Azure hands out from .4 upwards. */
export function representative(prefix: string): string {
  const r = toRange(prefix);
  if (r.version !== 4 || r.prefixLength > 29) return parseCidr(prefix).ip;
  const bytes = ipaddr.IPv4.networkAddressFromCIDR(prefix).toByteArray();
  bytes[3] = (bytes[3] ?? 0) + 4; // a /29 or larger network address ends in a multiple of 8: no carry
  return ipaddr.fromByteArray(bytes).toString();
}

function firstDeny(decisions: Decision[]): Decision | undefined {
  return decisions.find((d) => d.access === 'Deny');
}

interface Evaluated {
  /** The site's Azure region: the server reaches its own region's Storage, Monitor and ARM endpoints. */
  region?: string;
  cc: CycleCloud;
  index: number;
  subnet: SubnetEntry;
  server: { address: string; nicNsg?: string };
  ctx: EvalContext;
  outboundNsgs: ReturnType<typeof nsgsAt>;
}

function lockedDown(l: Lookup): Evaluated[] {
  const out: Evaluated[] = [];
  l.ws.cycleCloud.forEach((cc, index) => {
    if (!cc.lockedDown) return;
    const subnet = l.subnets.get(cc.serverSubnet);
    const server = serverEndpoint(l, cc);
    if (!subnet || subnet.kind !== 'azure' || !server) return;
    out.push({
      region: l.sites.get(subnet.site)?.value.azure?.region,
      cc,
      index,
      subnet,
      server,
      ctx: vnetContext(l, subnet.vnet.id),
      outboundNsgs: nsgsAt(l, subnet, server.nicNsg),
    });
  });
  return out;
}

/** A rule destination that takes in all of a tag's addresses: "Storage" or, for the site's region, "Storage.WestEurope". */
const reaches = (prefix: string, tag: string): boolean => isTag(prefix) && tagContains(prefix, tag);

const outboundTo = (source: string, tag: string, port: number): Flow => ({
  direction: 'Outbound',
  protocol: 'Tcp',
  source: { address: source },
  destination: { tag },
  destinationPort: port,
});

export const missingServiceAllow: Rule = {
  id: 'CC001',
  name: 'locked-down-missing-service-allow',
  severity: 'error',
  seeds: ['002'],
  title:
    'A locked-down CycleCloud subnet allows HTTPS to Storage, AzureActiveDirectory, AzureMonitor and AzureResourceManager',
  explanation:
    'CycleCloud orchestrates VMs through ARM, signs in through Azure AD, reports to Azure Monitor and stages through Storage. With outbound Internet denied, each needs an explicit allow by service tag on TCP 443 or clusters fail to start.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const e of lockedDown(l)) {
      if (e.outboundNsgs.length === 0) {
        out.push({
          message: `CycleCloud "${e.cc.id}" is locked down but its subnet "${e.subnet.id}" has no NSG`,
          path: [...e.subnet.path, 'nsg'],
          fix: 'attach an NSG with outbound allows 100–103 (Storage, AzureActiveDirectory, AzureMonitor, AzureResourceManager on TCP 443) and a deny to Internet at 4000',
        });
        continue;
      }
      for (const tag of REQUIRED_SERVICE_TAGS) {
        const wanted = regionalTag(tag, e.region);
        const decisions = e.outboundNsgs.map((n) =>
          evaluateNsg(n.rules, outboundTo(e.server.address, wanted, 443), e.ctx),
        );
        const deny = firstDeny(decisions);
        const allowedByCustom = decisions.every((d) => d.access === 'Allow' && !d.isDefault);
        if (allowedByCustom) continue;
        const laterAllow = e.outboundNsgs.some((n) =>
          n.rules.some(
            (r) =>
              r.direction === 'Outbound' &&
              r.access === 'Allow' &&
              r.destinationPrefixes.some((p) => reaches(p, wanted)) &&
              deny &&
              r.priority > deny.priority,
          ),
        );
        if (laterAllow) continue; // reported by CC003
        out.push({
          message: `locked-down CycleCloud "${e.cc.id}": outbound TCP 443 to ${tag} is ${deny ? `denied by "${deny.ruleName}"` : 'only allowed by the default Internet rule'}`,
          path: nsgPath(l, e.outboundNsgs[e.outboundNsgs.length - 1]!.id),
          fix: `add an outbound rule: Allow TCP 443 from * to service tag ${tag}${wanted !== tag ? ` (or ${tag}.<the site's region>; another region's tag does not cover ${e.region})` : ''}, priority between 100 and the Internet deny (seed 002: 100–103)`,
        });
      }
    }
    return out;
  },
};

function nsgPath(l: Lookup, id: string): DocPath {
  return [...(l.nsgs.get(id)?.path ?? ['azure', 'nsgs']), 'rules'];
}

export const missingInternetDeny: Rule = {
  id: 'CC002',
  name: 'locked-down-missing-internet-deny',
  severity: 'error',
  seeds: ['002'],
  title: 'A locked-down CycleCloud subnet denies outbound traffic to Internet',
  explanation:
    'Without an explicit deny, the default AllowInternetOutBound rule (65001) lets everything out: the network is not locked down, and the service-tag allows give a false sense of control.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const e of lockedDown(l)) {
      if (e.outboundNsgs.length === 0) continue; // CC001 reports the missing NSG
      const decisions = e.outboundNsgs.map((n) =>
        evaluateNsg(n.rules, outboundTo(e.server.address, 'Internet', 443), e.ctx),
      );
      if (decisions.some((d) => d.access === 'Deny')) continue;
      out.push({
        message: `locked-down CycleCloud "${e.cc.id}": outbound traffic to Internet is allowed (${decisions.map((d) => d.ruleName).join(', ')})`,
        path: nsgPath(l, e.outboundNsgs[e.outboundNsgs.length - 1]!.id),
        fix: 'add an outbound rule "BlockOutbound": Deny any protocol from * to service tag Internet, priority 4000 (seed 002)',
      });
    }
    return out;
  },
};

export const allowAfterDeny: Rule = {
  id: 'CC003',
  name: 'service-allow-below-internet-deny',
  severity: 'error',
  seeds: ['002'],
  title: 'Service-tag allows come before (lower number than) the Internet deny',
  explanation:
    "Azure's service tags are Internet addresses, so a deny to Internet at a lower number wins over an allow to Storage or AzureResourceManager placed after it: the allow never applies.",
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const e of lockedDown(l)) {
      for (const tag of REQUIRED_SERVICE_TAGS) {
        const wanted = regionalTag(tag, e.region);
        for (const n of e.outboundNsgs) {
          const d = evaluateNsg(n.rules, outboundTo(e.server.address, wanted, 443), e.ctx);
          if (d.access !== 'Deny') continue;
          const nsg = l.nsgs.get(n.id)!;
          nsg.value.rules.forEach((r, j) => {
            if (
              r.direction === 'Outbound' &&
              r.access === 'Allow' &&
              r.destinationPrefixes.some((p) => reaches(p, wanted)) &&
              r.priority > d.priority
            )
              out.push({
                message: `allow "${r.name}" to ${tag} (priority ${r.priority}) comes after deny "${d.ruleName}" (priority ${d.priority}) and never applies`,
                path: [...nsg.path, 'rules', j, 'priority'],
                fix: `give "${r.name}" a priority below ${d.priority} (seed 002: allows at 100–103, deny at 4000)`,
              });
          });
        }
      }
    }
    return out;
  },
};

export const clusterPortsBlocked: Rule = {
  id: 'CC004',
  name: 'cluster-to-cyclecloud-blocked',
  severity: 'error',
  seeds: ['002'],
  title: 'Cluster nodes reach CycleCloud on TCP 5672 (AMQP) and 9443 (HTTPS)',
  explanation:
    'Cluster nodes report to CycleCloud over AMQP on 5672 and HTTPS on 9443. If an NSG blocks either, nodes start but never finish converging (unless ReturnProxy is used).',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.cycleCloud.forEach((cc) => {
      if (cc.returnProxy) return;
      const serverSubnet = l.subnets.get(cc.serverSubnet);
      const server = serverEndpoint(l, cc);
      if (!serverSubnet || serverSubnet.kind !== 'azure' || !server) return;
      cc.clusterSubnets.forEach((sid) => {
        const cs = l.subnets.get(sid);
        if (!cs || cs.kind !== 'azure') return;
        const src = representative(cs.subnet.prefix);
        for (const { port, service } of CLUSTER_PORTS) {
          const flowOut: Flow = {
            direction: 'Outbound',
            protocol: 'Tcp',
            source: { address: src },
            destination: { address: server.address },
            destinationPort: port,
          };
          const flowIn: Flow = { ...flowOut, direction: 'Inbound' };
          const hops = [
            ...nsgsAt(l, cs, undefined).map((n) => ({
              n,
              d: evaluateNsg(n.rules, flowOut, vnetContext(l, cs.vnet.id)),
            })),
            ...nsgsAt(l, serverSubnet, server.nicNsg).map((n) => ({
              n,
              d: evaluateNsg(n.rules, flowIn, vnetContext(l, serverSubnet.vnet.id)),
            })),
          ];
          const blocked = hops.find((h) => h.d.access === 'Deny');
          if (blocked)
            out.push({
              message: `cluster subnet "${sid}" cannot reach CycleCloud "${cc.id}" on TCP ${port} (${service}): denied by "${blocked.d.ruleName}" in NSG "${blocked.n.id}"`,
              path: nsgPath(l, blocked.n.id),
              fix: `allow TCP ${port} from ${cs.subnet.prefix} to ${server.address} in NSG "${blocked.n.id}" above "${blocked.d.ruleName}", or enable ReturnProxy`,
            });
        }
      });
    });
    return out;
  },
};

export const missingStorageEndpoint: Rule = {
  id: 'CC005',
  name: 'missing-storage-service-endpoint',
  severity: 'error',
  seeds: ['002'],
  title: 'Locked-down CycleCloud and cluster subnets have the Microsoft.Storage service endpoint',
  explanation:
    'CycleCloud and every cluster node read and write Azure Storage. In a locked-down subnet the recommended private path is a Storage service endpoint; without it staging and node software downloads fail.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.cycleCloud.forEach((cc) => {
      if (!cc.lockedDown) return;
      for (const sid of [cc.serverSubnet, ...cc.clusterSubnets]) {
        const s = l.subnets.get(sid);
        if (!s || s.kind !== 'azure' || s.subnet.serviceEndpoints.includes('Microsoft.Storage')) continue;
        out.push({
          message: `subnet "${sid}" of locked-down CycleCloud "${cc.id}" has no Microsoft.Storage service endpoint`,
          path: [...s.path, 'serviceEndpoints'],
          fix: 'add "Microsoft.Storage" to serviceEndpoints',
        });
      }
    });
    return out;
  },
};

export const CYCLECLOUD_RULES: readonly Rule[] = [
  missingServiceAllow,
  missingInternetDeny,
  allowAfterDeny,
  clusterPortsBlocked,
  missingStorageEndpoint,
];
