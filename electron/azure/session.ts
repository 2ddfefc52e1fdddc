// What `junction azure` and the desktop's Apply screen both do around the engine: resolve how to reach ARM, plan
// online or against the snapshot, apply or queue, resume, export and read the queue. The CLI feeds it flags and
// environment; the host feeds it the saved preferences and the request. Errors carry the fix for either front door.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Workspace } from '../../shared/model/schema';
import { desiredResources, referencedGateways, type DesiredResource } from '../../shared/azure/desired';
import {
  actionable,
  computePlan,
  isOwned,
  type LiveResource,
  type Plan,
  type PlanOptions,
} from '../../shared/azure/plan';
import { exportArmTemplates, exportCliScript } from '../../shared/azure/export';
import { discoverCloud, knownCloud, type CloudEndpoints } from './clouds';
import { fetchJson, probeArm, type ConnectionSettings, type SignInMethod } from './connection';
import {
  ApplyCancelled,
  readLive,
  resumeApply,
  scopesOf,
  startApply,
  workspaceHash,
  type ApplyContext,
  type ApplyResult,
  type Clients,
} from './engine';
import { latestUnfinished, type JournalState, type JournalStep } from './journal';
import {
  dequeue,
  describeAge,
  enqueue,
  listQueue,
  loadSnapshot,
  saveSnapshot,
  type QueuedApply,
} from './state';
import { writeFileAtomic } from '../services/atomic-write';
import { recordApplied } from './applied';

/** A failure the admin can act on: the message says what, `fix` says what to do. `exitCode` is the CLI's. */
export class AzureError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export type KnownCloud = 'AzurePublicCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/** Everything a front door may say about the connection; absent fields fall back to the workspace's Azure site. */
export interface ConnectionInput {
  /** A custom ARM endpoint (Azure Stack Hub): wins over the cloud and the workspace. */
  armEndpoint?: string;
  cloud?: KnownCloud;
  authorityHost?: string;
  method?: string;
  tenantId?: string;
  clientId?: string;
  /** Absolute path. */
  certificatePath?: string;
  certificatePassword?: string;
  /** Absolute path of a PEM bundle. */
  caFile?: string;
  proxy?: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
}

export const SIGN_IN_METHODS: readonly SignInMethod[] = ['device-code', 'certificate', 'cli', 'browser'];

/** Poll and retry timing from the environment (tests and slow links tune them); the same for CLI and host. */
export function timingFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Pick<ConnectionInput, 'pollIntervalMs' | 'retryDelayMs'> {
  const num = (k: string) =>
    env[k] !== undefined && env[k] !== '' && !Number.isNaN(Number(env[k])) ? Number(env[k]) : undefined;
  const poll = num('JUNCTION_AZURE_POLL_MS');
  const retry = num('JUNCTION_AZURE_RETRY_MS');
  return {
    ...(poll !== undefined ? { pollIntervalMs: poll } : {}),
    ...(retry !== undefined ? { retryDelayMs: retry } : {}),
  };
}

const siteOf = (ws: Workspace | undefined) => ws?.sites.find((x) => x.azure)?.azure;

async function cloudFor(
  input: ConnectionInput,
  ws: Workspace | undefined,
  base: Pick<ConnectionSettings, 'caPem' | 'proxy' | 'retry'>,
): Promise<CloudEndpoints> {
  const site = siteOf(ws);
  const custom = input.armEndpoint ?? (input.cloud ? undefined : site?.armEndpoint);
  let cloud: CloudEndpoints;
  if (custom) {
    try {
      cloud = await discoverCloud(custom, (url) => fetchJson(base, url));
    } catch (e) {
      throw new AzureError(
        `cannot read the endpoints of ${custom}: ${(e as Error).message.split('\n')[0]}`,
        'check the ARM endpoint, the proxy and the trusted CA (CLI: --arm-endpoint, --proxy, --ca-file); when offline, plan against the snapshot',
      );
    }
  } else if (!input.cloud && site?.cloud === 'AzureStackHub')
    throw new AzureError(
      'the site is on Azure Stack Hub but has no azure.armEndpoint',
      'add azure.armEndpoint to the site, or set a custom ARM endpoint (CLI: --arm-endpoint)',
    );
  else cloud = knownCloud(input.cloud ?? ((site?.cloud ?? 'AzurePublicCloud') as KnownCloud));
  return input.authorityHost ? { ...cloud, authorityHost: input.authorityHost.replace(/\/+$/, '') } : cloud;
}

