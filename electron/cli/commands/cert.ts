// `junction cert new|inspect`: create certificates that meet the seeds' requirements, and audit any
// certificate file against them.
import { parseArgs } from 'node:util';
import { readFile, access } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import type { CliIo, Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { PkiError } from '../../../shared/pki/errors';
import { PURPOSES, type CertPurpose, type CertSpec, type SignatureHash } from '../../../shared/pki/build';
import { PFX_PROFILES, type PfxProfile } from '../../../shared/pki/pkcs12';
import { parseCertificateFile, type ParsedFile } from '../../../shared/pki/parse';
import { auditCertificate, ekuLabel, type AuditReport } from '../../../shared/pki/audit';
import { loadIssuerPfx } from '../../../shared/pki/issuer';
import { profileForPlacements } from '../../../shared/pki/profile-choice';
import { PASSWORD_ENV, readPassword } from '../../pki/password';
import { createCertificateFiles } from '../../pki/create';

const ISSUER_PASSWORD_ENV = 'JUNCTION_ISSUER_PFX_PASSWORD';
const DAY = 86_400_000;

const USAGE = `junction cert new --purpose P --subject "CN=..." [options] --out DIR
junction cert new --from-workspace WS --id CERT-ID [--out DIR]
junction cert inspect FILE [--password-file F] [--purpose P] [--thumbprint T] [--match FILE] [--json]

  new      creates NAME.cer (DER), NAME.pem and NAME.pfx (password-protected; the only file with the key)
    --purpose P            remote-console | hpc-management | rd-gateway-tls | ca
    --subject DN           e.g. "CN=Remote Console Connect"
    --san NAME             DNS name or IP (repeatable); rd-gateway-tls defaults to the CN
    --days N               validity (default 730; 3650 for a CA)
    --key-size N           RSA bits: 2048 (default), 3072 or 4096
    --hash H               sha256 (default), sha384, sha512
    --issuer-pfx F         sign with a workspace CA (made with --purpose ca) instead of self-signing
    --issuer-password-file F   its password (or ${ISSUER_PASSWORD_ENV})
    --profile modern|legacy    PFX encryption: modern = AES-256 + SHA-256 MAC (Windows Server 2019+);
                               legacy = 3DES + SHA-1 MAC (Windows Server 2016 and older, HPC Pack 2012)
    --password-file F      password for the new PFX, one line (or ${PASSWORD_ENV})
    --out DIR              where to write (default: current directory)   --name NAME   file base name
    --from-workspace WS --id ID   take purpose, subject, SANs, key size, hash, validity and key usages from the
                           workspace's certificates[] entry; the profile follows the hosts that import the .pfx
    --force                overwrite existing files

  inspect  prints subject, issuer, validity, key, signature hash, key usage, EKUs, SANs, the Windows thumbprint,
           then each seed requirement for the purpose as pass/fail with the fix from seed 003's troubleshooting table
    --purpose P            check against P (default: inferred from the EKUs)
    --thumbprint T         check a recorded thumbprint (format and that it names this certificate)
    --match FILE           check that FILE (e.g. the .cer uploaded to Azure) holds the same certificate
    --at DATE              audit as of DATE (ISO 8601)

  Exit codes: 0 ok, 1 a requirement failed (inspect), 2 bad input (unreadable file, wrong password, bad option).`;

function pkiToCli(file: string | undefined, e: unknown): never {
  if (e instanceof PkiError) throw new CliError(file ? `${file}: ${e.message}` : e.message, e.fix);
  throw e;
}

async function readInput(path: string, io: CliIo): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, path)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, 'check the path to the certificate file');
  }
}

function parsePurpose(p: string | undefined): CertPurpose | undefined {
  if (p === undefined) return undefined;
  if (!(PURPOSES as readonly string[]).includes(p)) throw new CliError(`--purpose "${p}" is not known`, `use one of ${PURPOSES.join(', ')}`);
  return p as CertPurpose;
}

function intOption(name: string, v: string | undefined, dflt: number, ok: (n: number) => boolean, fix: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || !ok(n)) throw new CliError(`--${name} "${v}" is not valid`, fix);
  return n;
}

function slug(subject: string): string {
  const cn = /CN=([^,]+)/i.exec(subject)?.[1] ?? 'certificate';
  return cn.trim().toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '') || 'certificate';
}

