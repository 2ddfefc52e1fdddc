// Live probes: what to check and what was seen. Results are plain JSON so they can go into the append-only
// history file, the far-side report and the topology colouring unchanged.
export type ProbeSpec = { id: string; set?: string; runFrom?: string } & (
  | { kind: 'dns'; name: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; servername?: string }
  | { kind: 'https'; url: string }
  | { kind: 'amqp'; host: string; port: number }
);
export type ProbeKind = ProbeSpec['kind'];

/** ok; warning (works, but e.g. a certificate lapses within 30 days); fail; cancelled (aborted before it ran). */
export type ProbeStatus = 'ok' | 'warning' | 'fail' | 'cancelled';

export interface CertInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  daysLeft: number;
  fingerprint256: string;
  names: string[];
}

export interface TlsDetail {
  protocol: string | null;
  authorized: boolean;
  authorizationError?: string;
  hostnameMatches: boolean;
  chain: CertInfo[];
  /** The leaf's expiry class: warnings at 30 and 7 days. */
  expiry: 'ok' | 'within-30-days' | 'within-7-days' | 'expired';
}

export interface ProbeResult {
  id: string;
  set?: string;
  /** A live probe's kind, or 'azure-vpn' for the live VPN status that `junction azure status` records. */
  kind: ProbeKind | 'azure-vpn';
  target: string;
  status: ProbeStatus;
  /** ISO 8601 start time: the time-series key. */
  at: string;
  ms: number;
  message: string;
  error?: { code: string; message: string };
  addresses?: string[];
  tls?: TlsDetail;
  httpStatus?: number;
  amqp?: { versionMajor: number; versionMinor: number };
  /** Set on 'azure-vpn' records: the verdict and the model objects the link colouring needs. */
  azure?: object;
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra trust anchors (PEM) for TLS and HTTPS, e.g. a TLS-inspecting proxy's CA. */
  ca?: string | string[];
  /** DNS servers for the dns probe ("127.0.0.1:5353"); the system's by default. */
  dnsServers?: string[];
  now?: () => Date;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const EXPIRY_WARN_DAYS = 30;
export const EXPIRY_CRITICAL_DAYS = 7;

export function targetOf(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'dns':
      return spec.name;
    case 'https':
      return spec.url;
    default:
      return `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
  }
}
