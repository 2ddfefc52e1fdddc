// Hyper-V Network Virtualization gateway (seed 004): VSIDs in range, a connection string VMM can parse,
// NAT addresses from the external pool and not reused, pre-shared keys for site-to-site tunnels, and a gateway
// that runs on a physical host.
import type { FindingDraft, Rule } from '../types';
import { inRange, overlaps, contains } from '../../net/cidr';
import { parseConnectionString } from '../../hnv/connection-string';
import type { Lookup } from '../../model/lookup';
import type { HnvGateway } from '../../model/schema';

export const VSID_MIN = 4096;
export const VSID_MAX = 16777214;

export const vsidRange: Rule = {
  id: 'HNV001',
  name: 'vsid-out-of-range',
  severity: 'error',
  seeds: ['004'],
  title: 'Virtual subnet ids are between 4096 and 16777214',
  explanation:
    'A VSID is a 24-bit value; 0–4095 are reserved and 16777215 is invalid. New-NetVirtualizationLookupRecord and VMM reject anything else.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hnv.vmNetworks.forEach((v, i) =>
      v.subnets.forEach((s, j) => {
        if (s.vsid < VSID_MIN || s.vsid > VSID_MAX)
          out.push({
            message: `virtual subnet "${s.name}" of VM network "${v.id}" has VSID ${s.vsid}`,
            path: ['hnv', 'vmNetworks', i, 'subnets', j, 'vsid'],
            fix: `use a VSID from ${VSID_MIN} to ${VSID_MAX}, or let VMM assign one`,
          });
      }),
    );
    return out;
  },
};

export const duplicateVsid: Rule = {
  id: 'HNV002',
  name: 'duplicate-vsid',
  severity: 'error',
  seeds: ['004'],
  title: 'Each VSID is used once, and virtual subnets of one VM network do not overlap',
  explanation:
    'The VSID is the tenant key in every NVGRE packet: two subnets with one VSID leak traffic between tenants. Different VM networks may reuse address space (that is the point of HNV), but one VM network may not.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const seen = new Map<number, string>();
    l.ws.hnv.vmNetworks.forEach((v, i) =>
      v.subnets.forEach((s, j) => {
        const prev = seen.get(s.vsid);
        if (prev)
          out.push({
            message: `VSID ${s.vsid} of "${v.id}/${s.name}" is already used by ${prev}`,
            path: ['hnv', 'vmNetworks', i, 'subnets', j, 'vsid'],
            fix: 'give each virtual subnet its own VSID',
          });
        else seen.set(s.vsid, `"${v.id}/${s.name}"`);
        v.subnets.slice(0, j).forEach((t) => {
          if (overlaps(t.prefix, s.prefix))
            out.push({
              message: `virtual subnets "${t.name}" and "${s.name}" of VM network "${v.id}" overlap (${t.prefix}, ${s.prefix})`,
              path: ['hnv', 'vmNetworks', i, 'subnets', j, 'prefix'],
              fix: 'make the subnets of one VM network disjoint',
            });
        });
      }),
    );
    return out;
  },
};

function expectedValues(l: Lookup, g: HnvGateway): Record<string, string> {
  const host = l.hosts.get(g.host)?.value;
  const vm = l.hosts.get(g.gatewayVm)?.value;
  return {
    VMHost: host?.fqdn ?? host?.name ?? g.host,
    GatewayVM: vm?.name ?? g.gatewayVm,
    BackendSwitch: g.backendSwitch,
  };
}

export const connectionString: Rule = {
  id: 'HNV003',
  name: 'malformed-connection-string',
  severity: 'error',
  seeds: ['004'],
  title:
    'The gateway connection string is VMHost=…;GatewayVM=…;BackendSwitch=… with no spaces, matching the model',
  explanation:
    'VMM takes the connection string as typed. A space, a misspelt key or the wrong VM name makes the provider test fail, or worse, configures a different VM as the gateway.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hnv.gateways.forEach((g, i) => {
      if (g.connectionString === undefined) return;
      const path = ['hnv', 'gateways', i, 'connectionString'];
      const parsed = parseConnectionString(g.connectionString);
      for (const p of parsed.problems)
        out.push({ message: `connection string of "${g.id}": ${p.message}`, path, fix: p.fix });
      const want = expectedValues(l, g);
      for (const [k, v] of Object.entries(want)) {
        const got = parsed.values[k];
        if (got !== undefined && got.toLowerCase() !== v.toLowerCase())
          out.push({
            message: `connection string of "${g.id}" has ${k}=${got}, but the model says ${v}`,
            path,
            fix: `write ${k}=${v} (or fix the model)`,
          });
      }
      const drm = parsed.values['DirectRoutingMode'];
      if ((drm === 'True') !== g.directRoutingMode && !(drm === undefined && !g.directRoutingMode))
        out.push({
          message: `connection string of "${g.id}" disagrees with directRoutingMode=${g.directRoutingMode}`,
          path,
          fix: g.directRoutingMode ? 'append ;DirectRoutingMode=True' : 'remove DirectRoutingMode=True',
        });
    });
    return out;
  },
};

