// The certificate audit: what the file is, then every requirement of the seeds for the chosen purpose as
// pass/fail, each failure with the matching row of seed 003's troubleshooting table.
import { OID_CLIENT_AUTH, OID_SERVER_AUTH, PURPOSE_REQUIREMENTS, normaliseThumbprint, thumbprintProblem } from './requirements';
import type { CertPurpose } from './build';
import { signedBy, type CertInfo, type ParsedFile } from './parse';
import { MS_CSP_NAME_OID, PFX_PROFILES, SHA256_CAPABLE_CSP } from './pkcs12';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';

export interface AuditCheck {
  id: string;
  requirement: string;
  status: CheckStatus;
  detail: string;
  /** What to do, from seed 003's troubleshooting table where it has a row for this failure. */
  hint?: string;
  source: string;
}

export interface AuditReport {
  purpose: CertPurpose | undefined;
  purposeInferred: boolean;
  file: ParsedFile;
  certificate: CertInfo;
  checks: AuditCheck[];
  ok: boolean;
}

export interface AuditOptions {
  purpose?: CertPurpose;
  now: Date;
  /** A thumbprint as recorded in the workspace or typed into HPC Cluster Manager, to check against the file. */
  thumbprint?: string;
  /** Another file that should hold the same certificate (the .cer uploaded to Azure vs the installed .pfx). */
  counterpart?: ParsedFile;
}

export const EKU_NAMES: Record<string, string> = {
  [OID_SERVER_AUTH]: 'Server Authentication',
  [OID_CLIENT_AUTH]: 'Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'Secure Email',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.4.1.311.10.3.4': 'Encrypting File System',
  '2.5.29.37.0': 'Any Purpose',
};

/** Providers that sign with SHA-256: the CAPI AES provider and the CNG software KSP. */
const SHA256_PROVIDERS = new Set([SHA256_CAPABLE_CSP, 'Microsoft Software Key Storage Provider']);
const HINT_PROVIDER = `seed 001 item 5: the key must sit in a provider that supports SHA-256. Export the .pfx again with the CSP name "${SHA256_CAPABLE_CSP}" on its key (junction cert new writes it; openssl pkcs12 -export -CSP "${SHA256_CAPABLE_CSP}"), or import it with certutil -importPFX -csp "${SHA256_CAPABLE_CSP}".`;

/** Which provider Windows will put the key in, from the key bag's CSP name attribute (seed 001 item 5). */
function keyProviderCheck(provider: string | undefined, sha256Needed: boolean): AuditCheck {
  const requirement = 'the key is imported into a provider that can sign SHA-256';
  const source = `seed 001 (Remote Console requirements); PKCS#12 attribute ${MS_CSP_NAME_OID}`;
  if (provider === undefined)
    return { id: 'key-provider', requirement, status: sha256Needed ? 'warn' : 'info', detail: 'no Microsoft CSP name on the key: Windows picks its default provider (Microsoft Enhanced Cryptographic Provider v1.0 for an RSA key), which cannot sign SHA-256', hint: HINT_PROVIDER, source };
  const ok = SHA256_PROVIDERS.has(provider);
  return { id: 'key-provider', requirement, status: ok ? 'pass' : sha256Needed ? 'fail' : 'warn', detail: `Microsoft CSP name: ${provider}`, ...(ok ? {} : { hint: HINT_PROVIDER }), source };
}

export const ekuLabel = (oid: string) => (EKU_NAMES[oid] ? `${EKU_NAMES[oid]} (${oid})` : oid);

// Seed 003, "There was a problem with the certificate with thumbprint": the resolutions column, split by cause.
const HINT_EXPIRED =
  'seed 003: "Certificate is expired" — in the Certificates snap-in the certificate shows "The certificate has expired or is not yet valid". Create a new one (junction cert new), import it to every store in the workspace placements and update the thumbprint.';
const HINT_CHAIN =
  'seed 003: "Certificate chain is broken" — verify that the CA that issued the certificate is trusted: import the issuing CA\'s certificate without its key (.cer) into Local Computer\\Trusted Root Certification Authorities.';
const HINT_THUMBPRINT =
  'seed 003: "Certificate thumbprint is not properly formatted" — the thumbprint must have 40 hexadecimal characters, no spaces, and belong to the proper authentication certificate.';
const HINT_MISMATCH =
  'seed 003: "Could not create SSL/TLS secure channel" — the .cer does not match the certificate imported with its key. Re-export the .cer from the installed certificate (or regenerate both), upload it to the Azure subscription and re-import the .pfx.';
