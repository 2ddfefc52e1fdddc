// Signing and certificate keys in the OS key store (issues 4 and 5). In the desktop app a private key and its
// certificate can be kept sealed by Electron safeStorage, in the settings file beside public metadata, so a bundle
// can be signed (and a created certificate's key kept) without typing a .pfx password each time. The plain key
// exists only in memory: read from the .pfx with its password, sealed, opened again to sign. No channel returns
// it or the ciphertext. Front doors without a key store (browser, tests, CLI) refuse and say what to do instead.
import { X509Certificate } from 'node:crypto';
import { resolve } from 'node:path';
import {
  ApiError,
  type KeyImportResult,
  type KeyStoreView,
  type SecretStoreStatus,
  type StoredKeyInfo,
} from '../../shared/api/contract';
import {
  KEY_ID_PATTERN,
  SEALED_BASE64,
  type SettingsData,
  type StoredKeyRecord,
} from '../../shared/settings/schema';
import { loadPfxSignerWithPassword, signerFromPem, type Signer } from '../bundle/signing';
import { noKeyStoreStatus, openRecord, sealRecord, SecretRefused } from '../main/secrets';
import type { ChannelHandlers, HostContext } from './host';

type Channel = 'keys.list' | 'keys.import' | 'keys.delete';

/** What the key store seals: the key (PKCS#8) and its certificate, as PEM, in one string. */
interface SealedKey {
  keyPem: string;
  certPem: string;
}

const ID = new RegExp(KEY_ID_PATTERN);
const SEALED = new RegExp(SEALED_BASE64);
const WEAK_FIX =
  'start a secret service (GNOME Keyring, KWallet), or accept obfuscation-only storage explicitly (the "accept basic_text" box)';

export interface KeyStore {
  handlers: ChannelHandlers<Channel>;
  /**
   * Refuses, with the reason and `fix`, unless a key can be stored now; records an explicit acceptance of weak
   * storage. Called before anything is written, so a refusal leaves no half-done work.
   */
  assertCanStore(channel: string, acceptWeakStorage: boolean | undefined, fix: string): void;
  /** Reads a .pfx in memory and keeps its key and certificate sealed; the key store must have been checked. */
  keepPfx(
    channel: string,
    pfx: string,
    password: string,
    label: string | undefined,
    origin: StoredKeyRecord['origin'],
  ): Promise<{ key: StoredKeyInfo; replaced: boolean }>;
  /** The signer for a stored key, opened by the key store for this one use. */
  signer(channel: string, id: string): Signer;
}

function infoOf(id: string, r: StoredKeyRecord): StoredKeyInfo {
  return {
    id,
    label: r.label,
    subject: r.subject,
    fingerprint: r.fingerprint,
    thumbprint: r.thumbprint,
    notAfter: r.notAfter,
    storedAt: r.storedAt,
    backend: r.backend,
    origin: r.origin,
  };
}

/** The file may have been edited by hand: only well-formed entries count. */
function records(settings: HostContext['settings']): Record<string, StoredKeyRecord> {
  const all: SettingsData['keys'] = settings.get('keys') ?? {};
  const out: Record<string, StoredKeyRecord> = {};
  for (const [id, r] of Object.entries(all))
    if (ID.test(id) && r && typeof r.sealed === 'string' && SEALED.test(r.sealed) && r.fingerprint === id)
      out[id] = r;
  return out;
}

function cnOf(subject: string): string | undefined {
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1]?.trim();
}

