// What each certificate purpose demands (seeds 001 and 003), as data, so the lint rules, the certificate
// audit and the import-script generator all answer from one table.
import type { CertStore, Certificate, Host } from '../model/schema';

export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export interface PurposeRequirements {
  keyUsage: readonly string[];
  extendedKeyUsage: readonly string[];
  minKeySize: number;
  /** Hashes the consumer accepts; SHA-1 fails Remote Console token signing. */
  acceptedHashes: readonly string[];
}

export const PURPOSE_REQUIREMENTS: Record<Certificate['purpose'], PurposeRequirements> = {
  'remote-console': {
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [OID_CLIENT_AUTH],
    minKeySize: 2048,
    acceptedHashes: ['sha256', 'sha384', 'sha512'],
  },
  'hpc-management': { keyUsage: [], extendedKeyUsage: [], minKeySize: 2048, acceptedHashes: ['sha256', 'sha384', 'sha512'] },
  'rd-gateway-tls': {
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: [OID_SERVER_AUTH],
    minKeySize: 2048,
    acceptedHashes: ['sha256', 'sha384', 'sha512'],
  },
  ca: { keyUsage: ['keyCertSign'], extendedKeyUsage: [], minKeySize: 2048, acceptedHashes: ['sha256', 'sha384', 'sha512'] },
};

export interface RequiredPlacement {
  host: string;
  store: CertStore;
  form: 'pfx' | 'cer';
  why: string;
}

type HpcVersion = NonNullable<Host['hpcPackVersion']>;

/** HPC Pack 2008 R2 SP3/SP4 and 2012 RTM also need the certificate in Current User stores (seed 003). */
function needsCurrentUserStores(v: HpcVersion): boolean {
  return v === '2008R2-SP3' || v === '2008R2-SP4' || v === '2012';
}

/** Self-signed and workspace-CA certificates are not trusted anywhere until someone imports the root. */
function selfSignedOrPrivateCa(c: Certificate): boolean {
  return c.issuer !== 'trusted-ca';
}

/**
 * Where an HPC Azure management certificate must be, per seed 003's table:
 *   head node: LocalMachine\My (.pfx), LocalMachine\Root (.cer) for a self-signed or workspace-CA certificate,
 *              CurrentUser\My (.pfx) before HPC Pack 2012 SP1 (2008 R2 SP1/SP2: LocalMachine\Root only);
 *   client:    CurrentUser\My (.pfx) and CurrentUser\Root (.cer) before HPC Pack 2012 SP1, nothing after;
 *   Azure:     the subscription, .cer only.
 */
export function hpcManagementPlacements(c: Certificate, heads: Host[], clients: Host[], azureSites: string[]): RequiredPlacement[] {
  const out: RequiredPlacement[] = [];
  const untrustedRoot = selfSignedOrPrivateCa(c);
  for (const h of heads) {
    const v = h.hpcPackVersion;
    if (!v) continue;
    if (v === '2008R2-SP1' || v === '2008R2-SP2') {
      out.push({ host: h.id, store: 'LocalMachine\\Root', form: 'pfx', why: `HPC Pack ${v} reads the management certificate with its key from Local Computer\\Trusted Root` });
      continue;
    }
    out.push({ host: h.id, store: 'LocalMachine\\My', form: 'pfx', why: 'every head node needs the certificate with its private key in Local Computer\\Personal' });
    if (untrustedRoot)
      out.push({ host: h.id, store: 'LocalMachine\\Root', form: 'cer', why: 'a self-signed or private-CA certificate must be trusted: Local Computer\\Trusted Root (.cer)' });
    if (needsCurrentUserStores(v))
      out.push({ host: h.id, store: 'CurrentUser\\My', form: 'pfx', why: `HPC Pack ${v} (before 2012 SP1) also needs Current User\\Personal (.pfx)` });
  }
  for (const h of clients) {
    const v = h.hpcPackVersion;
    if (!v || !needsCurrentUserStores(v)) continue;
    out.push({ host: h.id, store: 'CurrentUser\\My', form: 'pfx', why: `client computers on HPC Pack ${v} need Current User\\Personal (.pfx)` });
    if (untrustedRoot)
      out.push({ host: h.id, store: 'CurrentUser\\Root', form: 'cer', why: `client computers on HPC Pack ${v} need Current User\\Trusted Root (.cer)` });
  }
  for (const s of azureSites)
    out.push({ host: s, store: 'AzureSubscription', form: 'cer', why: 'the subscription must hold the .cer or Azure answers 403 Forbidden' });
  return out;
}

/**
 * Remote Console (seed 001): VMM holds the .pfx in its database (Set-SCVMMServer); each Hyper-V host trusts the
 * self-signed .cer in Local Computer\Trusted Root before VMM pushes it; each RD Gateway has it in My and Root.
 */
export function remoteConsolePlacements(c: Certificate, vmm: Host[], hyperv: Host[], rdgw: Host[]): RequiredPlacement[] {
  const out: RequiredPlacement[] = [];
  const selfSigned = selfSignedOrPrivateCa(c);
  for (const h of vmm) out.push({ host: h.id, store: 'VMMDatabase', form: 'pfx', why: 'Set-SCVMMServer imports the .pfx into the VMM database' });
  if (selfSigned)
    for (const h of hyperv)
      out.push({ host: h.id, store: 'LocalMachine\\Root', form: 'cer', why: 'Hyper-V accepts tokens only from a trusted issuer: import the .cer into Trusted Root, then restart vmms' });
  for (const h of rdgw) {
    out.push({ host: h.id, store: 'LocalMachine\\My', form: 'cer', why: 'the RD Gateway validates tokens against the certificate in Local Computer\\Personal' });
    if (selfSigned) out.push({ host: h.id, store: 'LocalMachine\\Root', form: 'cer', why: 'a self-signed certificate must also be in the RD Gateway\'s Trusted Root' });
  }
  return out;
}

/** Windows shows thumbprints as 40 hex digits; copies from the certificate dialog carry spaces and a hidden U+200E. */
export function thumbprintProblem(t: string): string | undefined {
  if (/[\s\u200e\u200f]/.test(t)) return 'contains spaces or invisible characters (copied from the certificate dialog)';
  if (!/^[0-9A-Fa-f]*$/.test(t)) return 'contains characters other than hexadecimal digits';
  if (t.length !== 40) return `has ${t.length} characters instead of 40`;
  return undefined;
}

export function normaliseThumbprint(t: string): string {
  return t.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
}
