// Signing keys come from a password-protected PFX (PKCS#12). node-forge parses it (legacy 3DES/RC2 and modern
// AES/PBKDF2 PFX alike); the key then lives only in memory as a node:crypto KeyObject and is never written out.
import {
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  X509Certificate,
  createHash,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';

export interface Signer {
  privateKey: KeyObject;
  publicPem: string;
  certPem: string;
  fingerprint: string;
  subject: string;
}

export class SigningError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** SHA-256 of the DER SubjectPublicKeyInfo: the same number `openssl pkey -pubin -outform DER | sha256sum` prints. */
export function publicKeyFingerprint(key: KeyObject | string): string {
  const k = typeof key === 'string' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(k.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export async function loadPfxSigner(pfxFile: string, passwordFile: string | undefined): Promise<Signer> {
  let password = '';
  if (passwordFile !== undefined) {
    try {
      password = (await readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (e) {
      throw new SigningError(
        `cannot read the password file ${passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'check the --password-file path',
      );
    }
  }
  return loadPfxSignerWithPassword(pfxFile, password, {
    path: 'check the --sign-key path',
    password: 'pass the PFX password with --password-file FILE (one line)',
  });
}

/**
 * The console holds the password in memory from a password field; writing it to a file for loadPfxSigner, even
 * briefly, would put a secret on disk. `hints` words the fixes for the front door that asked.
 */
export async function loadPfxSignerWithPassword(
  pfxFile: string,
  password: string,
  hints: { path: string; password: string } = {
    path: 'check the path of the signing .pfx',
    password: 'type the password the .pfx was exported with',
  },
): Promise<Signer> {
  let der: Buffer;
  try {
    der = await readFile(pfxFile);
  } catch (e) {
    throw new SigningError(
      `cannot read the signing key ${pfxFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      hints.path,
    );
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
      password,
    );
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    throw new SigningError(
      /mac|password|invalid/i.test(msg)
        ? `${pfxFile}: wrong password or not a PKCS#12 file`
        : `${pfxFile} is not a readable PKCS#12 (.pfx) file: ${msg}`,
      `${hints.password}; export the PFX again with \`openssl pkcs12 -export\` if it is damaged`,
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const forgeKey = keyBags.find((b) => b.key)?.key;
  if (!forgeKey)
    throw new SigningError(`${pfxFile} holds no private key`, 'export the PFX with the private key included');
  // The PEM exists only as a string in memory on its way into a KeyObject.
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(forgeKey as forge.pki.rsa.PrivateKey));
  const certPems = certBags.filter((b) => b.cert).map((b) => forge.pki.certificateToPem(b.cert!));
  return signerOf(
    privateKey,
    certPems,
    pfxFile,
    'export the PFX with the matching certificate (openssl pkcs12 -export -in cert.pem -inkey key.pem)',
  );
}

/** An RSA key and, among `certPems`, the certificate for it. `where` names the source in the messages. */
function signerOf(
  privateKey: KeyObject,
  certPems: readonly string[],
  where: string,
  noCertFix: string,
): Signer {
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new SigningError(
      `${where}: the key is ${privateKey.asymmetricKeyType}, not RSA`,
      'use an RSA key (2048 bits or more)',
    );
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const match = certPems.find((pem) =>
    new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).equals(spki),
  );
  if (!match) throw new SigningError(`${where} has no certificate for its private key`, noCertFix);
  return {
    privateKey,
    publicPem,
    certPem: match,
    fingerprint: publicKeyFingerprint(publicKey),
    subject: new X509Certificate(match).subject.replace(/\n/g, ', '),
  };
}

/**
 * A signer from a PKCS#8 key and its certificate as PEM strings, as the key store hands them back once opened: in
 * memory only, like the PFX path.
 */
export function signerFromPem(keyPem: string, certPem: string, where: string): Signer {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    throw new SigningError(
      `${where}: the stored private key cannot be read`,
      'remove it from the key store and import the .pfx again',
    );
  }
  return signerOf(privateKey, [certPem], where, 'remove it from the key store and import the .pfx again');
}

/** RSA PKCS#1 v1.5 with SHA-256: exactly what `openssl dgst -sha256 -sign` produces and `-verify` checks. */
export function signDetached(data: Uint8Array, key: KeyObject): Buffer {
  return sign('sha256', data, key);
}

export function verifyDetached(data: Uint8Array, signature: Uint8Array, publicPem: string): boolean {
  try {
    return verify('sha256', data, createPublicKey(publicPem), signature);
  } catch {
    return false;
  }
}
