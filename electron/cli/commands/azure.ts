import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliIo, Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import type { Workspace } from '../../../shared/model/schema';
import type { DesiredResource } from '../../../shared/azure/desired';
import { formatPlan, type Plan } from '../../../shared/azure/plan';
import { secretEnvVar } from '../../../shared/azure/export';
import { refusalPlace } from '../../../shared/azure/refusal';
import { makeCredential, probeArm, type ConnectionSettings } from '../../azure/connection';
import { Clients, type ApplyResult } from '../../azure/engine';
import { enqueue, stateDir } from '../../azure/state';
import { formatReachSection, reachSinceApplied } from '../../azure/applied';
import {
  AzureError,
  applyWorkspace,
  armError,
  desiredOf,
  exportFiles,
  planHash,
  planWorkspace,
  probe,
  queueEntries,
  resolveConnection,
  resumeWorkspace,
  timingFromEnv,
  writeExports,
  type ConnectionInput,
} from '../../azure/session';
import { countVerdicts, expectedConnections, formatStatus } from '../../../shared/azure/status';
import { appendStatusHistory, historyRecords, readStatus } from '../../azure/status';
import { defaultHistory } from './probe';
import { azureImport, IMPORT_USAGE } from './azure-import';

export const CONNECTION_OPTIONS = {
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

const USAGE = `junction azure <plan|apply|status|export|import|login|queue> ...

  junction azure plan <workspace> [--json] [--offline] [--allow-unowned NAME]...
      Reads the live resources, diffs them against the workspace and prints Create/Modify/Delete/NoChange per
      resource with the properties that differ. Offline (or with --offline) it plans against the last snapshot
      and says how old it is. Then "Flows this change opens or closes": the flows (needed flows, intents, NSG
      rule pairs) whose verdict differs from the workspace the last completed apply put in place.
  junction azure apply <workspace> [--plan HASH | --yes] [--resume] [--allow-unowned NAME]...
      Reads live state and plans again, then applies in dependency order, each PUT and DELETE with If-Match on
      the etag that plan read (a change in the portal meanwhile stops that step). --plan HASH applies only if the
      plan is still the one \`junction azure plan\` showed with that hash (its first 12 or more hex digits): a
      change in Azure or in the workspace since then stops the apply before anything is written. --yes applies
      whatever the plan is now. Every step is journaled; --resume continues the newest apply if it did not
      finish and never repeats a completed PUT. Offline, the apply is queued instead (see \`junction azure queue\`).
  junction azure status <workspace> [--json] [--history FILE|none]
      Reads each modelled VPN connection's live status (Unknown/Connecting/Connected/NotConnected, ingress/egress
      bytes, per-tunnel health) and, where BGP is on, the gateway's BGP peers; compares them with the model and
      gives each connection a verdict (ok/degraded/down/unknown/missing) with what to check. Appended to the health
      history (default <workspace>.health.jsonl, as \`junction probe\`). Exit 0 all ok, 1 otherwise, 2 bad input.
  junction azure export <workspace> --format arm|cli [--out FILE]
      The desired state as an ARM template (api-version 2025-05-01) or an Azure CLI bash script; both give the
      same state. The script reads each resource and writes (az rest PUT, body from a 0600 file) only what is
      missing or differs; --dry-run only reads; resources without the junction-owned tag are left alone unless
      --allow-unowned NAME (the template: its notOwned parameter). Exit 0 in place, 1 failed or left alone, 2
      prerequisite missing (az, subscription, JUNCTION_SECRET_<NAME>, an existing resource it needs).
${IMPORT_USAGE}
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

/** Flags first, then the environment: the CLI's view of the connection. */
async function settingsFor(
  values: Values,
  io: CliIo,
  ws: Workspace | undefined,
  offlineOk = false,
): Promise<ConnectionSettings> {
  const opt = (k: string, env: string) => s(values, k) ?? io.env[env];
  const caFile = opt('ca-file', 'JUNCTION_CA_FILE');
  const cert = opt('certificate', 'AZURE_CLIENT_CERTIFICATE_PATH');
  const input: ConnectionInput = {
    ...timingFromEnv(io.env),
    method: opt('method', 'JUNCTION_AZURE_METHOD') ?? 'device-code',
    ...(opt('arm-endpoint', 'JUNCTION_ARM_ENDPOINT')
      ? { armEndpoint: opt('arm-endpoint', 'JUNCTION_ARM_ENDPOINT')! }
      : {}),
    ...(opt('authority-host', 'JUNCTION_AUTHORITY_HOST')
      ? { authorityHost: opt('authority-host', 'JUNCTION_AUTHORITY_HOST')! }
      : {}),
    ...(opt('tenant', 'AZURE_TENANT_ID') ? { tenantId: opt('tenant', 'AZURE_TENANT_ID')! } : {}),
    ...(opt('client-id', 'AZURE_CLIENT_ID') ? { clientId: opt('client-id', 'AZURE_CLIENT_ID')! } : {}),
    ...(cert ? { certificatePath: resolve(io.cwd, cert) } : {}),
    ...(io.env['AZURE_CLIENT_CERTIFICATE_PASSWORD']
      ? { certificatePassword: io.env['AZURE_CLIENT_CERTIFICATE_PASSWORD'] }
      : {}),
    ...(caFile ? { caFile: resolve(io.cwd, caFile) } : {}),
    ...(opt('proxy', 'JUNCTION_PROXY') ? { proxy: opt('proxy', 'JUNCTION_PROXY')! } : {}),
  };
  return cliErrors(() => resolveConnection(input, ws, { offlineOk }));
}

/** AzureError → CliError: same message and fix, the CLI's exit code. */
async function cliErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AzureError) throw new CliError(e.message, e.fix, e.exitCode);
    throw e;
  }
}

async function credentialFor(settings: ConnectionSettings, io: CliIo) {
  try {
    return await makeCredential(settings, (info) => io.err(`${info.message}\n`));
  } catch (e) {
    throw new CliError(
      `cannot set up sign-in: ${(e as Error).message}`,
      'see `junction azure --help` for the sign-in options',
    );
  }
}

const clientsFor = (io: CliIo) => async (settings: ConnectionSettings) =>
  new Clients(await credentialFor(settings, io), settings);

function desiredOrFail(ws: Workspace, values: Values, file: string): DesiredResource[] {
  try {
    return desiredOf(ws, file, s(values, 'subscription'));
  } catch (e) {
    if (e instanceof AzureError) throw new CliError(e.message, e.fix, e.exitCode);
    throw e;
  }
}

const secretFix = (names: string[]) =>
  `set ${names.map(secretEnvVar).join(', ')} in the environment, then run the apply again`;

const planJson = (plan: Plan, extra: Record<string, unknown>) =>
  JSON.stringify(
    {
      ...extra,
      planHash: planHash(plan),
      counts: plan.counts,
      warnings: plan.warnings,
      steps: plan.steps.map((st) => ({
        action: st.action,
        kind: st.kind,
        name: st.name,
        id: st.armId,
        changes: st.changes,
        ...(st.reason ? { reason: st.reason } : {}),
        ...(st.slow ? { slow: true } : {}),
      })),
    },
    null,
    2,
  ) + '\n';

async function loadWs(file: string, io: CliIo) {
  const loaded = await loadOrExplain(file, io);
  if (!loaded) throw new CliError(`${file} could not be read`, 'fix the problems listed above', 2);
  return loaded.workspace;
}

function report(r: ApplyResult, io: CliIo, desired: readonly DesiredResource[] = []): number {
  if (r.status === 'completed') {
    io.out(
      `Apply complete: ${r.performed} step(s) applied, ${r.skipped} already done. Journal: ${r.journal}\n`,
    );
    return 0;
  }
  io.out(
    `Apply stopped at ${r.failure!.step.action} ${r.failure!.step.kind} ${r.failure!.step.name}: ${r.failure!.code}: ${r.failure!.message}\nJournal: ${r.journal}\n`,
  );
  // An ARM refusal (400) names a rule or subnet; point at the workspace field it came from.
  const resource = desired.find((d) => d.armId.toLowerCase() === r.failure!.step.armId.toLowerCase());
  const place = r.failure!.code.startsWith('HTTP') ? undefined : refusalPlace(resource, r.failure!.code, r.failure!.message);
  if (place && r.failure!.step.action !== 'Delete') io.out(`In the workspace: ${place} (junction lint checks what Azure refuses)\n`);
  io.out(
    r.failure!.code === 'PreconditionFailed'
      ? 'Re-plan: junction azure plan <workspace>, then apply again.\n'
      : 'Fix the cause, then run: junction azure apply <workspace> --resume\n',
  );
  return 1;
}

async function plan(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      json: { type: 'boolean' },
      offline: { type: 'boolean' },
      'allow-unowned': { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1)
    throw new CliError(
      'plan takes exactly one workspace file',
      'junction azure plan <workspace> [--json] [--offline]',
    );
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const offline = values.offline ? 'requested with --offline' : undefined;
  const settings = offline ? undefined : await settingsFor(values, io, ws, true);
  const r = await cliErrors(() =>
    planWorkspace({
      ws,
      desired,
      dir,
      allowUnowned: values['allow-unowned'] ?? [],
      ...(offline ? { offline } : {}),
      ...(settings ? { settings } : {}),
      clients: clientsFor(io),
    }),
  );
  // What the Azure change does to the estate's flows: against the workspace the last completed apply put in place.
  const flows = await reachSinceApplied(dir, ws);
  const reach = 'none' in flows ? { known: false, reason: flows.none } : { known: true, since: flows.since, ...flows.diff };
  const section = `\n${formatReachSection(flows)}`;
  if (r.source.kind === 'snapshot') {
    const { reason, savedAt, age } = r.source;
    if (values.json)
      io.out(planJson(r.plan, { workspace: ws.name, offline: true, snapshot: { savedAt, age }, reach }));
    else
      io.out(
        `Offline plan (${reason}) against the snapshot of ${savedAt} (${age}); live state may have changed since.\n${formatPlan(r.plan)}${section}${applyHint(r.plan, file)}`,
      );
    return 0;
  }
  io.out(values.json ? planJson(r.plan, { workspace: ws.name, offline: false, reach }) : formatPlan(r.plan) + section + applyHint(r.plan, file));
  return 0;
}

/** How to apply exactly the plan just shown: its hash covers the actions, ids, etags read and property changes. */
function applyHint(plan: Plan, file: string): string {
  if (plan.counts.Create + plan.counts.Modify + plan.counts.Delete === 0) return '';
  return `\nTo apply exactly this plan: junction azure apply ${file} --plan ${planHash(plan).slice(0, 16)}\n`;
}

async function apply(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      yes: { type: 'boolean' },
      plan: { type: 'string' },
      resume: { type: 'boolean' },
      'allow-unowned': { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1)
    throw new CliError(
      'apply takes exactly one workspace file',
      'junction azure apply <workspace> [--plan HASH | --yes] [--resume]',
    );
  const pinned = values.plan?.trim().toLowerCase();
  if (pinned !== undefined && !/^[0-9a-f]{12,64}$/.test(pinned))
    throw new CliError(
      `--plan ${values.plan}: not a plan hash`,
      'pass the hash `junction azure plan` printed (at least its first 12 hex digits)',
    );
  if (pinned !== undefined && values.yes)
    throw new CliError('--plan and --yes both given', 'use --plan HASH to apply a reviewed plan, or --yes to apply whatever the plan is now');
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const settings = await settingsFor(values, io, ws, true);
  const context = {
    secret: (name: string) => io.env[secretEnvVar(name)],
    log: (l: string) => io.out(l + '\n'),
  };
  if (values.resume) {
    // Offline, a resume is queued like any apply: the journal keeps its place.
    const p = await probe(settings);
    if (!p.online)
      return queued(
        await enqueue(dir, {
          workspace: ws.name,
          workspaceFile: file,
          armEndpoint: settings.armEndpoint,
          requestedAt: new Date().toISOString(),
          reason: p.detail,
        }),
        p.detail,
        io,
      );
    const { result } = await cliErrors(() =>
      resumeWorkspace({
        ws,
        desired,
        dir,
        settings,
        clients: clientsFor(io),
        secretFix,
        context,
        onJournal: (st, changed) => {
          if (changed)
            io.err(
              'note: the workspace changed since this apply began; resuming the journaled plan, then plan again\n',
            );
          io.out(`Resuming ${st.file}: ${st.done.size} of ${st.begin.steps.length} step(s) already done.\n`);
        },
      }),
    );
    return report(result, io);
  }
  const r = await cliErrors(() =>
    applyWorkspace({
      ws,
      workspaceFile: file,
      desired,
      dir,
      allowUnowned: values['allow-unowned'] ?? [],
      settings,
      clients: clientsFor(io),
      secretFix,
      context,
      confirmed: (p) => (pinned !== undefined ? planHash(p).startsWith(pinned) : values.yes === true),
      onPlan: (p) => io.out(formatPlan(p.plan)),
    }),
  );
  if (r.kind === 'queued') return queued(r.file, r.reason, io);
  if (r.kind === 'nothing') {
    // A pinned plan with changes that now has none (applied meanwhile, or reviewed with other flags) was not applied.
    if (pinned !== undefined && !planHash(r.planned.plan).startsWith(pinned)) {
      io.err(`The plan is no longer the one with hash ${pinned}: there is nothing to apply now. Nothing was changed.\n`);
      return 1;
    }
    io.out('Nothing to apply.\n');
    return 0;
  }
  if (r.kind === 'unconfirmed') {
    const now = planHash(r.planned.plan).slice(0, 16);
    if (pinned === undefined) {
      io.out(`Nothing was changed. Review the plan, then rerun with --plan ${now} to apply exactly it (or --yes).\n`);
      return 0;
    }
    io.err(
      `The plan is no longer the one with hash ${pinned}: Azure or the workspace changed since it was shown (now ${now}). Nothing was changed.\nReview the plan above, then rerun with --plan ${now}.\n`,
    );
    return 1;
  }
  return report(r.result, io, desired);
}

function queued(file: string, reason: string, io: CliIo): number {
  io.out(
    `Offline (${reason}): the apply is queued, nothing was changed (${file}).\nWhen connected, \`junction azure queue --probe\` offers to run it.\n`,
  );
  return 3;
}

