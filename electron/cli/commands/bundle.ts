// `junction bundle ...`: build, verify, inspect, diff, write and list drives. File work lives in electron/bundle.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { CliIo, Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { explainUnsafe } from './generate';
import { UnsafeWorkspaceError } from '../../../shared/generate';
import { JUNCTION_VERSION } from '../../services/version';
import { buildBundle, BuildError, type BundleFormat, type BundleInput } from '../../bundle/build';
import { loadPfxSigner, SigningError, publicKeyFingerprint } from '../../bundle/signing';
import { inspectBundle, verifyBundle } from '../../bundle/verify';
import { loadTrustStore, pinSigner, resolveStateDir, TrustStoreError } from '../../bundle/trust';
import { writeBundleToMedia, MediaError, targetInfo } from '../../bundle/media';
import { listRemovableDrives } from '../../bundle/drives';
import { formatBytes, parseSize, Cancelled, type Progress } from '../../bundle/progress';
import { sha256 } from '../../bundle/hash';
import { bundleInputFromGenerated } from '../../bundle/from-generate';
import { generateForBundle } from '../../bundle/generate-source';
import { addAzureExport, missingStagingWarning, addHealthScripts, addStaging, readStagingDir, type AzureExportMode } from '../../bundle/extras';
import { diffManifests, formatDiff, isEmptyDiff } from '../../../shared/bundle/diff';
import { diffReach } from '../../../shared/reach/diff';
import { formatFingerprint, normalizeFingerprint } from '../../../shared/bundle/sums';
import type { Manifest } from '../../../shared/bundle/manifest';
import { describeLint, formatErrors } from '../../../shared/bundle/lint-record';
import { formatPath } from '../../../shared/model/path';
import { lintGate, LintGateError } from '../../bundle/lint-gate';

const USAGE = `junction bundle <subcommand> ...

  build <workspace> --out PATH --sign-key FILE.pfx [--password-file FILE] [--format dir|tar|zip]
        [--media-limit 4GiB] [--created-at ISO] [--staging DIR] [--azure-export arm|cli|both] [--subscription ID]
        [--allow-lint-errors]
      Generates the scripts for the workspace and packs them, with manifest.json, SHA256SUMS, its signature,
      signer.pem/.crt, verify.sh, verify.ps1, apply.ps1, apply.sh, the far-side collect-health.sh/.ps1 and
      RUNBOOK.md/.html, into a folder, .tar or .zip. Files larger than --media-limit are split (FAT32: 4GiB).
      --staging DIR adds the CycleCloud tree from \`junction stage fetch --out DIR\` (checked against its
      staging.json first) and a step on each CycleCloud server that runs stage-cyclecloud.sh.
      --azure-export adds the ARM template(s) and/or az CLI script for a connected machine (no secrets).
      A workspace with lint errors is refused; --allow-lint-errors builds it anyway. Either way the manifest,
      RUNBOOK, \`bundle inspect\` and \`bundle verify\` state the lint result and whether it was overridden.
  verify PATH [--trust FINGERPRINT]... [--trust-file FILE] [--state-dir DIR] [--extract DIR] [--json]
      Checks the signer against the pinned signers, the signature, then every file. --trust pins a signer
      you have confirmed out of band; --trust-file pins the key in a signer.pem/.crt or a list of fingerprints.
  inspect PATH [--json] [--state-dir DIR]
      What a bundle holds: id, source workspace, hosts and steps, files, and the signer it claims (pinned or
      not). Reads an archive without unpacking it; refuses a bundle whose signature does not cover its manifest.
  diff A B [--json] [--state-dir DIR] [--old-workspace FILE --new-workspace FILE]
      Files and steps added, removed and changed between two bundles (each checked like inspect).
      With the two workspaces the bundles were built from (checked against each manifest's sha256), also the
      flows the change opens or closes (as \`junction reach --diff\`).
  write BUNDLE (--drive MOUNTPOINT | --to DIR) [--media-limit SIZE] [--state-dir DIR]
      Copies a bundle folder to media atomically (temp folder + fsync + rename), keeping file modes where the
      media has them, resumes an interrupted copy, then reads it back: every file must match the source's
      SHA256SUMS. It says whether the signer is pinned in the trust store; the read-back alone does not make a
      bundle trusted. Ctrl+C cancels; rerun to resume.
  drives [--json]              removable drives that are mounted, with their file systems

  The state directory (trust store) is --state-dir, else $JUNCTION_STATE_DIR, else ~/.config/junction.`;

