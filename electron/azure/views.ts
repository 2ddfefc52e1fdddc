// What the Apply screen is shown: the plan, an apply's result and a journal, as plain data for the contract. Bodies
// of journal steps stay on the host; secrets are names only, never values.
import type {
  AzureApplyResult,
  AzureFailure,
  AzureJournalView,
  AzurePlanView,
  AzureSecretNeed,
} from '../../shared/api/azure-api';
import type { DesiredResource } from '../../shared/azure/desired';
import type { Workspace } from '../../shared/model/schema';
import { parseArmId } from '../../shared/azure/desired';
import type { ApplyResult } from './engine';
import { workspaceHash } from './engine';
import type { JournalState, JournalStep } from './journal';
import { isResumable, planHash, remedyOf, type PlanOutcome } from './session';

export function secretNeeds(
  ws: Workspace,
  desired: readonly DesiredResource[],
  inVault: (name: string) => boolean,
): AzureSecretNeed[] {
  const names = [...new Set(desired.flatMap((d) => Object.values(d.secrets)))].sort();
  return names.map((name) => {
    const decl = ws.secrets.find((s) => s.name === name);
    return {
      name,
      available: inVault(name) ? 'vault' : 'missing',
      ...(decl?.description ? { description: decl.description } : {}),
    };
  });
}

export function planView(
  ws: Workspace,
  out: PlanOutcome,
  allowUnowned: readonly string[],
  secrets: AzureSecretNeed[],
): AzurePlanView {
  const allowed = new Set(allowUnowned.map((a) => a.toLowerCase()));
  return {
    workspace: ws.name,
    planHash: planHash(out.plan),
    plannedAt: new Date().toISOString(),
    source: out.source,
    scopes: out.scopes,
    counts: out.plan.counts,
    warnings: out.plan.warnings,
    allowUnowned: [...allowUnowned],
    secrets,
    steps: out.plan.steps.map((s) => {
      const unowned = out.unowned.has(s.armId.toLowerCase());
      return {
        action: s.action,
        kind: s.kind,
        name: s.name,
        armId: s.armId,
        resourceGroup: parseArmId(s.armId)?.resourceGroup ?? '',
        changes: s.changes.map((c) => ({
          path: c.path,
          ...(c.before !== undefined ? { before: c.before } : {}),
          ...(c.after !== undefined ? { after: c.after } : {}),
        })),
        ...(s.reason
          ? { reason: s.reason.replace(/pass --allow-unowned (\S+)/, 'tick "take over" for $1') }
          : {}),
        ...(s.slow ? { slow: true } : {}),
        unowned,
        allowed: unowned && (allowed.has(s.name.toLowerCase()) || allowed.has(s.armId.toLowerCase())),
      };
    }),
  };
}

export function failureOf(
  step: Pick<JournalStep, 'action' | 'kind' | 'name'>,
  code: string,
  message: string,
): AzureFailure {
  return { action: step.action, kind: step.kind, name: step.name, code, message, ...remedyOf(code) };
}

export const applyIdOf = (file: string) => /(\d{8}T\d{6}Z-[0-9a-f]{6})\.jsonl$/.exec(file)?.[1];

export function applyResultView(workspace: string, r: ApplyResult, total: number): AzureApplyResult {
  const applyId = applyIdOf(r.journal);
  return {
    outcome:
      r.status === 'completed' ? 'completed' : r.failure?.code === 'Cancelled' ? 'cancelled' : 'stopped',
    workspace,
    ...(applyId ? { applyId } : {}),
    journal: r.journal,
    performed: r.performed,
    skipped: r.skipped,
    total,
    ...(r.failure ? { failure: failureOf(r.failure.step, r.failure.code, r.failure.message) } : {}),
  };
}

const hhmmss = (at: string) => at.slice(11, 19);

