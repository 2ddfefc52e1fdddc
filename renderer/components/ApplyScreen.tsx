// Apply: plan the workspace's Azure network against live state (or the last snapshot), review a what-if style diff,
// apply it with an explicit confirmation, watch each step, cancel, resume, and hand the same desired state to
// someone else as an ARM template or az script. Shared keys and .pfx passwords live only in the fields of the
// dialog that sends them.
import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type {
  AzureApplyResult,
  AzureFailure,
  AzureJournalView,
  AzurePlanStep,
  AzurePlanView,
  AzurePrefs,
  AzurePrefsPatch,
  CloudChoice,
  SignInMethodId,
} from '../../shared/api/azure-api';
import type { ChangeType } from '../../shared/azure/plan';
import type { PathPurposeId } from '../../shared/api/dialogs';
import { actionableCount, confirmSummary, isPlanStale } from '../stores/apply';
import { CodeView } from './CodeView';
import { Field, Outcome, PasswordInput, PathInput, ProgressBar } from './ops';
import { useApply, useStores, useWs } from './context';
import { SnapshotPanel } from './apply/SnapshotPanel';

const KIND_LABEL: Record<string, string> = {
  nsg: 'Network security group',
  routeTable: 'Route table',
  publicIp: 'Public IP address',
  localNetworkGateway: 'Local network gateway',
  vnet: 'Virtual network',
  vpnGateway: 'VPN gateway',
  connection: 'VPN connection',
};

const KIND_SHORT: Record<string, string> = {
  nsg: 'NSG',
  routeTable: 'route table',
  publicIp: 'public IP',
  localNetworkGateway: 'local gateway',
  vnet: 'VNet',
  vpnGateway: 'VPN gateway',
  connection: 'connection',
};

const ACTIONS: { id: ChangeType; label: string; sym: string }[] = [
  { id: 'Create', label: 'Create', sym: '+' },
  { id: 'Modify', label: 'Modify', sym: '~' },
  { id: 'Delete', label: 'Delete', sym: '−' },
  { id: 'NoChange', label: 'No change', sym: '=' },
  { id: 'Ignore', label: 'Not owned', sym: '⊘' },
];

const CLOUDS: { id: CloudChoice; label: string }[] = [
  { id: 'workspace', label: 'Workspace' },
  { id: 'AzurePublicCloud', label: 'Azure public' },
  { id: 'AzureUSGovernment', label: 'Azure US Government' },
  { id: 'AzureChinaCloud', label: 'Azure China' },
  { id: 'custom', label: 'Custom / Stack Hub' },
];

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
const isPfx = (p?: string) => !!p && /\.(pfx|p12)$/i.test(p);

// ---------------------------------------------------------------- value rendering

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (v === '') return '""';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `properties.securityRules[AllowSsh].priority` → group `securityRules[AllowSsh]`, leaf `priority`. */
function splitPath(path: string): { group: string; leaf: string } {
  const p = path.replace(/^properties\./, '');
  const end = p.lastIndexOf(']');
  if (end < 0) return { group: '', leaf: p || '(resource)' };
  return {
    group: p.slice(0, end + 1),
    leaf:
      p
        .slice(end + 1)
        .replace(/^\./, '')
        .replace(/^properties\./, '') || '(whole entry)',
  };
}

/** Long ARM ids in warnings read as "name (resource group)"; the full id stays in the tooltip. */
const shortIds = (text: string) =>
  text.replace(
    /\/subscriptions\/[^/\s"]+\/resourceGroups\/([^/\s"]+)\/providers\/Microsoft\.Network\/[^/\s"]+\/([^/\s"]+)/gi,
    '$2 (resource group $1)',
  );

interface Row {
  path: string;
  before?: unknown;
  after?: unknown;
  kind: 'add' | 'remove' | 'change';
}

/** A whole object added or removed is shown as its leaf properties, the way what-if lists a new resource. */
function leaves(v: unknown, path: string, out: [string, unknown][]): void {
  const named =
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string');
  if (named) {
    for (const x of v as { name: string }[]) leaves(x, `${path}[${x.name}]`, out);
    return;
  }
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
    return;
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v))
      if (!(k === 'name' && path.endsWith(']'))) leaves(x, path ? `${path}.${k}` : k, out);
    return;
  }
  out.push([path, v]);
}

function rowsOf(step: AzurePlanStep): Row[] {
  const rows: Row[] = [];
  for (const c of step.changes) {
    if (c.before === undefined && c.after !== undefined && typeof c.after === 'object') {
      const l: [string, unknown][] = [];
      leaves(c.after, c.path, l);
      rows.push(...l.map(([path, after]) => ({ path, after, kind: 'add' as const })));
    } else if (c.after === undefined && c.before !== undefined && typeof c.before === 'object') {
      const l: [string, unknown][] = [];
      leaves(c.before, c.path, l);
      rows.push(...l.map(([path, before]) => ({ path, before, kind: 'remove' as const })));
    } else
      rows.push({
        path: c.path,
        before: c.before,
        after: c.after,
        kind: c.before === undefined ? 'add' : c.after === undefined ? 'remove' : 'change',
      });
  }
  return rows;
}

// ---------------------------------------------------------------- screen

