// The far-side state report: what collect-state.ps1 / collect-state.sh write to receipt/state/ on the media, read
// back by `junction receipt import`. It comes from outside, so it is validated field by field with caps on every
// list and string; a report that fails is not imported at all. Collectors read no keys and no passwords, and no
// field here could hold one.
import { z } from 'zod';

export const STATE_REPORT_FORMAT = 'junction-state/1';
/** Reports land in receipt/state/<host>-<yyyymmddThhmmssZ>.json: outside the signed files, like the apply log. */
export const STATE_REPORT_DIR = 'receipt/state';
export const MAX_STATE_REPORT_BYTES = 4 * 1024 * 1024;
const MAX_ITEMS = 20_000;

const text = (max = 400) => z.string().max(max);
/** PowerShell 5.1's ConvertTo-Json writes a one-element list as the element itself, and an empty one as null. */
const many = <T extends z.ZodType>(item: T, max = MAX_ITEMS) =>
  z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(max));
const int = z.number().int();

export const StateInterface = z.object({
  name: text(256),
  index: int.optional(),
  /** address/prefix-length, IPv4 and IPv6. */
  addresses: many(text(64), 256),
  /** Set-NetIPInterface -InterfaceMetric as Windows reports it (IPv4). */
  interfaceMetric: int.nullable().optional(),
  automaticMetric: z.boolean().nullable().optional(),
});

export const StateRoute = z.object({
  destination: text(64),
  nextHop: text(64),
  interface: text(256).nullable().optional(),
  metric: int.nullable().optional(),
  protocol: text(32).nullable().optional(),
});

export const StateCertificate = z.object({
  store: text(64),
  thumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, '40 hexadecimal digits'),
  subject: text(1024),
  notAfter: z.iso.datetime({ offset: true }),
  eku: many(z.string().regex(/^\d+(\.\d+)+$/, 'an OID'), 64),
  hasPrivateKey: z.boolean().optional(),
});

export const StateVpnConnection = z.object({
  name: text(256),
  destination: many(text(256), 16),
  protocol: text(32).nullable().optional(),
  connectionState: text(64).nullable().optional(),
});

const LinuxAddress = z.looseObject({ ifname: text(256), addr_info: many(z.looseObject({ family: text(16), local: text(64), prefixlen: int })) });
const LinuxRoute = z.looseObject({ dst: text(64), gateway: text(64).optional(), dev: text(256).optional(), metric: int.optional(), protocol: text(32).optional() });

export const StateReport = z.object({
  format: z.literal(STATE_REPORT_FORMAT),
  /** The host as the workspace names it (id or computer name), as given to the collector. */
  host: text(256).min(1),
  computer: text(256).optional(),
  collected: z.iso.datetime({ offset: true }),
  os: z.enum(['windows', 'linux']),
  tool: text(200).optional(),
  interfaces: many(StateInterface, 512).optional(),
  routes: many(StateRoute).optional(),
  /** Linux: `ip -j addr` and `ip -j route` as iproute2 printed them; normalised on import. */
  ipAddr: many(LinuxAddress, 512).optional(),
  ipRoute: many(LinuxRoute).optional(),
  certificates: many(StateCertificate, 5000).optional(),
  rras: z
    .object({
      installed: z.boolean(),
      vpnStatus: text(64).nullable().optional(),
      ipv6Config: text(8000).nullable().optional(),
    })
    .optional(),
  vpnConnections: many(StateVpnConnection, 256).optional(),
  relayAccounts: many(z.object({ name: text(64), exists: z.boolean(), enabled: z.boolean().nullable().optional() }), 64).optional(),
  vmm: z.object({ logicalNetworks: many(text(256), 1000), vmNetworks: many(text(256), 1000) }).optional(),
  staging: z.object({ root: text(1024), present: z.boolean(), files: many(z.object({ path: text(1024), size: z.number().int().nonnegative() })) }).optional(),
  /** What could not be read (a module missing, access denied): said, not hidden. */
  problems: many(z.object({ section: text(64), message: text(2000) }), 256).optional(),
});
export type StateReport = z.infer<typeof StateReport>;

