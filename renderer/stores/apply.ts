// Apply screen state: connection settings, the plan under review, the apply (or resume) with progress polled from
// the host's job runner and per-step state from the journal, the offline queue, exports and the stored shared keys.
// zustand/vanilla, so tests drive it without React. Shared keys and .pfx passwords are parameters of the actions
// that send them: they are never put in the store.
import { createStore } from 'zustand/vanilla';
import type { JobProgress, JunctionApi } from '../../shared/api/contract';
import type {
  AzureApplyResult,
  AzureExportResult,
  AzureJournalView,
  AzurePlanView,
  AzurePrefsPatch,
  AzureQueueItem,
  AzureSecretsView,
  AzureSettingsView,
  AzureSignInState,
} from '../../shared/api/azure-api';
import type { Doc, Op } from './generate';

export type { Op };

export interface ApplyState {
  settings: AzureSettingsView | null;
  settingsError: string | null;
  /** The plan under review and what it was made from (a fingerprint of the document and the take-over list). */
  plan: AzurePlanView | null;
  plannedFor: string | null;
  planOp: Op<AzurePlanView>;
  /** Unowned resources the admin ticked to take over (names). */
  allowUnowned: string[];
  applyOp: Op<AzureApplyResult>;
  /** What the running or last apply was: a new apply of the reviewed plan, or a resume. */
  applyKind: 'apply' | 'resume' | null;
  journal: AzureJournalView | null;
  queue: AzureQueueItem[];
  queueOp: Op<{ items: AzureQueueItem[] }>;
  loginOp: Op<AzureSignInState>;
  exportOp: Op<AzureExportResult>;
  secrets: AzureSecretsView | null;
  secretsError: string | null;
  /** Set when the admin asked to run a queued apply: the plan is made, then the confirmation is shown. */
  confirmRequested: boolean;
}

export interface ApplyActions {
  load(): Promise<void>;
  updateSettings(patch: AzurePrefsPatch): Promise<boolean>;
  signIn(certificatePassword?: string): Promise<void>;
  makePlan(opts?: { offline?: boolean; certificatePassword?: string }): Promise<AzurePlanView | undefined>;
  toggleUnowned(name: string): Promise<void>;
  /** Applies the plan under review; `secrets` only for this request (front doors without a key store). */
  applyPlan(opts?: {
    secrets?: Record<string, string>;
    certificatePassword?: string;
  }): Promise<AzureApplyResult | undefined>;
  resume(opts?: {
    secrets?: Record<string, string>;
    certificatePassword?: string;
  }): Promise<AzureApplyResult | undefined>;
  cancel(): Promise<void>;
  refreshJournal(): Promise<void>;
  loadQueue(probe?: boolean): Promise<void>;
  dequeue(workspace: string): Promise<void>;
  runQueued(): Promise<void>;
  clearConfirmRequest(): void;
  exportAs(format: 'arm' | 'cli', out?: string): Promise<void>;
  refreshSecrets(): Promise<void>;
  storeSecret(name: string, value: string, acceptWeakStorage?: boolean): Promise<boolean>;
  deleteSecret(name: string): Promise<void>;
}

export type ApplyStore = ReturnType<typeof createApplyStore>;

