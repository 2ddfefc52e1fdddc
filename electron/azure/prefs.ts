// The Apply screen's connection preferences and the sealed VPN shared keys, kept in the settings file next to the
// UI settings (small, rarely changed). Only sealed bytes (base64 of the key store's ciphertext) are ever written;
// the values are checked on the way in, since the file is shared with the CLI and may be edited by hand.
import {
  AZURE_PREFS_DEFAULTS,
  azurePrefsPatch,
  type AzurePrefs,
  type AzurePrefsPatch,
} from '../../shared/api/azure-api';
import type { SettingsBackend } from '../services/host';
import { SEALED_BASE64, type SealedSecret, type SettingsData } from '../../shared/settings/schema';

const KEY = 'azure' as const;
const SEALED = new RegExp(SEALED_BASE64);

export type { SealedSecret };

function read(s: SettingsBackend): SettingsData['azure'] {
  const v = s.get(KEY);
  return v && typeof v === 'object' ? v : {};
}

/** Drops the '' that clears a field, and anything that no longer validates. */
export function applyPatch(current: AzurePrefs, patch: AzurePrefsPatch): AzurePrefs {
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next as unknown as AzurePrefs;
}

export function readPrefs(s: SettingsBackend): AzurePrefs {
  const r = azurePrefsPatch.safeParse(read(s).connection ?? {});
  return applyPatch(AZURE_PREFS_DEFAULTS, r.success ? r.data : {});
}

export function writePrefs(s: SettingsBackend, prefs: AzurePrefs): void {
  s.set(KEY, { ...read(s), connection: { ...prefs } });
}

export function sealedSecrets(s: SettingsBackend): Record<string, SealedSecret> {
  const all = read(s).secrets ?? {};
  const out: Record<string, SealedSecret> = {};
  for (const [name, v] of Object.entries(all))
    if (v && typeof v.sealed === 'string' && SEALED.test(v.sealed)) out[name] = v;
  return out;
}

export function setSealedSecret(s: SettingsBackend, name: string, value: SealedSecret | undefined): void {
  const cur = read(s);
  const secrets = { ...(cur.secrets ?? {}) };
  if (value) secrets[name] = value;
  else delete secrets[name];
  s.set(KEY, { ...cur, secrets });
}
