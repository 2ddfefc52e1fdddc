// X.509 v3 certificates for the workspace's four purposes, built with node-forge. Keys come from the caller
// (the Node side generates them natively), so this module stays pure and deterministic apart from the serial.
import forge from 'node-forge';
import type { Certificate } from '../model/schema';
import { OID_CLIENT_AUTH, OID_SERVER_AUTH, PURPOSE_REQUIREMENTS } from './requirements';
import { parseDn } from './dn';
import { PkiError } from './errors';

export type CertPurpose = Certificate['purpose'];
export type KeyUsageName = Certificate['keyUsage'][number];
export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

export const PURPOSES: readonly CertPurpose[] = ['remote-console', 'hpc-management', 'rd-gateway-tls', 'ca'];

/**
 * What Junction puts in each purpose when the workspace does not say otherwise. Remote Console is seed 001's
 * makecert line (-sky signature -eku clientAuth); the HPC management certificate is what Azure's classic
 * management API accepts for client authentication (seed 003 makes it with -sy 24, an exchange key).
 */
export const PURPOSE_DEFAULTS: Record<CertPurpose, { keyUsage: KeyUsageName[]; extendedKeyUsage: string[] }> = {
  'remote-console': { keyUsage: ['digitalSignature'], extendedKeyUsage: [OID_CLIENT_AUTH] },
  'hpc-management': { keyUsage: ['digitalSignature', 'keyEncipherment'], extendedKeyUsage: [OID_CLIENT_AUTH] },
  'rd-gateway-tls': { keyUsage: ['digitalSignature', 'keyEncipherment'], extendedKeyUsage: [OID_SERVER_AUTH] },
  ca: { keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'], extendedKeyUsage: [] },
};

export interface CertSpec {
  purpose: CertPurpose;
  subject: string;
  /** DNS names or IP addresses; an rd-gateway-tls certificate without any gets its CN. */
  subjectAltNames?: readonly string[];
  notBefore: Date;
  notAfter: Date;
  hash: SignatureHash;
  /** Added to the purpose's defaults (the workspace may ask for more, never for less than the seed requires). */
  keyUsage?: readonly KeyUsageName[];
  extendedKeyUsage?: readonly string[];
}

export interface IssuerMaterial {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const MD: Record<SignatureHash, () => forge.md.MessageDigest> = {
  sha256: () => forge.md.sha256.create(),
  sha384: () => forge.md.sha384.create(),
  sha512: () => forge.md.sha512.create(),
};

/** 16 random bytes, positive and without a leading zero byte, as RFC 5280 section 4.1.2.2 asks. */
function randomSerial(): string {
  const bytes = forge.random.getBytesSync(16);
  const first = (bytes.charCodeAt(0) & 0x7f) | 0x40;
  return forge.util.bytesToHex(String.fromCharCode(first) + bytes.slice(1));
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function altName(name: string): { type: number; value?: string; ip?: string } {
  if (IPV4.test(name) || name.includes(':')) return { type: 7, ip: name };
  if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(name))
    throw new PkiError('bad-option', `subject alternative name "${name}" is neither a DNS name nor an IP address`, 'use e.g. rdconnect.contoso.com or 10.0.0.5');
  return { type: 2, value: name };
}

function union<T>(...lists: (readonly T[] | undefined)[]): T[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

export function effectiveUsage(spec: Pick<CertSpec, 'purpose' | 'keyUsage' | 'extendedKeyUsage'>): { keyUsage: KeyUsageName[]; extendedKeyUsage: string[] } {
  const req = PURPOSE_REQUIREMENTS[spec.purpose];
  const def = PURPOSE_DEFAULTS[spec.purpose];
  return {
    keyUsage: union(def.keyUsage, req.keyUsage as readonly KeyUsageName[], spec.keyUsage),
    extendedKeyUsage: union(def.extendedKeyUsage, req.extendedKeyUsage, spec.extendedKeyUsage),
  };
}

export function buildCertificate(spec: CertSpec, publicKey: forge.pki.rsa.PublicKey, ownKey: forge.pki.rsa.PrivateKey, issuer?: IssuerMaterial): forge.pki.Certificate {
  if (!(spec.notAfter.getTime() > spec.notBefore.getTime()))
    throw new PkiError('bad-option', `notAfter ${spec.notAfter.toISOString()} is not after notBefore ${spec.notBefore.toISOString()}`, 'give a positive validity, e.g. --days 730');
  if (issuer && issuer.cert.getExtension('basicConstraints') && !(issuer.cert.getExtension('basicConstraints') as { cA?: boolean }).cA)
    throw new PkiError('bad-option', 'the issuer certificate is not a CA (basicConstraints cA is false)', 'create a CA first: junction cert new --purpose ca --subject "CN=Contoso Junction CA" ...');
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(parseDn(spec.subject));
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : cert.subject.attributes);

  const { keyUsage, extendedKeyUsage } = effectiveUsage(spec);
  const ku: Record<string, unknown> = { name: 'keyUsage', critical: true };
  for (const k of keyUsage) ku[k] = true;
  const extensions: Record<string, unknown>[] = [
    spec.purpose === 'ca' ? { name: 'basicConstraints', cA: true, critical: true } : { name: 'basicConstraints', cA: false },
    ku,
  ];
  if (extendedKeyUsage.length > 0) {
    const eku: Record<string, unknown> = { name: 'extKeyUsage' };
    // forge writes a known OID only under its name (a dotted key that forge knows would be mangled).
    const oids = forge.pki.oids as Record<string, string>;
    for (const oid of extendedKeyUsage) eku[oids[oid] ?? oid] = true;
    extensions.push(eku);
  }
  let sans = spec.subjectAltNames ?? [];
  if (sans.length === 0 && spec.purpose === 'rd-gateway-tls') {
    const cn = cert.subject.getField('CN') as { value: string } | null;
    if (cn) sans = [cn.value];
  }
  if (sans.length > 0) extensions.push({ name: 'subjectAltName', altNames: sans.map(altName) });
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (issuer) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.key : ownKey, MD[spec.hash]());
  return cert;
}

export function certificateDer(cert: forge.pki.Certificate): string {
  return forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
}
