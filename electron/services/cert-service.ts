// Host side of the certificate channels: create (ad hoc or from a workspace entry) and inspect/audit. Passwords
// arrive in the request and go straight into the PFX builder or parser; they are never stored or logged.
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ApiError,
  type ApiRequest,
  type CertAudit,
  type CertCreateResult,
  type CertOptions,
  type CertPurposeId,
} from '../../shared/api/contract';
import { PkiError } from '../../shared/pki/errors';
import type { CertSpec } from '../../shared/pki/build';
import { PFX_PROFILES, type PfxProfile } from '../../shared/pki/pkcs12';
import { parseCertificateFile, type ParsedFile } from '../../shared/pki/parse';
import { auditCertificate, ekuLabel } from '../../shared/pki/audit';
import { profileForPlacements } from '../../shared/pki/profile-choice';
import { createCertificateFiles } from '../pki/create';
import { workspaceOrThrow } from './generate-service';
import type { KeyStore } from './keystore-service';

const DAY = 86_400_000;

export const CERT_OPTIONS: CertOptions = {
  purposes: [
    {
      id: 'remote-console',
      label: 'Remote Console (VMM)',
      explain: 'seed 001: digital signature, EKU Client Authentication, SHA-256, RSA 2048+',
      defaultDays: 730,
    },
    {
      id: 'hpc-management',
      label: 'HPC Azure management',
      explain: 'seed 003: the head node and clients authenticate to the Azure subscription with it',
      defaultDays: 730,
    },
    {
      id: 'rd-gateway-tls',
      label: 'RD Gateway / TLS',
      explain: 'seed 001: Server Authentication; SANs carry the public FQDN clients connect to',
      defaultDays: 730,
    },
    {
      id: 'ca',
      label: 'Workspace CA',
      explain: 'issues the other certificates; its .cer goes to Trusted Root',
      defaultDays: 3650,
    },
  ],
  profiles: {
    modern: { summary: PFX_PROFILES.modern.summary, windows: PFX_PROFILES.modern.windows },
    legacy: { summary: PFX_PROFILES.legacy.summary, windows: PFX_PROFILES.legacy.windows },
  },
};

function pki(channel: string, file: string | undefined, e: unknown): never {
  if (e instanceof PkiError)
    throw new ApiError('failed', `${channel}: ${file ? `${file}: ` : ''}${e.message} — ${e.fix}`);
  throw e;
}

function slug(subject: string): string {
  const cn = /CN=([^,]+)/i.exec(subject)?.[1] ?? 'certificate';
  return (
    cn
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-|-$/g, '') || 'certificate'
  );
}

async function refuseOverwrite(channel: string, outDir: string, name: string): Promise<void> {
  for (const ext of ['cer', 'pem', 'pfx']) {
    const p = join(outDir, `${name}.${ext}`);
    if (
      await access(p).then(
        () => true,
        () => false,
      )
    )
      throw new ApiError(
        'bad-request',
        `${channel}: ${p} already exists — choose another name or folder; Junction never overwrites a key`,
      );
  }
}

export function auditToContract(
  file: string,
  parsed: ParsedFile,
  purpose: CertPurposeId | undefined,
  now = new Date(),
): CertAudit {
  const r = auditCertificate(parsed, { now, ...(purpose ? { purpose } : {}) });
  const c = r.certificate;
  return {
    file,
    format: parsed.format,
    purpose: r.purpose ?? null,
    purposeInferred: r.purposeInferred,
    certificate: {
      subject: c.subject,
      issuer: c.issuer,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      keyType: c.keyType,
      keySize: c.keySize,
      signatureAlgorithm: c.signatureAlgorithm,
      keyUsage: c.keyUsage ?? null,
      extendedKeyUsage: c.extendedKeyUsage
        ? c.extendedKeyUsage.map((oid) => ({ oid, label: ekuLabel(oid) }))
        : null,
      subjectAltNames: c.subjectAltNames,
      isCa: c.isCa,
      selfSigned: c.selfSigned,
      serialNumber: c.serialNumber,
      thumbprint: c.thumbprint,
    },
    chain: parsed.certificates.slice(1).map((x) => ({ subject: x.subject, thumbprint: x.thumbprint })),
    hasPrivateKey: parsed.hasPrivateKey,
    ...(parsed.pfx ? { pfx: parsed.pfx } : {}),
    checks: r.checks,
    ok: r.ok,
  };
}

async function readCert(channel: string, path: string, password?: string): Promise<ParsedFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ApiError('not-found', `${channel}: ${path}: no such file — check the path`);
    if (code === 'EISDIR')
      throw new ApiError(
        'bad-request',
        `${channel}: ${path} is a folder — point at a .cer, .crt, .pem or .pfx file`,
      );
    throw e;
  }
  try {
    return parseCertificateFile(bytes, password);
  } catch (e) {
    return pki(channel, path, e);
  }
}

export async function inspect(req: ApiRequest<'cert.inspect'>): Promise<CertAudit> {
  const path = resolve(req.path);
  const parsed = await readCert('cert.inspect', path, req.password);
  return auditToContract(path, parsed, req.purpose);
}

async function createAndAudit(
  channel: string,
  spec: CertSpec,
  keySize: number,
  profile: PfxProfile,
  profileReason: string,
  password: string,
  outDir: string,
  name: string,
  friendlyName: string | undefined,
): Promise<Omit<CertCreateResult, 'placements'>> {
  await refuseOverwrite(channel, outDir, name);
  let created;
  try {
    created = await createCertificateFiles({
      spec,
      keySize,
      profile,
      password,
      outDir,
      name,
      ...(friendlyName ? { friendlyName } : {}),
    });
  } catch (e) {
    return pki(channel, undefined, e);
  }
  const audit = auditToContract(created.files.cer, await readCert(channel, created.files.cer), spec.purpose);
  return {
    purpose: spec.purpose,
    subject: spec.subject,
    thumbprint: created.thumbprint,
    serialNumber: created.serialNumber,
    profile,
    profileReason,
    files: created.files,
    audit,
  };
}