function needString(v: unknown, flag: string, fix: string): string {
  if (typeof v !== 'string' || v === '') throw new CliError(`${flag} is required`, fix);
  return v;
}

function progressPrinter(io: CliIo): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    const finished = p.bytesDone >= p.bytesTotal && p.filesDone >= p.filesTotal;
    if (!finished && now - last < (io.isTTY ? 250 : 2000)) return;
    last = now;
    const eta = p.etaSeconds !== undefined && !finished ? `, ETA ${Math.ceil(p.etaSeconds)}s` : '';
    io.err(`${p.phase}: ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}, ${p.filesDone}/${p.filesTotal} files${eta}\n`);
  };
}

/** Ctrl+C aborts the operation cleanly instead of killing it mid-write. */
function cancelOnSigint(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', onSig) };
}

function rethrow(e: unknown): never {
  if (e instanceof BuildError || e instanceof SigningError || e instanceof MediaError || e instanceof TrustStoreError) throw new CliError(e.message, e.fix);
  if (e instanceof Cancelled) throw new CliError('cancelled', 'rerun the same command; a write resumes where it stopped', 130);
  throw e;
}

async function build(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'sign-key': { type: 'string' },
      'password-file': { type: 'string' },
      format: { type: 'string', default: 'dir' },
      'media-limit': { type: 'string' },
      'created-at': { type: 'string' },
      staging: { type: 'string' },
      'azure-export': { type: 'string' },
      subscription: { type: 'string' },
      'allow-lint-errors': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new CliError('build takes exactly one workspace file', 'junction bundle build <workspace> --out PATH --sign-key FILE.pfx');
  const file = resolve(io.cwd, positionals[0]!);
  const out = resolve(io.cwd, needString(values.out, '--out', 'name the bundle folder or archive, e.g. --out contoso-2026-11.tar'));
  const keyFile = resolve(io.cwd, needString(values['sign-key'], '--sign-key', 'pass the signing PFX; make a test one with `openssl req -x509 -newkey rsa:3072 ...` and `openssl pkcs12 -export`'));
  const format = values.format as BundleFormat;
  if (!['dir', 'tar', 'zip'].includes(format)) throw new CliError(`--format ${format} is not one of dir, tar, zip`, 'use --format dir (a folder), tar or zip');
  let mediaLimit: number | undefined;
  if (values['media-limit'] !== undefined) {
    mediaLimit = parseSize(values['media-limit']);
    if (mediaLimit === undefined) throw new CliError(`--media-limit "${values['media-limit']}" is not a size`, 'write it like 4GiB, 700MiB or 1048576');
  }
  let createdAt = values['created-at'];
  if (createdAt === undefined && io.env['SOURCE_DATE_EPOCH']) createdAt = new Date(Number(io.env['SOURCE_DATE_EPOCH']) * 1000).toISOString();
  if (createdAt !== undefined && Number.isNaN(Date.parse(createdAt))) throw new CliError(`--created-at "${createdAt}" is not a date`, 'use ISO 8601, e.g. 2026-11-22T00:00:00Z');
  const loaded = await loadOrExplain(file, io);
  if (!loaded) return 2;
  const azureExport = values['azure-export'] as AzureExportMode | undefined;
  if (azureExport !== undefined && !['arm', 'cli', 'both'].includes(azureExport))
    throw new CliError(`--azure-export ${azureExport} is not one of arm, cli, both`, 'use --azure-export arm (template), cli (az script) or both');
  const allowLintErrors = values['allow-lint-errors'] === true;
  let lint;
  try {
    lint = lintGate(loaded.workspace, { allowLintErrors, junctionVersion: JUNCTION_VERSION });
  } catch (e) {
    if (!(e instanceof LintGateError)) throw e;
    const shown = relative(io.cwd, file) || file;
    const lines = formatErrors(e.errors, (f) => {
      const pos = loaded.source.locate(f.path);
      return `${formatPath(f.path)} (${shown}${pos ? `:${pos.line}:${pos.column}` : ''})`;
    });
    throw new CliError(
      `${file}: ${e.message}:\n  ${lines.join('\n  ')}`,
      `fix them (\`junction lint ${positionals[0]}\` shows each fix), or pass --allow-lint-errors to build anyway; the manifest and RUNBOOK then record the override`,
    );
  }
  const bytes = await readFile(file);
  // The override covers lint only: what the generators refuse as unsafe stays refused, before any warning.
  let generated;
  try {
    generated = generateForBundle(loaded.workspace);
  } catch (e) {
    if (e instanceof UnsafeWorkspaceError) throw explainUnsafe(e, relative(io.cwd, file) || file, loaded.source);
    throw e;
  }
  if (lint.override) io.err(`warning: building over ${lint.errors} lint error${lint.errors === 1 ? '' : 's'} (--allow-lint-errors); the manifest and RUNBOOK record this\n`);
  let input: BundleInput = { ...bundleInputFromGenerated(generated, { name: basename(file), sha256: sha256(bytes) }), lint };
  const cancel = cancelOnSigint();
  try {
    if (values.staging !== undefined) input = addStaging(input, loaded.workspace, await readStagingDir(resolve(io.cwd, values.staging)));
    else {
      const warning = missingStagingWarning(loaded.workspace);
      if (warning) io.err(`${warning}\n`);
    }
    if (azureExport !== undefined) input = addAzureExport(input, loaded.workspace, azureExport, values.subscription);
    input = addHealthScripts(input, loaded.workspace);
    const signer = await loadPfxSigner(keyFile, values['password-file'] !== undefined ? resolve(io.cwd, values['password-file']) : undefined);
    const r = await buildBundle(input, {
      out,
      format,
      signer,
      junctionVersion: JUNCTION_VERSION,
      ...(mediaLimit !== undefined ? { mediaLimit } : {}),
      ...(createdAt !== undefined ? { createdAt: new Date(createdAt).toISOString() } : {}),
      signal: cancel.signal,
      onProgress: progressPrinter(io),
    });
    io.out(`built ${r.out} (bundle ${r.manifest.bundleId}, ${r.files} files, ${formatBytes(r.bytes)} of payload)\n`);
    io.out(`signer: ${signer.subject}\nsigner fingerprint: ${formatFingerprint(r.fingerprint)}\n`);
    // The verifiers travel on the media they check: the far side runs them only once these hashes match.
    for (const script of ['verify.sh', 'verify.ps1']) {
      const f = r.manifest.files.find((x) => x.path === script);
      if (f) io.out(`${script.padEnd(10)} SHA-256 ${f.sha256}\n`);
    }
    io.out(
      '  give the fingerprint and these two hashes to the far side by a separate channel (phone, ticket), never on the media;\n' +
        '  they verify with `junction bundle verify`, or check `sha256sum verify.sh` / `Get-FileHash verify.ps1` against them first\n',
    );
    return 0;
  } catch (e) {
    rethrow(e);
  } finally {
    cancel.dispose();
  }
}