const HINT_NO_KEY =
  'seed 003: "No certificate available when browsing" — the private key certificate (.pfx) is not imported to a required store. Import the .pfx, not the .cer, into Personal.';

const PURPOSE_SOURCE: Record<CertPurpose, string> = {
  'remote-console': 'seed 001 (Remote Console)',
  'hpc-management': 'seed 003 (HPC Azure management)',
  'rd-gateway-tls': 'seed 001 (RD Gateway)',
  ca: 'workspace CA',
};

/**
 * Guesses the purpose from the EKUs when the user did not say, so a bare `inspect` still checks something. The EKUs
 * come first: openssl's `req -x509` marks every certificate CA:TRUE by default, client certificates included.
 */
export function inferPurpose(c: CertInfo): CertPurpose | undefined {
  const eku = c.extendedKeyUsage ?? [];
  if (eku.includes(OID_SERVER_AUTH)) return 'rd-gateway-tls';
  if (eku.includes(OID_CLIENT_AUTH)) return c.keyUsage?.includes('keyEncipherment') ? 'hpc-management' : 'remote-console';
  if (c.isCa) return 'ca';
  return undefined;
}

/** New-SelfSignedCertificate -KeyUsage names (Microsoft.CertificateServices.Commands.KeyUsage) of X.509 key usages. */
const PS_KEY_USAGE: Record<string, string> = {
  digitalSignature: 'DigitalSignature',
  nonRepudiation: 'NonRepudiation',
  keyEncipherment: 'KeyEncipherment',
  dataEncipherment: 'DataEncipherment',
  keyAgreement: 'KeyAgreement',
  keyCertSign: 'CertSign',
  cRLSign: 'CRLSign',
  encipherOnly: 'EncipherOnly',
  decipherOnly: 'DecipherOnly',
};

const expiringHint = (days: number) =>
  `expires in ${days} day${days === 1 ? '' : 's'}: create its replacement now (junction cert new), import it to every store in the workspace placements and update the thumbprint before this one lapses.`;

const DAY = 86_400_000;

