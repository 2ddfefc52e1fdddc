// Plan and apply against live ARM: read, snapshot, diff (shared/azure), then PUT/DELETE in order through the SDK's
// LRO pollers with the journal around every step.
import { randomBytes, createHash } from 'node:crypto';
import { KIND_ORDER, type DesiredResource, type ResourceKind } from '../../shared/azure/desired';
import { canonical } from '../../shared/azure/canonical';
import {
  actionable,
  computePlan,
  type LiveResource,
  type Plan,
  type PlanOptions,
} from '../../shared/azure/plan';
import { toSdk } from '../../shared/azure/sdk-shape';
import { createArmClient, isNotFound, listKind, liveFromSdk, opsFor, type ArmClient } from './arm';
import type { ConnectionSettings, TokenCredential } from './connection';
import { Journal, readJournal, type JournalState, type JournalStep } from './journal';

export interface Scope {
  subscriptionId: string;
  resourceGroup: string;
}

export function scopesOf(desired: readonly DesiredResource[]): Scope[] {
  const seen = new Map<string, Scope>();
  for (const d of desired)
    seen.set(`${d.subscriptionId}/${d.resourceGroup}`.toLowerCase(), {
      subscriptionId: d.subscriptionId,
      resourceGroup: d.resourceGroup,
    });
  return [...seen.values()];
}

export class Clients {
  private readonly bySub = new Map<string, ArmClient>();
  constructor(
    private readonly credential: TokenCredential,
    private readonly settings: ConnectionSettings,
  ) {}
  for(subscriptionId: string): ArmClient {
    let c = this.bySub.get(subscriptionId);
    if (!c)
      this.bySub.set(subscriptionId, (c = createArmClient(this.credential, subscriptionId, this.settings)));
    return c;
  }
}

/** LIST every kind Junction manages in each resource group. */
export async function readLive(
  clients: Clients,
  scopes: readonly Scope[],
  kinds: readonly ResourceKind[] = KIND_ORDER,
): Promise<LiveResource[]> {
  const out: LiveResource[] = [];
  for (const s of scopes) {
    const c = clients.for(s.subscriptionId).client;
    for (const k of kinds) out.push(...(await listKind(c, k, s.resourceGroup)));
  }
  return out;
}

export function planFrom(
  desired: readonly DesiredResource[],
  live: readonly LiveResource[],
  opts: PlanOptions,
): Plan {
  return computePlan(desired, live, opts);
}

export function workspaceHash(desired: readonly DesiredResource[]): string {
  return createHash('sha256')
    .update(JSON.stringify(desired.map((d) => [d.armId, d.body, d.secrets])))
    .digest('hex')
    .slice(0, 16);
}

export function journalSteps(plan: Plan): JournalStep[] {
  return actionable(plan).map((s, index) => {
    const [, sub, rg] = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(s.armId) ?? [];
    return {
      index,
      action: s.action as JournalStep['action'],
      kind: s.kind,
      armId: s.armId,
      name: s.name,
      subscriptionId: sub ?? '',
      resourceGroup: rg ?? '',
      ...(s.desired ? { body: s.desired.body, secrets: s.desired.secrets } : {}),
      ...(s.etag !== undefined && s.action !== 'Create' ? { etag: s.etag } : {}),
    };
  });
}

export function newApplyId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export interface ApplyResult {
  /** `stopped` with failure code `Cancelled` when the admin cancelled (the journal is resumable). */
  status: 'completed' | 'stopped';
  journal: string;
  performed: number;
  skipped: number;
  failure?: { step: JournalStep; code: string; message: string };
}

export interface ApplyContext {
  clients: Clients;
  settings: ConnectionSettings;
  secret(name: string): string | undefined;
  log(line: string): void;
  /** Cancel: stops waiting for the step in flight and starts no other; the step is left for resume to verify. */
  signal?: AbortSignal;
  /** Before each step: how many are finished (done or verified) of how many. */
  progress?(p: { done: number; total: number; step?: JournalStep; label: string }): void;
}

export class ApplyCancelled extends Error {
  constructor() {
    super('cancelled by the admin');
  }
}

/** The SDK's pollers do not stop their wait on abort; racing it returns control at once (ARM carries on). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new ApplyCancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApplyCancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? new ApplyCancelled() : e);
      },
    );
  });
}

const errCode = (e: unknown): string => {
  const x = e as { statusCode?: number; code?: string };
  if (x.statusCode === 412) return 'PreconditionFailed';
  return x.code ?? (x.statusCode ? `HTTP${x.statusCode}` : 'Error');
};

/** After a crash mid-step: did that step's PUT/DELETE land? If so, it must not be sent again. */
async function alreadyApplied(ctx: ApplyContext, step: JournalStep): Promise<boolean> {
  const ops = opsFor(ctx.clients.for(step.subscriptionId).client, step.kind);
  const deadline = Date.now() + 120_000;
  for (;;) {
    let model: unknown;
    try {
      model = await ops.get(step.resourceGroup, step.name);
    } catch (e) {
      if (isNotFound(e)) return step.action === 'Delete';
      throw e;
    }
    if (step.action === 'Delete') {
      // A delete in flight still shows the resource (Deleting); wait for it to go.
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, ctx.settings.pollIntervalMs));
      continue;
    }
    const live = liveFromSdk(step.kind, model);
    const state = (live.body['properties'] as Record<string, unknown> | undefined)?.['provisioningState'];
    if (state === 'Updating' || state === 'Creating' || state === 'Deleting') {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, ctx.settings.pollIntervalMs));
      continue;
    }
    return (
      JSON.stringify(canonical(step.kind, live.body)) === JSON.stringify(canonical(step.kind, step.body))
    );
  }
}

