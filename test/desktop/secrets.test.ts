// Secrets at rest: real OS key store, Linux basic_text (obfuscation only), or nothing.
import { describe, expect, it } from 'vitest';
import {
  SecretRefused,
  sealSecret,
  secretStoreStatus,
  type SafeStorageLike,
} from '../../electron/main/secrets';

function storage(available: boolean, backend: string): SafeStorageLike & { sealed: string[] } {
  const sealed: string[] = [];
  return {
    sealed,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (p) => (sealed.push(p), Buffer.from(`enc:${p.length}`)),
    decryptString: () => '',
  };
}

describe('secret storage policy', () => {
  it('uses a real key store when there is one', () => {
    const s = storage(true, 'gnome_libsecret');
    const st = secretStoreStatus(s, 'linux', false);
    expect(st).toMatchObject({ protection: 'encrypted', backend: 'gnome_libsecret' });
    expect(sealSecret(s, st, 'psk').toString()).toBe('enc:3');
  });

  it('says so on basic_text and refuses until the admin accepts', () => {
    const s = storage(true, 'basic_text');
    const st = secretStoreStatus(s, 'linux', false);
    expect(st.protection).toBe('weak');
    expect(st.detail).toMatch(/obfuscate/);
    expect(() => sealSecret(s, st, 'psk')).toThrow(SecretRefused);
    expect(s.sealed).toEqual([]);
    const accepted = secretStoreStatus(s, 'linux', true);
    expect(sealSecret(s, accepted, 'psk').length).toBeGreaterThan(0);
  });

  it('refuses outright when no encryption is available, never falling back to plain text', () => {
    const s = storage(false, 'unknown');
    const st = secretStoreStatus(s, 'linux', true);
    expect(st.protection).toBe('none');
    expect(() => sealSecret(s, st, 'psk')).toThrow(/cannot store the secret/);
    expect(s.sealed).toEqual([]);
  });

  it('names the platform store on Windows and macOS', () => {
    expect(secretStoreStatus(storage(true, ''), 'win32', false)).toMatchObject({
      protection: 'encrypted',
      backend: 'dpapi',
    });
    expect(secretStoreStatus(storage(true, ''), 'darwin', false)).toMatchObject({
      protection: 'encrypted',
      backend: 'keychain',
    });
  });
});
