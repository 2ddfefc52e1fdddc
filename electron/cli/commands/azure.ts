import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve, dirname, basename, extname, join } from 'node:path';
import type { CliIo, Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { writeFileAtomic } from '../../services/atomic-write';
import type { Workspace } from '../../../shared/model/schema';
import { desiredResources, referencedGateways, type DesiredResource } from '../../../shared/azure/desired';
import { actionable, computePlan, formatPlan, type Plan } from '../../../shared/azure/plan';
import { exportArmTemplates, exportCliScript, secretEnvVar } from '../../../shared/azure/export';
import { discoverCloud, knownCloud, type CloudEndpoints } from '../../azure/clouds';
import { fetchJson, makeCredential, probeArm, type ConnectionSettings, type SignInMethod } from '../../azure/connection';
import { Clients, readLive, resumeApply, scopesOf, startApply, workspaceHash, type ApplyResult } from '../../azure/engine';
import { latestUnfinished } from '../../azure/journal';
import { dequeue, describeAge, enqueue, listQueue, loadSnapshot, saveSnapshot, stateDir } from '../../azure/state';
import { countVerdicts, expectedConnections, formatStatus } from '../../../shared/azure/status';
import { appendStatusHistory, historyRecords, liveStatus, unreachable, type LiveStatus } from '../../azure/status';
import { defaultHistory } from './probe';

const CONNECTION_OPTIONS = {
  'state-dir': { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'authority-host': { type: 'string' },
  method: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  certificate: { type: 'string' },
  'ca-file': { type: 'string' },
  proxy: { type: 'string' },
  subscription: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;
const s = (v: Values, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);

const USAGE = `junction azure <plan|apply|status|export|login|queue> ...

  junction azure plan <workspace> [--json] [--offline] [--allow-unowned NAME]...
      Reads the live resources, diffs them against the workspace and prints Create/Modify/Delete/NoChange per
      resource with the properties that differ. Offline (or with --offline) it plans against the last snapshot
      and says how old it is.
  junction azure apply <workspace> [--yes] [--resume] [--allow-unowned NAME]...
      Plans, then (with --yes) applies in dependency order with If-Match on the plan-time etags. Every step is
      journaled; --resume continues an interrupted apply and never repeats a completed PUT. Offline, the apply is
      queued instead (see \`junction azure queue\`).
  junction azure status <workspace> [--json] [--history FILE|none]
      Reads each modelled VPN connection's live status (Unknown/Connecting/Connected/NotConnected, ingress/egress
      bytes, per-tunnel health) and, where BGP is on, the gateway's BGP peers; compares them with the model and
      gives each connection a verdict (ok/degraded/down/unknown/missing) with what to check. Appended to the health
      history (default <workspace>.health.jsonl, as \`junction probe\`). Exit 0 all ok, 1 otherwise, 2 bad input.
  junction azure export <workspace> --format arm|cli [--out FILE]
      The desired state as an ARM template (api-version 2025-05-01) or an Azure CLI bash script.
  junction azure login --method device-code|certificate|cli
      Signs in and reports success; the token stays in memory only.
  junction azure queue [--probe]
      Lists applies queued while offline; --probe checks whether ARM is reachable and offers the command to run.

  Connection: --arm-endpoint URL (JUNCTION_ARM_ENDPOINT; custom clouds/Azure Stack Hub, read from
  <arm>/metadata/endpoints), --authority-host URL, --method (JUNCTION_AZURE_METHOD; default device-code),
  --tenant (AZURE_TENANT_ID), --client-id (AZURE_CLIENT_ID), --certificate PEM|PFX (AZURE_CLIENT_CERTIFICATE_PATH;
  PFX password in AZURE_CLIENT_CERTIFICATE_PASSWORD), --ca-file PEM (JUNCTION_CA_FILE), --proxy URL
  (JUNCTION_PROXY or HTTPS_PROXY), --subscription ID, --state-dir DIR (JUNCTION_STATE_DIR).
  Secrets (VPN shared keys) come from JUNCTION_SECRET_<NAME>, e.g. ${secretEnvVar('contoso-s2s-psk')}.`;

async function cloudFor(values: Values, io: CliIo, ws: Workspace | undefined, base: Omit<ConnectionSettings, 'armEndpoint' | 'authorityHost' | 'scope' | 'method'>): Promise<CloudEndpoints> {
  const site = ws?.sites.find((x) => x.azure)?.azure;
  const custom = s(values, 'arm-endpoint') ?? io.env['JUNCTION_ARM_ENDPOINT'] ?? site?.armEndpoint;
  let cloud: CloudEndpoints;
  if (custom) {
    try {
      cloud = await discoverCloud(custom, (url) => fetchJson(base, url));
    } catch (e) {
      throw new CliError(`cannot read the endpoints of ${custom}: ${(e as Error).message}`, 'check --arm-endpoint, the proxy (--proxy) and the trusted CA (--ca-file); when offline use `plan --offline`');
    }
  } else if (site?.cloud === 'AzureStackHub') throw new CliError('the site is on Azure Stack Hub but has no azure.armEndpoint', 'add azure.armEndpoint to the site or pass --arm-endpoint');
  else cloud = knownCloud((site?.cloud ?? 'AzurePublicCloud') as 'AzurePublicCloud');
  const authority = s(values, 'authority-host') ?? io.env['JUNCTION_AUTHORITY_HOST'];
  return authority ? { ...cloud, authorityHost: authority.replace(/\/+$/, '') } : cloud;
}

async function settingsFor(values: Values, io: CliIo, ws: Workspace | undefined, offlineOk = false): Promise<ConnectionSettings> {
  const caFile = s(values, 'ca-file') ?? io.env['JUNCTION_CA_FILE'];
  let caPem: string | undefined;
  if (caFile) caPem = await readFile(resolve(io.cwd, caFile), 'utf8').catch(() => {
    throw new CliError(`cannot read the CA file ${caFile}`, 'give a PEM file with the extra trusted CA certificate(s)');
  });
  const num = (k: string, d: number) => (io.env[k] !== undefined && !Number.isNaN(Number(io.env[k])) ? Number(io.env[k]) : d);
  const base = {
    ...(caPem ? { caPem } : {}),
    ...((s(values, 'proxy') ?? io.env['JUNCTION_PROXY']) ? { proxy: (s(values, 'proxy') ?? io.env['JUNCTION_PROXY'])! } : {}),
    retry: { maxRetries: 4, retryDelayInMs: num('JUNCTION_AZURE_RETRY_MS', 800), maxRetryDelayInMs: 30_000 },
    pollIntervalMs: num('JUNCTION_AZURE_POLL_MS', 2000),
  };
  const method = (s(values, 'method') ?? io.env['JUNCTION_AZURE_METHOD'] ?? 'device-code') as SignInMethod;
  if (!['device-code', 'certificate', 'cli', 'browser'].includes(method)) throw new CliError(`unknown sign-in method "${method}"`, 'use --method device-code, certificate or cli');
  let cloud: CloudEndpoints;
  try {
    cloud = await cloudFor(values, io, ws, base);
  } catch (e) {
    if (!offlineOk) throw e;
    cloud = { cloud: 'custom', armEndpoint: s(values, 'arm-endpoint') ?? io.env['JUNCTION_ARM_ENDPOINT'] ?? '', authorityHost: '', scope: '' };
  }
  const knownHost = /login\.(microsoftonline\.(com|us)|chinacloudapi\.cn)$/i.test(new URL(cloud.authorityHost || 'https://login.microsoftonline.com').hostname);
  const opt = (k: string, env: string) => s(values, k) ?? io.env[env];
  return {
    ...base,
    ...cloud,
    method,
    ...(opt('tenant', 'AZURE_TENANT_ID') ? { tenantId: opt('tenant', 'AZURE_TENANT_ID')! } : {}),
    ...(opt('client-id', 'AZURE_CLIENT_ID') ? { clientId: opt('client-id', 'AZURE_CLIENT_ID')! } : {}),
    ...(opt('certificate', 'AZURE_CLIENT_CERTIFICATE_PATH') ? { certificatePath: resolve(io.cwd, opt('certificate', 'AZURE_CLIENT_CERTIFICATE_PATH')!) } : {}),
    ...(io.env['AZURE_CLIENT_CERTIFICATE_PASSWORD'] ? { certificatePassword: io.env['AZURE_CLIENT_CERTIFICATE_PASSWORD'] } : {}),
    disableInstanceDiscovery: !knownHost,
  };
}

async function credentialFor(settings: ConnectionSettings, io: CliIo) {
  try {
    return await makeCredential(settings, (info) => io.err(`${info.message}\n`));
  } catch (e) {
    throw new CliError(`cannot set up sign-in: ${(e as Error).message}`, 'see `junction azure --help` for the sign-in options');
  }
}

function desiredOrFail(ws: Workspace, values: Values, file: string): DesiredResource[] {
  const sub = s(values, 'subscription');
  const { resources, problems } = desiredResources(ws, sub ? { subscriptionId: sub } : {});
  if (problems.length) {
    const first = problems[0]!;
    throw new CliError(`${file}: ${first.source}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, first.fix);
  }
  return resources;
}

const planJson = (plan: Plan, extra: Record<string, unknown>) =>
  JSON.stringify(
    {
      ...extra,
      counts: plan.counts,
      warnings: plan.warnings,
      steps: plan.steps.map((st) => ({ action: st.action, kind: st.kind, name: st.name, id: st.armId, changes: st.changes, ...(st.reason ? { reason: st.reason } : {}), ...(st.slow ? { slow: true } : {}) })),
    },
    null,
    2,
  ) + '\n';

function errorOf(e: unknown, what: string): CliError {
  const x = e as { statusCode?: number; message?: string; name?: string };
  if (x.name === 'CredentialUnavailableError' || x.name === 'AuthenticationError' || x.statusCode === 401 || x.statusCode === 403)
    return new CliError(`${what}: sign-in or permission failed: ${x.message?.split('\n')[0]}`, 'check --method/--tenant/--client-id, or run `junction azure login` first', 4);
  return new CliError(`${what}: ${x.message?.split('\n')[0] ?? String(e)}`, 'check connectivity to ARM (and --proxy/--ca-file); plan --offline works without it', 4);
}

async function loadWs(file: string, io: CliIo) {
  const loaded = await loadOrExplain(file, io);
  if (!loaded) throw new CliError(`${file} could not be read`, 'fix the problems listed above', 2);
  return loaded.workspace;
}

function report(r: ApplyResult, io: CliIo): number {
  if (r.status === 'completed') {
    io.out(`Apply complete: ${r.performed} step(s) applied, ${r.skipped} already done. Journal: ${r.journal}\n`);
    return 0;
  }
  io.out(`Apply stopped at ${r.failure!.step.action} ${r.failure!.step.kind} ${r.failure!.step.name}: ${r.failure!.code}: ${r.failure!.message}\nJournal: ${r.journal}\n`);
  io.out(r.failure!.code === 'PreconditionFailed' ? 'Re-plan: junction azure plan <workspace>, then apply again.\n' : 'Fix the cause, then run: junction azure apply <workspace> --resume\n');
  return 1;
}

async function plan(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, offline: { type: 'boolean' }, 'allow-unowned': { type: 'string', multiple: true } } });
  if (positionals.length !== 1) throw new CliError('plan takes exactly one workspace file', 'junction azure plan <workspace> [--json] [--offline]');
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const opts = { owner: ws.name, allowUnowned: values['allow-unowned'] ?? [], requiredExisting: referencedGateways(desired) };
  let offlineReason: string | undefined = values.offline ? 'requested with --offline' : undefined;
  let settings: ConnectionSettings | undefined;
  if (!offlineReason) {
    settings = await settingsFor(values, io, ws, true);
    const probe = settings.armEndpoint ? await probeArm(settings) : { online: false, detail: 'no ARM endpoint' };
    if (!probe.online) offlineReason = `ARM is unreachable (${probe.detail})`;
  }
  if (offlineReason) {
    const snap = await loadSnapshot(dir, ws.name);
    if (!snap) throw new CliError(`cannot plan offline: ${offlineReason}, and there is no snapshot of live state for "${ws.name}" in ${dir}`, 'run `junction azure plan` once while connected to save a snapshot');
    const p = computePlan(desired, snap.resources, opts);
    const age = describeAge(snap.savedAt);
    if (values.json) io.out(planJson(p, { workspace: ws.name, offline: true, snapshot: { savedAt: snap.savedAt, age } }));
    else io.out(`Offline plan (${offlineReason}) against the snapshot of ${snap.savedAt} (${age}); live state may have changed since.\n${formatPlan(p)}`);
    return 0;
  }
  const clients = new Clients(await credentialFor(settings!, io), settings!);
  const scopes = scopesOf(desired);
  let live;
  try {
    live = await readLive(clients, scopes);
  } catch (e) {
    throw errorOf(e, 'reading live state');
  }
  await saveSnapshot(dir, { workspace: ws.name, armEndpoint: settings!.armEndpoint, savedAt: new Date().toISOString(), scopes: scopes.map((x) => `${x.subscriptionId}/${x.resourceGroup}`), resources: live });
  const p = computePlan(desired, live, opts);
  io.out(values.json ? planJson(p, { workspace: ws.name, offline: false }) : formatPlan(p));
  return 0;
}

async function apply(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS, yes: { type: 'boolean' }, resume: { type: 'boolean' }, 'allow-unowned': { type: 'string', multiple: true } } });
  if (positionals.length !== 1) throw new CliError('apply takes exactly one workspace file', 'junction azure apply <workspace> [--yes] [--resume]');
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const settings = await settingsFor(values, io, ws, true);
  const probe = settings.armEndpoint ? await probeArm(settings) : { online: false, detail: 'no ARM endpoint' };
  if (!probe.online) {
    const q = await enqueue(dir, { workspace: ws.name, workspaceFile: file, armEndpoint: settings.armEndpoint, requestedAt: new Date().toISOString(), reason: probe.detail });
    io.out(`Offline (${probe.detail}): the apply is queued, nothing was changed (${q}).\nWhen connected, \`junction azure queue --probe\` offers to run it.\n`);
    return 3;
  }
  const ctx = {
    clients: new Clients(await credentialFor(settings, io), settings),
    settings,
    secret: (name: string) => io.env[secretEnvVar(name)],
    log: (l: string) => io.out(l + '\n'),
  };
  let result: ApplyResult;
  if (values.resume) {
    const st = await latestUnfinished(dir, ws.name);
    if (!st) throw new CliError(`no unfinished apply of "${ws.name}" in ${dir}`, 'start one with `junction azure apply <workspace> --yes`');
    if (st.begin.workspaceHash !== workspaceHash(desired)) io.err('note: the workspace changed since this apply began; resuming the journaled plan, then plan again\n');
    io.out(`Resuming ${st.file}: ${st.done.size} of ${st.begin.steps.length} step(s) already done.\n`);
    try {
      result = await resumeApply(ctx, st);
    } catch (e) {
      throw errorOf(e, 'resuming');
    }
  } else {
    let live;
    try {
      live = await readLive(ctx.clients, scopesOf(desired));
    } catch (e) {
      throw errorOf(e, 'reading live state');
    }
    await saveSnapshot(dir, { workspace: ws.name, armEndpoint: settings.armEndpoint, savedAt: new Date().toISOString(), scopes: scopesOf(desired).map((x) => `${x.subscriptionId}/${x.resourceGroup}`), resources: live });
    const p = computePlan(desired, live, { owner: ws.name, allowUnowned: values['allow-unowned'] ?? [], requiredExisting: referencedGateways(desired) });
    io.out(formatPlan(p));
    if (actionable(p).length === 0) {
      await dequeue(dir, ws.name);
      io.out('Nothing to apply.\n');
      return 0;
    }
    if (!values.yes) {
      io.out('Nothing was changed. Review the plan, then rerun with --yes to apply it.\n');
      return 0;
    }
    try {
      result = await startApply(ctx, dir, ws.name, desired, p);
    } catch (e) {
      throw errorOf(e, 'applying');
    }
  }
  if (result.status === 'completed') await dequeue(dir, ws.name);
  return report(result, io);
}

async function status(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, history: { type: 'string' } } });
  if (positionals.length !== 1) throw new CliError('status takes exactly one workspace file', 'junction azure status <workspace> [--json] [--history FILE|none]');
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const sub = s(values, 'subscription');
  const { expected, problems } = expectedConnections(ws, sub ? { subscriptionId: sub } : {});
  if (problems.length) {
    const first = problems[0]!;
    throw new CliError(`${file}: ${first.source}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, first.fix);
  }
  if (!expected.length) throw new CliError(`${file}: $.azure.connections is empty: there is no VPN connection to check`, 'model the site-to-site connection under azure.connections');
  const settings = await settingsFor(values, io, ws, true);
  const probe = settings.armEndpoint ? await probeArm(settings) : { online: false, detail: 'no ARM endpoint' };
  let live: LiveStatus;
  if (!probe.online) live = unreachable(expected, probe.detail);
  else live = await liveStatus(new Clients(await credentialFor(settings, io), settings), expected, { pollMs: settings.pollIntervalMs });
  const history = values.history === 'none' ? undefined : values.history ? resolve(io.cwd, values.history) : defaultHistory(file);
  if (history) await appendStatusHistory(history, historyRecords(live, expected));
  const counts = countVerdicts(live.reports);
  if (values.json) io.out(JSON.stringify({ workspace: ws.name, at: live.at, online: probe.online, ...(history ? { history } : {}), counts, connections: live.reports }, null, 2) + '\n');
  else io.out(`Azure VPN status of ${ws.name} at ${live.at}${probe.online ? '' : ' (offline)'}\n${formatStatus(live.reports)}${history ? `History: ${history}\n` : ''}`);
  return counts.ok === live.reports.length ? 0 : 1;
}

async function exportCmd(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, out: { type: 'string' }, subscription: { type: 'string' } } });
  if (positionals.length !== 1 || (values.format !== 'arm' && values.format !== 'cli')) throw new CliError('export takes one workspace and --format arm|cli', 'junction azure export <workspace> --format arm|cli [--out FILE]');
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const out = values.out ? resolve(io.cwd, values.out) : undefined;
  if (values.format === 'cli') {
    const text = exportCliScript(desired, ws.name);
    if (out) {
      await writeFileAtomic(out, text, 0o755);
      io.err(`wrote ${out}\n`);
    } else io.out(text);
    return 0;
  }
  const files = exportArmTemplates(desired);
  if (files.length === 1 && !out) {
    io.out(JSON.stringify(files[0]!.template, null, 2) + '\n');
    return 0;
  }
  if (!out) throw new CliError(`the workspace spans ${files.length} resource groups, one template each`, 'pass --out FILE; each template is written as FILE with the group name before the extension');
  for (const f of files) {
    const target = files.length === 1 ? out : join(dirname(out), `${basename(out, extname(out))}.${f.resourceGroup}${extname(out) || '.json'}`);
    await writeFileAtomic(target, JSON.stringify(f.template, null, 2) + '\n');
    io.err(`wrote ${target}  (az deployment group create --subscription ${f.subscriptionId} -g ${f.resourceGroup} --template-file ${basename(target)})\n`);
  }
  return 0;
}

async function login(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS } });
  const ws = positionals[0] ? await loadWs(resolve(io.cwd, positionals[0]), io) : undefined;
  if (s(values, 'method') === 'browser') throw new CliError('interactive browser sign-in is only in the desktop app', 'use --method device-code (no local browser needed), certificate or cli');
  const settings = await settingsFor(values, io, ws);
  const cred = await credentialFor(settings, io);
  try {
    const tok = await cred.getToken(settings.scope);
    if (!tok) throw new Error('no token returned');
    io.out(`Signed in with ${settings.method} to ${settings.armEndpoint} (authority ${settings.authorityHost}); token valid until ${new Date(tok.expiresOnTimestamp).toISOString()}. It is kept in memory only.\n`);
    return 0;
  } catch (e) {
    throw errorOf(e, 'sign-in');
  }
}

async function queue(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { ...CONNECTION_OPTIONS, probe: { type: 'boolean' } } });
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const items = await listQueue(dir);
  if (!items.length) {
    io.out('No queued applies.\n');
    return 0;
  }
  for (const q of items) {
    io.out(`queued ${q.requestedAt} (${describeAge(q.requestedAt)}): ${q.workspace}  ${q.workspaceFile}\n`);
    if (values.probe && q.armEndpoint) {
      // The path to ARM may differ from when it was queued (a jump host, a temporary opening): an override wins.
      const endpoint = s(values, 'arm-endpoint') ?? io.env['JUNCTION_ARM_ENDPOINT'] ?? q.armEndpoint;
      const settings = await settingsFor({ ...values, 'arm-endpoint': endpoint }, io, undefined, true);
      const p = await probeArm({ ...settings, armEndpoint: endpoint });
      io.out(p.online ? `  ARM is reachable (${p.detail}). To apply it, review and run:\n    junction azure apply ${q.workspaceFile} --yes\n` : `  still offline (${p.detail})\n`);
    }
  }
  return 0;
}

export const azureCommand: Command = {
  name: 'azure',
  summary: 'plan, apply (journaled, resumable) and export Azure network changes; live VPN status',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'plan':
        return plan(rest, io);
      case 'apply':
        return apply(rest, io);
      case 'status':
        return status(rest, io);
      case 'export':
        return exportCmd(rest, io);
      case 'login':
        return login(rest, io);
      case 'queue':
        return queue(rest, io);
      default:
        throw new CliError(sub ? `unknown azure subcommand "${sub}"` : 'azure needs a subcommand', 'junction azure plan|apply|status|export|login|queue (see junction azure --help)');
    }
  },
};