/**
 * With `keepKey`, checks the key store can take the key before anything is created (a refusal leaves no files),
 * then keeps the new key by reading it back from the .pfx just written, with its password, in memory.
 */
function keeper(
  channel: string,
  req: { keepKey?: boolean | undefined; acceptWeakStorage?: boolean | undefined },
  keys: KeyStore | undefined,
): (pfx: string, password: string, label: string) => Promise<Pick<CertCreateResult, 'storedKey'>> {
  if (!req.keepKey) return async () => ({});
  const fix =
    'create it without keepKey: the password-protected .pfx holds the key, and can be imported into the desktop app later';
  if (!keys) throw new ApiError('bad-request', `${channel}: keepKey: this host has no key store — ${fix}`);
  keys.assertCanStore(channel, req.acceptWeakStorage, fix);
  return async (pfx, password, label) => {
    try {
      return { storedKey: (await keys.keepPfx(channel, pfx, password, label, 'created')).key };
    } catch (e) {
      throw new ApiError(
        'failed',
        `${channel}: the certificate was created (${pfx}) but its key was not kept in the key store: ${(e as Error).message} — import ${pfx} with its password on the Generate & Bundle screen`,
      );
    }
  };
}

export async function create(req: ApiRequest<'cert.create'>, keys?: KeyStore): Promise<CertCreateResult> {
  const keep = keeper('cert.create', req, keys);
  const now = Date.now();
  // Backdated a little: a host whose clock runs slow would see a brand-new certificate as "not yet valid".
  const spec: CertSpec = {
    purpose: req.purpose,
    subject: req.subject,
    subjectAltNames: req.sans ?? [],
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + req.days * DAY),
    hash: req.hash ?? 'sha256',
  };
  const name = req.name ?? slug(req.subject);
  const friendly = /CN=([^,]+)/i.exec(req.subject)?.[1]?.trim();
  const r = await createAndAudit(
    'cert.create',
    spec,
    req.keySize,
    req.profile,
    'chosen on the Certificates screen',
    req.password,
    resolve(req.outDir),
    name,
    friendly,
  );
  return { ...r, placements: [], ...(await keep(r.files.pfx, req.password, friendly ?? name)) };
}

export async function createFromWorkspace(
  req: ApiRequest<'cert.createFromWorkspace'>,
  keys?: KeyStore,
): Promise<CertCreateResult> {
  const ch = 'cert.createFromWorkspace';
  const ws = workspaceOrThrow(ch, req.fileName, req.text);
  const keep = keeper(ch, req, keys);
  const index = ws.certificates.findIndex((c) => c.id === req.id);
  const c = ws.certificates[index];
  if (!c)
    throw new ApiError(
      'bad-request',
      `${ch}: id: no certificate "${req.id}" in the workspace (it has ${ws.certificates.map((x) => x.id).join(', ') || 'none'})`,
    );
  const at = `certificates[${index}]`;
  const bad = (msg: string) => new ApiError('bad-request', `${ch}: ${at}.${msg}`);
  if (c.keyAlgorithm !== 'RSA')
    throw bad(
      `keyAlgorithm is ${c.keyAlgorithm} — set it to RSA: HPC Pack, VMM and the RD Gateway plug-in expect RSA keys`,
    );
  if (c.signatureHash === 'sha1')
    throw bad('signatureHash is sha1 — set it to "sha256" (seed 001: makecert -a sha256)');
  if (![2048, 3072, 4096].includes(c.keySize))
    throw bad(`keySize is ${c.keySize} — set it to 2048, 3072 or 4096`);
  if (c.issuer === 'trusted-ca')
    throw bad(
      `issuer is trusted-ca — request it from your CA, then check what you receive with Inspect (purpose ${c.purpose})`,
    );
  if (c.issuer !== 'self')
    throw bad(
      `issuer is the workspace CA "${c.issuer}" — sign it with the CLI: junction cert new --from-workspace WS --id ${c.id} --issuer-pfx ${c.issuer}.pfx`,
    );
  const now = new Date();
  const notAfter = new Date(c.notAfter);
  if (notAfter.getTime() <= now.getTime())
    throw bad(`notAfter ${c.notAfter} is in the past — move it into the future`);
  const notBefore =
    c.notBefore && new Date(c.notBefore).getTime() < notAfter.getTime() ? new Date(c.notBefore) : now;
  const chosen = req.profile
    ? { profile: req.profile, reason: 'chosen on the Certificates screen' }
    : profileForPlacements(c, ws.hosts);
  const r = await createAndAudit(
    ch,
    {
      purpose: c.purpose,
      subject: c.subject,
      subjectAltNames: c.subjectAltNames,
      notBefore,
      notAfter,
      hash: c.signatureHash,
      keyUsage: c.keyUsage,
      extendedKeyUsage: c.extendedKeyUsage,
    },
    c.keySize,
    chosen.profile,
    chosen.reason,
    req.password,
    resolve(req.outDir),
    c.id,
    c.name,
  );
  return {
    ...r,
    placements: c.placements.map((p) => ({ ...p, file: p.form === 'pfx' ? r.files.pfx : r.files.cer })),
    recordAt: `${at}.thumbprint`,
    recordPath: ['certificates', index, 'thumbprint'],
    ...(await keep(r.files.pfx, req.password, c.name ?? c.id)),
  };
}
