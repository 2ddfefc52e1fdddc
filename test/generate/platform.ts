// Holds a generated script to its host's Windows release: every command, parameter and language feature it uses
// must exist on the host's `os` (catalog `since`), with a PowerShell above the shipped one only when the script
// declares it with #Requires -Version (WMF installed first).
import {
  catalogEntry,
  LANGUAGE_FEATURES,
  PS_VERSIONS,
  SHIPPED_PS,
  WINDOWS_RELEASES,
  windowsReleaseOf,
  type PsVersion,
  type Since,
} from '../../shared/generate/catalog';
import type { PsCommand } from './ps-parse';

const psRank = (v: string) => PS_VERSIONS.indexOf(v as PsVersion);

/** The version a script declares with `#Requires -Version N[.M]`, if any. */
export function declaredPs(content: string): PsVersion | undefined {
  const m = /^#Requires\s+-Version\s+(\d+(?:\.\d+)?)/im.exec(content)?.[1];
  if (!m) return undefined;
  const v = m.includes('.') ? m : `${m}.0`;
  return PS_VERSIONS.find((x) => x === v) ?? (v === '5.0' ? '4.0' : undefined);
}

export function platformProblems(commands: PsCommand[], content: string, os: string | undefined): string[] {
  const windows = windowsReleaseOf(os);
  if (!windows) return [];
  const shipped = SHIPPED_PS[windows];
  const declared = declaredPs(content);
  const available = declared && psRank(declared) > psRank(shipped) ? declared : shipped;
  const out: string[] = [];
  const check = (what: string, v: Since | undefined) => {
    if (!v) return;
    if (v.windows && WINDOWS_RELEASES.indexOf(v.windows) > WINDOWS_RELEASES.indexOf(windows))
      out.push(`${what} needs Windows Server ${v.windows}; the host runs ${os}`);
    if (v.ps && psRank(v.ps) > psRank(available))
      out.push(
        `${what} needs PowerShell ${v.ps}; ${os} ships ${shipped}${declared ? ` and the script declares ${declared}` : ' and the script declares no #Requires -Version'}`,
      );
  };
  for (const c of commands) {
    const e = catalogEntry(c.name);
    if (!e) continue;
    check(c.name, e.since);
    for (const p of c.params) {
      const key = Object.keys(e.paramSince ?? {}).find((k) => k.toLowerCase() === p.toLowerCase());
      if (key) check(`${c.name} ${key}`, e.paramSince![key]);
    }
  }
  for (const f of LANGUAGE_FEATURES) if (f.pattern.test(content)) check(f.name, { ps: f.ps });
  return out;
}