/**
 * The settings for the credential and the ARM client. With `offlineOk`, an unreadable custom endpoint leaves the
 * ARM endpoint as given (or empty) so the caller can probe, queue or plan against the snapshot instead of failing.
 */
export async function resolveConnection(
  input: ConnectionInput,
  ws: Workspace | undefined,
  opts: { offlineOk?: boolean } = {},
): Promise<ConnectionSettings> {
  let caPem: string | undefined;
  if (input.caFile)
    caPem = await readFile(input.caFile, 'utf8').catch(() => {
      throw new AzureError(
        `cannot read the CA file ${input.caFile}`,
        'give a PEM file with the extra trusted CA certificate(s)',
      );
    });
  const base = {
    ...(caPem ? { caPem } : {}),
    ...(input.proxy ? { proxy: input.proxy } : {}),
    retry: { maxRetries: 4, retryDelayInMs: input.retryDelayMs ?? 800, maxRetryDelayInMs: 30_000 },
    pollIntervalMs: input.pollIntervalMs ?? 2000,
  };
  const method = (input.method ?? 'device-code') as SignInMethod;
  if (!SIGN_IN_METHODS.includes(method))
    throw new AzureError(`unknown sign-in method "${method}"`, 'use device-code, certificate or cli');
  let cloud: CloudEndpoints;
  try {
    cloud = await cloudFor(input, ws, base);
  } catch (e) {
    if (!opts.offlineOk) throw e;
    cloud = {
      cloud: 'custom',
      armEndpoint: input.armEndpoint ?? siteOf(ws)?.armEndpoint ?? '',
      authorityHost: '',
      scope: '',
    };
  }
  const knownHost = /login\.(microsoftonline\.(com|us)|chinacloudapi\.cn)$/i.test(
    new URL(cloud.authorityHost || 'https://login.microsoftonline.com').hostname,
  );
  return {
    ...base,
    ...cloud,
    method,
    ...(input.tenantId ? { tenantId: input.tenantId } : {}),
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(input.certificatePath ? { certificatePath: input.certificatePath } : {}),
    ...(input.certificatePassword ? { certificatePassword: input.certificatePassword } : {}),
    disableInstanceDiscovery: !knownHost,
  };
}

