// Secrets at rest go through Electron safeStorage, main process only. On Linux without a secret service the
// backend is `basic_text`: a hard-coded key, obfuscation rather than encryption. We say so and refuse to store
// secrets unless the admin has accepted that, once, explicitly.
import type { SecretStoreStatus } from '../../shared/api/contract';
import type { SealedSecret } from '../../shared/settings/schema';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?: () => string;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

const WEAK_BACKENDS = new Set(['basic_text', 'unknown']);

export function secretStoreStatus(
  safeStorage: SafeStorageLike,
  platform: string,
  weakAccepted: boolean,
): SecretStoreStatus {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      protection: 'none',
      backend: 'none',
      weakAccepted,
      detail: 'the OS offers no key store: secrets are asked for when a script runs',
    };
  }
  const backend =
    platform === 'linux' && safeStorage.getSelectedStorageBackend
      ? safeStorage.getSelectedStorageBackend()
      : platform === 'win32'
        ? 'dpapi'
        : platform === 'darwin'
          ? 'keychain'
          : 'os';
  if (WEAK_BACKENDS.has(backend)) {
    return {
      protection: 'weak',
      backend,
      weakAccepted,
      detail:
        'no secret service (GNOME Keyring / KWallet) is running: Electron would only obfuscate secrets with a fixed key. ' +
        (weakAccepted ? 'You accepted this.' : 'Secrets are not stored unless you accept this in Settings.'),
    };
  }
  return {
    protection: 'encrypted',
    backend,
    weakAccepted,
    detail: `secrets are encrypted with the OS key store (${backend})`,
  };
}

export class SecretRefused extends Error {}

/** Encrypts a secret for storage, or refuses with the reason; never falls back to plain text. */
export function sealSecret(safeStorage: SafeStorageLike, status: SecretStoreStatus, plain: string): Buffer {
  if (status.protection === 'none') throw new SecretRefused(`cannot store the secret: ${status.detail}`);
  if (status.protection === 'weak' && !status.weakAccepted)
    throw new SecretRefused(
      'cannot store the secret: only basic_text obfuscation is available and it was not accepted',
    );
  return safeStorage.encryptString(plain);
}

/**
 * The key store as the host sees it: seal for storage (refusing per the policy above), open what was sealed.
 * Only the Electron front door has one; the others never keep a secret.
 */
export interface SecretVault {
  status(): SecretStoreStatus;
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

export function safeStorageVault(
  safeStorage: SafeStorageLike,
  platform: string,
  weakAccepted: () => boolean,
): SecretVault {
  const status = () => secretStoreStatus(safeStorage, platform, weakAccepted());
  return {
    status,
    seal: (plain) => sealSecret(safeStorage, status(), plain),
    open: (sealed) => safeStorage.decryptString(sealed),
  };
}

/** What a front door without a key store reports; `consequence` says what happens instead. */
export function noKeyStoreStatus(frontDoor: string, consequence: string): SecretStoreStatus {
  return {
    protection: 'none',
    backend: 'none',
    weakAccepted: false,
    detail: `the ${frontDoor} front door has no OS key store: ${consequence}`,
  };
}

/**
 * Seals for the settings file: base64 of the key store's ciphertext, which backend sealed it, when (refusing per
 * the vault's policy, as `seal` does).
 */
export function sealRecord(vault: SecretVault, plain: string, now = new Date()): SealedSecret {
  const sealed = vault.seal(plain);
  return { sealed: sealed.toString('base64'), backend: vault.status().backend, storedAt: now.toISOString() };
}

/** Opens what sealRecord kept, or undefined when this key store cannot (another user's, another machine's). */
export function openRecord(vault: SecretVault, record: Pick<SealedSecret, 'sealed'>): string | undefined {
  try {
    return vault.open(Buffer.from(record.sealed, 'base64'));
  } catch {
    return undefined;
  }
}