/** RC2/RC4 in a PFX, named the way admins meet them (RC2-40 is what older exports used for the certificates). */
function weakPfxCipher(keyEncryption: string, certEncryption: string): string | undefined {
  const short = (alg: string) =>
    /40BitRC2/i.test(alg) ? 'RC2-40' : /128BitRC2/i.test(alg) ? 'RC2-128' : /RC4/i.test(alg) ? 'RC4' : undefined;
  const parts = [
    short(keyEncryption) && `key under ${short(keyEncryption)}`,
    short(certEncryption) && `certificates under ${short(certEncryption)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

export function auditCertificate(file: ParsedFile, opts: AuditOptions): AuditReport {
  const cert = file.certificates[0]!;
  const purpose = opts.purpose ?? inferPurpose(cert);
  const checks: AuditCheck[] = [];
  const src = purpose ? PURPOSE_SOURCE[purpose] : 'general';
  const add = (c: AuditCheck) => checks.push(c);

  // Validity (seed 001 item 1; seed 003 troubleshooting).
  const now = opts.now.getTime();
  if (now < cert.notBefore.getTime())
    add({ id: 'validity', requirement: 'the certificate must not be expired or not yet valid', status: 'fail', detail: `not valid before ${cert.notBefore.toISOString()}`, hint: HINT_EXPIRED, source: 'seed 001, seed 003' });
  else if (now > cert.notAfter.getTime())
    add({ id: 'validity', requirement: 'the certificate must not be expired', status: 'fail', detail: `expired on ${cert.notAfter.toISOString()}`, hint: HINT_EXPIRED, source: 'seed 001, seed 003' });
  else {
    const days = Math.floor((cert.notAfter.getTime() - now) / DAY);
    add({ id: 'validity', requirement: 'the certificate must not be expired', status: days < 30 ? 'warn' : 'pass', detail: `valid until ${cert.notAfter.toISOString()} (${days} days left)`, ...(days < 30 ? { hint: expiringHint(days) } : {}), source: 'seed 001, seed 003' });
  }

  add({ id: 'x509-v3', requirement: 'X.509 version 3 (key usage and EKU need extensions)', status: cert.version === 3 ? 'pass' : 'fail', detail: `version ${cert.version}`, source: 'seed 003 ("a self-signed X.509 v3 certificate")' });

  const req = purpose ? PURPOSE_REQUIREMENTS[purpose] : { keyUsage: [], extendedKeyUsage: [], minKeySize: 2048, acceptedHashes: ['sha256', 'sha384', 'sha512'] };

  if (cert.keyType === 'RSA')
    add({ id: 'key-size', requirement: `RSA key of at least ${req.minKeySize} bits`, status: cert.keySize >= req.minKeySize ? 'pass' : 'fail', detail: `RSA ${cert.keySize} bits`, ...(cert.keySize < req.minKeySize ? { hint: `create a new certificate with --key-size ${req.minKeySize} (seed 001: -len 2048)` } : {}), source: src });
  else
    add({ id: 'key-size', requirement: 'an RSA key (makecert -len 2048 -sky signature/exchange)', status: 'fail', detail: `${cert.keyType} ${cert.keySize || '?'} bits`, hint: 'HPC Pack, VMM and the RD Gateway plug-in expect RSA: create the certificate with an RSA 2048-bit key', source: src });

  const hashOk = req.acceptedHashes.includes(cert.signatureHash);
  add({ id: 'signature-hash', requirement: `signature hash ${req.acceptedHashes.join('/')}`, status: hashOk ? 'pass' : 'fail', detail: cert.signatureAlgorithm, ...(hashOk ? {} : { hint: 'seed 001 item 5 requires SHA-256 (makecert -a sha256); seed 003\'s "makecert -a sha1" example is outdated: re-create with --hash sha256' }), source: src });

  if (req.keyUsage.length > 0) {
    const have = cert.keyUsage ?? [];
    const missing = req.keyUsage.filter((k) => !have.includes(k));
    add({ id: 'key-usage', requirement: `key usage contains ${req.keyUsage.join(', ')}`, status: missing.length === 0 ? 'pass' : 'fail', detail: cert.keyUsage ? `key usage: ${have.join(', ') || '(empty)'}` : 'no key usage extension', ...(missing.length ? { hint: `re-create the certificate with key usage ${missing.join(', ')} (New-SelfSignedCertificate -KeyUsage ${missing.map((k) => PS_KEY_USAGE[k] ?? k).join(',')}, or junction cert new --purpose ${purpose})` } : {}), source: src });
  }
  if (req.extendedKeyUsage.length > 0) {
    const have = cert.extendedKeyUsage ?? [];
    const missing = req.extendedKeyUsage.filter((k) => !have.includes(k));
    add({ id: 'extended-key-usage', requirement: `enhanced key usage contains ${req.extendedKeyUsage.map(ekuLabel).join(', ')}`, status: missing.length === 0 ? 'pass' : 'fail', detail: cert.extendedKeyUsage ? `EKU: ${have.map(ekuLabel).join(', ') || '(empty)'}` : 'no enhanced key usage extension', ...(missing.length ? { hint: `re-create the certificate with EKU ${missing.join(', ')} (makecert -eku ${missing.join(',')}, or junction cert new --purpose ${purpose})` } : {}), source: src });
  }

  if (purpose === 'ca')
    add({ id: 'basic-constraints', requirement: 'basic constraints CA=true', status: cert.isCa ? 'pass' : 'fail', detail: cert.isCa ? 'CA' : 'not a CA', ...(cert.isCa ? {} : { hint: 'create the CA with junction cert new --purpose ca' }), source: src });

  if (purpose === 'rd-gateway-tls') {
    const dns = cert.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
    add({ id: 'subject-alt-names', requirement: 'subject alternative names carry the public FQDN of the RD Gateway', status: dns.length > 0 ? 'pass' : 'fail', detail: dns.length ? `DNS: ${dns.join(', ')}` : 'no DNS names', ...(dns.length ? {} : { hint: 'clients match the name against the SANs, not the CN: add --san rdconnect.contoso.com' }), source: src });
  }

  // Trust chain (seed 001 item 4; seed 003 "Certificate chain is broken").
  if (cert.selfSigned)
    add({ id: 'chain', requirement: 'the issuing root must be in Trusted Root Certification Authorities', status: 'info', detail: 'self-signed: the certificate is its own root', hint: 'import the .cer (without the key) into LocalMachine\\Root on every machine that validates it — see the placements in the workspace', source: 'seed 001, seed 003' });
  else {
    const issuerInFile = file.certificates.slice(1).find((c) => c.subject === cert.issuer);
    if (issuerInFile) {
      const ok = signedBy(cert, issuerInFile);
      add({ id: 'chain', requirement: 'the certificate chains to its issuer', status: ok ? 'pass' : 'fail', detail: ok ? `signed by ${issuerInFile.subject} (in this file, thumbprint ${issuerInFile.thumbprint})` : `the signature does not verify with ${issuerInFile.subject} from this file`, ...(ok ? { hint: 'the issuing CA\'s .cer must still be in Trusted Root on each machine' } : { hint: HINT_CHAIN }), source: 'seed 003' });
    } else
      add({ id: 'chain', requirement: 'the issuing CA must be trusted', status: 'warn', detail: `issued by ${cert.issuer}, which is not in this file`, hint: HINT_CHAIN, source: 'seed 003' });
  }

  // Private key: VMM, the head node and the RD Gateway's TLS binding import a .pfx.
  if (file.format === 'pfx') {
    const matches = file.privateKeyModulus !== undefined && cert.rsa?.n === file.privateKeyModulus;
    add({ id: 'private-key', requirement: 'the .pfx carries the private key of its certificate', status: !file.hasPrivateKey ? 'fail' : cert.keyType !== 'RSA' || matches ? 'pass' : 'fail', detail: !file.hasPrivateKey ? 'no private key in the file' : matches ? 'private key present and matches the certificate' : cert.keyType === 'RSA' ? 'the private key does not belong to the certificate' : 'private key present', ...(!file.hasPrivateKey ? { hint: HINT_NO_KEY } : !matches && cert.keyType === 'RSA' ? { hint: HINT_MISMATCH } : {}), source: 'seed 003' });
    if (file.pfx) {
      const p = file.pfx.profile;
      const weak = weakPfxCipher(file.pfx.keyEncryption, file.pfx.certEncryption);
      const hint = weak
        ? `${weak}: every Windows release opens it, but OpenSSL 3 needs -legacy to open it (RC2 and RC4 are only in its legacy provider). Neither Junction profile; re-export with the legacy profile (3DES throughout) if OpenSSL 3 must read it.`
        : p === 'modern' ? PFX_PROFILES.modern.windows : p === 'legacy' ? PFX_PROFILES.legacy.windows : 'neither Junction profile: test the import on the oldest Windows that needs it';
      add({ id: 'pfx-profile', requirement: 'PFX encryption the target Windows can open', status: 'info', detail: `MAC ${file.pfx.mac}, key ${file.pfx.keyEncryption}, certificates ${file.pfx.certEncryption} (${p} profile)`, hint, source: 'reference: PKCS#12 legacy vs modern' });
      if (file.hasPrivateKey && cert.keyType === 'RSA') add(keyProviderCheck(file.pfx.keyProvider, purpose === 'remote-console'));
    }
  } else if (purpose && purpose !== 'ca')
    add({ id: 'private-key', requirement: 'stores of form pfx need the certificate with its key', status: 'info', detail: `${file.format.toUpperCase()} file without a private key: good for Trusted Root and the Azure subscription upload`, hint: HINT_NO_KEY, source: 'seed 003 (stores table)' });

  if (opts.thumbprint !== undefined) {
    const problem = thumbprintProblem(opts.thumbprint);
    const same = normaliseThumbprint(opts.thumbprint) === cert.thumbprint;
    add({ id: 'thumbprint', requirement: 'the recorded thumbprint is 40 hex digits and names this certificate', status: !problem && same ? 'pass' : 'fail', detail: problem ? `the thumbprint ${problem}` : same ? 'matches' : `${normaliseThumbprint(opts.thumbprint)} is not this certificate (${cert.thumbprint})`, ...(!problem && same ? {} : { hint: HINT_THUMBPRINT }), source: 'seed 003' });
  }

  if (opts.counterpart) {
    const other = opts.counterpart.certificates[0]!;
    const same = other.thumbprint === cert.thumbprint;
    add({ id: 'counterpart', requirement: 'the .cer and the .pfx hold the same certificate', status: same ? 'pass' : 'fail', detail: same ? `both ${cert.thumbprint}` : `${cert.thumbprint} vs ${other.thumbprint}`, ...(same ? {} : { hint: HINT_MISMATCH }), source: 'seed 003' });
  }

  return { purpose, purposeInferred: opts.purpose === undefined && purpose !== undefined, file, certificate: cert, checks, ok: !checks.some((c) => c.status === 'fail') };
}