export function ApplyScreen() {
  const { apply } = useStores();
  const status = useWs((s) => s.status);
  const name = useWs((s) => s.workspace?.name);
  const fileName = useWs((s) => s.fileName);
  const text = useWs((s) => s.text);
  const sites = useWs((s) => s.workspace?.sites);
  const plan = useApply((s) => s.plan);
  const planOp = useApply((s) => s.planOp);
  const applyOp = useApply((s) => s.applyOp);
  const journal = useApply((s) => s.journal);
  const queue = useApply((s) => s.queue);
  const confirmRequested = useApply((s) => s.confirmRequested);
  const stale = useApply((s) => isPlanStale(s, { fileName, text }));
  const [confirming, setConfirming] = useState(false);
  const [resuming, setResuming] = useState(false);

  // Settings, keys, the last journal and the queue, once per workspace opened.
  useEffect(() => {
    if (status === 'ready') void apply.getState().load();
  }, [apply, status, name]);

  // A queued apply the admin chose to run: plan first, then the same confirmation as any apply.
  useEffect(() => {
    if (confirmRequested) {
      setConfirming(true);
      apply.getState().clearConfirmRequest();
    }
  }, [confirmRequested, apply]);

  // While something is queued and ARM did not answer, look again now and then: connectivity may be brief.
  const waiting = queue.length > 0 && !queue.some((q) => q.probe?.online);
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => void apply.getState().loadQueue(true), 30_000);
    return () => clearInterval(t);
  }, [waiting, apply]);

  const azureSite = sites?.find((s) => s.azure)?.azure;

  if (status === 'empty')
    return (
      <section className="screen empty-state">
        <h1>Apply to Azure</h1>
        <p className="muted">Open a workspace to plan its Azure network changes.</p>
      </section>
    );

  const running = applyOp.status === 'running';
  const planning = planOp.status === 'running';
  const n = actionableCount(plan);
  const canApply = !!plan && !stale && n > 0 && !running && !planning;

  return (
    <section className="screen apply-screen" aria-label="Apply to Azure">
      <header className="screen-head">
        <h1>Apply to Azure</h1>
        <span className="muted small ellipsis">
          {azureSite ? (
            <>
              <span className="mono">{azureSite.resourceGroup}</span> · {azureSite.region} ·{' '}
              <span className="mono">{azureSite.subscriptionId ?? 'no subscription in the workspace'}</span>
            </>
          ) : (
            'the workspace has no Azure site'
          )}
        </span>
        <span className="spacer" />
        <button
          className={plan && !stale ? '' : 'primary'}
          onClick={() => void apply.getState().makePlan()}
          disabled={planning || running}
          title="Read live state from ARM and diff it against the workspace (falls back to the last snapshot when offline)"
        >
          {plan ? 'Plan again' : 'Plan'}
        </button>
        <button
          onClick={() => void apply.getState().makePlan({ offline: true })}
          disabled={planning || running}
          title="Plan against the last snapshot of live state, without contacting ARM"
        >
          Plan offline
        </button>
        <button
          className={canApply ? 'primary' : ''}
          onClick={() => setConfirming(true)}
          disabled={!canApply}
          data-testid="apply-open-confirm"
          title={
            !plan
              ? 'Plan first'
              : stale
                ? 'The document changed: plan again'
                : n === 0
                  ? 'Nothing to apply'
                  : 'Review and confirm'
          }
        >
          {n > 0 && plan && !stale ? `Apply ${plural(n, 'change')}…` : 'Apply…'}
        </button>
      </header>

      <div className="apply-body">
        <div className="apply-main">
          <Banners
            stale={stale}
            onResume={() => setResuming(true)}
            onReview={() => void apply.getState().runQueued()}
          />
          {planOp.status === 'running' && (
            <JobLine op={planOp} label="plan" onCancel={() => void apply.getState().cancel()} />
          )}
          {planOp.status === 'failed' && (
            <Outcome kind="error" title="Could not plan" testId="plan-error">
              {planOp.error}
            </Outcome>
          )}
          {(applyOp.status !== 'idle' || journal) && <ApplyActivity onResume={() => setResuming(true)} />}
          {plan ? <PlanDiff plan={plan} /> : planOp.status !== 'running' && <PlanEmpty />}
        </div>
        <aside className="apply-side" aria-label="Connection, keys, queue and export">
          <ConnectionPanel />
          <KeysPanel />
          <QueuePanel />
          <SnapshotPanel />
          <ExportPanel />
        </aside>
      </div>
      {confirming && plan && <ConfirmDialog plan={plan} mode="apply" onClose={() => setConfirming(false)} />}
      {resuming && journal && (
        <ConfirmDialog journal={journal} plan={plan} mode="resume" onClose={() => setResuming(false)} />
      )}
    </section>
  );
}

function PlanEmpty() {
  return (
    <div className="apply-empty panel">
      <h2>No plan yet</h2>
      <p className="muted small">
        <b>Plan</b> reads the live resources of the workspace's resource groups and shows, per resource and
        property, what an apply would create, modify or delete. Read-only and server-set fields (etags,
        provisioning state, ids, default rules) are left out. Without connectivity it plans against the last
        snapshot and says how old it is.
      </p>
    </div>
  );
}