export async function runJournal(ctx: ApplyContext, st: JournalState): Promise<ApplyResult> {
  const journal = Journal.open(st.file);
  let performed = 0;
  let skipped = 0;
  const total = st.begin.steps.length;
  const stopCancelled = async (step: JournalStep): Promise<ApplyResult> => {
    // No `failed` record: if the PUT in flight landed, resume must find it by GET rather than send it again.
    await journal.append({ t: 'end', at: new Date().toISOString(), status: 'stopped' });
    ctx.log(`■ cancelled at ${step.action} ${step.kind} ${step.name}; resume verifies it before going on`);
    return {
      status: 'stopped',
      journal: st.file,
      performed,
      skipped,
      failure: {
        step,
        code: 'Cancelled',
        message: 'cancelled by the admin; nothing after this step was sent',
      },
    };
  };
  for (const step of st.begin.steps) {
    if (st.done.has(step.index)) {
      skipped++;
      continue;
    }
    const label = `${step.action} ${step.kind} ${step.name}`;
    if (ctx.signal?.aborted) return stopCancelled(step);
    ctx.progress?.({ done: performed + skipped, total, step, label });
    if (st.started.has(step.index) && !st.failed.has(step.index) && (await alreadyApplied(ctx, step))) {
      await journal.append({ t: 'done', index: step.index, at: new Date().toISOString(), verified: true });
      ctx.log(`= ${label}: already applied before the interruption (verified by GET), not sent again`);
      skipped++;
      continue;
    }
    await journal.append({ t: 'start', index: step.index, at: new Date().toISOString() });
    ctx.log(`… ${label}`);
    const { client, setIfMatch } = ctx.clients.for(step.subscriptionId);
    const ops = opsFor(client, step.kind);
    try {
      setIfMatch(step.etag);
      let etag: string | undefined;
      if (step.action === 'Delete')
        await abortable(
          ops.del(step.resourceGroup, step.name, ctx.settings.pollIntervalMs, ctx.signal),
          ctx.signal,
        );
      else {
        const body = structuredClone(step.body!) as unknown as Record<string, unknown>;
        const props = body['properties'] as Record<string, unknown>;
        for (const [prop, name] of Object.entries(step.secrets ?? {})) {
          const v = ctx.secret(name);
          if (v === undefined)
            throw Object.assign(
              new Error(
                `secret "${name}" is not available; set JUNCTION_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')} or store it first`,
              ),
              { code: 'SecretMissing' },
            );
          props[prop] = v;
        }
        const res = (await abortable(
          ops.put(
            step.resourceGroup,
            step.name,
            toSdk(body) as Record<string, unknown>,
            ctx.settings.pollIntervalMs,
            ctx.signal,
          ),
          ctx.signal,
        )) as { etag?: string };
        etag = res?.etag;
        const state = (res as { provisioningState?: string })?.provisioningState;
        if (state && state !== 'Succeeded')
          throw Object.assign(new Error(`provisioningState ${state}`), { code: 'ProvisioningFailed' });
      }
      await journal.append({
        t: 'done',
        index: step.index,
        at: new Date().toISOString(),
        ...(etag ? { etag } : {}),
      });
      ctx.log(`✓ ${label}`);
      performed++;
    } catch (e) {
      if (e instanceof ApplyCancelled) return stopCancelled(step);
      const code = errCode(e);
      const message =
        code === 'PreconditionFailed'
          ? `${step.name} changed in Azure since the plan was made (etag ${step.etag ?? '?'} no longer matches); nothing was overwritten. Run \`junction azure plan\` again, review, then apply`
          : (e as Error).message.split('\n')[0]!;
      await journal.append({ t: 'failed', index: step.index, at: new Date().toISOString(), code, message });
      await journal.append({ t: 'end', at: new Date().toISOString(), status: 'stopped' });
      ctx.log(`✗ ${label}: ${code}: ${message}`);
      return { status: 'stopped', journal: st.file, performed, skipped, failure: { step, code, message } };
    } finally {
      setIfMatch(undefined);
    }
  }
  await journal.append({ t: 'end', at: new Date().toISOString(), status: 'completed' });
  ctx.progress?.({ done: total, total, label: 'completed' });
  return { status: 'completed', journal: st.file, performed, skipped };
}

export async function startApply(
  ctx: ApplyContext,
  dir: string,
  workspace: string,
  desired: readonly DesiredResource[],
  plan: Plan,
): Promise<ApplyResult> {
  const j = await Journal.create(dir, {
    applyId: newApplyId(),
    workspace,
    workspaceHash: workspaceHash(desired),
    armEndpoint: ctx.settings.armEndpoint,
    at: new Date().toISOString(),
    steps: journalSteps(plan),
  });
  return runJournal(ctx, await readJournal(j.file));
}

export async function resumeApply(ctx: ApplyContext, st: JournalState): Promise<ApplyResult> {
  await Journal.open(st.file).append({ t: 'resume', at: new Date().toISOString(), pid: process.pid });
  return runJournal(ctx, await readJournal(st.file));
}
