// Distinguished names as Windows and the workspace write them ("CN=Remote Console Connect, O=Contoso").
// The string is RFC 4514 order (most specific first); the DER order is the reverse.
import type forge from 'node-forge';
import { PkiError } from './errors';

const SHORT_NAMES: Record<string, string> = { CN: 'CN', O: 'O', OU: 'OU', L: 'L', S: 'ST', ST: 'ST', C: 'C', E: 'E' };

/** Splits on commas that are not escaped with a backslash or inside double quotes. */
function splitRdns(dn: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) {
      cur += dn[++i];
      continue;
    }
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if ((ch === ',' || ch === ';') && !quoted) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseDn(dn: string): forge.pki.CertificateField[] {
  const rdns = splitRdns(dn).map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new PkiError('bad-subject', `"${part}" in subject "${dn}" is not NAME=value`, 'write the subject like "CN=Remote Console Connect" or "CN=host.contoso.com, O=Contoso"');
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim();
    const shortName = SHORT_NAMES[key];
    if (!shortName) throw new PkiError('bad-subject', `subject attribute "${key}" is not supported`, 'use CN, O, OU, L, ST, C or E');
    if (!value) throw new PkiError('bad-subject', `subject attribute ${key} is empty`, 'give it a value, e.g. CN=Remote Console Connect');
    if (shortName === 'C' && !/^[A-Za-z]{2}$/.test(value)) throw new PkiError('bad-subject', `C=${value} is not a two-letter country code`, 'use e.g. C=NL');
    return { shortName, value };
  });
  if (!rdns.some((r) => r.shortName === 'CN')) throw new PkiError('bad-subject', `subject "${dn}" has no CN`, 'start it with CN=, e.g. "CN=Remote Console Connect"');
  return rdns.reverse();
}

/** RFC 4514 order, the way certutil and the Windows certificate dialog print it. */
export function formatDn(attrs: readonly { shortName?: string; name?: string; type?: string; value?: unknown }[]): string {
  return [...attrs]
    .reverse()
    .map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value).replace(/([,;+"\\])/g, '\\$1')}`)
    .join(', ');
}