async function fingerprintsFromFile(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read --trust-file ${file}: ${e.code ?? e.message}`, 'check the path');
  });
  if (text.includes('-----BEGIN CERTIFICATE-----')) return [publicKeyFingerprint(new X509Certificate(text).publicKey)];
  if (text.includes('-----BEGIN PUBLIC KEY-----')) return [publicKeyFingerprint(createPublicKey(text))];
  const fps = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const fp = normalizeFingerprint(l);
      if (!fp) throw new CliError(`--trust-file ${file}: "${l}" is not a SHA-256 fingerprint`, 'one fingerprint per line (64 hex digits, colons allowed), or a PEM key/certificate');
      return fp;
    });
  return fps;
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true },
      'trust-file': { type: 'string' },
      'state-dir': { type: 'string' },
      extract: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new CliError('verify takes exactly one bundle path', 'junction bundle verify PATH [--trust FINGERPRINT]');
  const path = resolve(io.cwd, positionals[0]!);
  const stateDir = resolveStateDir(values['state-dir'], io.env);
  const store = await loadTrustStore(stateDir).catch(rethrow);
  const explicit: string[] = [];
  for (const t of values.trust ?? []) {
    const fp = normalizeFingerprint(t);
    if (!fp) throw new CliError(`--trust "${t}" is not a SHA-256 fingerprint`, 'pass the 64 hex digits the sender gave you (colons allowed)');
    explicit.push(fp);
  }
  if (values['trust-file'] !== undefined) explicit.push(...(await fingerprintsFromFile(resolve(io.cwd, values['trust-file']))));
  const trusted = new Set([...store.signers.map((s) => s.fingerprint), ...explicit]);
  const extractTo = values.extract !== undefined ? resolve(io.cwd, values.extract) : undefined;
  if (extractTo !== undefined && existsSync(extractTo))
    throw new CliError(
      `--extract ${values.extract}: ${extractTo} already exists`,
      'name a folder that does not exist yet: an archive is never unpacked over existing files (links planted there could redirect its writes)',
    );
  const cancel = cancelOnSigint();
  let r;
  try {
    r = await verifyBundle(path, {
      trusted,
      pinned: store.signers.filter((x) => !explicit.includes(x.fingerprint)).length,
      signal: cancel.signal,
      onProgress: values.json ? undefined : progressPrinter(io),
      ...(extractTo !== undefined ? { extractTo } : {}),
    });
  } catch (e) {
    rethrow(e);
  } finally {
    cancel.dispose();
  }
  // A signer the admin named explicitly is pinned once the whole bundle verifies under it.
  const pinned = r.ok && r.signer && explicit.includes(r.signer.fingerprint) ? await pinSigner(stateDir, r.signer.fingerprint, r.signer.subject).catch(rethrow) : false;
  if (values.json) {
    io.out(JSON.stringify({ path, ok: r.ok, signer: r.signer, pinned, bundleId: r.manifest?.bundleId, lint: r.manifest?.lint ?? null, filesChecked: r.filesChecked, bytesChecked: r.bytesChecked, problems: r.problems }, null, 2) + '\n');
    return r.ok ? 0 : 1;
  }
  if (r.signer) io.out(`signer: ${r.signer.subject ?? '(no certificate)'}\nsigner fingerprint: ${formatFingerprint(r.signer.fingerprint)} (${r.signer.trusted ? 'trusted' : 'NOT trusted'})\n`);
  for (const p of r.problems) io.err(`REJECTED [${p.code}] ${p.message}\n  fix: ${p.fix}\n`);
  if (!r.ok) {
    io.err(`${path}: verification FAILED (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})\n`);
    return 1;
  }
  if (pinned) io.out(`pinned signer ${formatFingerprint(r.signer!.fingerprint)} in ${stateDir}\n`);
  io.out(`${path}: OK — bundle ${r.manifest!.bundleId}, signature and ${r.filesChecked} files (${formatBytes(r.bytesChecked)}) verified\n`);
  io.out(`lint when built: ${describeLint(r.manifest!.lint)}\n`);
  return 0;
}

/**
 * The signed manifest of a bundle folder or archive, without unpacking anything: the signature made with the key
 * the bundle carries must cover it. Whether that key is pinned is returned, not required.
 */
async function readManifestFrom(path: string, io: CliIo, stateDir?: string): Promise<{ manifest: Manifest; signer: { fingerprint: string; subject?: string; trusted: boolean } }> {
  const store = await loadTrustStore(resolveStateDir(stateDir, io.env)).catch(rethrow);
  const r = await inspectBundle(path, new Set(store.signers.map((s) => s.fingerprint)));
  if (!r.ok || !r.manifest || !r.signer) {
    const p = r.problems[0];
    throw new CliError(`${path}: ${p ? `[${p.code}] ${p.path && !p.message.includes(p.path) ? `${p.path}: ` : ''}${p.message}` : 'not a bundle'}`, p?.fix ?? 'run `junction bundle verify` for the full report');
  }
  return { manifest: r.manifest, signer: r.signer };
}

async function inspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' } } });
  if (positionals.length !== 1) throw new CliError('inspect takes exactly one bundle path', 'junction bundle inspect PATH');
  const path = resolve(io.cwd, positionals[0]!);
  const { manifest: m, signer } = await readManifestFrom(path, io, values['state-dir']);
  if (values.json) {
    io.out(JSON.stringify(m, null, 2) + '\n');
    return 0;
  }
  const payload = m.files.reduce((n, f) => n + f.size, 0);
  io.out(`bundle ${m.bundleId} (${m.format}), built ${m.createdAt} by Junction ${m.junctionVersion}\n`);
  io.out(`workspace: ${m.workspace.name ?? '(unnamed)'} sha256 ${m.workspace.sha256}\n`);
  io.out(`lint: ${describeLint(m.lint)}\n`);
  io.out(`files: ${m.files.length}, ${formatBytes(payload)}${m.mediaLimit ? `; split for media of ${formatBytes(m.mediaLimit)}` : ''}\n`);
  for (const h of m.hosts) {
    io.out(`\n${h.host}\n`);
    for (const s of h.steps) io.out(`  ${String(s.step).padStart(3)}. ${s.title}\n       ${s.script}${s.files.length ? ` (+${s.files.length} files)` : ''}\n`);
  }
  io.out(
    `\nclaims to be signed by ${signer.subject ?? '(no certificate)'}, key ${formatFingerprint(signer.fingerprint)} (${signer.trusted ? 'pinned here' : 'NOT pinned here'})\n` +
      'the signature over manifest.json holds for that key; payload files were not checked.\n' +
      'not verified: compare the fingerprint with the one the sender gave you, and run `junction bundle verify` before using it\n',
  );
  return 0;
}

async function diff(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'state-dir': { type: 'string' }, 'old-workspace': { type: 'string' }, 'new-workspace': { type: 'string' } },
  });
  if (positionals.length !== 2) throw new CliError('diff takes two bundle paths', 'junction bundle diff OLD NEW');
  const sides = [];
  for (const p of positionals) {
    const side = await readManifestFrom(resolve(io.cwd, p), io, values['state-dir']);
    if (!side.signer.trusted)
      io.err(`note: ${p} claims to be signed by key ${formatFingerprint(side.signer.fingerprint)}, which is NOT pinned here; compare it with the one the sender gave you\n`);
    sides.push(side.manifest);
  }
  const [a, b] = sides as [Manifest, Manifest];
  const d = diffManifests(a, b);
  const oldWs = values['old-workspace'];
  const newWs = values['new-workspace'];
  if ((oldWs === undefined) !== (newWs === undefined))
    throw new CliError('--old-workspace and --new-workspace go together', 'give the workspace file each bundle was built from, or neither');
  if (oldWs !== undefined && newWs !== undefined) {
    const before = await workspaceOfBundle(oldWs, a, positionals[0]!, io, values.json === true);
    const after = await workspaceOfBundle(newWs, b, positionals[1]!, io, values.json === true);
    if (!before || !after) return 2;
    d.reach = diffReach(before, after);
  }
  io.out(values.json ? JSON.stringify(d, null, 2) + '\n' : formatDiff(d));
  return isEmptyDiff(d) ? 0 : 1;
}

/** The workspace a bundle was built from: the file must hash to the sha256 its manifest recorded. */
async function workspaceOfBundle(file: string, m: Manifest, bundle: string, io: CliIo, json: boolean) {
  const bytes = await readFile(resolve(io.cwd, file)).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`${file}: cannot read (${e.code ?? e.message})`, 'give the path of the workspace file the bundle was built from');
  });
  if (sha256(bytes) !== m.workspace.sha256)
    throw new CliError(
      `${file} is not the workspace ${bundle} was built from (sha256 ${sha256(bytes)}, the manifest records ${m.workspace.sha256})`,
      `use the version of ${m.workspace.name ?? 'the workspace'} that was bundled (e.g. from Git at the bundle's date)`,
    );
  return (await loadOrExplain(resolve(io.cwd, file), io, json))?.workspace;
}