async function newCert(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      purpose: { type: 'string' },
      subject: { type: 'string' },
      san: { type: 'string', multiple: true },
      days: { type: 'string' },
      'key-size': { type: 'string' },
      hash: { type: 'string' },
      'issuer-pfx': { type: 'string' },
      'issuer-password-file': { type: 'string' },
      profile: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      'password-file': { type: 'string' },
      'from-workspace': { type: 'string' },
      id: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"`, 'see junction cert --help');
  if (values.profile !== undefined && values.profile !== 'modern' && values.profile !== 'legacy')
    throw new CliError(`--profile "${values.profile}" is not known`, 'use modern (Windows Server 2019+) or legacy (Windows Server 2016 and older)');

  const now = new Date();
  let spec: CertSpec;
  let keySize: number;
  let profile: PfxProfile = (values.profile as PfxProfile | undefined) ?? 'modern';
  let profileReason = values.profile ? 'chosen with --profile' : 'default; pass --profile legacy for Windows Server 2016 and older';
  let name = values.name;
  let friendlyName: string | undefined;
  let record: { workspace: string; index: number; placements: { host: string; store: string; form: string }[] } | undefined;

  if (values['from-workspace'] !== undefined) {
    if (!values.id) throw new CliError('--from-workspace needs --id, the id of the certificate in certificates[]', 'e.g. --from-workspace estate.junction.json --id cert-remote-console');
    for (const o of ['purpose', 'subject', 'san', 'days', 'key-size', 'hash'] as const)
      if (values[o] !== undefined) throw new CliError(`--${o} cannot be combined with --from-workspace`, 'edit the certificate in the workspace instead, or drop --from-workspace');
    const loaded = await loadOrExplain(resolve(io.cwd, values['from-workspace']), io);
    if (!loaded) return 2;
    const ws = loaded.workspace;
    const index = ws.certificates.findIndex((c) => c.id === values.id);
    const c = ws.certificates[index];
    if (!c) throw new CliError(`${values['from-workspace']}: no certificate with id "${values.id}"`, `certificates in this workspace: ${ws.certificates.map((x) => x.id).join(', ') || '(none)'}`);
    const at = `certificates[${index}]`;
    if (c.keyAlgorithm !== 'RSA') throw new CliError(`${at}.keyAlgorithm is ${c.keyAlgorithm}`, 'set keyAlgorithm to RSA: HPC Pack, VMM and the RD Gateway plug-in expect RSA keys');
    if (c.signatureHash === 'sha1') throw new CliError(`${at}.signatureHash is sha1, which Remote Console and current Windows reject`, `set ${at}.signatureHash to "sha256" (seed 001: makecert -a sha256)`);
    if (c.keySize < 2048 || ![2048, 3072, 4096].includes(c.keySize)) throw new CliError(`${at}.keySize is ${c.keySize}`, `set ${at}.keySize to 2048, 3072 or 4096`);
    if (c.issuer === 'trusted-ca')
      throw new CliError(`${at} is issued by a trusted CA, which Junction cannot sign for`, 'request it from your CA, then check what you receive with junction cert inspect FILE --purpose ' + c.purpose);
    if (c.issuer !== 'self' && !values['issuer-pfx'])
      throw new CliError(`${at} is issued by the workspace CA "${c.issuer}"`, `pass --issuer-pfx ${c.issuer}.pfx and --issuer-password-file F (create the CA first: junction cert new --from-workspace ${values['from-workspace']} --id ${c.issuer})`);
    const notAfter = new Date(c.notAfter);
    const notBefore = c.notBefore && new Date(c.notBefore).getTime() < notAfter.getTime() ? new Date(c.notBefore) : now;
    if (notAfter.getTime() <= now.getTime()) throw new CliError(`${at}.notAfter ${c.notAfter} is in the past`, `move ${at}.notAfter into the future`);
    spec = {
      purpose: c.purpose,
      subject: c.subject,
      subjectAltNames: c.subjectAltNames,
      notBefore,
      notAfter,
      hash: c.signatureHash,
      keyUsage: c.keyUsage,
      extendedKeyUsage: c.extendedKeyUsage,
    };
    keySize = c.keySize;
    if (!values.profile) ({ profile, reason: profileReason } = profileForPlacements(c, ws.hosts));
    name ??= c.id;
    friendlyName = c.name;
    record = { workspace: values['from-workspace'], index, placements: c.placements };
  } else {
    const purpose = parsePurpose(values.purpose);
    if (!purpose) throw new CliError('cert new needs --purpose', `one of ${PURPOSES.join(', ')}`);
    if (!values.subject) throw new CliError('cert new needs --subject', 'e.g. --subject "CN=Remote Console Connect"');
    const days = intOption('days', values.days, purpose === 'ca' ? 3650 : 730, (n) => n >= 1 && n <= 36500, 'give a whole number of days, e.g. --days 730');
    keySize = intOption('key-size', values['key-size'], 2048, (n) => [2048, 3072, 4096].includes(n), 'use 2048, 3072 or 4096 (the seeds require at least 2048)');
    const hash = values.hash ?? 'sha256';
    if (!['sha256', 'sha384', 'sha512'].includes(hash)) throw new CliError(`--hash "${hash}" is not allowed`, 'use sha256 (seed 001 requires SHA-256; SHA-1 is rejected), sha384 or sha512');
    // Backdate a little: a certificate that is "not yet valid" on a host whose clock runs slow fails like an expired one.
    const notBefore = new Date(now.getTime() - 5 * 60_000);
    spec = { purpose, subject: values.subject, subjectAltNames: values.san ?? [], notBefore, notAfter: new Date(now.getTime() + days * DAY), hash: hash as SignatureHash };
    name ??= slug(values.subject);
    friendlyName = /CN=([^,]+)/i.exec(values.subject)?.[1]?.trim();
  }

  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new CliError(`--name "${name}" is not a safe file name`, 'use letters, digits, dot, dash and underscore');
  const outDir = resolve(io.cwd, values.out ?? '.');
  if (!values.force)
    for (const ext of ['cer', 'pem', 'pfx']) {
      const p = resolve(outDir, `${name}.${ext}`);
      if (await access(p).then(() => true, () => false)) throw new CliError(`${relative(io.cwd, p) || p} already exists`, 'choose another --name or --out, or pass --force to overwrite it');
    }

  try {
    const password = (await readPassword({ file: values['password-file'], cwd: io.cwd, env: io.env, what: 'the new PFX', required: true, envName: PASSWORD_ENV }))!;
    let issuer;
    if (values['issuer-pfx']) {
      const bytes = await readInput(values['issuer-pfx'], io);
      const issuerPassword = (await readPassword({ file: values['issuer-password-file'], cwd: io.cwd, env: io.env, what: 'the issuer PFX', required: true, envName: ISSUER_PASSWORD_ENV }))!;
      try {
        issuer = loadIssuerPfx(bytes, issuerPassword);
      } catch (e) {
        pkiToCli(values['issuer-pfx'], e);
      }
    } else if (values['issuer-password-file']) throw new CliError('--issuer-password-file without --issuer-pfx', 'add --issuer-pfx CA.pfx, or drop it to self-sign');

    const result = await createCertificateFiles({ spec, keySize, ...(issuer ? { issuer } : {}), profile, password, outDir, name, ...(friendlyName ? { friendlyName } : {}) });
    const rel = (p: string) => relative(io.cwd, p) || p;
    if (values.json) {
      io.out(JSON.stringify({ thumbprint: result.thumbprint, serialNumber: result.serialNumber, profile, files: { cer: rel(result.files.cer), pem: rel(result.files.pem), pfx: rel(result.files.pfx) }, ...(record ? { recordAt: `certificates[${record.index}].thumbprint` } : {}) }, null, 2) + '\n');
      return 0;
    }
    io.out(`created ${spec.purpose} certificate ${spec.subject}${issuer ? ` issued by ${issuer.cert.subject.getField('CN')?.value ?? 'the CA'}` : ' (self-signed)'}\n`);
    io.out(`  ${rel(result.files.cer)}  DER certificate, public part only (${issuer ? 'Personal store' : 'Trusted Root'}, Azure subscription upload)\n`);
    io.out(`  ${rel(result.files.pem)}  PEM certificate\n`);
    io.out(`  ${rel(result.files.pfx)}  PFX with the private key, ${profile} profile (${profileReason})\n`);
    io.out(`      ${PFX_PROFILES[profile].summary}; opens on ${PFX_PROFILES[profile].windows}\n`);
    io.out(`  thumbprint ${result.thumbprint}\n`);
    if (record) {
      io.out(`record it in ${record.workspace}: certificates[${record.index}].thumbprint = "${result.thumbprint}"\n`);
      for (const p of record.placements) io.out(`  ${p.form === 'pfx' ? `${name}.pfx` : `${name}.cer`} -> ${p.host} ${p.store}\n`);
    }
    return 0;
  } catch (e) {
    return pkiToCli(undefined, e);
  }
}