export function journalView(
  st: JournalState,
  running: boolean,
  desired: readonly DesiredResource[] | undefined,
): AzureJournalView {
  const verified = new Set<number>();
  const at = new Map<number, string>();
  const log: AzureJournalView['log'] = [];
  const steps = new Map(st.begin.steps.map((s) => [s.index, s]));
  const label = (i: number) => {
    const s = steps.get(i);
    return s ? `${s.action} ${s.kind} ${s.name}` : `step ${i}`;
  };
  for (const r of st.records) {
    switch (r.t) {
      case 'begin':
        log.push({
          at: r.at,
          tone: 'info',
          text: `apply ${r.applyId}: ${r.steps.length} step(s) against ${r.armEndpoint}`,
        });
        break;
      case 'resume':
        log.push({ at: r.at, tone: 'info', text: 'resumed' });
        break;
      case 'start':
        at.set(r.index, r.at);
        log.push({ at: r.at, tone: 'info', text: `… ${label(r.index)}` });
        break;
      case 'done':
        at.set(r.index, r.at);
        if (r.verified) verified.add(r.index);
        log.push(
          r.verified
            ? {
                at: r.at,
                tone: 'skip',
                text: `= ${label(r.index)}: already applied before the interruption (verified by GET), not sent again`,
              }
            : { at: r.at, tone: 'ok', text: `✓ ${label(r.index)}` },
        );
        break;
      case 'failed':
        at.set(r.index, r.at);
        log.push({ at: r.at, tone: 'error', text: `✗ ${label(r.index)}: ${r.code}: ${r.message}` });
        break;
      case 'end':
        log.push({
          at: r.at,
          tone: r.status === 'completed' ? 'ok' : 'error',
          text: r.status === 'completed' ? 'completed' : 'stopped',
        });
        break;
    }
  }
  const live = running && st.ended === undefined;
  const status: AzureJournalView['status'] = live ? 'running' : (st.ended ?? 'interrupted');
  const view: AzureJournalView = {
    applyId: st.begin.applyId,
    workspace: st.begin.workspace,
    file: st.file,
    startedAt: st.begin.at,
    armEndpoint: st.begin.armEndpoint,
    status,
    resumable: !live && isResumable(st),
    workspaceChanged: desired ? workspaceHash(desired) !== st.begin.workspaceHash : false,
    done: st.done.size,
    total: st.begin.steps.length,
    steps: st.begin.steps.map((s) => {
      const f = st.failed.get(s.index);
      const state = st.done.has(s.index)
        ? verified.has(s.index)
          ? 'verified'
          : 'done'
        : f
          ? 'failed'
          : st.started.has(s.index)
            ? live
              ? 'running'
              : 'interrupted'
            : 'pending';
      const when = at.get(s.index);
      return {
        index: s.index,
        action: s.action,
        kind: s.kind,
        name: s.name,
        state,
        ...(f ? { code: f.code, message: f.message } : {}),
        ...(when ? { at: hhmmss(when) } : {}),
      };
    }),
    secretsNeeded: [
      ...new Set(
        st.begin.steps.filter((s) => !st.done.has(s.index)).flatMap((s) => Object.values(s.secrets ?? {})),
      ),
    ].sort(),
    log: log.map((l) => ({ ...l, at: hhmmss(l.at) })),
  };
  if (!live && status !== 'completed') {
    const failedStep = st.begin.steps.find((s) => st.failed.has(s.index) && !st.done.has(s.index));
    const pending = st.begin.steps.find((s) => !st.done.has(s.index));
    if (failedStep) {
      const f = st.failed.get(failedStep.index)!;
      view.failure = failureOf(failedStep, f.code, f.message);
    } else if (pending)
      view.failure =
        status === 'stopped'
          ? failureOf(pending, 'Cancelled', 'cancelled by the admin; nothing after this step was sent')
          : failureOf(
              pending,
              'Interrupted',
              'the apply stopped without finishing (the app closed, the process was killed or the machine lost power)',
            );
  }
  return view;
}
