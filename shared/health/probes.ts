// What the far-side scripts are generated from: the workspace's probe sets (electron/health/sets.ts) grouped by
// the host they are meant to run on. The shape mirrors ProbeSpec so a ProbeSpec list passes straight in.
export type FarProbe = { id: string; set?: string } & (
  | { kind: 'dns'; name: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; servername?: string }
  | { kind: 'https'; url: string }
  | { kind: 'amqp'; host: string; port: number }
);

export interface FarProbeGroup {
  /** Where the probes run: a host id, or a description such as "a node of snet-cluster". */
  runFrom: string;
  /** Names that select this group automatically when the script runs on that machine (host id, name, FQDN). */
  aliases: string[];
  probes: FarProbe[];
}

/** A flattened probe: every field the scripts need, as plain strings and numbers. */
export interface FlatProbe {
  id: string;
  set: string;
  kind: FarProbe['kind'];
  /** As the Node probes print it: name, URL or host:port ([v6]:port). */
  target: string;
  host: string;
  port: number;
  servername: string;
  path: string;
  url: string;
}

export class ProbeInputError extends Error {}

const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
// Host names and addresses end up in shell and PowerShell text (quoted) and in /dev/tcp paths: keep them plain.
const SAFE_HOST = /^[A-Za-z0-9._:-]+$/;

function checkHost(p: FarProbe, host: string): string {
  if (!SAFE_HOST.test(host)) throw new ProbeInputError(`probe ${p.id}: "${host}" is not a host name or address`);
  return host;
}

function checkPort(p: FarProbe, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ProbeInputError(`probe ${p.id}: port ${port} is not 1-65535`);
  return port;
}

export function flatten(p: FarProbe): FlatProbe {
  const base = { id: p.id, set: p.set ?? '', kind: p.kind, servername: '', path: '', url: '' };
  switch (p.kind) {
    case 'dns':
      return { ...base, target: p.name, host: checkHost(p, p.name), port: 0 };
    case 'https': {
      const m = /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d+))?(\/[^\s]*)?$/.exec(p.url);
      if (!m) throw new ProbeInputError(`probe ${p.id}: "${p.url}" is not an https:// URL`);
      const host = m[1]!.replace(/^\[|\]$/g, '');
      return { ...base, target: p.url, host, port: checkPort(p, m[2] ? Number(m[2]) : 443), path: m[3] ?? '/', url: p.url, servername: host };
    }
    case 'tls':
      return { ...base, target: hostPort(p.host, p.port), host: checkHost(p, p.host), port: checkPort(p, p.port), servername: p.servername ? checkHost(p, p.servername) : '' };
    default:
      return { ...base, target: hostPort(p.host, p.port), host: checkHost(p, p.host), port: checkPort(p, p.port) };
  }
}

/** Strings spliced into the scripts may not carry line breaks or other control characters. */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** File-name form of a host or group name for receipt/health/<name>-<time>.json. */
export function reportName(runFrom: string): string {
  return runFrom.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'host';
}
