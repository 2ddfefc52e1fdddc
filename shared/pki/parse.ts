// Reads .cer/.crt (DER or PEM), .pem and .pfx into one description. The X.509 fields are read from the ASN.1
// directly, so certificates with keys node-forge cannot load (ECDSA, Ed25519) are still described; node-forge
// decodes the extensions and the PKCS#12 container.
import forge from 'node-forge';
import { formatDn } from './dn';
import { PkiError } from './errors';
import { toBinary, windowsThumbprint, fromBinary } from './bytes';
import { forgeExtra } from './forge-extra';

const { asn1, pki } = forge;

export interface CertInfo {
  /** DER as a forge binary string. */
  der: string;
  version: number;
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  keyType: 'RSA' | 'EC' | 'Ed25519' | 'DSA' | 'unknown';
  keySize: number;
  signatureAlgorithm: string;
  /** sha1, sha256, ...; "unknown" when the algorithm carries the hash in parameters (RSASSA-PSS). */
  signatureHash: string;
  keyUsage: string[] | undefined;
  extendedKeyUsage: string[] | undefined;
  subjectAltNames: string[];
  isCa: boolean;
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  thumbprint: string;
  /** Present for RSA keys: used to check signatures and key/certificate pairing. */
  rsa?: { n: string; e: string };
}

export interface ParsedFile {
  format: 'der' | 'pem' | 'pfx';
  certificates: CertInfo[];
  hasPrivateKey: boolean;
  /** The RSA private key's modulus (hex) when the file carries one, to check it belongs to the certificate. */
  privateKeyModulus?: string;
  pfx?: {
    mac: string;
    keyEncryption: string;
    certEncryption: string;
    profile: 'modern' | 'legacy' | 'other';
    /** The key bag's Microsoft CSP name attribute (1.3.6.1.4.1.311.17.1): the provider Windows imports the key into. */
    keyProvider?: string;
  };
}

const SIG_ALGS: Record<string, [string, string]> = {
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.10': ['RSASSA-PSS', 'unknown'],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.3.101.112': ['Ed25519', 'sha512'],
};
const CURVES: Record<string, number> = { '1.2.840.10045.3.1.7': 256, '1.3.132.0.34': 384, '1.3.132.0.35': 521 };
const KU_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function bitLength(intBytes: string): number {
  let i = 0;
  while (i < intBytes.length - 1 && intBytes.charCodeAt(i) === 0) i++;
  const first = intBytes.charCodeAt(i);
  return (intBytes.length - i - 1) * 8 + (first === 0 ? 0 : Math.floor(Math.log2(first)) + 1);
}

function time(node: forge.asn1.Asn1): Date {
  return node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(node.value as string) : asn1.generalizedTimeToDate(node.value as string);
}

function children(node: forge.asn1.Asn1 | undefined, what: string): forge.asn1.Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new PkiError('corrupt', `the ${what} is not well-formed ASN.1`, 'export the certificate again from its source');
  return node.value;
}

function publicKeyInfo(spki: forge.asn1.Asn1): Pick<CertInfo, 'keyType' | 'keySize' | 'rsa'> {
  const [alg, bits] = children(spki, 'public key');
  const [algOid, params] = children(alg, 'public key algorithm');
  const o = asn1.derToOid(algOid!.value as string);
  if (o === pki.oids.rsaEncryption) {
    // BIT STRING: one "unused bits" byte, then RSAPublicKey ::= SEQUENCE { modulus, publicExponent }.
    const rsa = asn1.fromDer((bits!.value as string).slice(1));
    const [n, e] = children(rsa, 'RSA public key');
    return { keyType: 'RSA', keySize: bitLength(n!.value as string), rsa: { n: forge.util.bytesToHex(n!.value as string).replace(/^(00)+/, ''), e: forge.util.bytesToHex(e!.value as string) } };
  }
  if (o === '1.2.840.10045.2.1') return { keyType: 'EC', keySize: params && typeof params.value === 'string' ? (CURVES[asn1.derToOid(params.value)] ?? 0) : 0 };
  if (o === '1.3.101.112') return { keyType: 'Ed25519', keySize: 256 };
  if (o === '1.2.840.10040.4.1') return { keyType: 'DSA', keySize: 0 };
  return { keyType: 'unknown', keySize: 0 };
}

