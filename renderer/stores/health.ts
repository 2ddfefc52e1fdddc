// Health screen state: the probe sets and history of the document in the editor, probe runs with progress polled
// from the host's job runner (and cancel), far-side reports, the "why can't A reach B" question, and the filters of
// the results table. The topology reads the same summary for its colours. zustand/vanilla, so tests drive it
// without React.
//
// The history lives beside the saved workspace file. The store learns that file from `doc().path` when the caller's
// doc() provides one, otherwise from setWorkspace() (the screens pass the workspace store's origin); without a
// file the host keeps results for this session only and the summary says so (persisted: false).
import { createStore } from 'zustand/vanilla';
import type { JobProgress, JunctionApi } from '../../shared/api/contract';
import type {
  HealthImportResult,
  HealthRunResult,
  HealthSource,
  HealthSummary,
  ProbeSetInfo,
  ReachAnswer,
  ReachEndpoints,
  RowStatus,
  TargetRow,
} from '../../shared/api/health-api';
import type { Doc, Op } from './generate';
import type { AzureStatusView } from '../../shared/api/azure-api';

export type { Op };

/** The document as the store needs it; `path` is the saved file, when the caller knows it. */
export type HealthDoc = Doc & { path?: string };

export interface HealthFilters {
  /** 'none': probes of the set nobody has run yet. */
  source: 'all' | HealthSource | 'none';
  /** 'problems': warning or fail. */
  status: 'all' | RowStatus | 'problems';
  set: string;
  text: string;
}

export interface ReachForm {
  from: string;
  to: string;
  /** As typed; checked when asked. */
  port: string;
  proto: 'tcp' | 'udp';
}

export interface HealthState {
  /** The saved workspace file the history lives beside; null for a document without one. */
  workspace: string | null;
  sets: ProbeSetInfo[] | null;
  setsError: string | null;
  /** The sets a run covers; null means all of them. */
  chosenSets: string[] | null;
  /** Extra trust anchors for TLS/HTTPS probes (a PEM file on the host), e.g. a TLS-inspecting proxy's CA. */
  caFile: string;
  summary: HealthSummary | null;
  historyOp: Op<HealthSummary>;
  runOp: Op<HealthRunResult>;
  importPath: string;
  importOp: Op<HealthImportResult>;
  /** Live VPN status read from Azure (the Apply screen's connection and sign-in). */
  azureOp: Op<AzureStatusView>;
  filters: HealthFilters;
  selectedLink: string | null;
  endpoints: ReachEndpoints | null;
  reach: ReachForm;
  reachOp: Op<ReachAnswer>;
  /** Set by a shortcut from another screen: the Health screen scrolls the reach panel into view once. */
  reachFocus: number;
  /** Colour the topology by the latest health. */
  showOnTopology: boolean;
  /** What sets/endpoints were loaded for (document fingerprint), so screens reload only on change. */
  loadedFor: string | null;
}

export interface HealthActions {
  setWorkspace(path: string | null): void;
  /** Probe sets, reach endpoints and the history for the current document (once per document change). */
  load(force?: boolean): Promise<void>;
  loadHistory(): Promise<HealthSummary | undefined>;
  toggleSet(name: string): void;
  chooseSets(names: string[] | null): void;
  setCaFile(path: string): void;
  run(opts?: {
    ids?: string[];
    timeoutMs?: number;
    concurrency?: number;
  }): Promise<HealthRunResult | undefined>;
  cancel(): Promise<void>;
  setImportPath(path: string): void;
  importReport(path?: string): Promise<HealthImportResult | undefined>;
  /** Reads the VPN connections' live status; with a saved workspace it joins the history (and the topology). */
  checkAzure(): Promise<AzureStatusView | undefined>;
  setFilters(patch: Partial<HealthFilters>): void;
  resetFilters(): void;
  selectLink(id: string | null): void;
  setReach(patch: Partial<ReachForm>): void;
  ask(): Promise<ReachAnswer | undefined>;
  /** From another screen (the topology): fill the reach panel and ask to show it. */
  prefillReach(patch: Partial<ReachForm>): void;
  setShowOnTopology(on: boolean): void;
}

export type HealthStore = ReturnType<typeof createHealthStore>;

export const DEFAULT_FILTERS: HealthFilters = { source: 'all', status: 'all', set: 'all', text: '' };

