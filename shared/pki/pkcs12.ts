// PKCS#12 (.pfx) in the two profiles Windows needs. node-forge builds the bags and encrypts them, but its
// toPkcs12Asn1 hard-codes a SHA-1 MAC and leaves the certificates unencrypted, so the outer structure is
// assembled here (RFC 7292 section 4) and the MAC computed with forge's PKCS#12 KDF (RFC 7292 appendix B)
// over the chosen hash.
import forge from 'node-forge';
import { PkiError } from './errors';
import { fromBinary } from './bytes';
import { forgeExtra } from './forge-extra';

export type PfxProfile = 'modern' | 'legacy';

export const PFX_PROFILES: Record<PfxProfile, { summary: string; keyCipher: string; certCipher: string; mac: string; windows: string }> = {
  modern: {
    summary: 'AES-256-CBC (PBES2, PBKDF2-HMAC-SHA256) for key and certificates, HMAC-SHA256 MAC',
    keyCipher: 'AES-256-CBC',
    certCipher: 'AES-256-CBC',
    mac: 'sha256',
    windows: 'Windows Server 2019 / Windows 10 1709 and later. Windows Server 2016 and older reject it with "the password you entered is incorrect".',
  },
  legacy: {
    summary: 'pbeWithSHA1And3-KeyTripleDES-CBC for key and certificates, HMAC-SHA1 MAC',
    keyCipher: '3DES',
    certCipher: '3DES',
    mac: 'sha1',
    windows: 'Every Windows release, including Windows Server 2008 R2 / 2012 / 2012 R2 / 2016 (HPC Pack 2012, VMM 2012 R2). 3DES, not RC2, so OpenSSL 3 opens it without -legacy.',
  },
};

/** OpenSSL 3's defaults (PKCS12_DEFAULT_ITER): enough for offline guessing to cost something, fast to open. */
const ITERATIONS = 2048;

const { asn1, pki } = forge;
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const seq = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, v);
const octets = (b: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b);
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const explicit0 = (v: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [v]);

function dataContentInfo(inner: forge.asn1.Asn1): forge.asn1.Asn1 {
  return seq([oid(pki.oids.data!), explicit0(octets(asn1.toDer(inner).getBytes()))]);
}

/**
 * PBES2 takes the password as UTF-8 bytes (RFC 8018), the PKCS#12 KDF as a BMPString (RFC 7292 B.1): forge's
 * PKCS#12 KDF does the BMP conversion from the JavaScript string itself, PBKDF2 needs the UTF-8 bytes handed in.
 */
function encryptionOptions(profile: PfxProfile, password: string): { password: string; options: forge.pki.EncryptionOptions } {
  return profile === 'modern'
    ? { password: forge.util.encodeUtf8(password), options: { algorithm: 'aes256', prfAlgorithm: 'sha256', count: ITERATIONS, saltSize: 16 } }
    : { password, options: { algorithm: '3des', count: ITERATIONS, saltSize: 8 } };
}

/** EncryptedData (RFC 2315 section 13) around a SafeContents: forge's PBE wraps any DER, not only keys. */
function encryptedContentInfo(inner: forge.asn1.Asn1, profile: PfxProfile, password: string): forge.asn1.Asn1 {
  const enc = encryptionOptions(profile, password);
  const epki = pki.encryptPrivateKeyInfo(inner, enc.password, { ...enc.options });
  const [algorithm, encrypted] = epki.value as forge.asn1.Asn1[];
  const encryptedData = seq([
    int(0),
    seq([oid(pki.oids.data!), algorithm!, asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, (encrypted as forge.asn1.Asn1).value as string)]),
  ]);
  return seq([oid(pki.oids.encryptedData!), explicit0(encryptedData)]);
}

/**
 * Microsoft's "CSP name" bag attribute (OID 1.3.6.1.4.1.311.17.1, szOID_PKCS_12_KEY_PROVIDER_NAME_ATTR, a BMPString).
 * Without it Windows imports an RSA key into "Microsoft Enhanced Cryptographic Provider v1.0", which cannot sign
 * with SHA-256 (seed 001 item 5, Remote Console); with it the key lands in the AES provider, which can.
 */
