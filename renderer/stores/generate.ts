// Generate & Bundle state: the scenario/target selection, the generated preview, and the three long operations
// (build, verify, write) with progress polled from the host's job channel. zustand/vanilla, so tests drive it
// without React. Passwords are parameters of the build and import actions only: they are never put in the store.
// A bundle is signed with a .pfx and its password, or (desktop app) with a key kept in the OS key store.
import { createStore } from 'zustand/vanilla';
import type {
  BundleBuildResult,
  BundleVerifyResult,
  BundleWriteResult,
  DriveList,
  GeneratePreview,
  JobProgress,
  JunctionApi,
  KeyImportResult,
  KeyStoreView,
  StoredKeyInfo,
  TrustedSigner,
} from '../../shared/api/contract';
import type { Scenario } from '../../shared/generate/types';
import { formatFingerprint } from '../../shared/bundle/sums';

export type OpStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Op<T> {
  status: OpStatus;
  jobId?: string;
  progress?: JobProgress;
  result?: T;
  error?: string;
  startedAt?: number;
}

export type BundleFormat = 'dir' | 'tar' | 'zip';
export type SignWith = 'stored' | 'pfx';
export const RUNBOOK = 'RUNBOOK.md';

/** FAT32's largest file: 4 GiB less one byte (the bundle module's limit for --media-limit 4GiB). */
export const FAT32_MAX_FILE = 4 * 1024 ** 3 - 1;

export interface GenerateState {
  preview: GeneratePreview | null;
  previewError: string | null;
  loading: boolean;
  /** Deselected rather than selected, so everything a new workspace offers starts selected. */
  offScenarios: string[];
  offHosts: string[];
  /** The file shown in the viewer: a generated path, or RUNBOOK.md. */
  shown: string;
  format: BundleFormat;
  out: string;
  signKey: string;
  /** What else travels in the bundle, as `junction bundle build --azure-export --staging --media-limit` adds it. */
  azureExport: 'none' | 'arm' | 'cli' | 'both';
  /** The folder `junction stage fetch --out` wrote; '' for none. */
  staging: string;
  /** Split files over FAT32's 4 GiB limit into parts the verify scripts reassemble. */
  splitForFat32: boolean;
  /** How to sign; null until the admin picks: the key store when it holds a key, else the .pfx. */
  signWith: SignWith | null;
  /** The stored key chosen; '' (or one since removed) means the first. */
  storedKey: string;
  /** This front door's key store; null until loaded. */
  keyStore: KeyStoreView | null;
  keyError: string | null;
  keyImport: Op<KeyImportResult>;
  build: Op<BundleBuildResult>;
  verifyPath: string;
  /** Trusted for one check only; pinned signers need none. */
  fingerprint: string;
  verify: Op<BundleVerifyResult>;
  /** The trust store's pinned signers; null until loaded. */
  trusted: TrustedSigner[] | null;
  trustError: string | null;
  writeSource: string;
  writeTarget: string;
  drives: DriveList | null;
  write: Op<BundleWriteResult>;
}

export interface GenerateActions {
  refresh(): Promise<void>;
  toggleScenario(id: string): void;
  toggleHost(id: string): void;
  setAllHosts(on: boolean): void;
  show(path: string): void;
  set(
    patch: Partial<
      Pick<
        GenerateState,
        | 'format'
        | 'out'
        | 'signKey'
        | 'azureExport'
        | 'staging'
        | 'splitForFat32'
        | 'signWith'
        | 'storedKey'
        | 'verifyPath'
        | 'fingerprint'
        | 'writeSource'
        | 'writeTarget'
      >
    >,
  ): void;
  /**
   * Signs with the stored key chosen, or with the .pfx and this password (which is sent, never kept).
   * `allowLintErrors`: the admin confirmed building over the workspace's lint errors.
   */
  buildBundle(password: string, opts?: { allowLintErrors?: boolean }): Promise<void>;
  loadKeys(): Promise<void>;
  /** Reads the .pfx with its password on the host and keeps its key sealed there; the new key becomes the choice. */
  importKey(
    pfx: string,
    password: string,
    opts?: { label?: string; acceptWeakStorage?: boolean },
  ): Promise<boolean>;
  removeKey(id: string): Promise<void>;
  verifyBundle(): Promise<void>;
  loadTrust(): Promise<void>;
  /** Explicit admin action only; never a side effect of a check. */
  pinSigner(fingerprint: string, subject?: string): Promise<void>;
  unpinSigner(fingerprint: string): Promise<void>;
  loadDrives(): Promise<void>;
  writeBundle(): Promise<void>;
  cancel(op: 'build' | 'verify' | 'write'): Promise<void>;
}

export type GenerateStore = ReturnType<typeof createGenerateStore>;

