// Certificates (seeds 001, 003): most rows of seed 003's troubleshooting table and most of seed 001's
// Remote Console failures come from a certificate made or placed wrongly. Checked from the declared properties;
// `junction cert inspect` checks the real file against the same table.
import type { FindingDraft, Rule } from '../types';
import type { Lookup } from '../../model/lookup';
import { hostsWithRole } from '../../model/lookup';
import type { Certificate } from '../../model/schema';
import {
  OID_CLIENT_AUTH,
  PURPOSE_REQUIREMENTS,
  hpcManagementPlacements,
  remoteConsolePlacements,
  thumbprintProblem,
  type RequiredPlacement,
} from '../../pki/requirements';

const DAY = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

const each = (l: Lookup, f: (c: Certificate, i: number) => FindingDraft[]): FindingDraft[] =>
  l.ws.certificates.flatMap(f);

export const certificateValidity: Rule = {
  id: 'CERT001',
  name: 'certificate-expired',
  severity: 'error',
  seeds: ['001', '003'],
  title: 'Certificates are valid now and not about to expire',
  explanation:
    'An expired management certificate gives "There was a problem with the certificate with thumbprint"; an expired Remote Console certificate breaks every console session. Renewal needs the import steps again, so Junction warns 30 days ahead.',
  check({ lookup: l, now }) {
    return each(l, (c, i) => {
      const notAfter = new Date(c.notAfter);
      const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY);
      if (notAfter <= now)
        return [
          {
            message: `certificate "${c.id}" expired on ${c.notAfter.slice(0, 10)}`,
            path: ['certificates', i, 'notAfter'],
            fix: 'create a new certificate (junction cert new) and run its import steps again',
          },
        ];
      if (c.notBefore && new Date(c.notBefore) > now)
        return [
          {
            message: `certificate "${c.id}" is not valid before ${c.notBefore.slice(0, 10)}`,
            path: ['certificates', i, 'notBefore'],
            fix: 'check the clock of the machine that made it, or wait until it becomes valid',
          },
        ];
      if (days < EXPIRY_WARNING_DAYS)
        return [
          {
            message: `certificate "${c.id}" expires in ${days} day${days === 1 ? '' : 's'} (${c.notAfter.slice(0, 10)})`,
            path: ['certificates', i, 'notAfter'],
            fix: 'renew it now and schedule the import steps before it lapses',
            severity: 'warning',
          },
        ];
      return [];
    });
  },
};

export const keyUsage: Rule = {
  id: 'CERT002',
  name: 'missing-key-usage',
  severity: 'error',
  seeds: ['001'],
  title: 'Key usage matches the purpose (Remote Console: digital signature)',
  explanation:
    'VMM signs Remote Console tokens with the certificate; without the digital signature key usage Hyper-V and the RD Gateway reject them.',
  check({ lookup: l }) {
    return each(l, (c, i) => {
      const missing = PURPOSE_REQUIREMENTS[c.purpose].keyUsage.filter(
        (u) => !c.keyUsage.includes(u as never),
      );
      return missing.length
        ? [
            {
              message: `${c.purpose} certificate "${c.id}" lacks key usage ${missing.join(', ')}`,
              path: ['certificates', i, 'keyUsage'],
              fix: `add ${missing.map((m) => `"${m}"`).join(', ')} to keyUsage and re-create the certificate`,
            },
          ]
        : [];
    });
  },
};

export const extendedKeyUsage: Rule = {
  id: 'CERT003',
  name: 'missing-extended-key-usage',
  severity: 'error',
  seeds: ['001'],
  title:
    'Remote Console certificates carry the Client Authentication EKU (1.3.6.1.5.5.7.3.2); TLS ones Server Authentication',
  explanation:
    "Seed 001's requirement 3: the Enhanced Key Usage must contain Client Authentication. New-SelfSignedCertificate's default (Server Authentication) silently produces a certificate VMM accepts and Hyper-V rejects.",
  check({ lookup: l }) {
    return each(l, (c, i) => {
      const missing = PURPOSE_REQUIREMENTS[c.purpose].extendedKeyUsage.filter(
        (o) => !c.extendedKeyUsage.includes(o),
      );
      return missing.length
        ? [
            {
              message: `${c.purpose} certificate "${c.id}" lacks EKU ${missing.map((o) => (o === OID_CLIENT_AUTH ? `${o} (Client Authentication)` : `${o} (Server Authentication)`)).join(', ')}`,
              path: ['certificates', i, 'extendedKeyUsage'],
              fix: `add ${missing.map((m) => `"${m}"`).join(', ')} to extendedKeyUsage and re-create the certificate`,
            },
          ]
        : [];
    });
  },
};