async function status(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, history: { type: 'string' } },
  });
  if (positionals.length !== 1)
    throw new CliError(
      'status takes exactly one workspace file',
      'junction azure status <workspace> [--json] [--history FILE|none]',
    );
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const sub = s(values, 'subscription');
  const { expected, problems } = expectedConnections(ws, sub ? { subscriptionId: sub } : {});
  if (problems.length) {
    const first = problems[0]!;
    throw new CliError(
      `${file}: ${first.source}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      first.fix,
    );
  }
  if (!expected.length)
    throw new CliError(
      `${file}: $.azure.connections is empty: there is no VPN connection to check`,
      'model the site-to-site connection under azure.connections',
    );
  const settings = await settingsFor(values, io, ws, true);
  const { online, live } = await readStatus(
    settings,
    expected,
    async () => new Clients(await credentialFor(settings, io), settings),
  );
  const history =
    values.history === 'none'
      ? undefined
      : values.history
        ? resolve(io.cwd, values.history)
        : defaultHistory(file);
  if (history) await appendStatusHistory(history, historyRecords(live, expected));
  const counts = countVerdicts(live.reports);
  if (values.json)
    io.out(
      JSON.stringify(
        {
          workspace: ws.name,
          at: live.at,
          online,
          ...(history ? { history } : {}),
          counts,
          connections: live.reports,
        },
        null,
        2,
      ) + '\n',
    );
  else
    io.out(
      `Azure VPN status of ${ws.name} at ${live.at}${online ? '' : ' (offline)'}\n${formatStatus(live.reports)}${history ? `History: ${history}\n` : ''}`,
    );
  return counts.ok === live.reports.length ? 0 : 1;
}

async function exportCmd(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' }, subscription: { type: 'string' } },
  });
  if (positionals.length !== 1 || (values.format !== 'arm' && values.format !== 'cli'))
    throw new CliError(
      'export takes one workspace and --format arm|cli',
      'junction azure export <workspace> --format arm|cli [--out FILE]',
    );
  const file = resolve(io.cwd, positionals[0]!);
  const ws = await loadWs(file, io);
  const desired = desiredOrFail(ws, values, file);
  const out = values.out ? resolve(io.cwd, values.out) : undefined;
  const files = exportFiles(desired, ws.name, values.format, out);
  if (!out) {
    if (files.length > 1)
      throw new CliError(
        `the workspace spans ${files.length} resource groups, one template each`,
        'pass --out FILE; each template is written as FILE with the group name before the extension',
      );
    io.out(files[0]!.text);
    return 0;
  }
  await writeExports(files, values.format);
  for (const f of files)
    io.err(values.format === 'cli' ? `wrote ${f.name}\n` : `wrote ${f.name}  (${f.hint})\n`);
  return 0;
}

async function login(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS },
  });
  const ws = positionals[0] ? await loadWs(resolve(io.cwd, positionals[0]), io) : undefined;
  if (s(values, 'method') === 'browser')
    throw new CliError(
      'interactive browser sign-in is only in the desktop app',
      'use --method device-code (no local browser needed), certificate or cli',
    );
  const settings = await settingsFor(values, io, ws);
  const cred = await credentialFor(settings, io);
  try {
    const tok = await cred.getToken(settings.scope);
    if (!tok) throw new Error('no token returned');
    io.out(
      `Signed in with ${settings.method} to ${settings.armEndpoint} (authority ${settings.authorityHost}); token valid until ${new Date(tok.expiresOnTimestamp).toISOString()}. It is kept in memory only.\n`,
    );
    return 0;
  } catch (e) {
    const err = armError(e, 'sign-in');
    throw new CliError(err.message, err.fix, err.exitCode);
  }
}

async function queue(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { ...CONNECTION_OPTIONS, probe: { type: 'boolean' } } });
  const dir = stateDir(s(values, 'state-dir'), io.env);
  const items = await queueEntries(
    dir,
    values.probe
      ? async (q) => {
          // The path to ARM may differ from when it was queued (a jump host, a temporary opening): an override wins.
          const endpoint = s(values, 'arm-endpoint') ?? io.env['JUNCTION_ARM_ENDPOINT'] ?? q.armEndpoint;
          const settings = await settingsFor({ ...values, 'arm-endpoint': endpoint }, io, undefined, true);
          return probeArm({ ...settings, armEndpoint: endpoint });
        }
      : undefined,
  );
  if (!items.length) {
    io.out('No queued applies.\n');
    return 0;
  }
  for (const q of items) {
    io.out(`queued ${q.requestedAt} (${q.age}): ${q.workspace}  ${q.workspaceFile}\n`);
    if (q.probe)
      io.out(
        q.probe.online
          ? `  ARM is reachable (${q.probe.detail}). To apply it, review and run:\n    junction azure apply ${q.workspaceFile} --yes\n`
          : `  still offline (${q.probe.detail})\n`,
      );
  }
  return 0;
}

/** What `junction init --from-azure` needs to sign in exactly as `azure import` does. */
export const importDeps = { options: CONNECTION_OPTIONS, settingsFor, credentialFor };

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
      case 'import':
        return azureImport(rest, io, { options: CONNECTION_OPTIONS, settingsFor, credentialFor });
      default:
        throw new CliError(
          sub ? `unknown azure subcommand "${sub}"` : 'azure needs a subcommand',
          'junction azure plan|apply|status|export|import|login|queue (see junction azure --help)',
        );
    }
  },
};