export interface ObservedInterface {
  name: string;
  addresses: string[];
  interfaceMetric?: number;
}
export interface ObservedRoute {
  destination: string;
  nextHop: string;
  interface?: string;
  metric?: number;
  /** Who made it: Windows NetMgmt is a static route; iproute2 leaves it out for one added by hand (boot). */
  protocol?: string;
}

/** One host's state as drift and `init --from-state` use it, whatever OS collected it. */
export interface HostState {
  host: string;
  computer?: string;
  collected: string;
  os: 'windows' | 'linux';
  interfaces: ObservedInterface[];
  routes: ObservedRoute[];
  certificates: z.infer<typeof StateCertificate>[];
  rras?: StateReport['rras'];
  vpnConnections: NonNullable<StateReport['vpnConnections']>;
  relayAccounts: NonNullable<StateReport['relayAccounts']>;
  vmm?: StateReport['vmm'];
  staging?: StateReport['staging'];
  problems: NonNullable<StateReport['problems']>;
}

export type StateParse = { ok: true; report: StateReport } | { ok: false; message: string; path?: string };

export function parseStateReport(textIn: string): StateParse {
  if (textIn.length > MAX_STATE_REPORT_BYTES) return { ok: false, message: `larger than ${MAX_STATE_REPORT_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  const r = StateReport.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return { ok: false, message: `at $${path}: ${issue.message}`, path: `$${path}` };
  }
  return { ok: true, report: r.data };
}

/** iproute2's "default" and bare addresses, as CIDR prefixes. */
function linuxDestination(dst: string, family: 'inet' | 'inet6'): string {
  if (dst === 'default') return family === 'inet6' ? '::/0' : '0.0.0.0/0';
  if (dst.includes('/')) return dst;
  return dst.includes(':') ? `${dst}/128` : `${dst}/32`;
}

export function hostStateOf(r: StateReport): HostState {
  const interfaces: ObservedInterface[] =
    r.os === 'linux'
      ? (r.ipAddr ?? []).map((a) => ({
          name: a.ifname,
          addresses: a.addr_info.filter((x) => x.family === 'inet' || x.family === 'inet6').map((x) => `${x.local}/${x.prefixlen}`),
        }))
      : (r.interfaces ?? []).map((i) => ({
          name: i.name,
          addresses: i.addresses,
          ...(typeof i.interfaceMetric === 'number' && i.automaticMetric !== true ? { interfaceMetric: i.interfaceMetric } : {}),
        }));
  const routes: ObservedRoute[] =
    r.os === 'linux'
      ? (r.ipRoute ?? []).map((x) => ({
          destination: linuxDestination(x.dst, x.dst.includes(':') || x.gateway?.includes(':') ? 'inet6' : 'inet'),
          nextHop: x.gateway ?? (x.dst.includes(':') ? '::' : '0.0.0.0'),
          ...(x.dev ? { interface: x.dev } : {}),
          ...(x.metric !== undefined ? { metric: x.metric } : {}),
          ...(x.protocol ? { protocol: x.protocol } : {}),
        }))
      : (r.routes ?? []).map((x) => ({
          destination: x.destination,
          nextHop: x.nextHop,
          ...(x.interface ? { interface: x.interface } : {}),
          ...(typeof x.metric === 'number' ? { metric: x.metric } : {}),
          ...(x.protocol ? { protocol: x.protocol } : {}),
        }));
  return {
    host: r.host,
    ...(r.computer ? { computer: r.computer } : {}),
    collected: r.collected,
    os: r.os,
    interfaces,
    routes,
    certificates: r.certificates ?? [],
    ...(r.rras ? { rras: r.rras } : {}),
    vpnConnections: r.vpnConnections ?? [],
    relayAccounts: r.relayAccounts ?? [],
    ...(r.vmm ? { vmm: r.vmm } : {}),
    ...(r.staging ? { staging: r.staging } : {}),
    problems: r.problems ?? [],
  };
}