export const weakHash: Rule = {
  id: 'CERT004',
  name: 'weak-signature-hash',
  severity: 'error',
  seeds: ['001', '003'],
  title: 'Certificates are signed with SHA-256 or stronger',
  explanation:
    "Remote Console requires a SHA-256 capable certificate (seed 001); seed 003's makecert example still uses -a sha1, which current Windows and Azure treat as weak.",
  check({ lookup: l }) {
    return each(l, (c, i) =>
      PURPOSE_REQUIREMENTS[c.purpose].acceptedHashes.includes(c.signatureHash)
        ? []
        : [
            {
              message: `certificate "${c.id}" is signed with ${c.signatureHash.toUpperCase()}`,
              path: ['certificates', i, 'signatureHash'],
              fix: 'set signatureHash to "sha256" and re-create the certificate (makecert: -a sha256; New-SelfSignedCertificate: -HashAlgorithm SHA256)',
              severity: c.purpose === 'remote-console' ? 'error' : 'warning',
            },
          ],
    );
  },
};

export const weakKey: Rule = {
  id: 'CERT005',
  name: 'weak-key',
  severity: 'error',
  seeds: ['001', '003'],
  title: 'RSA keys are at least 2048 bits',
  explanation:
    'Both seeds create 2048-bit keys; Azure and current Windows reject shorter RSA keys for these uses.',
  check({ lookup: l }) {
    return each(l, (c, i) => {
      const min = PURPOSE_REQUIREMENTS[c.purpose].minKeySize;
      return c.keyAlgorithm === 'RSA' && c.keySize < min
        ? [
            {
              message: `certificate "${c.id}" has a ${c.keySize}-bit RSA key`,
              path: ['certificates', i, 'keySize'],
              fix: `use ${min} bits or more and re-create the certificate`,
            },
          ]
        : [];
    });
  },
};

export const thumbprintFormat: Rule = {
  id: 'CERT006',
  name: 'thumbprint-format',
  severity: 'error',
  seeds: ['003'],
  title: 'Thumbprints are 40 hexadecimal digits without spaces',
  explanation:
    'Seed 003: "Ensure that the certificate thumbprint contains the required number of characters, does not contain spaces". A thumbprint pasted from the certificate dialog carries spaces and an invisible left-to-right mark.',
  check({ lookup: l }) {
    return each(l, (c, i) => {
      const p = c.thumbprint === undefined ? undefined : thumbprintProblem(c.thumbprint);
      return p
        ? [
            {
              message: `thumbprint of "${c.id}" ${p}`,
              path: ['certificates', i, 'thumbprint'],
              fix: 'paste it again and keep only the 40 hex digits (junction cert inspect prints it in the right form)',
            },
          ]
        : [];
    });
  },
};

export function requiredPlacements(l: Lookup, c: Certificate): RequiredPlacement[] {
  const hosts = (role: Parameters<typeof hostsWithRole>[1]) => hostsWithRole(l, role).map((e) => e.value);
  if (c.purpose === 'hpc-management') {
    const azureSites = c.placements.some((p) => p.store === 'AzureSubscription')
      ? []
      : [...l.sites.values()]
          .filter((s) => s.value.kind === 'azure')
          .slice(0, 1)
          .map((s) => s.value.id);
    return hpcManagementPlacements(c, hosts('head-node'), hosts('client-computer'), azureSites);
  }
  if (c.purpose === 'remote-console')
    return remoteConsolePlacements(c, hosts('vmm-server'), hosts('hyperv-host'), hosts('rd-gateway'));
  return [];
}