export function keyStore(ctx: HostContext): KeyStore {
  const { caps, settings } = ctx;
  const status = (): SecretStoreStatus =>
    caps.vault?.status() ??
    noKeyStoreStatus(caps.frontDoor, 'keys are not kept; sign with a .pfx file and its password');

  function view(): KeyStoreView {
    const vault = status();
    const canStore = !!caps.vault && vault.protection !== 'none';
    return {
      available: !!caps.vault,
      vault,
      canStore,
      ...(canStore ? {} : { why: vault.detail }),
      keys: Object.entries(records(settings))
        .map(([id, r]) => infoOf(id, r))
        .sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id)),
    };
  }

  const assertCanStore: KeyStore['assertCanStore'] = (channel, acceptWeakStorage, fix) => {
    if (!caps.vault)
      throw new ApiError(
        'bad-request',
        `${channel}: the ${caps.frontDoor} front door has no OS key store, so private keys are not kept — ${fix}`,
      );
    let st = caps.vault.status();
    if (st.protection === 'weak' && !st.weakAccepted && acceptWeakStorage) {
      settings.set('secrets', { ...settings.get('secrets'), acceptWeakStorage: true });
      st = caps.vault.status();
    }
    if (st.protection === 'none')
      throw new ApiError('bad-request', `${channel}: cannot store the key: ${st.detail} — ${fix}`);
    if (st.protection === 'weak' && !st.weakAccepted)
      throw new ApiError(
        'bad-request',
        `${channel}: cannot store the key: only basic_text obfuscation is available and it was not accepted — ${WEAK_FIX}`,
      );
  };

  const keepPfx: KeyStore['keepPfx'] = async (channel, pfx, password, label, origin) => {
    const vault = caps.vault;
    if (!vault) throw new ApiError('bad-request', `${channel}: no key store`); // assertCanStore ran first
    const signer = await loadPfxSignerWithPassword(pfx, password, {
      path: 'check the path of the .pfx',
      password: 'type the password the .pfx was exported with',
    });
    const plain: SealedKey = {
      keyPem: signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certPem: signer.certPem,
    };
    let sealed;
    try {
      sealed = sealRecord(vault, JSON.stringify(plain));
    } catch (e) {
      if (e instanceof SecretRefused)
        throw new ApiError(
          'bad-request',
          `${channel}: ${e.message.replace('the secret', 'the key')} — ${WEAK_FIX}`,
        );
      throw e;
    }
    const cert = new X509Certificate(signer.certPem);
    const id = signer.fingerprint;
    const all = settings.get('keys') ?? {};
    const record: StoredKeyRecord = {
      ...sealed,
      label: (label ?? cnOf(signer.subject) ?? signer.subject).slice(0, 120),
      subject: signer.subject.slice(0, 1024),
      fingerprint: signer.fingerprint,
      thumbprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
      notAfter: new Date(cert.validTo).toISOString(),
      origin,
    };
    settings.set('keys', { ...all, [id]: record });
    return { key: infoOf(id, record), replaced: id in all };
  };

  const signer: KeyStore['signer'] = (channel, id) => {
    const r = records(settings)[id];
    if (!caps.vault)
      throw new ApiError(
        'bad-request',
        `${channel}: storedKey: the ${caps.frontDoor} front door has no OS key store — sign with signKey + password (a .pfx file), or build in the desktop app`,
      );
    if (!r)
      throw new ApiError(
        'not-found',
        `${channel}: storedKey: no key ${id.slice(0, 16)}… in this computer's key store — pick one that keys.list shows, or import the .pfx first`,
      );
    const opened = openRecord(caps.vault, r);
    let key: SealedKey | undefined;
    try {
      key = opened === undefined ? undefined : (JSON.parse(opened) as SealedKey);
    } catch {
      key = undefined;
    }
    if (!key || typeof key.keyPem !== 'string' || typeof key.certPem !== 'string')
      throw new ApiError(
        'failed',
        `${channel}: the key store cannot open "${r.label}" (sealed by another user or machine, or damaged) — remove it and import its .pfx again on this computer`,
      );
    const s = signerFromPem(key.keyPem, key.certPem, `stored key "${r.label}"`);
    // The entry's name is the public key's fingerprint: a swapped ciphertext would sign as someone else.
    if (s.fingerprint !== id)
      throw new ApiError(
        'failed',
        `${channel}: the sealed key of "${r.label}" does not match its fingerprint — remove it and import its .pfx again`,
      );
    return s;
  };

  const handlers: ChannelHandlers<Channel> = {
    'keys.list': async () => view(),
    'keys.import': async (req): Promise<KeyImportResult> => {
      assertCanStore(
        'keys.import',
        req.acceptWeakStorage,
        'sign with the .pfx file and its password instead (or import it in the desktop app)',
      );
      const r = await keepPfx('keys.import', resolve(req.pfx), req.password, req.label, 'imported');
      return { ...r, store: view() };
    },
    'keys.delete': async (req) => {
      const all = { ...(settings.get('keys') ?? {}) };
      if (!(req.id in all))
        throw new ApiError(
          'not-found',
          `keys.delete: id: no key ${req.id.slice(0, 16)}… in the key store — it may already be removed`,
        );
      delete all[req.id];
      settings.set('keys', all);
      return view();
    },
  };

  return { handlers, assertCanStore, keepPfx, signer };
}