function line(label: string, value: string): string {
  return `  ${label.padEnd(20)}${value}\n`;
}

function formatReport(shown: string, r: AuditReport): string {
  const c = r.certificate;
  let s = `${shown}: ${r.file.format.toUpperCase()}${r.file.certificates.length > 1 ? `, ${r.file.certificates.length} certificates (the first is described)` : ''}\n`;
  s += line('subject', c.subject);
  s += line('issuer', `${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`);
  s += line('valid', `${c.notBefore.toISOString()} .. ${c.notAfter.toISOString()}`);
  s += line('key', `${c.keyType} ${c.keySize} bits`);
  s += line('signature', c.signatureAlgorithm);
  s += line('key usage', c.keyUsage ? c.keyUsage.join(', ') || '(empty)' : '(no extension)');
  s += line('enhanced key usage', c.extendedKeyUsage ? c.extendedKeyUsage.map(ekuLabel).join(', ') || '(empty)' : '(no extension)');
  s += line('SANs', c.subjectAltNames.join(', ') || '(none)');
  s += line('CA', c.isCa ? 'yes' : 'no');
  s += line('private key', r.file.hasPrivateKey ? 'yes' : 'no');
  s += line('serial', c.serialNumber);
  s += line('thumbprint', c.thumbprint);
  s += `\nchecks for ${r.purpose ?? 'a general certificate'}${r.purposeInferred ? ' (purpose inferred from the EKUs; pass --purpose to choose)' : ''}:\n`;
  for (const k of r.checks) {
    s += `  ${k.status.toUpperCase().padEnd(5)} ${k.requirement}: ${k.detail}\n`;
    if (k.hint && k.status !== 'pass') s += `        ${k.hint}\n`;
  }
  const fails = r.checks.filter((k) => k.status === 'fail').length;
  s += fails ? `${shown}: ${fails} requirement${fails === 1 ? '' : 's'} failed\n` : `${shown}: meets every checked requirement\n`;
  return s;
}