function extensionsOf(node: forge.asn1.Asn1 | undefined): Pick<CertInfo, 'keyUsage' | 'extendedKeyUsage' | 'subjectAltNames' | 'isCa'> {
  const out: Pick<CertInfo, 'keyUsage' | 'extendedKeyUsage' | 'subjectAltNames' | 'isCa'> = { keyUsage: undefined, extendedKeyUsage: undefined, subjectAltNames: [], isCa: false };
  if (!node) return out;
  for (const extAsn1 of children(children(node, 'extensions')[0], 'extensions')) {
    const ext = forgeExtra.certificateExtensionFromAsn1(extAsn1);
    switch (ext.id) {
      case '2.5.29.15':
        out.keyUsage = KU_NAMES.filter((k) => ext[k] === true);
        break;
      case '2.5.29.37':
        out.extendedKeyUsage = children(asn1.fromDer(ext.value), 'extended key usage').map((o) => asn1.derToOid(o.value as string));
        break;
      case '2.5.29.17':
        out.subjectAltNames = ((ext['altNames'] as { type: number; value: string; ip?: string }[]) ?? []).map((a) =>
          a.type === 7 ? `IP:${a.ip ?? '?'}` : a.type === 2 ? `DNS:${a.value}` : a.type === 1 ? `email:${a.value}` : a.type === 6 ? `URI:${a.value}` : `type${a.type}`,
        );
        break;
      case '2.5.29.19':
        out.isCa = ext['cA'] === true;
        break;
    }
  }
  return out;
}

/** Verifies `child`'s signature with `issuer`'s RSA key; false for anything forge cannot check. */
export function signedBy(child: CertInfo, issuer: CertInfo): boolean {
  if (!issuer.rsa || child.keyType === 'unknown') return false;
  try {
    const c = pki.certificateFromAsn1(asn1.fromDer(child.der), true);
    const key = pki.setRsaPublicKey(new forge.jsbn.BigInteger(issuer.rsa.n, 16), new forge.jsbn.BigInteger(issuer.rsa.e, 16));
    const md = (c as unknown as { md: forge.md.MessageDigest | null }).md;
    if (!md) return false;
    return key.verify(md.digest().getBytes(), c.signature as string);
  } catch {
    // forge refuses to load a non-RSA subject key; verify by hand over the TBS bytes.
    return verifyTbs(child, issuer);
  }
}

function verifyTbs(child: CertInfo, issuer: CertInfo): boolean {
  const hash = child.signatureHash as 'sha1' | 'sha256' | 'sha384' | 'sha512';
  const mdFactory = forge.md[hash as keyof typeof forge.md] as { create(): forge.md.MessageDigest } | undefined;
  if (!issuer.rsa || !mdFactory || !child.signatureAlgorithm.endsWith('WithRSAEncryption')) return false;
  const [tbs, , sig] = children(asn1.fromDer(child.der), 'certificate');
  const md = mdFactory.create();
  md.update(asn1.toDer(tbs!).getBytes());
  const key = pki.setRsaPublicKey(new forge.jsbn.BigInteger(issuer.rsa.n, 16), new forge.jsbn.BigInteger(issuer.rsa.e, 16));
  try {
    return key.verify(md.digest().getBytes(), (sig!.value as string).slice(1));
  } catch {
    return false;
  }
}

