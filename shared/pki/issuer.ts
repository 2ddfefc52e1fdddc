// Loads a workspace CA (certificate + key) from its password-protected PFX to sign with it.
import forge from 'node-forge';
import { PkiError } from './errors';
import { parseCertificateFile, type ParsedFile } from './parse';
import { toBinary } from './bytes';
import type { IssuerMaterial } from './build';

/** parseCertificateFile has verified the MAC; forge would check it again with the PBES2 form of the password. */
const stripMac = (root: forge.asn1.Asn1) => forge.asn1.create(root.tagClass, root.type, true, (root.value as forge.asn1.Asn1[]).slice(0, 2));
const usesPbes2 = (p: ParsedFile) => !!p.pfx && (p.pfx.keyEncryption.startsWith('PBES2') || p.pfx.certEncryption.startsWith('PBES2'));

export function loadIssuerPfx(bytes: Uint8Array, password: string): IssuerMaterial & { chain: forge.pki.Certificate[] } {
  // parseCertificateFile turns a wrong password or a damaged file into a PkiError with its fix.
  const parsed = parseCertificateFile(bytes, password);
  if (parsed.format !== 'pfx') throw new PkiError('no-private-key', `the issuer file is a ${parsed.format.toUpperCase()} certificate without its private key`, 'pass the CA\'s .pfx (junction cert new --purpose ca writes one)');
  if (!parsed.hasPrivateKey) throw new PkiError('no-private-key', 'the issuer PFX holds no private key', 'export the CA again with its private key');
  const ca = parsed.certificates[0]!;
  if (!ca.isCa) throw new PkiError('bad-option', `the issuer ${ca.subject} is not a CA (basicConstraints CA is not set)`, 'create a CA first: junction cert new --purpose ca --subject "CN=Contoso Junction CA" ...');
  if (ca.keyType !== 'RSA') throw new PkiError('bad-option', `the issuer key is ${ca.keyType}; Junction signs with RSA CAs only`, 'create an RSA CA with junction cert new --purpose ca');
  const p12 = forge.pkcs12.pkcs12FromAsn1(stripMac(forge.asn1.fromDer(toBinary(bytes))), false, usesPbes2(parsed) ? forge.util.encodeUtf8(password) : password);
  const key = Object.values(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })).flat().concat(Object.values(p12.getBags({ bagType: forge.pki.oids.keyBag! })).flat()).find((b) => b?.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const cert = certs.find((c) => (c.publicKey as forge.pki.rsa.PublicKey).n.toString(16) === key?.n.toString(16));
  if (!key || !cert) throw new PkiError('no-private-key', 'the issuer PFX has no RSA key matching its CA certificate', 'export the CA again with its private key');
  return { key, cert, chain: [cert, ...certs.filter((c) => c !== cert)] };
}