export interface Doc {
  fileName: string;
  text: string;
}

function newJobId(): string {
  const b = new Uint8Array(12);
  globalThis.crypto.getRandomValues(b);
  return `job-${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

const idle = <T>(): Op<T> => ({ status: 'idle' });

/** The selection as the host wants it: absent means everything. */
export function selectionOf(s: GenerateState): { scenarios?: Scenario[]; hosts?: string[] } {
  if (!s.preview) return {};
  const scenarios = s.offScenarios.length
    ? s.preview.scenarios.map((x) => x.id).filter((id) => !s.offScenarios.includes(id))
    : undefined;
  const hosts = s.offHosts.length
    ? s.preview.targets.map((t) => t.id).filter((id) => !s.offHosts.includes(id))
    : undefined;
  return { ...(scenarios ? { scenarios } : {}), ...(hosts ? { hosts } : {}) };
}

/** A key store this front door has and the OS backs (Linux basic_text counts: it can be accepted). */
export function keyStoreUsable(k: KeyStoreView): boolean {
  return k.available && k.vault.protection !== 'none';
}

/** The signing mode in effect: only a front door with a key store can sign with a stored key. */
export function signMode(s: Pick<GenerateState, 'keyStore' | 'signWith'>): SignWith {
  if (!s.keyStore || !keyStoreUsable(s.keyStore)) return 'pfx';
  return s.signWith ?? (s.keyStore.keys.length > 0 ? 'stored' : 'pfx');
}

export function chosenKey(s: Pick<GenerateState, 'keyStore' | 'storedKey'>): StoredKeyInfo | undefined {
  const keys = s.keyStore?.keys ?? [];
  return keys.find((k) => k.id === s.storedKey) ?? keys[0];
}

export function createGenerateStore(api: JunctionApi, doc: () => Doc, opts: { pollMs?: number } = {}) {
  const pollMs = opts.pollMs ?? 150;
  let revision = 0;
  return createStore<GenerateState & GenerateActions>()((set, get) => {
    /** Runs one long operation as a job: progress is polled while the request is outstanding. */
    const runJob = async <T, K extends 'build' | 'verify' | 'write'>(
      key: K,
      call: (jobId: string) => Promise<T>,
    ): Promise<T | undefined> => {
      const jobId = newJobId();
      set({ [key]: { status: 'running', jobId, startedAt: Date.now() } } as Partial<GenerateState>);
      const timer = setInterval(() => {
        void api['jobs.progress']({ jobId }).then(
          (st) => {
            const cur = get()[key] as Op<T>;
            if (cur.jobId === jobId && cur.status === 'running' && st.progress)
              set({ [key]: { ...cur, progress: st.progress } } as Partial<GenerateState>);
          },
          () => undefined,
        );
      }, pollMs);
      try {
        const result = await call(jobId);
        const cur = get()[key] as Op<T>;
        set({ [key]: { ...cur, status: 'done', result } } as Partial<GenerateState>);
        return result;
      } catch (e) {
        const msg = (e as Error).message;
        const cur = get()[key] as Op<T>;
        set({
          [key]: { ...cur, status: /cancelled/.test(msg) ? 'cancelled' : 'failed', error: msg },
        } as Partial<GenerateState>);
        return undefined;
      } finally {
        clearInterval(timer);
      }
    };

    return {
      preview: null,
      previewError: null,
      loading: false,
      offScenarios: [],
      offHosts: [],
      shown: '',
      format: 'dir',
      out: '',
      signKey: '',
      azureExport: 'none',
      staging: '',
      splitForFat32: false,
      signWith: null,
      storedKey: '',
      keyStore: null,
      keyError: null,
      keyImport: idle(),
      build: idle(),
      verifyPath: '',
      fingerprint: '',
      verify: idle(),
      trusted: null,
      trustError: null,
      writeSource: '',
      writeTarget: '',
      drives: null,
      write: idle(),

      async refresh() {
        const r = ++revision;
        const d = doc();
        if (!d.text) return;
        set({ loading: true });
        try {
          const sel = selectionOf(get());
          const preview = await api['generate.preview']({
            fileName: d.fileName || 'workspace.junction.json',
            text: d.text,
            ...sel,
          });
          if (r !== revision) return;
          const paths = new Set(preview.files.map((f) => f.path));
          const shown =
            paths.has(get().shown) || get().shown === RUNBOOK
              ? get().shown
              : (preview.files[0]?.path ?? RUNBOOK);
          set({ preview, previewError: null, shown });
        } catch (e) {
          if (r === revision) set({ previewError: (e as Error).message });
        } finally {
          if (r === revision) set({ loading: false });
        }
      },

      toggleScenario(id) {
        const off = get().offScenarios;
        set({ offScenarios: off.includes(id) ? off.filter((x) => x !== id) : [...off, id] });
        void get().refresh();
      },
      toggleHost(id) {
        const off = get().offHosts;
        set({ offHosts: off.includes(id) ? off.filter((x) => x !== id) : [...off, id] });
        void get().refresh();
      },
      setAllHosts(on) {
        set({ offHosts: on ? [] : (get().preview?.targets.map((t) => t.id) ?? []) });
        void get().refresh();
      },
      show(shown) {
        set({ shown });
      },
      set(patch) {
        set(patch);
      },

      async buildBundle(password, opts = {}) {
        const s = get();
        const d = doc();
        const stored = signMode(s) === 'stored';
        const key = chosenKey(s);
        if (stored && !key) {
          set({
            build: {
              status: 'failed',
              error:
                "This computer's key store holds no key: import a .pfx into it, or sign with a .pfx file",
            },
          });
          return;
        }
        const signing = stored ? { storedKey: key!.id } : { signKey: s.signKey.trim(), password };
        const r = await runJob('build', (jobId) =>
          api['bundle.build']({
            fileName: d.fileName || 'workspace.junction.json',
            text: d.text,
            ...selectionOf(s),
            format: s.format,
            out: s.out.trim(),
            ...signing,
            ...(s.azureExport !== 'none' ? { azureExport: s.azureExport } : {}),
            ...(s.staging.trim() ? { staging: s.staging.trim() } : {}),
            ...(s.splitForFat32 ? { mediaLimit: FAT32_MAX_FILE } : {}),
            ...(opts.allowLintErrors ? { allowLintErrors: true } : {}),
            jobId,
          }),
        );
        // The next steps start from what was just built: verify it, then (a folder) write it to media.
        if (r)
          set({
            verifyPath: r.out,
            fingerprint: formatFingerprint(r.fingerprint),
            verify: idle(),
            ...(r.format === 'dir' ? { writeSource: r.out } : {}),
          });
      },

      async loadKeys() {
        try {
          set({ keyStore: await api['keys.list']({}), keyError: null });
        } catch (e) {
          set({ keyError: (e as Error).message });
        }
      },

      async importKey(pfx, password, opts = {}) {
        set({ keyImport: { status: 'running', startedAt: Date.now() } });
        try {
          const r = await api['keys.import']({
            pfx: pfx.trim(),
            password,
            ...(opts.label?.trim() ? { label: opts.label.trim() } : {}),
            ...(opts.acceptWeakStorage ? { acceptWeakStorage: true } : {}),
          });
          set({
            keyImport: { status: 'done', result: r },
            keyStore: r.store,
            keyError: null,
            signWith: 'stored',
            storedKey: r.key.id,
          });
          return true;
        } catch (e) {
          set({ keyImport: { status: 'failed', error: (e as Error).message } });
          return false;
        }
      },

      async removeKey(id) {
        try {
          const keyStore = await api['keys.delete']({ id });
          set({ keyStore, keyError: null, ...(get().storedKey === id ? { storedKey: '' } : {}) });
        } catch (e) {
          set({ keyError: (e as Error).message });
        }
      },

      async verifyBundle() {
        const s = get();
        const fingerprint = s.fingerprint.trim();
        await runJob('verify', (jobId) =>
          api['bundle.verify']({ path: s.verifyPath.trim(), ...(fingerprint ? { fingerprint } : {}), jobId }),
        );
      },

      async loadTrust() {
        try {
          set({ trusted: await api['trust.list']({}), trustError: null });
        } catch (e) {
          set({ trustError: (e as Error).message });
        }
      },

      async pinSigner(fingerprint, subject) {
        try {
          const r = await api['trust.pin']({ fingerprint, ...(subject ? { subject } : {}) });
          set({ trusted: r.signers, trustError: null });
        } catch (e) {
          set({ trustError: (e as Error).message });
        }
      },

      async unpinSigner(fingerprint) {
        try {
          const r = await api['trust.remove']({ fingerprint });
          set({ trusted: r.signers, trustError: null });
        } catch (e) {
          set({ trustError: (e as Error).message });
        }
      },

      async loadDrives() {
        const drives = await api['bundle.drives']({}).catch((e: Error) => ({ drives: [], error: e.message }));
        set({ drives });
      },

      async writeBundle() {
        const s = get();
        await runJob('write', (jobId) =>
          api['bundle.write']({ source: s.writeSource.trim(), target: s.writeTarget.trim(), jobId }),
        );
      },

      async cancel(op) {
        const jobId = get()[op].jobId;
        if (jobId && get()[op].status === 'running')
          await api['jobs.cancel']({ jobId }).catch(() => undefined);
      },
    };
  });
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export { formatFingerprint };
