// Certificates state: the create form, the inspect form and their results. Passwords are parameters of the
// actions only; the store never holds them.
import { createStore } from 'zustand/vanilla';
import type {
  CertAudit,
  CertCreateResult,
  CertOptions,
  CertPurposeId,
  JunctionApi,
} from '../../shared/api/contract';
import type { Op } from './generate';
import type { Doc } from './generate';

export interface CreateForm {
  purpose: CertPurposeId;
  subject: string;
  /** Comma- or newline-separated DNS names and IPs. */
  sans: string;
  days: number;
  keySize: 2048 | 3072 | 4096;
  profile: 'modern' | 'legacy';
  outDir: string;
  name: string;
  /** Also keep the private key sealed in this computer's key store (desktop app). */
  keepKey: boolean;
  /** The admin's explicit acceptance of Linux basic_text (obfuscation only) for that. */
  acceptWeakStorage: boolean;
}

export interface CertState {
  options: CertOptions | null;
  form: CreateForm;
  create: Op<CertCreateResult>;
  inspectPath: string;
  inspectPurpose: CertPurposeId | '';
  inspect: Op<CertAudit>;
}

export interface CertActions {
  loadOptions(): Promise<void>;
  setForm(patch: Partial<CreateForm>): void;
  setInspect(patch: Partial<Pick<CertState, 'inspectPath' | 'inspectPurpose'>>): void;
  createCert(password: string): Promise<CertCreateResult | undefined>;
  createFromWorkspace(
    id: string,
    outDir: string,
    password: string,
    opts?: { keepKey?: boolean },
  ): Promise<CertCreateResult | undefined>;
  inspectCert(password?: string): Promise<void>;
}

export type CertStore = ReturnType<typeof createCertStore>;

export function splitSans(s: string): string[] {
  return s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** The request fields that ask the host to keep the new key, when asked for. */
function keeping(keepKey: boolean, acceptWeakStorage: boolean) {
  return keepKey ? { keepKey: true, ...(acceptWeakStorage ? { acceptWeakStorage: true } : {}) } : {};
}

export function createCertStore(api: JunctionApi, doc: () => Doc) {
  return createStore<CertState & CertActions>()((set, get) => {
    const afterCreate = (r: CertCreateResult) =>
      set({
        create: { status: 'done', result: r },
        // Inspecting what was just made is the natural next step: the .cer needs no password.
        inspectPath: r.files.cer,
        inspectPurpose: r.purpose,
      });
    return {
      options: null,
      form: {
        purpose: 'remote-console',
        subject: 'CN=Remote Console Connect',
        sans: '',
        days: 730,
        keySize: 2048,
        profile: 'modern',
        outDir: '',
        name: '',
        keepKey: false,
        acceptWeakStorage: false,
      },
      create: { status: 'idle' },
      inspectPath: '',
      inspectPurpose: '',
      inspect: { status: 'idle' },

      async loadOptions() {
        if (get().options) return;
        const options = await api['cert.options']({}).catch(() => null);
        set({ options });
      },
      setForm(patch) {
        set({ form: { ...get().form, ...patch } });
      },
      setInspect(patch) {
        set(patch);
      },

      async createCert(password) {
        const f = get().form;
        set({ create: { status: 'running', startedAt: Date.now() } });
        try {
          const r = await api['cert.create']({
            purpose: f.purpose,
            subject: f.subject.trim(),
            sans: splitSans(f.sans),
            days: f.days,
            keySize: f.keySize,
            profile: f.profile,
            outDir: f.outDir.trim(),
            ...(f.name.trim() ? { name: f.name.trim() } : {}),
            password,
            ...keeping(f.keepKey, f.acceptWeakStorage),
          });
          afterCreate(r);
          return r;
        } catch (e) {
          set({ create: { status: 'failed', error: (e as Error).message } });
          return undefined;
        }
      },

      async createFromWorkspace(id, outDir, password, opts = {}) {
        const d = doc();
        set({ create: { status: 'running', startedAt: Date.now() } });
        try {
          const r = await api['cert.createFromWorkspace']({
            fileName: d.fileName || 'workspace.junction.json',
            text: d.text,
            id,
            outDir: outDir.trim(),
            password,
            ...keeping(!!opts.keepKey, get().form.acceptWeakStorage),
          });
          afterCreate(r);
          return r;
        } catch (e) {
          set({ create: { status: 'failed', error: (e as Error).message } });
          return undefined;
        }
      },

      async inspectCert(password) {
        const s = get();
        set({ inspect: { status: 'running', startedAt: Date.now() } });
        try {
          const result = await api['cert.inspect']({
            path: s.inspectPath.trim(),
            ...(password ? { password } : {}),
            ...(s.inspectPurpose ? { purpose: s.inspectPurpose } : {}),
          });
          set({ inspect: { status: 'done', result } });
        } catch (e) {
          set({ inspect: { status: 'failed', error: (e as Error).message } });
        }
      },
    };
  });
}