export const missingPlacement: Rule = {
  id: 'CERT007',
  name: 'missing-placement',
  severity: 'error',
  seeds: ['001', '003'],
  title: 'Each certificate is placed in every store its purpose and HPC Pack version require',
  explanation:
    'Seed 003: "No certificate available when browsing for management certificates" means the private key is missing from a required store; seed 001: Hyper-V ignores tokens until the certificate is in Trusted Root. Which stores depends on the HPC Pack version.',
  check({ lookup: l }) {
    return each(l, (c, i) =>
      requiredPlacements(l, c)
        .filter((r) => !c.placements.some((p) => p.host === r.host && p.store === r.store))
        .map((r) => ({
          message: `certificate "${c.id}" is not placed in ${r.store} on "${r.host}": ${r.why}`,
          path: ['certificates', i, 'placements'],
          fix: `add { "host": "${r.host}", "store": "${r.store.replace('\\', '\\\\')}", "form": "${r.form}" } to placements`,
        })),
    );
  },
};

export const wrongForm: Rule = {
  id: 'CERT008',
  name: 'wrong-form-for-store',
  severity: 'error',
  seeds: ['001', '003'],
  title: 'Personal stores and the VMM database get the .pfx; trust stores and Azure get the .cer',
  explanation:
    'A .cer in Personal has no private key, so HPC Pack cannot sign with it ("No certificate available"); a .pfx in Trusted Root spreads the private key; Azure accepts only the .cer.',
  check({ lookup: l }) {
    return each(l, (c, i) => {
      const required = requiredPlacements(l, c);
      return c.placements.flatMap((p, j) => {
        const want = expectedForm(
          c,
          p.store,
          required.find((r) => r.host === p.host && r.store === p.store)?.form,
        );
        if (!want || p.form === want) return [];
        return [
          {
            message:
              want === 'pfx'
                ? `${p.store} on "${p.host}" needs the .pfx (certificate with private key), not the .cer`
                : `${p.store} on "${p.host}" gets the .pfx: ${p.store === 'AzureSubscription' ? 'Azure accepts only the .cer' : 'the private key does not belong in a trust store'}`,
            path: ['certificates', i, 'placements', j, 'form'],
            fix: `set "form": "${want}"`,
          },
        ];
      });
    });
  },
};

/** undefined: either form is acceptable there. */
function expectedForm(
  c: Certificate,
  store: string,
  requiredForm: 'pfx' | 'cer' | undefined,
): 'pfx' | 'cer' | undefined {
  if (requiredForm) return requiredForm;
  if (store === 'AzureSubscription') return 'cer';
  if (store === 'VMMDatabase') return 'pfx';
  if (store.endsWith('\\Root')) return 'cer';
  // An RD Gateway validates Remote Console tokens with the public certificate only (seed 001).
  if (store.endsWith('\\My')) return c.purpose === 'remote-console' ? undefined : 'pfx';
  return undefined;
}

export const tlsNames: Rule = {
  id: 'CERT009',
  name: 'tls-name-mismatch',
  severity: 'error',
  seeds: ['001'],
  title: "An RD Gateway TLS certificate names the gateway's public FQDN",
  explanation:
    'Clients connect to the RD Gateway by its public FQDN; a certificate without that name fails the TLS handshake before Remote Console starts.',
  check({ lookup: l }) {
    return each(l, (c, i) => {
      if (c.purpose !== 'rd-gateway-tls') return [];
      const fqdns = c.placements
        .map((p) => l.hosts.get(p.host)?.value)
        .filter((h) => h?.roles.includes('rd-gateway') && h.fqdn)
        .map((h) => h!.fqdn!.toLowerCase());
      const names = [
        ...c.subjectAltNames.map((s) => s.toLowerCase()),
        c.subject.replace(/^CN=/i, '').toLowerCase(),
      ];
      return fqdns
        .filter((f) => !names.includes(f))
        .map((f) => ({
          message: `TLS certificate "${c.id}" does not name ${f}`,
          path: ['certificates', i, 'subjectAltNames'],
          fix: `add "${f}" to subjectAltNames`,
        }));
    });
  },
};

export const CERTIFICATE_RULES: readonly Rule[] = [
  certificateValidity,
  keyUsage,
  extendedKeyUsage,
  weakHash,
  weakKey,
  thumbprintFormat,
  missingPlacement,
  wrongForm,
  tlsNames,
];