function Banners({ stale, onResume, onReview }: { stale: boolean; onResume(): void; onReview(): void }) {
  const { apply } = useStores();
  const plan = useApply((s) => s.plan);
  const journal = useApply((s) => s.journal);
  const applyOp = useApply((s) => s.applyOp);
  const queue = useApply((s) => s.queue);
  const wsName = useWs((s) => s.workspace?.name);
  const running = applyOp.status === 'running';
  const reachable = queue.find((q) => q.probe?.online && q.workspace === wsName);
  return (
    <>
      {journal?.resumable && !running && applyOp.status === 'idle' && (
        <div className="apply-banner warn" role="status" data-testid="resume-banner">
          <span className="apply-banner-text">
            <b>An apply did not finish</b> ({journal.status === 'interrupted' ? 'interrupted' : 'stopped'}{' '}
            {journal.startedAt.slice(0, 16).replace('T', ' ')} UTC): {journal.done} of {journal.total} steps
            done
            {journal.failure
              ? `, stopped at ${journal.failure.action} ${journal.failure.name} (${journal.failure.code})`
              : ''}
            . Resume continues from the journal and never repeats a completed PUT.
            {journal.workspaceChanged &&
              ' The workspace changed since: resume finishes the journaled plan; plan again afterwards.'}
          </span>
          <button className="primary" onClick={onResume}>
            Resume…
          </button>
        </div>
      )}
      {reachable && !running && (
        <div className="apply-banner ok" role="status" data-testid="queue-offer">
          <span className="apply-banner-text">
            <b>ARM is reachable</b> ({reachable.probe?.detail}) — an apply of {reachable.workspace} was queued{' '}
            {reachable.age.replace(/ old$/, ' ago')}. Run it now? Junction plans against live state first;
            nothing runs until you confirm.
          </span>
          <button className="primary" onClick={onReview}>
            Review &amp; run
          </button>
          <button onClick={() => void apply.getState().dequeue(reachable.workspace)}>Drop</button>
        </div>
      )}
      {plan?.source.kind === 'snapshot' && (
        <div className="apply-banner warn" role="status" data-testid="snapshot-banner">
          <span className="apply-banner-text">
            <b>Offline plan</b> against the snapshot of {plan.source.savedAt.slice(0, 19).replace('T', ' ')}{' '}
            UTC — <b>{plan.source.age}</b> (
            {plan.source.reason}). Live state may
            have changed since; an apply reads it again, and queues itself if ARM is still unreachable.
          </span>
        </div>
      )}
      {stale && (
        <div className="apply-banner warn" role="status">
          <span className="apply-banner-text">
            This plan is out of date: the document or the take-over choices changed, or an apply ran part of
            it. Plan again before applying.
          </span>
          <button
            onClick={() => void apply.getState().makePlan({ offline: plan?.source.kind === 'snapshot' })}
          >
            Plan again
          </button>
        </div>
      )}
    </>
  );
}

// ---------------------------------------------------------------- the diff

