// Helpers the scenario generators share: how hosts are named in headers and runbooks.
import type { Host } from '../model/schema';
import type { Target } from './types';

/**
 * The label goes into script headers, so it is plain ASCII: Windows PowerShell 5.1 reads a script without a BOM in
 * the ANSI code page, where an em dash turns into three other characters.
 */
export function hostTarget(h: Host): Target {
  const what = h.roles.map((r) => r.replace(/-/g, ' ')).join(', ');
  return { id: h.id, label: `${h.name}${h.fqdn ? ` (${h.fqdn})` : ''} - ${what}` };
}

/** The name other machines use to reach a host: its FQDN when known. */
export function hostAddress(h: Host): string {
  return h.fqdn ?? h.name;
}

/** An IPv4/IPv6 address without its prefix length. */
export function bare(addr: string): string {
  return addr.split('/')[0] ?? addr;
}

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}
