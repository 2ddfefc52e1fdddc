// Navigation, selection and presentation state. Separate from the document so screens re-render only for what
// they show.
import { createStore } from 'zustand/vanilla';

export const SCREENS = [
  'workspace',
  'topology',
  'problems',
  'generate',
  'certificates',
  'apply',
  'health',
] as const;
export type Screen = (typeof SCREENS)[number];
export type Theme = 'system' | 'light' | 'dark';

export interface EditorTarget {
  line: number;
  column: number;
  /** Changes on every request so jumping to the same line twice still scrolls. */
  nonce: number;
}

export interface UiState {
  screen: Screen;
  theme: Theme;
  /** Selected topology node key (the workspace id; a duplicated id's second object gets a suffix). */
  selected: string | null;
  search: string;
  editorTarget: EditorTarget | null;
  /** A short confirmation shown in the status bar ("Saved …"). */
  notice: string | null;
  /** Something that would discard unsaved edits (open, new from example), waiting for the admin's answer. */
  pendingDiscard: PendingDiscard | null;
}

export interface PendingDiscard {
  /** What would discard them, for the question: "Opening another workspace". */
  what: string;
  run(): void;
}

export interface UiActions {
  go(screen: Screen): void;
  select(id: string | null): void;
  showInTopology(id: string): void;
  showInEditor(line: number, column?: number): void;
  setSearch(q: string): void;
  setTheme(t: Theme): void;
  toggleTheme(systemPrefersDark: boolean): Theme;
  notify(text: string | null): void;
  askDiscard(p: PendingDiscard | null): void;
}

export type UiStore = ReturnType<typeof createUiStore>;

export function createUiStore(initial: Partial<UiState> = {}) {
  let nonce = 0;
  return createStore<UiState & UiActions>()((set, get) => ({
    screen: 'workspace',
    theme: 'system',
    selected: null,
    search: '',
    editorTarget: null,
    notice: null,
    pendingDiscard: null,
    ...initial,
    go: (screen) => set({ screen }),
    select: (selected) => set({ selected }),
    showInTopology: (id) => set({ screen: 'topology', selected: id }),
    showInEditor: (line, column = 1) =>
      set({ screen: 'workspace', editorTarget: { line, column, nonce: ++nonce } }),
    setSearch: (search) => set({ search }),
    setTheme: (theme) => set({ theme }),
    toggleTheme: (systemPrefersDark) => {
      const effective = get().theme === 'system' ? (systemPrefersDark ? 'dark' : 'light') : get().theme;
      const theme: Theme = effective === 'dark' ? 'light' : 'dark';
      set({ theme });
      return theme;
    },
    notify: (notice) => set({ notice }),
    askDiscard: (pendingDiscard) => set({ pendingDiscard }),
  }));
}
