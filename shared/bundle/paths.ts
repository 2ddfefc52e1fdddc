// Path rules for everything inside a bundle. A path must mean the same file on Linux, Windows and FAT media, and
// must never reach outside the bundle root, so the rules are the intersection of what those file systems accept.

export type UnsafePathReason =
  | 'empty'
  | 'absolute'
  | 'dotdot'
  | 'dot-segment'
  | 'backslash'
  | 'control-char'
  | 'reserved-char'
  | 'reserved-name'
  | 'trailing-dot-or-space'
  | 'too-long';

export interface PathProblem {
  reason: UnsafePathReason;
  message: string;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
// Characters that Windows and FAT refuse; a name that only works on one side would not survive the trip.
const RESERVED_CHARS = /[<>:"|?*]/;
const MAX_PATH = 240;

/** Returns why `p` is not a safe relative bundle path, or undefined when it is. */
export function checkBundlePath(p: string): PathProblem | undefined {
  if (p.length === 0) return { reason: 'empty', message: 'empty path' };
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('\\\\'))
    return { reason: 'absolute', message: `absolute path "${p}" (bundle paths are relative to the bundle root)` };
  if (p.includes('\\')) return { reason: 'backslash', message: `path "${p}" contains a backslash (use "/" between folders)` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return { reason: 'control-char', message: `path ${JSON.stringify(p)} contains a control character` };
  const segments = p.split('/');
  if (segments.includes('..')) return { reason: 'dotdot', message: `path "${p}" contains a ".." segment (it could escape the bundle)` };
  if (segments.some((s) => s === '.' || s === ''))
    return { reason: 'dot-segment', message: `path "${p}" has an empty or "." segment` };
  if (RESERVED_CHARS.test(p)) return { reason: 'reserved-char', message: `path "${p}" contains one of < > : " | ? * (not allowed on Windows/FAT)` };
  const reserved = segments.find((s) => WINDOWS_RESERVED.test(s));
  if (reserved) return { reason: 'reserved-name', message: `path "${p}" uses the reserved Windows name "${reserved}"` };
  if (segments.some((s) => s.endsWith('.') || s.endsWith(' ')))
    return { reason: 'trailing-dot-or-space', message: `path "${p}" has a segment ending in "." or " " (Windows drops it)` };
  if (p.length > MAX_PATH) return { reason: 'too-long', message: `path "${p.slice(0, 40)}…" is longer than ${MAX_PATH} characters` };
  return undefined;
}

/** Paths that differ only by case collide on Windows and FAT: the key used for duplicate detection. */
export function collisionKey(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

/** Finds duplicate entries (exact or case-only) in a list of paths, in order of their second occurrence. */
export function findDuplicates(paths: readonly string[]): { path: string; first: string }[] {
  const seen = new Map<string, string>();
  const dups: { path: string; first: string }[] = [];
  for (const p of paths) {
    const k = collisionKey(p);
    const prev = seen.get(k);
    if (prev !== undefined) dups.push({ path: p, first: prev });
    else seen.set(k, p);
  }
  return dups;
}

/** Byte-order comparison of the UTF-8 encodings, so every platform sorts bundle entries the same way. */
export function comparePaths(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}