async function inspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'password-file': { type: 'string' },
      purpose: { type: 'string' },
      thumbprint: { type: 'string' },
      match: { type: 'string' },
      'match-password-file': { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new CliError('cert inspect takes exactly one file', 'junction cert inspect FILE [--password-file F]');
  const file = positionals[0]!;
  const purpose = parsePurpose(values.purpose);
  let now = new Date();
  if (values.at !== undefined) {
    now = new Date(values.at);
    if (Number.isNaN(now.getTime())) throw new CliError(`--at "${values.at}" is not a date`, 'write it as 2027-03-01 or 2027-03-01T12:00:00Z');
  }
  const load = async (path: string, pwFile: string | undefined): Promise<ParsedFile> => {
    const bytes = await readInput(path, io);
    try {
      const password = await readPassword({ file: pwFile, cwd: io.cwd, env: io.env, what: basename(path), required: false, envName: PASSWORD_ENV });
      return parseCertificateFile(bytes, password);
    } catch (e) {
      return pkiToCli(path, e);
    }
  };
  const parsed = await load(file, values['password-file']);
  const counterpart = values.match ? await load(values.match, values['match-password-file'] ?? values['password-file']) : undefined;
  const report = auditCertificate(parsed, { now, ...(purpose ? { purpose } : {}), ...(values.thumbprint !== undefined ? { thumbprint: values.thumbprint } : {}), ...(counterpart ? { counterpart } : {}) });
  const shown = relative(io.cwd, resolve(io.cwd, file)) || file;
  if (values.json) {
    const { der: _der, rsa: _rsa, ...cert } = report.certificate;
    io.out(
      JSON.stringify(
        {
          file: shown,
          format: report.file.format,
          purpose: report.purpose ?? null,
          purposeInferred: report.purposeInferred,
          certificate: { ...cert, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() },
          chain: report.file.certificates.slice(1).map((c) => ({ subject: c.subject, thumbprint: c.thumbprint })),
          hasPrivateKey: report.file.hasPrivateKey,
          ...(report.file.pfx ? { pfx: report.file.pfx } : {}),
          checks: report.checks,
          ok: report.ok,
        },
        null,
        2,
      ) + '\n',
    );
  } else io.out(formatReport(shown, report));
  return report.ok ? 0 : 1;
}

export const certCommand: Command = {
  name: 'cert',
  summary: 'create and audit management, Remote Console and RD Gateway certificates',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'new') return newCert(rest, io);
    if (sub === 'inspect') return inspect(rest, io);
    throw new CliError(sub === undefined ? 'cert needs a subcommand' : `unknown subcommand "cert ${sub}"`, 'use junction cert new ... or junction cert inspect FILE (see junction cert --help)');
  },
};