export function parseCertificateDer(der: string): CertInfo {
  let root: forge.asn1.Asn1;
  try {
    root = forgeExtra.fromDer(der, { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch (e) {
    throw new PkiError('corrupt', `the certificate is not valid DER (${(e as Error).message})`, 'the file is damaged or truncated: export it again (Export-Certificate -Type CERT, or junction cert new)');
  }
  const [tbs, sigAlg] = children(root, 'certificate');
  const f = children(tbs, 'certificate body');
  let i = 0;
  let version = 1;
  if (f[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC && f[0].type === 0) {
    version = (children(f[0], 'version')[0]!.value as string).charCodeAt(0) + 1;
    i = 1;
  }
  const [serial, , issuer, validity, subject, spki] = f.slice(i, i + 6);
  const extNode = f.slice(i + 6).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const [nb, na] = children(validity, 'validity');
  const sigOid = asn1.derToOid(children(sigAlg, 'signature algorithm')[0]!.value as string);
  const [sigName, sigHash] = SIG_ALGS[sigOid] ?? [sigOid, 'unknown'];
  const info: CertInfo = {
    der,
    version,
    serialNumber: forge.util.bytesToHex(serial!.value as string).toUpperCase(),
    subject: formatDn(forgeExtra.RDNAttributesAsArray(subject!)),
    issuer: formatDn(forgeExtra.RDNAttributesAsArray(issuer!)),
    notBefore: time(nb!),
    notAfter: time(na!),
    ...publicKeyInfo(spki!),
    signatureAlgorithm: sigName,
    signatureHash: sigHash,
    ...extensionsOf(extNode),
    selfSigned: false,
    thumbprint: windowsThumbprint(fromBinary(der)),
  };
  const sameName = asn1.toDer(subject!).getBytes() === asn1.toDer(issuer!).getBytes();
  info.selfSigned = sameName && signedBy(info, info);
  return info;
}

function looksLikePfx(root: forge.asn1.Asn1): boolean {
  const v = root.value;
  return Array.isArray(v) && v[0]?.type === asn1.Type.INTEGER && v[0].value === '\x03' && Array.isArray(v[1]?.value);
}

function algorithmName(algSeq: forge.asn1.Asn1 | undefined): string {
  if (!algSeq || !Array.isArray(algSeq.value)) return 'none';
  const o = asn1.derToOid(algSeq.value[0]!.value as string);
  if (o === pki.oids.pkcs5PBES2) {
    const scheme = (algSeq.value[1]?.value as forge.asn1.Asn1[] | undefined)?.[1];
    const cipher = scheme && Array.isArray(scheme.value) ? asn1.derToOid(scheme.value[0]!.value as string) : '';
    return `PBES2/${(pki.oids as Record<string, string>)[cipher] ?? cipher}`;
  }
  return (pki.oids as Record<string, string>)[o] ?? o;
}

/** Which protections a PFX uses, read from its unencrypted outer layers (no password needed). */
function pfxAlgorithms(root: forge.asn1.Asn1): NonNullable<ParsedFile['pfx']> {
  const [, authSafeCi, macData] = root.value as forge.asn1.Asn1[];
  let mac = 'none';
  if (macData && Array.isArray(macData.value)) {
    const digestAlg = ((macData.value[0]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]!;
    const o = asn1.derToOid(digestAlg.value as string);
    mac = (pki.oids as Record<string, string>)[o] ?? o;
  }
  let keyEncryption = 'none';
  let certEncryption = 'none';
  let keyProvider: string | undefined;
  const authSafe = asn1.fromDer(octetContent(authSafeCi!));
  for (const ci of children(authSafe, 'PKCS#12 authenticated safe')) {
    const [type, content] = ci.value as forge.asn1.Asn1[];
    const t = asn1.derToOid(type!.value as string);
    if (t === pki.oids.encryptedData) {
      const encContentInfo = ((content!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[1]!;
      certEncryption = algorithmName((encContentInfo.value as forge.asn1.Asn1[])[1]);
    } else if (t === pki.oids.data) {
      for (const bag of children(asn1.fromDer(octetContent(ci)), 'PKCS#12 safe contents')) {
        const [bagId, bagValue] = bag.value as forge.asn1.Asn1[];
        const bagType = asn1.derToOid(bagId!.value as string);
        if (bagType === pki.oids.pkcs8ShroudedKeyBag)
          keyEncryption = algorithmName(((bagValue!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]);
        if (bagType === pki.oids.pkcs8ShroudedKeyBag || bagType === pki.oids.keyBag) keyProvider ??= cspName(bag);
      }
    }
  }
  // Junction's legacy profile is 3DES for the certificates too: openssl -legacy and older exports put them under
  // RC2-40, which OpenSSL 3 opens only with -legacy, so such a file is not called by the profile's name.
  const tripleDes = 'pbeWithSHAAnd3-KeyTripleDES-CBC';
  const profile =
    mac === 'sha256' && keyEncryption === 'PBES2/aes256-CBC'
      ? 'modern'
      : mac === 'sha1' && keyEncryption === tripleDes && (certEncryption === tripleDes || certEncryption === 'none')
        ? 'legacy'
        : 'other';
  return { mac, keyEncryption, certEncryption, profile, ...(keyProvider !== undefined ? { keyProvider } : {}) };
}

const MS_CSP_NAME_OID = '1.3.6.1.4.1.311.17.1';

/** The BMPString of a bag's Microsoft CSP name attribute, if it has one (forge drops attributes it does not know). */
function cspName(bag: forge.asn1.Asn1): string | undefined {
  const attrs = (bag.value as forge.asn1.Asn1[])[2];
  if (!attrs || !Array.isArray(attrs.value)) return undefined;
  for (const attr of attrs.value) {
    const [oid, values] = attr.value as forge.asn1.Asn1[];
    if (!oid || asn1.derToOid(oid.value as string) !== MS_CSP_NAME_OID) continue;
    const first = Array.isArray(values?.value) ? values.value[0] : undefined;
    // forge decodes a BMPString to a JavaScript string itself.
    if (first && typeof first.value === 'string') return first.value;
  }
  return undefined;
}

/** The bytes of a ContentInfo of type data: [0] EXPLICIT OCTET STRING, possibly BER-chunked. */
function octetContent(ci: forge.asn1.Asn1): string {
  const os = ((ci.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
  return Array.isArray(os.value) ? os.value.map((c) => c.value as string).join('') : (os.value as string);
}

const MAC_HASHES: Record<string, { md: () => forge.md.MessageDigest; bytes: number }> = {
  sha1: { md: () => forge.md.sha1.create(), bytes: 20 },
  sha256: { md: () => forge.md.sha256.create(), bytes: 32 },
  sha384: { md: () => forge.md.sha384.create(), bytes: 48 },
  sha512: { md: () => forge.md.sha512.create(), bytes: 64 },
};

/** RFC 7292 appendix B MAC check; forge's own check cannot be used for non-ASCII passwords (see parsePfx). */
function macVerifies(root: forge.asn1.Asn1, password: string, hash: string): boolean {
  const h = MAC_HASHES[hash];
  if (!h) throw new PkiError('corrupt', `the PFX uses an unsupported MAC (${hash})`, 'export it again with a SHA-1 or SHA-256 MAC');
  const [, authSafeCi, macData] = root.value as forge.asn1.Asn1[];
  const [digestInfo, salt, iter] = macData!.value as forge.asn1.Asn1[];
  const expected = (digestInfo!.value as forge.asn1.Asn1[])[1]!.value as string;
  const iterations = iter ? parseInt(forge.util.bytesToHex(iter.value as string), 16) : 1;
  const key = forge.pkcs12.generateKey(password, forgeExtra.byteBuffer(salt!.value as string), 3, iterations, h.bytes, h.md());
  const hmac = forge.hmac.create();
  hmac.start(h.md(), key.getBytes());
  hmac.update(octetContent(authSafeCi!));
  return hmac.digest().getBytes() === expected;
}

function parsePfx(root: forge.asn1.Asn1, password: string | undefined): ParsedFile {
  let algorithms: NonNullable<ParsedFile['pfx']>;
  try {
    algorithms = pfxAlgorithms(root);
  } catch {
    throw new PkiError('corrupt', 'the PFX structure is damaged', 'export the .pfx again (Export-PfxCertificate or junction cert new)');
  }
  // Windows allows an empty PFX password; try it before asking for one.
  const pw = password ?? '';
  const wrong = () =>
    password === undefined
      ? new PkiError('password-required', 'the PFX is password-protected', 'pass --password-file FILE or set JUNCTION_PFX_PASSWORD')
      : new PkiError('wrong-password', 'the PFX password is wrong (the integrity check failed)', 'check the password file: no trailing spaces; Windows export passwords are case-sensitive');
  if (algorithms.mac !== 'none' && !macVerifies(root, pw, algorithms.mac)) throw wrong();
  // The MAC and PKCS#12-PBE (3DES, RC2) take the password as BMPString, PBES2 (AES) as UTF-8 bytes; forge
  // uses one string for all of them, so the MAC is checked above and forge decrypts with the PBES2 form.
  const pbes2 = algorithms.keyEncryption.startsWith('PBES2') || algorithms.certEncryption.startsWith('PBES2');
  const withoutMac = asn1.create(root.tagClass, root.type, true, (root.value as forge.asn1.Asn1[]).slice(0, 2));
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(withoutMac, false, pbes2 ? forge.util.encodeUtf8(pw) : pw);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (algorithms.mac === 'none' && /decrypt/i.test(msg)) throw wrong();
    throw new PkiError('corrupt', `the PFX could not be decrypted or decoded (${msg})`, 'export the .pfx again; if it is ECDSA, inspect its .cer instead');
  }
  const certs: CertInfo[] = [];
  for (const bag of p12.getBags({ bagType: pki.oids.certBag! })[pki.oids.certBag!] ?? []) {
    const der = bag.cert ? asn1.toDer(pki.certificateToAsn1(bag.cert)).getBytes() : bag.asn1 ? asn1.toDer(bag.asn1).getBytes() : undefined;
    if (der) certs.push(parseCertificateDer(der));
  }
  const keyBags = [...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag! })[pki.oids.pkcs8ShroudedKeyBag!] ?? []), ...(p12.getBags({ bagType: pki.oids.keyBag! })[pki.oids.keyBag!] ?? [])];
  const key = keyBags.find((b) => b.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (certs.length === 0) throw new PkiError('not-a-certificate', 'the PFX holds no certificate', 'export again with the certificate included');
  // The certificate that belongs to the key goes first, the rest is the chain.
  if (key) {
    const n = key.n.toString(16);
    const idx = certs.findIndex((c) => c.rsa?.n === n);
    if (idx > 0) certs.unshift(...certs.splice(idx, 1));
  }
  return { format: 'pfx', certificates: certs, hasPrivateKey: keyBags.length > 0, privateKeyModulus: key?.n.toString(16), pfx: algorithms };
}

const PEM_CERT = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

function parsePem(text: string): ParsedFile {
  let msgs: forge.pem.ObjectPEM[];
  try {
    msgs = forge.pem.decode(text);
  } catch (e) {
    throw new PkiError('corrupt', `the PEM text is damaged (${(e as Error).message})`, 'check that the BEGIN/END lines and the base64 between them are intact');
  }
  const certs = msgs.filter((m) => PEM_CERT.has(m.type)).map((m) => parseCertificateDer(m.body));
  const hasKey = msgs.some((m) => /PRIVATE KEY/.test(m.type));
  if (certs.length === 0) {
    const types = msgs.map((m) => m.type).join(', ') || 'nothing';
    const csr = msgs.some((m) => /REQUEST/.test(m.type));
    throw new PkiError('not-a-certificate', `the PEM file holds ${types}, not a certificate`, csr ? 'a certificate request must be signed by a CA first' : 'point at the .cer/.pem of the certificate');
  }
  return { format: 'pem', certificates: certs, hasPrivateKey: hasKey };
}

/** Reads a certificate file of any of the formats Windows and OpenSSL write. */
export function parseCertificateFile(bytes: Uint8Array, password?: string): ParsedFile {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(head)) return parsePem(new TextDecoder().decode(bytes));
  if (bytes.length === 0) throw new PkiError('not-a-certificate', 'the file is empty', 'point at the .cer, .pem or .pfx file');
  if (bytes[0] !== 0x30) throw new PkiError('not-a-certificate', 'the file is neither DER, PEM nor PFX (it does not start with an ASN.1 SEQUENCE or a -----BEGIN line)', 'point at the .cer, .crt, .pem or .pfx file');
  let root: forge.asn1.Asn1;
  const bin = toBinary(bytes);
  try {
    root = forgeExtra.fromDer(bin, { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch (e) {
    throw new PkiError('corrupt', `the file is damaged or truncated (${(e as Error).message})`, 'copy or export the file again; a certificate copied as text must keep its BEGIN/END lines');
  }
  if (looksLikePfx(root)) return parsePfx(root, password);
  const first = Array.isArray(root.value) ? root.value[0] : undefined;
  if (first && Array.isArray(first.value) && first.type === asn1.Type.SEQUENCE && (root.value as unknown[]).length === 3) {
    return { format: 'der', certificates: [parseCertificateDer(bin)], hasPrivateKey: false };
  }
  throw new PkiError('not-a-certificate', 'the file is DER but not an X.509 certificate or a PKCS#12 file', 'point at the .cer, .crt, .pem or .pfx file (not a key or a request)');
}