function newJobId(prefix: string): string {
  const b = new Uint8Array(12);
  globalThis.crypto.getRandomValues(b);
  return `${prefix}-${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/** FNV-1a over the document: enough to tell that the plan no longer matches what is in the editor. */
function fingerprint(d: Doc, allow: readonly string[]): string {
  let h = 0x811c9dc5;
  const s = `${d.fileName}\n${allow.join('\n')}\n${d.text}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${s.length}:${(h >>> 0).toString(16)}`;
}

/** The plan under review is out of date: the document or take-over list changed, or an apply ran part of it. */
export function isPlanStale(s: ApplyState, d: Doc): boolean {
  return !!s.plan && s.plannedFor !== fingerprint(d, s.allowUnowned);
}

/** What the confirmation has to say: the counts apply will act on, in words. */
export function confirmSummary(plan: AzurePlanView): string {
  const c = plan.counts;
  const parts = [
    c.Create ? `create ${c.Create}` : '',
    c.Modify ? `modify ${c.Modify}` : '',
    c.Delete ? `delete ${c.Delete}` : '',
  ].filter(Boolean);
  const n = c.Create + c.Modify + c.Delete;
  return `${parts.join(', ')} — ${n} resource${n === 1 ? '' : 's'}`;
}

export function actionableCount(plan: AzurePlanView | null): number {
  return plan ? plan.counts.Create + plan.counts.Modify + plan.counts.Delete : 0;
}

const idle = <T>(): Op<T> => ({ status: 'idle' });
const messageOf = (e: unknown) => (e as Error).message ?? String(e);

/** What travels with one apply or resume only: typed shared keys and the .pfx password, never kept in the store. */
function perRequestSecrets(o: { secrets?: Record<string, string>; certificatePassword?: string }) {
  return {
    ...(o.secrets && Object.keys(o.secrets).length ? { secrets: o.secrets } : {}),
    ...(o.certificatePassword ? { certificatePassword: o.certificatePassword } : {}),
  };
}

export function createApplyStore(api: JunctionApi, doc: () => Doc, opts: { pollMs?: number } = {}) {
  const pollMs = opts.pollMs ?? 200;
  const docReq = () => {
    const d = doc();
    return { fileName: d.fileName || 'workspace.junction.json', text: d.text };
  };

  return createStore<ApplyState & ApplyActions>()((set, get) => {
    type OpKey = 'planOp' | 'applyOp' | 'queueOp' | 'loginOp' | 'exportOp';

    /** One long request as a job: its progress is polled while the request is outstanding. */
    const runJob = async <T>(
      key: OpKey,
      prefix: string,
      call: (jobId: string) => Promise<T>,
      onTick?: () => void,
    ): Promise<T | undefined> => {
      const jobId = newJobId(prefix);
      set({ [key]: { status: 'running', jobId, startedAt: Date.now() } } as Partial<ApplyState>);
      const timer = setInterval(() => {
        void api['jobs.progress']({ jobId }).then(
          (st) => {
            const cur = get()[key] as Op<T>;
            if (cur.jobId === jobId && cur.status === 'running' && st.progress)
              set({ [key]: { ...cur, progress: st.progress as JobProgress } } as Partial<ApplyState>);
          },
          () => undefined,
        );
        onTick?.();
      }, pollMs);
      try {
        const result = await call(jobId);
        const cur = get()[key] as Op<T>;
        set({ [key]: { ...cur, status: 'done', result } } as Partial<ApplyState>);
        return result;
      } catch (e) {
        const msg = messageOf(e);
        const cur = get()[key] as Op<T>;
        set({
          [key]: { ...cur, status: /cancelled by the admin/.test(msg) ? 'cancelled' : 'failed', error: msg },
        } as Partial<ApplyState>);
        return undefined;
      } finally {
        clearInterval(timer);
      }
    };

    let journalBusy = false;
    const pollJournal = () => {
      if (journalBusy) return;
      journalBusy = true;
      void get()
        .refreshJournal()
        .finally(() => (journalBusy = false));
    };

    /** After an apply: the journal, the queue, the stored keys' state, and — when it completed — a fresh plan. */
    const afterApply = async (r: AzureApplyResult | undefined) => {
      await Promise.all([get().refreshJournal(), get().loadQueue(false)]);
      if (!r) return;
      if (r.outcome === 'completed') await get().makePlan();
      else if (r.plan) set({ plan: r.plan, plannedFor: fingerprint(doc(), get().allowUnowned) });
      // Part of it ran: the reviewed plan no longer describes Azure. Resume, or plan again.
      else if (r.outcome === 'stopped' || r.outcome === 'cancelled') set({ plannedFor: null });
    };

    return {
      settings: null,
      settingsError: null,
      plan: null,
      plannedFor: null,
      planOp: idle(),
      allowUnowned: [],
      applyOp: idle(),
      applyKind: null,
      journal: null,
      queue: [],
      queueOp: idle(),
      loginOp: idle(),
      exportOp: idle(),
      secrets: null,
      secretsError: null,
      confirmRequested: false,

      async load() {
        try {
          set({ settings: await api['azure.settings']({}), settingsError: null });
        } catch (e) {
          set({ settingsError: messageOf(e) });
        }
        await Promise.all([get().refreshSecrets(), get().refreshJournal(), get().loadQueue(false)]);
        // A queued apply is only offered once ARM answers: check now (a GET of the ARM endpoint's metadata).
        if (get().queue.length) await get().loadQueue(true);
      },

      async updateSettings(patch) {
        try {
          set({ settings: await api['azure.settings.update'](patch), settingsError: null });
          return true;
        } catch (e) {
          set({ settingsError: messageOf(e) });
          return false;
        }
      },

      async signIn(certificatePassword) {
        await runJob('loginOp', 'login', (jobId) =>
          api['azure.login']({ ...docReq(), jobId, ...(certificatePassword ? { certificatePassword } : {}) }),
        );
        const settings = await api['azure.settings']({}).catch(() => null);
        if (settings) set({ settings });
      },

      async makePlan(o = {}) {
        const d = docReq();
        if (!d.text) return undefined;
        const allowUnowned = get().allowUnowned;
        const plan = await runJob('planOp', 'plan', (jobId) =>
          api['azure.plan']({
            ...d,
            allowUnowned,
            jobId,
            ...(o.offline ? { offline: true } : {}),
            ...(o.certificatePassword ? { certificatePassword: o.certificatePassword } : {}),
          }),
        );
        if (plan) set({ plan, plannedFor: fingerprint(doc(), allowUnowned) });
        const settings = await api['azure.settings']({}).catch(() => null);
        if (settings) set({ settings });
        return plan;
      },

      async toggleUnowned(name) {
        const cur = get().allowUnowned;
        set({ allowUnowned: cur.includes(name) ? cur.filter((x) => x !== name) : [...cur, name] });
        // Taking a resource over changes what apply would do: the plan is made again, never edited in place.
        await get().makePlan({ offline: get().plan?.source.kind === 'snapshot' });
      },

      async applyPlan(o = {}) {
        const plan = get().plan;
        if (!plan || isPlanStale(get(), doc())) {
          set({
            applyOp: {
              status: 'failed',
              error: 'the document changed since this plan was made: plan again, review, then apply',
            },
          });
          return undefined;
        }
        set({ applyKind: 'apply', confirmRequested: false });
        const r = await runJob(
          'applyOp',
          'apply',
          (jobId) =>
            api['azure.apply']({
              ...docReq(),
              planHash: plan.planHash,
              allowUnowned: get().allowUnowned,
              jobId,
              ...perRequestSecrets(o),
            }),
          pollJournal,
        );
        await afterApply(r);
        return r;
      },

      async resume(o = {}) {
        const j = get().journal;
        if (!j?.resumable) return undefined;
        set({ applyKind: 'resume' });
        const r = await runJob(
          'applyOp',
          'resume',
          (jobId) =>
            api['azure.apply']({
              ...docReq(),
              resume: j.applyId,
              jobId,
              ...perRequestSecrets(o),
            }),
          pollJournal,
        );
        await afterApply(r);
        return r;
      },

      async cancel() {
        for (const key of ['applyOp', 'planOp', 'loginOp'] as const) {
          const op = get()[key];
          if (op.status === 'running' && op.jobId)
            await api['jobs.cancel']({ jobId: op.jobId }).catch(() => undefined);
        }
      },

      async refreshJournal() {
        const d = docReq();
        if (!d.text) return;
        try {
          set({ journal: await api['azure.journal'](d) });
        } catch {
          // A document that does not load has no journal to show; the plan reports why.
        }
      },

      async loadQueue(probe = false) {
        const r = await runJob('queueOp', 'queue', () =>
          api['azure.queue']({ action: probe ? 'probe' : 'list' }),
        );
        if (r) set({ queue: r.items });
      },

      async dequeue(workspace) {
        const r = await api['azure.queue']({ action: 'dequeue', workspace }).catch(() => undefined);
        if (r) set({ queue: r.items });
      },

      async runQueued() {
        // Offered, never run silently: plan against live state, then the admin confirms the counts.
        const plan = await get().makePlan();
        if (plan && actionableCount(plan) > 0) set({ confirmRequested: true });
      },

      clearConfirmRequest() {
        set({ confirmRequested: false });
      },

      async exportAs(format, out) {
        await runJob('exportOp', 'export', () =>
          api['azure.export']({ ...docReq(), format, ...(out?.trim() ? { out: out.trim() } : {}) }),
        );
      },

      async refreshSecrets() {
        const d = docReq();
        try {
          set({ secrets: await api['azure.secrets.list'](d.text ? d : {}), secretsError: null });
        } catch (e) {
          set({ secretsError: messageOf(e) });
        }
      },

      async storeSecret(name, value, acceptWeakStorage) {
        try {
          await api['azure.secrets.store']({
            name,
            value,
            ...(acceptWeakStorage ? { acceptWeakStorage: true } : {}),
          });
          set({ secretsError: null });
          await get().refreshSecrets();
          // The plan's list of keys still to type changes with the vault.
          const plan = get().plan;
          if (plan)
            set({
              plan: {
                ...plan,
                secrets: plan.secrets.map((s) => (s.name === name ? { ...s, available: 'vault' } : s)),
              },
            });
          return true;
        } catch (e) {
          set({ secretsError: messageOf(e) });
          return false;
        }
      },

      async deleteSecret(name) {
        try {
          await api['azure.secrets.delete']({ name });
          await get().refreshSecrets();
          const plan = get().plan;
          if (plan)
            set({
              plan: {
                ...plan,
                secrets: plan.secrets.map((s) => (s.name === name ? { ...s, available: 'missing' } : s)),
              },
            });
        } catch (e) {
          set({ secretsError: messageOf(e) });
        }
      },
    };
  });
}