async function write(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { drive: { type: 'string' }, to: { type: 'string' }, 'media-limit': { type: 'string' }, 'state-dir': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new CliError('write takes exactly one bundle folder', 'junction bundle write BUNDLE --drive /media/usb');
  if ((values.drive === undefined) === (values.to === undefined)) throw new CliError('give exactly one of --drive MOUNTPOINT or --to DIR', '`junction bundle drives` lists removable drives');
  const source = resolve(io.cwd, positionals[0]!);
  let target: string;
  if (values.drive !== undefined) {
    target = resolve(io.cwd, values.drive);
    const drives = await listRemovableDrives().catch(() => []);
    if (!drives.some((d) => resolve(d.mountpoint) === target))
      throw new CliError(`${target} is not the mount point of a removable drive`, 'run `junction bundle drives` to list them, or use --to DIR for any folder');
  } else target = resolve(io.cwd, values.to!);
  let mediaLimit: number | undefined;
  if (values['media-limit'] !== undefined) {
    mediaLimit = parseSize(values['media-limit']);
    if (mediaLimit === undefined) throw new CliError(`--media-limit "${values['media-limit']}" is not a size`, 'write it like 4GiB');
  }
  const cancel = cancelOnSigint();
  try {
    const info = await targetInfo(target).catch(() => undefined);
    if (info) io.err(`target ${target}: ${info.fsName}, ${formatBytes(info.freeBytes)} free\n`);
    const store = await loadTrustStore(resolveStateDir(values['state-dir'], io.env));
    const pinned = new Set(store.signers.map((s) => s.fingerprint));
    const r = await writeBundleToMedia(source, target, { ...(mediaLimit !== undefined ? { mediaLimit } : {}), pinned, signal: cancel.signal, onProgress: progressPrinter(io) });
    if (!r.readBack.ok) {
      for (const p of r.readBack.problems) io.err(`READ-BACK FAILED [${p.code}] ${p.message}\n`);
      throw new CliError(`the copy on ${r.final} does not verify when read back`, 'the media may be failing; try another drive');
    }
    if (r.alreadyPresent) io.out(`${r.final}: bundle ${r.bundleId} is already on the media and matches the source; nothing copied\n`);
    else {
      io.out(`wrote ${r.final} (bundle ${r.bundleId}; ${formatBytes(r.copiedBytes)} copied${r.resumedFiles ? `, ${r.resumedFiles} files resumed` : ''})\n`);
      if (r.movedAside) io.out(`the previous folder of that name was kept as ${r.movedAside}\n`);
    }
    // Say exactly what the read-back proves: the copy is the source, byte for byte. Trust is a separate question.
    io.out(
      `read back: ${r.readBack.filesChecked} files (${formatBytes(r.readBack.bytesChecked)}) match the source's SHA256SUMS, signed by the key the bundle carries\n`,
    );
    io.out(
      r.signer.pinned
        ? `signer ${formatFingerprint(r.signer.fingerprint)} is pinned here\n`
        : `signer ${formatFingerprint(r.signer.fingerprint)} is NOT pinned here: this checks the copy, not who signed it; ` +
            'the far side runs `junction bundle verify` with the fingerprint the sender gives them by another channel\n',
    );
    return 0;
  } catch (e) {
    rethrow(e);
  } finally {
    cancel.dispose();
  }
}

async function drives(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const list = await listRemovableDrives().catch((e: Error) => {
    throw new CliError(`cannot list drives: ${e.message}`, 'name the folder with `junction bundle write BUNDLE --to DIR` instead');
  });
  if (values.json) io.out(JSON.stringify(list, null, 2) + '\n');
  else if (list.length === 0) io.out('no mounted removable drives found\n');
  else for (const d of list) io.out(`${d.mountpoint}  ${d.device}  ${d.fstype ?? '?'}  ${d.size !== undefined ? formatBytes(d.size) : ''}  ${d.label ?? ''}\n`);
  return 0;
}

const SUB: Record<string, (args: string[], io: CliIo) => Promise<number>> = { build, verify, inspect, diff, write, drives };

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'build, verify, inspect, diff and write signed offline bundles',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const fn = sub !== undefined ? SUB[sub] : undefined;
    if (!fn) throw new CliError(sub ? `unknown bundle subcommand "${sub}"` : 'bundle needs a subcommand', `one of: ${Object.keys(SUB).join(', ')}`);
    return fn(rest, io);
  },
};
