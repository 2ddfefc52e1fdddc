// TLS handshake: what certificate a service presents, whether this machine trusts it, whether it names the
// host, and how long it has left (warnings at 30 and 7 days). Trust is reported, not enforced, so an expired or
// self-signed certificate is described instead of merely failing.
import { connect, checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { withSocket } from './socket';
import { EXPIRY_CRITICAL_DAYS, EXPIRY_WARN_DAYS, type CertInfo, type TlsDetail } from './types';

const DAY_MS = 86_400_000;

function dn(x: Record<string, string | string[] | undefined> | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function namesOf(c: DetailedPeerCertificate): string[] {
  const san = (c.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
    .map((s) => s.replace(/^DNS:|^IP Address:/, ''));
  const cn = c.subject?.CN;
  return [...new Set([...san, ...(typeof cn === 'string' ? [cn] : [])])];
}

export function certInfo(c: DetailedPeerCertificate, now: Date): CertInfo {
  const validTo = new Date(c.valid_to);
  return {
    subject: dn(c.subject as unknown as Record<string, string>),
    issuer: dn(c.issuer as unknown as Record<string, string>),
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    fingerprint256: c.fingerprint256,
    names: namesOf(c),
  };
}

export function expiryClass(daysLeftExact: number): TlsDetail['expiry'] {
  if (daysLeftExact < 0) return 'expired';
  if (daysLeftExact <= EXPIRY_CRITICAL_DAYS) return 'within-7-days';
  if (daysLeftExact <= EXPIRY_WARN_DAYS) return 'within-30-days';
  return 'ok';
}

/** Leaf first, up to the root (or as far as the server sent). */
function chainOf(leaf: DetailedPeerCertificate, now: Date): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(certInfo(c, now));
    c = c.issuerCertificate;
  }
  return out;
}

export function tlsDetail(sock: TLSSocket, host: string, now: Date): TlsDetail {
  const leaf = sock.getPeerCertificate(true);
  const chain = leaf && leaf.fingerprint256 ? chainOf(leaf, now) : [];
  const exact = leaf?.valid_to ? (new Date(leaf.valid_to).getTime() - now.getTime()) / DAY_MS : -1;
  const hostnameMatches = leaf?.raw ? checkServerIdentity(host, leaf) === undefined : false;
  return {
    protocol: sock.getProtocol(),
    authorized: sock.authorized,
    authorizationError: sock.authorizationError ? String(sock.authorizationError) : undefined,
    hostnameMatches,
    chain,
    expiry: expiryClass(exact),
  };
}

export function tlsHandshake(
  host: string,
  port: number,
  opts: { servername?: string; ca?: string | string[]; timeoutMs: number; signal?: AbortSignal; now: Date },
): Promise<TlsDetail> {
  const servername = opts.servername ?? (isIP(host) ? undefined : host);
  const sock = connect({ host, port, servername, ca: opts.ca, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  return withSocket(sock, opts.timeoutMs, opts.signal, (s, stage) =>
    new Promise<TlsDetail>((resolve) => {
      s.once('connect', () => stage('TLS handshake'));
      (s as TLSSocket).once('secureConnect', () => resolve(tlsDetail(s as TLSSocket, servername ?? host, opts.now)));
    }),
  );
}
