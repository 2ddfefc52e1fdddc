// Address helpers over cidr-tools (range maths) and ipaddr.js (strict parsing). No hand-written bit maths:
// every function here is a thin, typed wrapper so the rest of the domain speaks one vocabulary.
import ipaddr from 'ipaddr.js';
import { normalizeCidr, parseCidr } from 'cidr-tools';

export type IpVersion = 4 | 6;

export interface CidrRange {
  readonly cidr: string;
  readonly version: IpVersion;
  readonly prefixLength: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** True for a well-formed address: four-part dotted decimal for IPv4 (no "10.1" shorthands), any valid IPv6. */
export function isValidAddress(s: string): boolean {
  if (typeof s !== 'string' || s.includes('/')) return false;
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return true;
  return !s.includes('.') || s.includes(':') ? ipaddr.IPv6.isValid(s) : false;
}

/**
 * True for a well-formed CIDR prefix. By default the host bits must be zero (10.0.0.0/24, not 10.0.0.5/24), which
 * catches the common typo of a host address where a network was meant; interface addresses pass hostBitsAllowed.
 */
export function isValidCidr(s: string, opts: { hostBitsAllowed?: boolean } = {}): boolean {
  if (typeof s !== 'string') return false;
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || !isValidAddress(addr)) return false;
  const len = Number(lenText);
  const version = addr.includes(':') ? 6 : 4;
  if (len > (version === 4 ? 32 : 128)) return false;
  if (opts.hostBitsAllowed) return true;
  return parseCidr(s).start === parseCidr(addr).start;
}

export function toRange(cidrOrAddress: string): CidrRange {
  const p = parseCidr(cidrOrAddress);
  const prefixLength = p.prefixPresent ? Number(p.prefix) : p.version === 4 ? 32 : 128;
  return {
    cidr: networkOf(`${p.ip}/${prefixLength}`),
    version: p.version,
    prefixLength,
    start: p.start,
    end: p.end,
  };
}

/** The network an interface address lives in: 10.0.0.5/24 → 10.0.0.0/24. */
export function networkOf(interfaceAddress: string): string {
  const n = normalizeCidr(interfaceAddress);
  // normalizeCidr drops the length of single-address prefixes; a network keeps it.
  return n.includes('/') ? n : `${n}/${ipVersion(n) === 4 ? 32 : 128}`;
}

/** The address part of "10.0.0.5/24". */
export function addressOf(interfaceAddress: string): string {
  const slash = interfaceAddress.indexOf('/');
  return slash < 0 ? interfaceAddress : interfaceAddress.slice(0, slash);
}

export function ipVersion(cidrOrAddress: string): IpVersion {
  return cidrOrAddress.includes(':') ? 6 : 4;
}

// contains/overlaps run for every route and rule of every reach question (tens of thousands per lint of a large
// estate); parsing the same prefix strings again each time dominated. Parsed bounds are kept, up to a limit.
const bounds = new Map<string, { start: bigint; end: bigint }>();
const MAX_CACHED_BOUNDS = 200_000;
function boundsOf(s: string): { start: bigint; end: bigint } {
  let b = bounds.get(s);
  if (!b) {
    const p = parseCidr(s);
    b = { start: p.start, end: p.end };
    if (bounds.size >= MAX_CACHED_BOUNDS) bounds.clear();
    bounds.set(s, b);
  }
  return b;
}

export function overlaps(a: string, b: string): boolean {
  if (ipVersion(a) !== ipVersion(b)) return false;
  const x = boundsOf(a);
  const y = boundsOf(b);
  return x.start <= y.end && y.start <= x.end;
}

/** Whether `outer` contains all of `inner` (an address or a prefix). */
export function contains(outer: string, inner: string): boolean {
  if (ipVersion(outer) !== ipVersion(inner)) return false;
  const o = boundsOf(outer);
  const i = boundsOf(inner);
  return o.start <= i.start && i.end <= o.end;
}

export function isDefaultRoute(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

/** Dotted netmask for an IPv4 prefix length, as `route add ... mask` wants it. */
export function netmaskOf(prefix: string): string {
  const r = toRange(prefix);
  if (r.version !== 4) throw new Error(`netmaskOf: ${prefix} is not IPv4`);
  return ipaddr.IPv4.subnetMaskFromPrefixLength(r.prefixLength).toString();
}

export interface AddressRange {
  readonly version: IpVersion;
  readonly start: bigint;
  readonly end: bigint;
}

/** An inclusive range of addresses (an L2TP or IP pool), comparable with prefixes through rangesOverlap. */
export function addressRange(start: string, end: string): AddressRange {
  return { version: ipVersion(start), start: parseCidr(start).start, end: parseCidr(end).start };
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.version === b.version && a.start <= b.end && b.start <= a.end;
}

/** Whether an address lies within [start, end] (inclusive), both of the same family. */
export function inRange(address: string, start: string, end: string): boolean {
  if (ipVersion(address) !== ipVersion(start) || ipVersion(start) !== ipVersion(end)) return false;
  const a = parseCidr(address).start;
  return a >= parseCidr(start).start && a <= parseCidr(end).start;
}