/** The ARM resources the workspace wants, or the first problem with where it is and the fix. */
export function desiredOf(ws: Workspace, file: string, subscriptionId?: string): DesiredResource[] {
  const { resources, problems } = desiredResources(ws, subscriptionId ? { subscriptionId } : {});
  if (problems.length) {
    const first = problems[0]!;
    throw new AzureError(
      `${file}: ${first.source}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      first.fix,
    );
  }
  return resources;
}

export function planOptions(
  ws: Workspace,
  desired: readonly DesiredResource[],
  allowUnowned: readonly string[] = [],
): PlanOptions {
  return { owner: ws.name, allowUnowned, requiredExisting: referencedGateways(desired) };
}

/** ARM failures as the admin should read them: sign-in/permission, or connectivity. */
export function armError(e: unknown, what: string): AzureError {
  if (e instanceof AzureError) return e;
  const x = e as { statusCode?: number; message?: string; name?: string };
  if (
    x.name === 'CredentialUnavailableError' ||
    x.name === 'AuthenticationError' ||
    x.statusCode === 401 ||
    x.statusCode === 403
  )
    return new AzureError(
      `${what}: sign-in or permission failed: ${x.message?.split('\n')[0]}`,
      'check the sign-in method, tenant and client id (CLI: --method/--tenant/--client-id), or sign in again',
      4,
    );
  return new AzureError(
    `${what}: ${x.message?.split('\n')[0] ?? String(e)}`,
    'check connectivity to ARM (and the proxy / trusted CA); planning against the snapshot works without it',
    4,
  );
}

export async function probe(
  settings: ConnectionSettings | undefined,
): Promise<{ online: boolean; detail: string }> {
  if (!settings?.armEndpoint) return { online: false, detail: 'no ARM endpoint' };
  return probeArm(settings);
}

/** SHA-256 over what apply would do (actions, ids, etags read, property changes): the admin's confirmation. */
export function planHash(plan: Plan): string {
  const steps = actionable(plan).map((s) => [
    s.action,
    s.armId.toLowerCase(),
    s.etag ?? null,
    s.changes,
    s.desired?.secrets ?? {},
  ]);
  return createHash('sha256')
    .update(JSON.stringify([plan.owner, steps]))
    .digest('hex');
}

export interface PlanOutcome {
  plan: Plan;
  /** Ids (lower case) of live resources without Junction's ownership tag. */
  unowned: Set<string>;
  source:
    | { kind: 'live'; armEndpoint: string }
    | { kind: 'snapshot'; reason: string; savedAt: string; age: string };
  scopes: string[];
}

const scopeNames = (desired: readonly DesiredResource[]) =>
  scopesOf(desired).map((x) => `${x.subscriptionId}/${x.resourceGroup}`);

function outcome(
  plan: Plan,
  live: readonly LiveResource[],
  source: PlanOutcome['source'],
  desired: readonly DesiredResource[],
): PlanOutcome {
  const unowned = new Set(live.filter((l) => !isOwned(l.body, plan.owner)).map((l) => l.armId.toLowerCase()));
  return { plan, unowned, source, scopes: scopeNames(desired) };
}

/** Reads live state and saves it as the snapshot an offline plan will use. */
export async function readAndSnapshot(
  clients: Clients,
  dir: string,
  ws: Workspace,
  desired: readonly DesiredResource[],
  armEndpoint: string,
): Promise<LiveResource[]> {
  let live: LiveResource[];
  try {
    live = await readLive(clients, scopesOf(desired));
  } catch (e) {
    throw armError(e, 'reading live state');
  }
  await saveSnapshot(dir, {
    workspace: ws.name,
    armEndpoint,
    savedAt: new Date().toISOString(),
    scopes: scopeNames(desired),
    resources: live,
  });
  return live;
}

export async function planOffline(
  dir: string,
  ws: Workspace,
  desired: readonly DesiredResource[],
  allowUnowned: readonly string[],
  reason: string,
): Promise<PlanOutcome> {
  const snap = await loadSnapshot(dir, ws.name);
  if (!snap)
    throw new AzureError(
      `cannot plan offline: ${reason}, and there is no snapshot of live state for "${ws.name}" in ${dir}`,
      'plan once while connected to save a snapshot',
    );
  const plan = computePlan(desired, snap.resources, planOptions(ws, desired, allowUnowned));
  return outcome(
    plan,
    snap.resources,
    { kind: 'snapshot', reason, savedAt: snap.savedAt, age: describeAge(snap.savedAt) },
    desired,
  );
}

export interface PlanRequest {
  ws: Workspace;
  desired: readonly DesiredResource[];
  dir: string;
  allowUnowned: readonly string[];
  /** Why to plan against the snapshot without trying ARM (e.g. "requested with --offline"). */
  offline?: string;
  settings?: ConnectionSettings;
  clients: (settings: ConnectionSettings) => Promise<Clients>;
}

/** Live when ARM answers (refreshing the snapshot), otherwise against the snapshot with its age. */
export async function planWorkspace(r: PlanRequest): Promise<PlanOutcome> {
  let reason = r.offline;
  if (!reason) {
    const p = await probe(r.settings);
    if (!p.online) reason = `ARM is unreachable (${p.detail})`;
  }
  if (reason) return planOffline(r.dir, r.ws, r.desired, r.allowUnowned, reason);
  const settings = r.settings!;
  const live = await readAndSnapshot(await r.clients(settings), r.dir, r.ws, r.desired, settings.armEndpoint);
  return outcome(
    computePlan(r.desired, live, planOptions(r.ws, r.desired, r.allowUnowned)),
    live,
    { kind: 'live', armEndpoint: settings.armEndpoint },
    r.desired,
  );
}

/** Secret names the steps need that `secret` cannot provide. */
export function missingSecrets(
  steps: readonly { secrets?: Record<string, string> }[],
  secret: (name: string) => string | undefined,
): string[] {
  const names = new Set(steps.flatMap((s) => Object.values(s.secrets ?? {})));
  return [...names].filter((n) => secret(n) === undefined).sort();
}

export type ApplyOutcome =
  | { kind: 'queued'; file: string; reason: string }
  | { kind: 'nothing'; planned: PlanOutcome }
  | { kind: 'unconfirmed'; planned: PlanOutcome }
  | { kind: 'applied'; planned: PlanOutcome; result: ApplyResult };

export interface ApplyRequest {
  ws: Workspace;
  /** Recorded in the queue so the admin knows what to open again. */
  workspaceFile: string;
  desired: readonly DesiredResource[];
  dir: string;
  allowUnowned: readonly string[];
  settings: ConnectionSettings;
  clients: (settings: ConnectionSettings) => Promise<Clients>;
  /** Whether the admin confirmed this plan (CLI: --yes; console: the hash of the plan reviewed). */
  confirmed(plan: Plan): boolean;
  onPlan?(planned: PlanOutcome): void;
  secretFix(names: string[]): string;
  context: Omit<ApplyContext, 'clients' | 'settings'>;
}

/**
 * Offline: queue, change nothing. Online: read live (refreshing the snapshot), plan, and apply only what the admin
 * confirmed, after checking every secret the steps need is at hand (a missing key must not stop an apply half way).
 */
export async function applyWorkspace(r: ApplyRequest): Promise<ApplyOutcome> {
  const p = await probe(r.settings);
  if (!p.online) {
    const file = await enqueue(r.dir, {
      workspace: r.ws.name,
      workspaceFile: r.workspaceFile,
      armEndpoint: r.settings.armEndpoint,
      requestedAt: new Date().toISOString(),
      reason: p.detail,
    });
    return { kind: 'queued', file, reason: p.detail };
  }
  const clients = await r.clients(r.settings);
  const live = await readAndSnapshot(clients, r.dir, r.ws, r.desired, r.settings.armEndpoint);
  const planned = outcome(
    computePlan(r.desired, live, planOptions(r.ws, r.desired, r.allowUnowned)),
    live,
    { kind: 'live', armEndpoint: r.settings.armEndpoint },
    r.desired,
  );
  r.onPlan?.(planned);
  const steps = actionable(planned.plan);
  if (steps.length === 0) {
    await dequeue(r.dir, r.ws.name);
    await recordApplied(r.dir, r.ws);
    return { kind: 'nothing', planned };
  }
  if (!r.confirmed(planned.plan)) return { kind: 'unconfirmed', planned };
  if (r.context.signal?.aborted) throw new ApplyCancelled();
  const missing = missingSecrets(
    steps.map((s) => s.desired ?? {}),
    r.context.secret,
  );
  if (missing.length)
    throw new AzureError(
      `secret${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not available; nothing was changed`,
      r.secretFix(missing),
    );
  let result: ApplyResult;
  try {
    result = await startApply(
      { ...r.context, clients, settings: r.settings },
      r.dir,
      r.ws.name,
      r.desired,
      planned.plan,
    );
  } catch (e) {
    throw armError(e, 'applying');
  }
  if (result.status === 'completed') {
    await dequeue(r.dir, r.ws.name);
    await recordApplied(r.dir, r.ws, result.journal);
  }
  return { kind: 'applied', planned, result };
}

/** A journal that can go on: not completed, and not stopped by a 412 (that needs a new plan, not a retry). */
export function isResumable(st: JournalState): boolean {
  if (st.ended === 'completed') return false;
  const last = [...st.failed.values()].at(-1);
  return !(st.ended === 'stopped' && last?.code === 'PreconditionFailed');
}

export interface ResumeRequest {
  ws: Workspace;
  desired: readonly DesiredResource[];
  dir: string;
  settings: ConnectionSettings;
  clients: (settings: ConnectionSettings) => Promise<Clients>;
  /** The console confirms the exact apply it offered; the CLI takes the newest unfinished one. */
  applyId?: string;
  secretFix(names: string[]): string;
  context: Omit<ApplyContext, 'clients' | 'settings'>;
  onJournal?(st: JournalState, workspaceChanged: boolean): void;
}

export async function resumeWorkspace(r: ResumeRequest): Promise<{ st: JournalState; result: ApplyResult }> {
  const st = await latestUnfinished(r.dir, r.ws.name);
  if (!st)
    throw new AzureError(
      `no unfinished apply of "${r.ws.name}" in ${r.dir}`,
      'start one: plan, review, then apply',
    );
  if (r.applyId && st.begin.applyId !== r.applyId)
    throw new AzureError(
      `apply ${r.applyId} is not the unfinished apply of "${r.ws.name}" (that is ${st.begin.applyId})`,
      'reload the journal and resume the apply it shows',
    );
  const p = await probe(r.settings);
  if (!p.online)
    throw new AzureError(
      `cannot resume while ARM is unreachable (${p.detail})`,
      'resume once connected; the journal keeps its place',
    );
  const pending = st.begin.steps.filter((s: JournalStep) => !st.done.has(s.index));
  const missing = missingSecrets(pending, r.context.secret);
  if (missing.length)
    throw new AzureError(
      `secret${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not available; nothing was changed`,
      r.secretFix(missing),
    );
  const changed = st.begin.workspaceHash !== workspaceHash(r.desired);
  r.onJournal?.(st, changed);
  const clients = await r.clients(r.settings);
  try {
    const result = await resumeApply({ ...r.context, clients, settings: r.settings }, st);
    if (result.status === 'completed') await dequeue(r.dir, r.ws.name);
    // A resumed plan of an earlier workspace put that one in place, which is not recorded: keep the last record.
    if (result.status === 'completed' && !changed) await recordApplied(r.dir, r.ws, result.journal);
    return { st, result };
  } catch (e) {
    throw armError(e, 'resuming');
  }
}

/** What the admin does about a stopped step. */
export function remedyOf(code: string): { remedy: 'replan' | 'resume'; fix: string } {
  if (code === 'PreconditionFailed')
    return {
      remedy: 'replan',
      fix: 'the resource changed in Azure after the plan was made; nothing was overwritten. Plan again, review the change, then apply',
    };
  if (code === 'Cancelled' || code === 'Interrupted')
    return {
      remedy: 'resume',
      fix: 'resume when ready: the step in flight is checked by GET first and never sent twice',
    };
  if (code === 'SecretMissing') return { remedy: 'resume', fix: 'provide the shared key, then resume' };
  if (code === 'ProvisioningFailed' || code === 'InternalServerError')
    return {
      remedy: 'resume',
      fix: 'Azure reported the operation failed; check the resource and the activity log in the portal, then resume (the step is sent again)',
    };
  return {
    remedy: 'resume',
    fix: 'fix the cause (connectivity, permissions, quota), then resume: completed steps are not repeated',
  };
}

// ---------------------------------------------------------------- queue

export interface QueueEntry extends QueuedApply {
  age: string;
  probe?: { online: boolean; detail: string };
}

/** The queued applies; with `probeWith`, whether ARM answers for each now. Offering to run is the caller's job. */
export async function queueEntries(
  dir: string,
  probeWith?: (q: QueuedApply) => Promise<{ online: boolean; detail: string }>,
): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  for (const q of await listQueue(dir)) {
    const e: QueueEntry = { ...q, age: describeAge(q.requestedAt) };
    if (probeWith && q.armEndpoint) e.probe = await probeWith(q);
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------- export

export interface ExportFile {
  name: string;
  text: string;
  subscriptionId?: string;
  resourceGroup?: string;
  hint: string;
}

/** The desired state as ARM templates (one per resource group) or one az CLI script, named as `--out` would write them. */
export function exportFiles(
  desired: readonly DesiredResource[],
  workspaceName: string,
  format: 'arm' | 'cli',
  out?: string,
): ExportFile[] {
  if (format === 'cli') {
    const name = out ?? `${workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-azure.sh`;
    return [
      {
        name,
        text: exportCliScript(desired, workspaceName),
        hint: `bash ${basename(name)} (needs az, signed in; shared keys from JUNCTION_SECRET_<NAME>)`,
      },
    ];
  }
  const files = exportArmTemplates(desired);
  const base = out ?? 'azuredeploy.json';
  return files.map((f) => {
    const name =
      files.length === 1
        ? base
        : join(
            dirname(base),
            `${basename(base, extname(base))}.${f.resourceGroup}${extname(base) || '.json'}`,
          );
    return {
      name,
      text: JSON.stringify(f.template, null, 2) + '\n',
      subscriptionId: f.subscriptionId,
      resourceGroup: f.resourceGroup,
      hint: `az deployment group create --subscription ${f.subscriptionId} -g ${f.resourceGroup} --template-file ${basename(name)}`,
    };
  });
}

/** Each file written atomically (a crash leaves the old file or the new one); scripts executable. */
export async function writeExports(files: readonly ExportFile[], format: 'arm' | 'cli'): Promise<string[]> {
  for (const f of files) await writeFileAtomic(f.name, f.text, format === 'cli' ? 0o755 : 0o644);
  return files.map((f) => f.name);
}