export const natAddress: Rule = {
  id: 'HNV004',
  name: 'nat-address-outside-pool',
  severity: 'error',
  seeds: ['004'],
  title: "A NAT connection's external address comes from its pool and is not used twice",
  explanation:
    "VMM hands each tenant one external address from the external logical network pool. An address outside the pool is refused; one used twice sends one tenant's replies to another.",
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const used = new Map<string, string>();
    l.ws.hnv.natConnections.forEach((n, i) => {
      if (!n.externalIp) return;
      const pool = l.logicalNetworks
        .get(n.pool.logicalNetwork)
        ?.value.ipPools.find((p) => p.name === n.pool.name);
      if (pool && !(inRange(n.externalIp, pool.start, pool.end) && contains(pool.subnet, n.externalIp)))
        out.push({
          message: `NAT address ${n.externalIp} of "${n.id}" is outside pool "${pool.name}" (${pool.start}–${pool.end})`,
          path: ['hnv', 'natConnections', i, 'externalIp'],
          fix: `choose an address from ${pool.start} to ${pool.end}, or omit externalIp to let VMM pick one`,
        });
      const prev = used.get(n.externalIp);
      if (prev)
        out.push({
          message: `NAT address ${n.externalIp} of "${n.id}" is already used by "${prev}"`,
          path: ['hnv', 'natConnections', i, 'externalIp'],
          fix: 'give each NAT connection its own external address',
        });
      else used.set(n.externalIp, n.id);
    });
    return out;
  },
};

export const s2sKey: Rule = {
  id: 'HNV005',
  name: 's2s-without-key',
  severity: 'error',
  seeds: ['004'],
  title: 'Site-to-site connections reference a pre-shared key',
  explanation:
    'Seed 004 authenticates the IKEv2 tunnel with a pre-shared key held in a VMM Run As account; without it Add-SCVPNConnection fails or the tunnel never establishes.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hnv.s2sConnections.forEach((s, i) => {
      if (!s.pskRef)
        out.push({
          message: `site-to-site connection "${s.id}" has no pre-shared key reference`,
          path: ['hnv', 's2sConnections', i],
          fix: 'add "pskRef": "<secret name>" and declare the secret; the generated script asks for it and stores it in a Run As account',
        });
      if (s.routes.length === 0 && !s.bgp)
        out.push({
          message: `site-to-site connection "${s.id}" has neither static routes nor BGP`,
          path: ['hnv', 's2sConnections', i, 'routes'],
          fix: 'list the remote prefixes in "routes" (seed 004: e.g. 10.30.50.0/24), or configure BGP',
          severity: 'warning',
        });
    });
    return out;
  },
};

export const gatewayHostPhysical: Rule = {
  id: 'HNV006',
  name: 'gateway-host-not-physical',
  severity: 'error',
  seeds: ['004'],
  title: 'The HNV gateway host is a physical Hyper-V host',
  explanation:
    'Seed 004: "Implementing an HNV gateway simply as a virtual machine will fail": NVGRE encapsulation needs the Hyper-V role on the host that runs the gateway VM, and Hyper-V does not nest here.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.hnv.gateways.forEach((g, i) => {
      const h = l.hosts.get(g.host)?.value;
      if (h && h.physical !== true)
        out.push({
          message: `HNV gateway "${g.id}" runs on "${h.id}", which is not marked as a physical host`,
          path: ['hnv', 'gateways', i, 'host'],
          fix: `run the gateway VM on a physical Hyper-V host and set "physical": true on host "${h.id}"`,
        });
    });
    return out;
  },
};

export const HNV_RULES: readonly Rule[] = [
  vsidRange,
  duplicateVsid,
  connectionString,
  natAddress,
  s2sKey,
  gatewayHostPhysical,
];
