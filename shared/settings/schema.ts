// The settings file shared by the desktop app (electron-store) and the CLI / browser host (conf): both open the
// same file with these options, so a recent workspace opened in one shows up in the other. The project version
// is the settings format's own, not the app's: migrations must run the same whichever program opens the file
// first. Pure data and pure updaters only.
import type { RecentWorkspace, UiSettings } from '../api/contract';

export const SETTINGS_CONFIG_NAME = 'settings';
export const SETTINGS_PROJECT_VERSION = '1.2.0';
export const MAX_RECENT = 12;

export interface SettingsData {
  ui: UiSettings;
  recent: RecentWorkspace[];
  /** Set only after the admin accepted the warning that Linux `basic_text` storage is obfuscation, not encryption. */
  secrets: { acceptWeakStorage: boolean };
  /**
   * The Apply screen's connection preferences (checked field by field by electron/azure/prefs.ts, since the file may
   * be edited by hand) and the VPN shared keys, only ever as the OS key store's ciphertext.
   */
  azure: { connection?: Record<string, unknown>; secrets?: Record<string, SealedSecret> };
  /**
   * Signing and certificate keys kept in the OS key store, by id (the SHA-256 fingerprint of the public key): the
   * private key and certificate only as the key store's ciphertext, beside what can be shown without opening it.
   */
  keys: Record<string, StoredKeyRecord>;
}

export interface SealedSecret {
  /** base64 of what the OS key store returned; never the value. */
  sealed: string;
  /** The safeStorage backend that sealed it (another machine's or user's cannot open it). */
  backend: string;
  storedAt: string;
}

export interface StoredKeyRecord extends SealedSecret {
  label: string;
  subject: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, 64 lowercase hex digits: the bundle signer fingerprint. */
  fingerprint: string;
  /** The certificate's Windows thumbprint (SHA-1 of the DER, upper-case hex). */
  thumbprint: string;
  notAfter: string;
  origin: 'imported' | 'created';
}

export const SETTINGS_DEFAULTS: SettingsData = {
  ui: { theme: 'system' },
  recent: [],
  secrets: { acceptWeakStorage: false },
  azure: {},
  keys: {},
};

/** What the key store's ciphertext looks like in the file: base64, nothing else. */
export const SEALED_BASE64 = '^[A-Za-z0-9+/]+=*$';
export const KEY_ID_PATTERN = '^[0-9a-f]{64}$';

/** JSON Schema per top-level key, the form conf/electron-store validate with (ajv). */
export const SETTINGS_SCHEMA = {
  ui: {
    type: 'object',
    properties: {
      theme: { type: 'string', enum: ['system', 'light', 'dark'] },
      lastScreen: { type: 'string', maxLength: 40 },
    },
    required: ['theme'],
    additionalProperties: false,
  },
  recent: {
    type: 'array',
    maxItems: MAX_RECENT,
    items: {
      type: 'object',
      properties: { path: { type: 'string' }, name: { type: 'string' }, openedAt: { type: 'string' } },
      required: ['path', 'name', 'openedAt'],
      additionalProperties: false,
    },
  },
  secrets: {
    type: 'object',
    properties: { acceptWeakStorage: { type: 'boolean' } },
    required: ['acceptWeakStorage'],
    additionalProperties: false,
  },
  azure: {
    type: 'object',
    properties: {
      connection: { type: 'object' },
      secrets: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: {
            sealed: { type: 'string', pattern: SEALED_BASE64 },
            backend: { type: 'string', maxLength: 64 },
            storedAt: { type: 'string', maxLength: 40 },
          },
          required: ['sealed', 'backend', 'storedAt'],
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
  keys: {
    type: 'object',
    propertyNames: { pattern: KEY_ID_PATTERN },
    additionalProperties: {
      type: 'object',
      properties: {
        sealed: { type: 'string', pattern: SEALED_BASE64 },
        backend: { type: 'string', maxLength: 64 },
        storedAt: { type: 'string', maxLength: 40 },
        label: { type: 'string', maxLength: 120 },
        subject: { type: 'string', maxLength: 1024 },
        fingerprint: { type: 'string', pattern: KEY_ID_PATTERN },
        thumbprint: { type: 'string', pattern: '^[0-9A-F]{40}$' },
        notAfter: { type: 'string', maxLength: 40 },
        origin: { type: 'string', enum: ['imported', 'created'] },
      },
      required: [
        'sealed',
        'backend',
        'storedAt',
        'label',
        'subject',
        'fingerprint',
        'thumbprint',
        'notAfter',
        'origin',
      ],
      additionalProperties: false,
    },
  },
} as const;

interface MigrationStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
}

/** conf migrations keyed by the projectVersion that introduced them. */
export const SETTINGS_MIGRATIONS: Record<string, (store: MigrationStore) => void> = {
  '1.0.0': (store) => {
    // Pre-release builds kept `theme` at the top level.
    if (store.has('theme')) {
      const theme = store.get('theme');
      if (theme === 'light' || theme === 'dark' || theme === 'system') store.set('ui', { theme });
    }
  },
  '1.1.0': (store) => {
    // Pinned bundle signers moved to <state-dir>/trusted-signers.json (electron/bundle/trust.ts), the file the CLI
    // already used: one trust store for every front door. The key here was never written by any release.
    if (store.has('trust')) store.delete('trust');
    // `azure` (Apply screen) is declared from 1.1.0; earlier builds never wrote it, so a default is all it needs.
    if (!store.has('azure')) store.set('azure', {});
  },
  '1.2.0': (store) => {
    // `keys` (signing and certificate keys in the OS key store) is declared from 1.2.0; nothing wrote it before.
    if (!store.has('keys')) store.set('keys', {});
  },
};

/** The recent list after opening `path`: most recent first, no duplicates, bounded. */
export function withRecent(list: readonly RecentWorkspace[], entry: RecentWorkspace): RecentWorkspace[] {
  return [entry, ...list.filter((r) => r.path !== entry.path)].slice(0, MAX_RECENT);
}

export function withUi(current: UiSettings, patch: Partial<UiSettings>): UiSettings {
  const next: UiSettings = { theme: patch.theme ?? current.theme };
  const lastScreen = patch.lastScreen ?? current.lastScreen;
  if (lastScreen !== undefined) next.lastScreen = lastScreen;
  return next;
}
