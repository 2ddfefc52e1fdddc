// Workspace state: the document text as the admin edits it, the last valid model, schema problems and lint
// findings. Pure zustand/vanilla so tests drive it without React; the API comes in as a parameter.
import { createStore } from 'zustand/vanilla';
import type {
  JunctionApi,
  LocatedFinding,
  RecentWorkspace,
  WorkspaceLoadResult,
} from '../../shared/api/contract';
import type { LoadProblem } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import type { Severity } from '../../shared/lint/types';

export interface WorkspaceState {
  status: 'empty' | 'ready';
  /** What is running, for the progress bar; null when idle. */
  busy: string | null;
  fileName: string;
  /** A file path, or "example" for the embedded example (which must be saved under a new name). */
  origin: string;
  text: string;
  savedText: string;
  /** The text as opened: the embedded example, unedited, holds nothing that closing it would lose. */
  loadedText: string;
  workspace?: Workspace;
  loadProblems: LoadProblem[];
  findings: LocatedFinding[];
  counts: Record<Severity, number>;
  error: string | null;
  recent: RecentWorkspace[];
  /** Bumped on every analysis, so stale answers to earlier edits are dropped. */
  revision: number;
}

export interface WorkspaceActions {
  openExample(): Promise<void>;
  /** false when nothing was opened (the reason is in `error`); the current document stays. */
  openFile(path: string): Promise<boolean>;
  edit(text: string): void;
  analyse(): Promise<void>;
  /** Saves to `path`, or to the current file; the example has no file of its own. */
  save(path?: string): Promise<boolean>;
  refreshRecent(): Promise<void>;
  clearError(): void;
}

export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;

const EMPTY_COUNTS: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

export function isDirty(s: WorkspaceState): boolean {
  return s.status === 'ready' && s.text !== s.savedText;
}

/** Edits that discarding the document would lose (an unedited example has none, though it is not saved). */
export function hasUnsavedEdits(s: WorkspaceState): boolean {
  return isDirty(s) && !(s.origin === 'example' && s.text === s.loadedText);
}

export function hasOwnFile(s: WorkspaceState): boolean {
  return s.origin !== 'example' && s.origin !== 'editor' && s.origin !== '';
}

export function createWorkspaceStore(api: JunctionApi, opts: { debounceMs?: number } = {}) {
  const debounceMs = opts.debounceMs ?? 300;
  let timer: ReturnType<typeof setTimeout> | undefined;

  return createStore<WorkspaceState & WorkspaceActions>()((set, get) => {
    const run = async <T>(label: string, fn: () => Promise<T>): Promise<T | undefined> => {
      set({ busy: label, error: null });
      try {
        return await fn();
      } catch (e) {
        set({ error: `${label} failed: ${(e as Error).message}` });
        return undefined;
      } finally {
        set({ busy: null });
      }
    };

    const adopt = async (r: WorkspaceLoadResult) => {
      set({
        status: 'ready',
        fileName: r.fileName,
        origin: r.origin,
        text: r.text,
        savedText: r.origin === 'example' ? '' : r.text,
        loadedText: r.text,
        workspace: r.workspace,
        loadProblems: r.problems,
        findings: [],
        counts: EMPTY_COUNTS,
      });
      await get().analyse();
    };

    return {
      status: 'empty',
      busy: null,
      fileName: '',
      origin: '',
      text: '',
      savedText: '',
      loadedText: '',
      loadProblems: [],
      findings: [],
      counts: EMPTY_COUNTS,
      error: null,
      recent: [],
      revision: 0,

      async openExample() {
        const r = await run('Opening the example', () => api['workspace.openExample']({}));
        if (r) await adopt({ ...r, fileName: 'contoso-hybrid.junction.json' });
      },

      async openFile(path) {
        const r = await run(`Opening ${path}`, () => api['workspace.openFile']({ path }));
        if (!r) return false;
        if (!r.text && !r.ok) {
          // Nothing was read (missing file, permissions): keep the current document, report why.
          set({ error: r.problems.map((p) => `${p.message}${p.fix ? ` — ${p.fix}` : ''}`).join('; ') });
          return false;
        }
        await adopt(r);
        await get().refreshRecent();
        return true;
      },

      edit(text) {
        set({ text });
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void get().analyse(), debounceMs);
      },

      async analyse() {
        if (timer) clearTimeout(timer);
        const revision = get().revision + 1;
        set({ revision });
        const { fileName, text } = get();
        const doc = { fileName: fileName || 'workspace.junction.json', text };
        const r = await run('Checking', () =>
          Promise.all([api['workspace.parse'](doc), api['workspace.lint'](doc)]),
        );
        if (!r || get().revision !== revision) return;
        const [parsed, lint] = r;
        set({
          // Keep the last valid model while the text is mid-edit, so the topology does not blank out.
          workspace: parsed.ok ? parsed.workspace : get().workspace,
          loadProblems: parsed.problems,
          findings: lint.findings,
          counts: lint.counts,
        });
      },

      async save(path) {
        const s = get();
        const target = path ?? (hasOwnFile(s) ? s.origin : undefined);
        if (!target) {
          set({
            error: 'Save: the example has no file of its own — use Save As and choose where to keep it',
          });
          return false;
        }
        const text = s.text;
        const r = await run(`Saving ${target}`, () => api['workspace.save']({ path: target, text }));
        if (!r) return false;
        const fileName = r.path.split(/[\\/]/).pop() ?? r.path;
        set({ origin: r.path, fileName, savedText: text });
        await get().refreshRecent();
        return true;
      },

      async refreshRecent() {
        const recent = await api['workspace.recent']({}).catch(() => undefined);
        if (recent) set({ recent });
      },

      clearError() {
        set({ error: null });
      },
    };
  });
}
