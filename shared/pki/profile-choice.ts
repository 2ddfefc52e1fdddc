// Which PFX profile a workspace certificate needs, from the Windows releases of the hosts that import its .pfx.
import type { Certificate, Host } from '../model/schema';
import type { PfxProfile } from './pkcs12';

/** Windows Server 2016 and older (and HPC Pack up to 2012 R2, which runs on them) cannot open AES-256 PFX files. */
function oldWindows(h: Host): boolean {
  if (h.os && /\b(2003|2008|2012|2016)\b/.test(h.os)) return true;
  if (h.os && /windows\s+(7|8(\.1)?)\b/i.test(h.os)) return true;
  const v = h.hpcPackVersion;
  return !!v && (v.startsWith('2008') || v.startsWith('2012'));
}

export function profileForPlacements(cert: Certificate, hosts: readonly Host[]): { profile: PfxProfile; reason: string } {
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const old = cert.placements
    .filter((p) => p.form === 'pfx')
    .map((p) => byId.get(p.host))
    .filter((h): h is Host => h !== undefined && oldWindows(h));
  if (old.length > 0)
    return { profile: 'legacy', reason: `${[...new Set(old.map((h) => h.id))].join(', ')} import${old.length === 1 ? 's' : ''} the .pfx on Windows Server 2016 or older (or HPC Pack 2012 and older)` };
  return { profile: 'modern', reason: 'every host that imports the .pfx runs Windows Server 2019 or later (or has no OS recorded)' };
}