function newJobId(prefix: string): string {
  const b = new Uint8Array(12);
  globalThis.crypto.getRandomValues(b);
  return `${prefix}-${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function fingerprint(d: HealthDoc, workspace: string | null): string {
  let h = 0x811c9dc5;
  const s = `${workspace ?? ''}\n${d.fileName}\n${d.text}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${s.length}:${(h >>> 0).toString(16)}`;
}

/** The rows the filters let through; a pure function so the table and the tests agree. */
export function filterRows(rows: readonly TargetRow[], f: HealthFilters): TargetRow[] {
  const q = f.text.trim().toLowerCase();
  return rows.filter((r) => {
    if (f.source === 'none' ? r.source !== null : f.source !== 'all' && r.source !== f.source) return false;
    if (
      f.status === 'problems'
        ? r.status !== 'warning' && r.status !== 'fail'
        : f.status !== 'all' && r.status !== f.status
    )
      return false;
    if (f.set !== 'all' && r.set !== f.set) return false;
    if (!q) return true;
    return [r.id, r.target, r.kind, r.runFrom, r.targetHost, r.message, r.reportedBy, r.set]
      .filter((x): x is string => typeof x === 'string')
      .some((x) => x.toLowerCase().includes(q));
  });
}

/** "just now", "5 min ago", "3 h ago", "2 days ago": how old a result is, at a glance. */
export function ageOf(at: string | undefined, now = Date.now()): string {
  if (!at) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (!Number.isFinite(s)) return '—';
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  const d = Math.round(s / 86_400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

/** The reach form as a request, or the one thing wrong with it (naming the field). */
export function reachRequest(
  f: ReachForm,
): { from: string; to: string; port: number; proto: 'tcp' | 'udp' } | { error: string } {
  if (!f.from.trim()) return { error: 'From: pick a host or subnet, or type an address' };
  if (!f.to.trim()) return { error: 'To: pick a host, subnet or service tag, or type an address' };
  const port = Number(f.port.trim());
  if (!/^\d+$/.test(f.port.trim()) || port < 1 || port > 65535)
    return { error: 'Port: a number from 1 to 65535' };
  return { from: f.from.trim(), to: f.to.trim(), port, proto: f.proto };
}

const idle = <T>(): Op<T> => ({ status: 'idle' });
const messageOf = (e: unknown) => (e as Error).message ?? String(e);

export function createHealthStore(api: JunctionApi, doc: () => HealthDoc, opts: { pollMs?: number } = {}) {
  const pollMs = opts.pollMs ?? 150;
  const docReq = () => {
    const d = doc();
    return { fileName: d.fileName || 'workspace.junction.json', text: d.text };
  };

  return createStore<HealthState & HealthActions>()((set, get) => {
    const workspaceOf = (): string | undefined => doc().path ?? get().workspace ?? undefined;
    const withWorkspace = () => {
      const w = workspaceOf();
      return w ? { workspace: w } : {};
    };

    type OpKey = 'historyOp' | 'runOp' | 'importOp' | 'reachOp' | 'azureOp';
    const start = <T>(key: OpKey, extra: Partial<Op<T>> = {}) =>
      set({ [key]: { status: 'running', startedAt: Date.now(), ...extra } } as Partial<HealthState>);
    const finish = <T>(key: OpKey, patch: Partial<Op<T>>) => {
      const cur = get()[key] as Op<T>;
      set({ [key]: { ...cur, ...patch } } as Partial<HealthState>);
    };

    return {
      workspace: null,
      sets: null,
      setsError: null,
      chosenSets: null,
      caFile: '',
      summary: null,
      historyOp: idle(),
      runOp: idle(),
      importPath: '',
      importOp: idle(),
      azureOp: idle(),
      filters: { ...DEFAULT_FILTERS },
      selectedLink: null,
      endpoints: null,
      reach: { from: '', to: '', port: '', proto: 'tcp' },
      reachOp: idle(),
      reachFocus: 0,
      showOnTopology: true,
      loadedFor: null,

      setWorkspace(path) {
        if (path === get().workspace) return;
        // Another file means another history: what was shown belongs to the previous one.
        set({ workspace: path, summary: null, loadedFor: null });
      },

      async load(force = false) {
        const d = doc();
        if (!d.text) return;
        const fp = fingerprint(d, workspaceOf() ?? null);
        if (!force && get().loadedFor === fp) return;
        set({ loadedFor: fp });
        const req = docReq();
        const [sets, endpoints] = await Promise.all([
          api['health.probeSet'](req).then(
            (r) => ({ ok: true as const, sets: r.sets }),
            (e) => ({ ok: false as const, error: messageOf(e) }),
          ),
          api['reach.endpoints'](req).catch(() => null),
        ]);
        if (sets.ok) {
          const names = sets.sets.map((s) => s.name);
          const chosen = get().chosenSets?.filter((n) => names.includes(n)) ?? null;
          set({ sets: sets.sets, setsError: null, chosenSets: chosen });
        } else set({ sets: null, setsError: sets.error });
        set({ endpoints });
        await get().loadHistory();
      },

      async loadHistory() {
        const req = docReq();
        if (!req.text) return undefined;
        start('historyOp');
        try {
          const summary = await api['health.history']({ ...req, ...withWorkspace() });
          set({ summary });
          finish('historyOp', { status: 'done', result: summary });
          return summary;
        } catch (e) {
          finish('historyOp', { status: 'failed', error: messageOf(e) });
          return undefined;
        }
      },

      toggleSet(name) {
        const all = get().sets?.map((s) => s.name) ?? [];
        const cur = get().chosenSets ?? all;
        const next = cur.includes(name)
          ? cur.filter((n) => n !== name)
          : all.filter((n) => n === name || cur.includes(n));
        set({ chosenSets: next.length === all.length ? null : next });
      },

      chooseSets(names) {
        set({ chosenSets: names });
      },

      setCaFile(caFile) {
        set({ caFile });
      },

      async run(o = {}) {
        const chosen = get().chosenSets;
        if (chosen && chosen.length === 0) {
          set({ runOp: { status: 'failed', error: 'Sets: choose at least one probe set to run' } });
          return undefined;
        }
        const jobId = newJobId('probe');
        start<HealthRunResult>('runOp', { jobId });
        const timer = setInterval(() => {
          void api['jobs.progress']({ jobId }).then(
            (st) => {
              const cur = get().runOp;
              if (cur.jobId === jobId && cur.status === 'running' && st.progress)
                set({ runOp: { ...cur, progress: st.progress as JobProgress } });
            },
            () => undefined,
          );
        }, pollMs);
        try {
          const caFile = get().caFile.trim();
          const result = await api['health.run']({
            ...docReq(),
            ...withWorkspace(),
            ...(chosen ? { sets: chosen } : {}),
            ...(o.ids ? { ids: o.ids } : {}),
            ...(caFile ? { caFile } : {}),
            ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
            ...(o.concurrency ? { concurrency: o.concurrency } : {}),
            jobId,
          });
          set({ summary: result.summary });
          finish('runOp', { status: 'done', result });
          return result;
        } catch (e) {
          const msg = messageOf(e);
          finish('runOp', {
            status: /cancelled by the admin/.test(msg) ? 'cancelled' : 'failed',
            error: msg,
          });
          // What finished before a cancel is kept by the host: show it.
          await get().loadHistory();
          return undefined;
        } finally {
          clearInterval(timer);
        }
      },

      async cancel() {
        const op = get().runOp;
        if (op.status === 'running' && op.jobId)
          await api['jobs.cancel']({ jobId: op.jobId }).catch(() => undefined);
      },

      setImportPath(importPath) {
        set({ importPath });
      },

      async importReport(path) {
        const p = (path ?? get().importPath).trim();
        if (!p) {
          set({
            importOp: {
              status: 'failed',
              error: 'Report: give the bundle folder on the media, or a report file from its receipt/health/',
            },
          });
          return undefined;
        }
        const workspace = workspaceOf();
        if (!workspace) {
          set({
            importOp: {
              status: 'failed',
              error:
                'Save the workspace first: a far-side report is kept in the history beside the workspace file',
            },
          });
          return undefined;
        }
        set({ importPath: p });
        start('importOp');
        try {
          const result = await api['health.importReport']({ ...docReq(), workspace, path: p });
          set({ summary: result.summary });
          finish('importOp', { status: 'done', result });
          return result;
        } catch (e) {
          finish('importOp', { status: 'failed', error: messageOf(e) });
          return undefined;
        }
      },

      async checkAzure() {
        start('azureOp');
        try {
          const result = await api['azure.status']({ ...docReq(), ...withWorkspace() });
          finish('azureOp', { status: 'done', result });
          // Appended to the history: show it with the rest (the topology follows the summary).
          if (result.history) await get().loadHistory();
          return result;
        } catch (e) {
          finish('azureOp', { status: 'failed', error: messageOf(e) });
          return undefined;
        }
      },

      setFilters(patch) {
        set({ filters: { ...get().filters, ...patch } });
      },

      resetFilters() {
        set({ filters: { ...DEFAULT_FILTERS } });
      },

      selectLink(selectedLink) {
        set({ selectedLink });
      },

      setReach(patch) {
        set({ reach: { ...get().reach, ...patch } });
      },

      async ask() {
        const q = reachRequest(get().reach);
        if ('error' in q) {
          set({ reachOp: { status: 'failed', error: q.error } });
          return undefined;
        }
        start('reachOp');
        try {
          const result = await api['reach.query']({ ...docReq(), ...q });
          finish('reachOp', { status: 'done', result });
          return result;
        } catch (e) {
          finish('reachOp', { status: 'failed', error: messageOf(e) });
          return undefined;
        }
      },

      prefillReach(patch) {
        set({ reach: { ...get().reach, ...patch }, reachOp: idle(), reachFocus: get().reachFocus + 1 });
      },

      setShowOnTopology(showOnTopology) {
        set({ showOnTopology });
      },
    };
  });
}