function PlanDiff({ plan }: { plan: AzurePlanView }) {
  const [hidden, setHidden] = useState<ChangeType[]>([]);
  const groups = useMemo(() => {
    const m = new Map<string, AzurePlanStep[]>();
    for (const s of plan.steps)
      if (!hidden.includes(s.action)) m.set(s.resourceGroup, [...(m.get(s.resourceGroup) ?? []), s]);
    return [...m.entries()];
  }, [plan, hidden]);
  const toggle = (a: ChangeType) => setHidden((h) => (h.includes(a) ? h.filter((x) => x !== a) : [...h, a]));
  return (
    <div className="plan panel" data-testid="plan" aria-label="Plan">
      <div className="plan-head">
        <div className="plan-counts" role="group" aria-label="Show or hide by change type">
          {ACTIONS.map((a) => (
            <button
              key={a.id}
              className={`count-chip act-${a.id} ${hidden.includes(a.id) ? 'off' : ''} ${plan.counts[a.id] ? '' : 'zero'}`}
              aria-pressed={!hidden.includes(a.id)}
              onClick={() => toggle(a.id)}
              data-count={a.id}
              title={`${hidden.includes(a.id) ? 'Show' : 'Hide'} ${a.label}`}
            >
              <span className="sym" aria-hidden="true">
                {a.sym}
              </span>
              <span className="num">{plan.counts[a.id]}</span> {a.label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <span className="muted small num" title={`plan ${plan.planHash}`}>
          {plan.source.kind === 'live' ? 'live' : 'snapshot'} · {plan.plannedAt.slice(11, 19)} UTC · plan{' '}
          {plan.planHash.slice(0, 8)}
        </span>
      </div>
      {plan.warnings.map((w) => (
        <div key={w} className="plan-warning small" title={w}>
          ! {shortIds(w)}
        </div>
      ))}
      {actionableCount(plan) === 0 && plan.steps.length > 0 && (
        <div className="plan-clean small" data-testid="plan-clean">
          ✓ Live state matches the workspace: nothing to apply.
        </div>
      )}
      {groups.map(([rg, steps]) => (
        <div key={rg} className="rg-group" role="group" aria-label={`Resource group ${rg}`}>
          <div className="rg-head">
            <span className="muted small">Resource group</span> <span className="mono strong">{rg}</span>
            <span className="muted small num">· {plural(steps.length, 'resource')}</span>
          </div>
          {steps.map((s) => (
            <ResourceRow key={s.armId} step={s} />
          ))}
        </div>
      ))}
      {plan.reach && (
        <details className="plan-reach" data-testid="plan-reach" open={plan.reach.known}>
          <summary className="small">Flows this change opens or closes</summary>
          <pre className="mono small">{plan.reach.text}</pre>
        </details>
      )}
    </div>
  );
}

function ResourceRow({ step }: { step: AzurePlanStep }) {
  const { apply } = useStores();
  const rows = useMemo(() => rowsOf(step), [step]);
  // A resource created or deleted whole has only one side: no empty column for the other.
  const mode = rows.every((r) => r.kind === 'add')
    ? 'add'
    : rows.every((r) => r.kind === 'remove')
      ? 'remove'
      : 'mixed';
  const [open, setOpen] = useState(
    step.action === 'Modify' || step.action === 'Ignore' || step.action === 'Delete',
  );
  const planning = useApply((s) => s.planOp.status === 'running' || s.applyOp.status === 'running');
  // The admin's choice shows at once; the plan that reflects it follows.
  const ticked = useApply((s) => s.allowUnowned.includes(step.name));
  const expandable = rows.length > 0 && step.action !== 'NoChange';
  const act = ACTIONS.find((a) => a.id === step.action)!;
  return (
    <div className={`res act-${step.action}`} data-resource={step.name} data-action={step.action}>
      <div className="res-head">
        <button
          className="res-toggle"
          aria-expanded={expandable ? open : undefined}
          disabled={!expandable}
          onClick={() => setOpen(!open)}
          title={step.armId}
        >
          <span className="chev" aria-hidden="true">
            {expandable ? (open ? '▾' : '▸') : ''}
          </span>
          <span className={`act-badge act-${step.action}`}>
            <span aria-hidden="true">{act.sym}</span> {act.label}
          </span>
          <span className="res-name mono">{step.name}</span>
          <span className="res-kind muted">{KIND_LABEL[step.kind] ?? step.kind}</span>
          {step.slow && (
            <span className="badge warn-badge" title="Creating a VPN gateway takes tens of minutes">
              slow
            </span>
          )}
          {step.unowned && (
            <span className="badge unowned-badge" title="Exists without the junction-owned tag">
              not owned
            </span>
          )}
          <span className="spacer" />
          {expandable && (
            <span className="muted small num">
              {rows.length} {rows.length === 1 ? 'property' : 'properties'}
            </span>
          )}
        </button>
        {step.unowned && (step.action === 'Ignore' || step.allowed) && (
          <label
            className="takeover small"
            title="Allow Junction to rewrite this resource, which it did not create"
          >
            <input
              type="checkbox"
              checked={ticked}
              disabled={planning}
              onChange={() => void apply.getState().toggleUnowned(step.name)}
            />{' '}
            take over
          </label>
        )}
      </div>
      {step.reason && <div className="res-reason small">{step.reason}</div>}
      {open && expandable && (
        <table className={`props-diff mode-${mode}`}>
          {/* Fixed layout takes widths from the first row, which may be a group heading: say them here. */}
          <colgroup>
            <col className="pd-path-col" />
            {mode !== 'add' && <col className="pd-before-col" />}
            <col className="pd-arrow-col" />
            {mode !== 'remove' && <col className="pd-after-col" />}
          </colgroup>
          <tbody>
            {rows.map((r, i) => {
              const { group, leaf } = splitPath(r.path);
              const newGroup = group && (i === 0 || splitPath(rows[i - 1]!.path).group !== group);
              return (
                <Fragment key={i}>
                  {newGroup && (
                    <tr className="pd-group">
                      <td colSpan={mode === 'mixed' ? 4 : 3} className="mono" title={r.path}>
                        {group}
                      </td>
                    </tr>
                  )}
                  <tr className={r.kind}>
                    <td className={`pd-path mono ${group ? 'in-group' : ''}`} title={r.path}>
                      {leaf}
                    </td>
                    {mode !== 'add' && (
                      <td className="pd-before mono" title={show(r.before)}>
                        {r.kind === 'add' ? '' : shortIds(show(r.before))}
                      </td>
                    )}
                    <td
                      className="pd-arrow"
                      aria-label={r.kind === 'change' ? 'becomes' : r.kind === 'add' ? 'added' : 'removed'}
                    >
                      {r.kind === 'change' ? '→' : r.kind === 'add' ? '+' : '−'}
                    </td>
                    {mode !== 'remove' && (
                      <td className="pd-after mono" title={show(r.after)}>
                        {r.kind === 'remove' ? '' : shortIds(show(r.after))}
                      </td>
                    )}
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- apply progress and outcome

function JobLine({
  op,
  label,
  onCancel,
}: {
  op: { progress?: { phase: string } };
  label: string;
  onCancel(): void;
}) {
  return (
    <div className="op-progress job-line" data-testid={`${label}-progress`}>
      <div className="bar indeterminate" role="progressbar" aria-label={label}>
        <div className="fill" style={{ width: '30%' }} />
      </div>
      <div className="op-line">
        <span className="op-phase">{op.progress?.phase ? `${op.progress.phase}…` : 'starting…'}</span>
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

const STEP_ICON: Record<string, string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  verified: '=',
  failed: '✕',
  interrupted: '!',
};

function ApplyActivity({ onResume }: { onResume(): void }) {
  const { apply } = useStores();
  const op = useApply((s) => s.applyOp);
  const kind = useApply((s) => s.applyKind);
  const journal = useApply((s) => s.journal);
  const plan = useApply((s) => s.plan);
  const [showLog, setShowLog] = useState(true);
  const running = op.status === 'running';
  const p = op.progress;
  const total = p?.filesTotal || journal?.total || 0;
  const done = p && p.filesTotal ? p.filesDone : (journal?.done ?? 0);
  const pct = total > 0 ? Math.round((done / total) * 100) : undefined;
  const r = op.result;
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [journal?.log.length]);
  // Only the journal of this run (or the last one, when the screen opens) is shown.
  const showJournal = journal && (running || op.status !== 'idle' || journal.status !== 'completed');

  return (
    <div className="panel apply-activity" data-testid="apply-activity" aria-label="Apply progress">
      <div className="activity-head">
        <h2>
          {running
            ? kind === 'resume'
              ? 'Resuming'
              : 'Applying'
            : op.status === 'idle'
              ? 'Last apply'
              : kind === 'resume'
                ? 'Resume'
                : 'Apply'}
        </h2>
        {journal && <span className="muted small mono">{journal.applyId}</span>}
        <span className="spacer" />
        {journal && !running && op.status === 'idle' && journal.status === 'completed' && (
          <span className="muted small">
            completed · {journal.total} steps · {journal.startedAt.slice(0, 16).replace('T', ' ')} UTC
          </span>
        )}
      </div>
      {running && (
        <ProgressBar label="apply" testId="apply-progress" pct={pct}>
          <span className="num strong">{total ? `${done} / ${total} steps` : ''}</span>
          <span className="op-phase ellipsis">{p?.phase ? `${p.phase}…` : 'starting…'}</span>
          <span className="spacer" />
          <button
            type="button"
            onClick={() => void apply.getState().cancel()}
            title="Stop after the step in flight is abandoned; resume checks it by GET"
          >
            Cancel
          </button>
        </ProgressBar>
      )}
      {op.status !== 'running' && op.status !== 'idle' && (
        <ApplyOutcome result={r} error={op.error} status={op.status} plan={plan} onResume={onResume} />
      )}
      {showJournal && journal && (
        <div className="activity-body">
          <ol className="step-list" aria-label="Steps">
            {journal.steps.map((s) => (
              <li key={s.index} className={`step st-${s.state}`} data-step-state={s.state}>
                <span className="st-icon" aria-hidden="true">
                  {STEP_ICON[s.state]}
                </span>
                <span className="st-label" title={`${s.action} ${KIND_LABEL[s.kind] ?? s.kind} ${s.name}`}>
                  {s.action} <span className="muted">{KIND_SHORT[s.kind] ?? s.kind}</span>{' '}
                  <span className="mono">{s.name}</span>
                </span>
                <span className="st-state small">
                  {s.state === 'verified' ? 'already applied (verified)' : s.state}
                </span>
                <span className="st-at muted small num">{s.at ?? ''}</span>
                {s.code && s.state === 'failed' && <span className="code-tag">{s.code}</span>}
              </li>
            ))}
          </ol>
          <div className="log-wrap">
            <button className="link" onClick={() => setShowLog(!showLog)} aria-expanded={showLog}>
              {showLog ? 'Hide log' : 'Show log'}
            </button>
            {showLog && (
              <ol className="apply-log mono" ref={logRef} aria-label="Apply log" data-testid="apply-log">
                {journal.log.map((l, i) => (
                  <li key={i} className={`log-${l.tone}`}>
                    <span className="log-at">{l.at}</span> {l.text}
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function FailureBody({ f, onResume }: { f: AzureFailure; onResume(): void }) {
  const { apply } = useStores();
  return (
    <>
      <div>
        <span className="code-tag">{f.code}</span> at {f.action} {KIND_LABEL[f.kind] ?? f.kind}{' '}
        <span className="mono">{f.name}</span>
      </div>
      <div className="reject-msg">{f.message}</div>
      <div className="fix">Fix: {f.fix}</div>
      <div className="ops-actions">
        {f.remedy === 'replan' ? (
          <button className="primary" onClick={() => void apply.getState().makePlan()}>
            Re-plan
          </button>
        ) : (
          <button className="primary" onClick={onResume}>
            Resume…
          </button>
        )}
      </div>
    </>
  );
}

function ApplyOutcome({
  result,
  error,
  status,
  plan,
  onResume,
}: {
  result?: AzureApplyResult;
  error?: string;
  status: string;
  plan: AzurePlanView | null;
  onResume(): void;
}) {
  if (!result)
    return (
      <Outcome
        kind={status === 'cancelled' ? 'warn' : 'error'}
        title={status === 'cancelled' ? 'Cancelled before anything was sent' : 'Apply refused'}
        testId="apply-outcome"
      >
        {error}
      </Outcome>
    );
  switch (result.outcome) {
    case 'completed': {
      const verified = plan && actionableCount(plan) === 0 && plan.source.kind === 'live';
      return (
        <Outcome
          kind="ok"
          title={`Applied: ${plural(result.performed, 'step')} done${result.skipped ? `, ${result.skipped} already done` : ''}`}
          testId="apply-outcome"
        >
          {verified ? (
            <span data-testid="verified">
              Verified: a fresh plan finds live state equal to the workspace ({plan.counts.NoChange}{' '}
              unchanged).
            </span>
          ) : (
            <span>
              Journal: <span className="mono sel">{result.journal}</span>
            </span>
          )}
        </Outcome>
      );
    }
    case 'nothing':
      return (
        <Outcome kind="ok" title="Nothing to apply: live state already matches" testId="apply-outcome" />
      );
    case 'queued':
      return (
        <Outcome
          kind="warn"
          title="ARM unreachable — the apply is queued; nothing was changed"
          testId="apply-outcome"
        >
          {result.queued?.reason}. When ARM answers, this screen offers to run it (never on its own).
        </Outcome>
      );
    case 'plan-changed':
      return (
        <Outcome
          kind="warn"
          title="Azure changed since you reviewed the plan — nothing was sent"
          testId="apply-outcome"
        >
          The new plan is shown below. Review it, then apply again.
        </Outcome>
      );
    case 'cancelled':
      return (
        <Outcome
          kind="warn"
          title={`Cancelled after ${plural(result.performed + result.skipped, 'step')} of ${result.total}`}
          testId="apply-outcome"
        >
          {result.failure && <FailureBody f={result.failure} onResume={onResume} />}
        </Outcome>
      );
    default:
      return (
        <Outcome
          kind="error"
          title={`Stopped after ${plural(result.performed + result.skipped, 'step')} of ${result.total}`}
          testId="apply-outcome"
        >
          {result.failure && <FailureBody f={result.failure} onResume={onResume} />}
        </Outcome>
      );
  }
}

// ---------------------------------------------------------------- confirmation

function ConfirmDialog({
  plan,
  journal,
  mode,
  onClose,
}: {
  plan: AzurePlanView | null;
  journal?: AzureJournalView;
  mode: 'apply' | 'resume';
  onClose(): void;
}) {
  const { apply } = useStores();
  const settings = useApply((s) => s.settings);
  const vault = useApply((s) => s.secrets);
  const first = useRef<HTMLButtonElement>(null);
  // Keys and the .pfx password live only in these fields, and only until the request is sent.
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [pfxPassword, setPfxPassword] = useState('');
  useEffect(() => first.current?.focus(), []);
  const stored = new Set(
    (vault?.secrets ?? []).filter((s) => s.stored && vault?.canStore).map((s) => s.name),
  );
  const wanted =
    mode === 'apply'
      ? (plan?.secrets ?? [])
      : (journal?.secretsNeeded ?? []).map((name) => ({
          name,
          description: plan?.secrets.find((x) => x.name === name)?.description,
        }));
  const needed = wanted.filter((s) => !stored.has(s.name));
  const prefs = settings?.prefs;
  const askPfx =
    prefs?.method === 'certificate' && isPfx(prefs.certificatePath) && settings?.signIn.state !== 'signed-in';
  const missing = needed.some((s) => !keys[s.name]) || (askPfx && !pfxPassword);
  const steps =
    mode === 'apply'
      ? (plan?.steps.filter((s) => s.action === 'Create' || s.action === 'Modify' || s.action === 'Delete') ??
        [])
      : [];
  const pending = journal?.steps.filter((s) => s.state !== 'done' && s.state !== 'verified') ?? [];
  const title =
    mode === 'apply' && plan ? `Apply: ${confirmSummary(plan)}` : `Resume apply ${journal?.applyId ?? ''}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (missing) return;
    const secrets = { ...keys };
    const certificatePassword = pfxPassword;
    setKeys({});
    setPfxPassword('');
    onClose();
    const o = { secrets, ...(certificatePassword ? { certificatePassword } : {}) };
    void (mode === 'apply' ? apply.getState().applyPlan(o) : apply.getState().resume(o));
  };

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        className="modal confirm-modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onSubmit={submit}
        data-testid="confirm-dialog"
      >
        <h2>{title}</h2>
        {mode === 'apply' && plan && (
          <>
            <p>
              Against{' '}
              <span className="mono">
                {plan.source.kind === 'live' ? plan.source.armEndpoint : 'the ARM endpoint (planned offline)'}
              </span>{' '}
              in <span className="mono">{plan.scopes.join(', ')}</span>. Junction reads live state again
              first: if anything differs from this plan, nothing is sent and the new plan is shown. Each PUT
              carries the etag read (If-Match), so a change made in the portal during the apply stops that
              step instead of being overwritten. Every step is journaled; an interrupted apply can be resumed.
            </p>
            {plan.source.kind === 'snapshot' && (
              <p className="warn-text">
                Planned offline ({plan.source.age} snapshot): if ARM is still unreachable, the apply is queued
                and nothing changes.
              </p>
            )}
            <ul className="confirm-steps">
              {steps.map((s) => (
                <li key={s.armId}>
                  <span className={`act-badge act-${s.action}`}>{s.action}</span>{' '}
                  <span className="mono">{s.name}</span> <span className="muted">{KIND_LABEL[s.kind]}</span>
                  {s.slow && <span className="badge warn-badge">slow</span>}
                  {s.unowned && <span className="badge unowned-badge">not owned — taken over</span>}
                </li>
              ))}
            </ul>
          </>
        )}
        {mode === 'resume' && journal && (
          <p>
            {journal.done} of {journal.total} steps are done. Resume runs the remaining {pending.length}
            {journal.failure?.code === 'Cancelled' || journal.status === 'interrupted'
              ? `; ${journal.failure?.name ?? 'the step in flight'} is checked by GET first and not sent again if it already landed`
              : ''}
            .
          </p>
        )}
        {needed.map((s) => (
          <Field
            key={s.name}
            label={`Shared key "${s.name}"`}
            hint={`${s.description ? `${s.description}; ` : ''}sent with this request only, never stored`}
          >
            <PasswordInput
              value={keys[s.name] ?? ''}
              onChange={(v) => setKeys({ ...keys, [s.name]: v })}
              aria-label={`Shared key ${s.name}`}
            />
          </Field>
        ))}
        {askPfx && (
          <Field
            label="Certificate (.pfx) password"
            hint="for the service principal's sign-in; kept in memory only"
          >
            <PasswordInput value={pfxPassword} onChange={(v) => setPfxPassword(v)} />
          </Field>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose} ref={first}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={missing} data-testid="confirm-apply">
            {mode === 'apply' && plan
              ? `Apply ${plural(actionableCount(plan), 'change')}`
              : `Resume ${plural(pending.length, 'step')}`}
          </button>
        </div>
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- side panels

const PREF_FIELDS = [
  'armEndpoint',
  'authorityHost',
  'tenantId',
  'clientId',
  'certificatePath',
  'caFile',
  'proxy',
  'subscriptionId',
  'stateDir',
] as const;
type PrefField = (typeof PREF_FIELDS)[number];

function ConnectionPanel() {
  const { apply } = useStores();
  const settings = useApply((s) => s.settings);
  const error = useApply((s) => s.settingsError);
  const loginOp = useApply((s) => s.loginOp);
  const siteCloud = useWs((s) => s.workspace?.sites.find((x) => x.azure)?.azure?.cloud);
  const [form, setForm] = useState<AzurePrefs | null>(null);
  const [pfx, setPfx] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings) setForm(settings.prefs);
  }, [settings]);
  if (!settings || !form)
    return <div className="panel ops-panel muted small">{error ?? 'Loading connection settings…'}</div>;

  const dirty = JSON.stringify(form) !== JSON.stringify(settings.prefs);
  const set = (patch: Partial<AzurePrefs>) => {
    setSaved(false);
    setForm({ ...form, ...patch });
  };
  const text = (k: PrefField, label: string, placeholder: string, hint?: ReactNode, browse?: PathPurposeId) => (
    <Field label={label} hint={hint}>
      <PathInput
        {...(browse ? { browse } : {})}
        value={form[k] ?? ''}
        placeholder={placeholder}
        onChange={(v) => set({ [k]: v })}
      />
    </Field>
  );
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const patch: AzurePrefsPatch = { cloud: form.cloud, method: form.method };
    for (const k of PREF_FIELDS)
      if ((form[k] ?? '') !== (settings.prefs[k] ?? '')) patch[k] = (form[k] ?? '').trim();
    if (await apply.getState().updateSettings(patch)) setSaved(true);
  };
  const si = settings.signIn;
  const prompt =
    loginOp.status === 'running'
      ? loginOp.progress?.phase
      : si.state === 'signing-in'
        ? si.prompt
        : undefined;

  return (
    <form className="panel ops-panel" onSubmit={(e) => void save(e)} aria-label="Connection and sign-in">
      <h2>Connection &amp; sign-in</h2>
      <div className="field-row">
        <Field label="Cloud">
          <select
            aria-label="Cloud"
            value={form.cloud}
            onChange={(e) => set({ cloud: e.target.value as CloudChoice })}
          >
            {CLOUDS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id === 'workspace'
                  ? `Workspace (${(siteCloud ?? 'AzurePublicCloud').replace(/^Azure|Cloud$/g, '') || 'public'})`
                  : c.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Sign-in">
          <select
            aria-label="Sign-in method"
            value={form.method}
            onChange={(e) => set({ method: e.target.value as SignInMethodId })}
          >
            {settings.methods.map((m) => (
              <option key={m.id} value={m.id} disabled={!m.available} title={m.note}>
                {m.label}
                {m.available ? '' : ' (desktop app)'}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="field-hint">{settings.methods.find((m) => m.id === form.method)?.note}</div>
      {form.cloud === 'custom' &&
        text(
          'armEndpoint',
          'ARM endpoint',
          'https://management.local.azurestack.external',
          'login endpoint and audience are read from <arm>/metadata/endpoints',
        )}
      <div className="field-row">
        {text('tenantId', 'Tenant', 'contoso.onmicrosoft.com')}
        {text('clientId', 'Client (app) id', '00000000-0000-…')}
      </div>
      {form.method === 'certificate' &&
        text(
          'certificatePath',
          'Client certificate (PEM or .pfx)',
          '/home/admin/keys/junction-sp.pem',
          undefined,
          'certificate',
        )}
      <div className="field-row">
        {text('caFile', 'Extra trusted CA (PEM)', '/etc/ssl/proxy-ca.pem', undefined, 'pem')}
        {text('proxy', 'HTTPS proxy', 'http://proxy:3128')}
      </div>
      <details className="more">
        <summary className="small">More: subscription, authority, state folder</summary>
        {text('subscriptionId', 'Subscription (when the site has none)', '00000000-0000-…')}
        {text('authorityHost', 'Authority host override', 'https://login.microsoftonline.com')}
        {text(
          'stateDir',
          'Journals, snapshots and queue',
          settings.stateDir,
          <>
            now: <span className="mono">{settings.stateDir}</span> (shared with the CLI)
          </>,
        )}
      </details>
      {error && (
        <div className="field-error small" role="alert">
          {error}
        </div>
      )}
      <div className="ops-actions">
        <button type="submit" disabled={!dirty}>
          Save
        </button>
        {saved && !dirty && <span className="small sev ok">Saved</span>}
        {dirty && <span className="small muted">unsaved</span>}
        <span className="spacer" />
        {form.method === 'certificate' && isPfx(form.certificatePath) && si.state !== 'signed-in' && (
          <PasswordInput
            className="pfx-pw"
            placeholder=".pfx password"
            aria-label=".pfx password"
            value={pfx}
            onChange={(v) => setPfx(v)}
          />
        )}
        <button
          type="button"
          disabled={dirty || loginOp.status === 'running'}
          title={dirty ? 'Save the settings first' : 'Sign in now; the token stays in memory only'}
          onClick={() => {
            const pw = pfx;
            setPfx('');
            void apply.getState().signIn(pw || undefined);
          }}
        >
          {si.state === 'signed-in' ? 'Sign in again' : 'Sign in'}
        </button>
      </div>
      <div className={`signin-state small si-${si.state}`} data-testid="signin-state">
        <span className="dot" aria-hidden="true" />
        {si.state === 'signed-in'
          ? `Signed in (${si.method}) until ${si.until?.slice(11, 16)} UTC — token in memory only`
          : si.state === 'signing-in'
            ? 'Signing in…'
            : si.state === 'failed'
              ? 'Sign-in failed'
              : 'Not signed in: Plan signs in when it first reaches ARM'}
      </div>
      {prompt && (
        <div className="device-code" role="status" data-testid="device-code">
          {prompt}
        </div>
      )}
      {si.state === 'failed' && si.error && <div className="field-error small">{si.error}</div>}
      {loginOp.status === 'failed' && <div className="field-error small">{loginOp.error}</div>}
    </form>
  );
}

function KeysPanel() {
  const { apply } = useStores();
  const v = useApply((s) => s.secrets);
  const error = useApply((s) => s.secretsError);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [acceptWeak, setAcceptWeak] = useState(false);
  if (!v) return null;
  const weak = v.vault.protection === 'weak' && !v.vault.weakAccepted;
  const chosen = name || v.secrets.find((s) => !s.stored)?.name || '';
  const store = async (e: FormEvent) => {
    e.preventDefault();
    const val = value;
    setValue('');
    if (await apply.getState().storeSecret(chosen, val, acceptWeak)) setName('');
  };
  return (
    <form className="panel ops-panel" aria-label="Shared keys" onSubmit={(e) => void store(e)}>
      <h2>Shared keys</h2>
      <div className={`vault-state small prot-${v.vault.protection}`}>
        {v.canStore
          ? v.vault.protection === 'encrypted'
            ? `Stored sealed by the OS key store (${v.vault.backend}).`
            : `Only obfuscation is available (${v.vault.backend}).`
          : 'Not stored on this front door: typed in the apply confirmation, sent with that request only.'}
      </div>
      {v.secrets.length === 0 && (
        <div className="muted small">The workspace's apply needs no shared key.</div>
      )}
      <ul className="key-list">
        {v.secrets.map((s) => (
          <li key={s.name} data-secret={s.name}>
            <span className="mono">{s.name}</span>
            {s.description && <span className="muted small ellipsis">{s.description}</span>}
            <span className="spacer" />
            {s.stored ? (
              <>
                <span className="small sev ok" title={`sealed ${s.storedAt ?? ''} (${s.backend ?? ''})`}>
                  stored
                </span>
                <button
                  type="button"
                  className="link"
                  onClick={() => void apply.getState().deleteSecret(s.name)}
                >
                  forget
                </button>
              </>
            ) : (
              <span className="small muted">{s.needed ? 'asked at apply' : 'not stored'}</span>
            )}
          </li>
        ))}
      </ul>
      {v.canStore && v.secrets.some((s) => !s.stored) && (
        <>
          <div className="with-button">
            <select aria-label="Key to store" value={chosen} onChange={(e) => setName(e.target.value)}>
              {v.secrets
                .filter((s) => !s.stored)
                .map((s) => (
                  <option key={s.name}>{s.name}</option>
                ))}
            </select>
            <PasswordInput
              aria-label="Key value"
              placeholder="value"
              value={value}
              onChange={(v) => setValue(v)}
            />
            <button type="submit" disabled={!value || !chosen || (weak && !acceptWeak)}>
              Store
            </button>
          </div>
          {weak && (
            <label className="check small">
              <input type="checkbox" checked={acceptWeak} onChange={(e) => setAcceptWeak(e.target.checked)} />
              <span>Store with obfuscation only (no secret service is running)</span>
            </label>
          )}
        </>
      )}
      {error && (
        <div className="field-error small" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}

function QueuePanel() {
  const { apply } = useStores();
  const queue = useApply((s) => s.queue);
  const op = useApply((s) => s.queueOp);
  const wsName = useWs((s) => s.workspace?.name);
  return (
    <div className="panel ops-panel" aria-label="Offline queue">
      <h2>
        Offline queue <span className="muted small num">{queue.length ? `(${queue.length})` : ''}</span>
      </h2>
      {queue.length === 0 ? (
        <div className="muted small">
          Nothing queued. An apply requested while ARM is unreachable waits here.
        </div>
      ) : (
        <ul className="queue-list">
          {queue.map((q) => (
            <li key={q.workspace} data-queued={q.workspace}>
              <div>
                <span className="strong">{q.workspace}</span>{' '}
                <span className="muted small">queued {q.age.replace(/ old$/, ' ago')}</span>
              </div>
              <div className="muted small ellipsis" title={q.reason}>
                {q.reason}
              </div>
              <div className="small">
                {q.probe ? (
                  q.probe.online ? (
                    <span className="sev ok">ARM reachable ({q.probe.detail})</span>
                  ) : (
                    <span className="sev warning">still unreachable</span>
                  )
                ) : (
                  <span className="muted">not checked</span>
                )}
                {q.workspace !== wsName && <span className="muted"> · open {q.workspaceFile} to run it</span>}
              </div>
              <div className="ops-actions">
                {q.probe?.online && q.workspace === wsName && (
                  <button type="button" className="primary" onClick={() => void apply.getState().runQueued()}>
                    Review &amp; run
                  </button>
                )}
                <button type="button" onClick={() => void apply.getState().dequeue(q.workspace)}>
                  Drop
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {queue.length > 0 && (
        <div className="ops-actions">
          <button
            type="button"
            onClick={() => void apply.getState().loadQueue(true)}
            disabled={op.status === 'running'}
          >
            {op.status === 'running' ? 'Checking…' : 'Check ARM now'}
          </button>
        </div>
      )}
    </div>
  );
}

function ExportPanel() {
  const { apply } = useStores();
  const op = useApply((s) => s.exportOp);
  const [out, setOut] = useState('');
  const r = op.result;
  return (
    <div className="panel ops-panel" aria-label="Export">
      <h2>Export for a connected machine</h2>
      <Field label="Write to (optional)" hint="empty: preview only; a file is written atomically">
        <PathInput value={out} onChange={(v) => setOut(v)} placeholder="/media/transfer/azuredeploy.json" />
      </Field>
      <div className="ops-actions">
        <button
          type="button"
          onClick={() => void apply.getState().exportAs('arm', out)}
          disabled={op.status === 'running'}
        >
          ARM template
        </button>
        <button
          type="button"
          onClick={() => void apply.getState().exportAs('cli', out)}
          disabled={op.status === 'running'}
        >
          az CLI script
        </button>
      </div>
      {op.status === 'failed' && (
        <Outcome kind="error" title="Export failed">
          {op.error}
        </Outcome>
      )}
      {op.status === 'done' && r && (
        <div className="export-result" data-testid="export-result">
          {r.written.length > 0 && (
            <div className="small sev ok">
              Wrote{' '}
              {r.written.map((w) => (
                <span key={w} className="mono sel">
                  {w}{' '}
                </span>
              ))}
            </div>
          )}
          {r.files.map((f) => (
            <div key={f.name} className="export-file">
              <div className="small muted">{f.hint}</div>
              <div className="export-code">
                <CodeView
                  text={f.text}
                  lang={r.format === 'arm' ? 'json' : 'bash'}
                  label={`Export ${f.name}`}
                />
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
