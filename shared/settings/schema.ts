// The settings file shared by the desktop app (electron-store) and the CLI / browser host (conf): both open the
// same file with these options, so a recent workspace opened in one shows up in the other. The project version
// is the settings format's own, not the app's: migrations must run the same whichever program opens the file
// first. Pure data and pure updaters only.
import type { RecentWorkspace, UiSettings } from '../api/contract';

export const SETTINGS_CONFIG_NAME = 'settings';
export const SETTINGS_PROJECT_VERSION = '1.0.0';
export const MAX_RECENT = 12;

export interface SettingsData {
  ui: UiSettings;
  recent: RecentWorkspace[];
  /** Set only after the admin accepted the warning that Linux `basic_text` storage is obfuscation, not encryption. */
  secrets: { acceptWeakStorage: boolean };
  /**
   * Bundle signers this installation trusts (public key fingerprints; the keys themselves are not secrets).
   * Small and rarely changed, so it lives here; the apply journal is append-only and gets its own files.
   */
  trust: { signers: TrustedSigner[] };
}

export interface TrustedSigner {
  /** SHA-256 of the signer's public key, lowercase hex. */
  fingerprint: string;
  name: string;
  addedAt: string;
}

export const SETTINGS_DEFAULTS: SettingsData = {
  ui: { theme: 'system' },
  recent: [],
  secrets: { acceptWeakStorage: false },
  trust: { signers: [] },
};

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
  trust: {
    type: 'object',
    properties: {
      signers: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            name: { type: 'string' },
            addedAt: { type: 'string' },
          },
          required: ['fingerprint', 'name', 'addedAt'],
          additionalProperties: false,
        },
      },
    },
    required: ['signers'],
    additionalProperties: false,
  },
} as const;

interface MigrationStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
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
