// SHA256SUMS in the exact text format GNU `sha256sum -c` reads: "<64 lowercase hex><space><space><path>\n",
// sorted by path bytes. Paths with a backslash or newline (which sha256sum escapes) are refused by checkBundlePath,
// so no escaping is ever needed and the file reads the same to sha256sum, PowerShell and Junction.
import { comparePaths } from './paths';

export interface SumEntry {
  path: string;
  sha256: string;
}

export function formatSha256Sums(entries: readonly SumEntry[]): string {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  return sorted.map((e) => `${e.sha256}  ${e.path}\n`).join('');
}

export type ParsedSums = { ok: true; entries: SumEntry[] } | { ok: false; line: number; message: string };

export function parseSha256Sums(text: string): ParsedSums {
  const entries: SumEntry[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) return { ok: false, line: i + 1, message: `line ${i + 1} is not "<sha256>  <path>": ${JSON.stringify(line.slice(0, 80))}` };
    entries.push({ sha256: m[1]!, path: m[2]! });
  }
  return { ok: true, entries };
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** "AB:CD:…" — the form admins read aloud over the phone to confirm a signer. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');
}

/** Accepts a fingerprint with or without colons/spaces, any case; returns 64 lowercase hex or undefined. */
export function normalizeFingerprint(s: string): string | undefined {
  const h = s.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(h) ? h : undefined;
}