export const MS_CSP_NAME_OID = '1.3.6.1.4.1.311.17.1';
export const SHA256_CAPABLE_CSP = 'Microsoft Enhanced RSA and AES Cryptographic Provider';

const bmp = (s: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, s);

function bagAttributes(localKeyId: string, friendlyName?: string, cspName?: string): forge.asn1.Asn1 {
  const attrs = [seq([oid(pki.oids.localKeyId!), set([octets(localKeyId)])])];
  if (friendlyName) attrs.push(seq([oid(pki.oids.friendlyName!), set([bmp(friendlyName)])]));
  if (cspName) attrs.push(seq([oid(MS_CSP_NAME_OID), set([bmp(cspName)])]));
  return set(attrs);
}

const MAC_MD: Record<'sha1' | 'sha256', { create: () => forge.md.MessageDigest; oid: string; bytes: number }> = {
  sha1: { create: () => forge.md.sha1.create(), oid: '1.3.14.3.2.26', bytes: 20 },
  sha256: { create: () => forge.md.sha256.create(), oid: '2.16.840.1.101.3.4.2.1', bytes: 32 },
};

function macData(authSafeDer: string, password: string, hash: 'sha1' | 'sha256'): forge.asn1.Asn1 {
  const h = MAC_MD[hash];
  // 8 bytes is what every Windows release has written and read since XP; the modern profile uses more.
  const salt = forge.random.getBytesSync(hash === 'sha1' ? 8 : 16);
  const key = forge.pkcs12.generateKey(password, forgeExtra.byteBuffer(salt), 3, ITERATIONS, h.bytes, h.create());
  const hmac = forge.hmac.create();
  hmac.start(h.create(), key.getBytes());
  hmac.update(authSafeDer);
  const digestInfo = seq([seq([oid(h.oid), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]);
  return seq([digestInfo, octets(salt), int(ITERATIONS)]);
}

export interface PfxInput {
  key: forge.pki.rsa.PrivateKey;
  /** The certificate first, then its issuers (so Windows can build the chain on import). */
  chain: readonly forge.pki.Certificate[];
  password: string;
  profile: PfxProfile;
  friendlyName?: string;
}

export function buildPfx(input: PfxInput): Uint8Array {
  if (input.password.length === 0) throw new PkiError('bad-option', 'a PFX needs a non-empty password', 'put the password in a file and pass --password-file, or set JUNCTION_PFX_PASSWORD');
  const [leaf] = input.chain;
  if (!leaf) throw new PkiError('bad-option', 'a PFX needs its certificate', 'pass the certificate with its key');
  const leafDer = asn1.toDer(pki.certificateToAsn1(leaf)).getBytes();
  // Windows pairs key and certificate by localKeyId; SHA-1 of the certificate is what OpenSSL and certutil use.
  const localKeyId = forge.md.sha1.create().update(leafDer).digest().getBytes();
  const attrs = () => bagAttributes(localKeyId, input.friendlyName);

  const certBags = input.chain.map((c, i) => {
    const der = i === 0 ? leafDer : asn1.toDer(pki.certificateToAsn1(c)).getBytes();
    const certBag = seq([oid(pki.oids.x509Certificate!), explicit0(octets(der))]);
    const bag = [oid(pki.oids.certBag!), explicit0(certBag)];
    if (i === 0) bag.push(attrs());
    return seq(bag);
  });

  const enc = encryptionOptions(input.profile, input.password);
  const shrouded = pki.encryptPrivateKeyInfo(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(input.key)), enc.password, { ...enc.options });
  const keyBag = seq([oid(pki.oids.pkcs8ShroudedKeyBag!), explicit0(shrouded), bagAttributes(localKeyId, input.friendlyName, SHA256_CAPABLE_CSP)]);

  const authSafe = seq([encryptedContentInfo(seq(certBags), input.profile, input.password), dataContentInfo(seq([keyBag]))]);
  const authSafeDer = asn1.toDer(authSafe).getBytes();
  const pfx = seq([
    int(3),
    seq([oid(pki.oids.data!), explicit0(octets(authSafeDer))]),
    macData(authSafeDer, input.password, PFX_PROFILES[input.profile].mac as 'sha1' | 'sha256'),
  ]);
  return fromBinary(asn1.toDer(pfx).getBytes());
}
