// The one contract between the UI and the host, in the spirit of GitHub Desktop's ipc-shared.ts: every channel
// maps to a request schema (validated by the host on every call, whichever front door it came through: Electron
// IPC, the loopback web host, or a test) and a response type. The preload and the web client expose exactly
// these channels as named methods; nothing generic.
import { z } from 'zod';
import type { LoadProblem, Position } from '../model/load';
import type { Finding, Severity } from '../lint/types';
import type { Workspace } from '../model/schema';
import { SCENARIOS, type GeneratedFile, type RunbookStep, type Scenario } from '../generate/types';
import { channel, docText, filePath, jobId, password } from './channel';
import { AZURE_API } from './azure-api';
import { HEALTH_API } from './health-api';
import { REACH_API } from './reach-api';
import { DRIFT_API } from './drift-api';
import { FILES_API } from './files-api';
import { PATH_PURPOSE_IDS } from './dialogs';

export interface AppInfo {
  version: string;
  frontDoor: 'electron' | 'web' | 'test';
  platform: string;
}

export interface LocatedFinding extends Finding {
  /** `$.hosts[2].interfaces[0]` */
  where: string;
  pointer: string;
  position?: Position;
}

export interface WorkspaceLoadResult {
  /** Where it came from: a path, or "example" for the embedded example. */
  origin: string;
  fileName: string;
  text: string;
  ok: boolean;
  workspace?: Workspace;
  problems: LoadProblem[];
}

export interface LintResult {
  findings: LocatedFinding[];
  counts: Record<Severity, number>;
  loadProblems: LoadProblem[];
}

const selection = {
  /** Absent or empty: every scenario. */
  scenarios: z
    .array(z.enum(SCENARIOS as readonly [Scenario, ...Scenario[]]))
    .max(32)
    .optional(),
  /** Absent: every target; target ids as in the generated file paths. */
  hosts: z.array(z.string().min(1).max(256)).max(100_000).optional(),
};
const PURPOSE_IDS = ['remote-console', 'hpc-management', 'rd-gateway-tls', 'ca'] as const;
const purpose = z.enum(PURPOSE_IDS);
const profile = z.enum(['modern', 'legacy']);
/** A key in the key store is named by its public key's SHA-256 fingerprint, as `keys.list` returns it. */
const keyId = z
  .string()
  .regex(
    /^[0-9a-f]{64}$/,
    "the id of a key in this computer's key store, as keys.list returns it (64 hex digits)",
  );
const keepKey = {
  /** Also keep the new private key and certificate sealed in this computer's key store (desktop app only). */
  keepKey: z.boolean().optional(),
  acceptWeakStorage: z.boolean().optional(),
};

export const API = {
  'app.info': channel<AppInfo>()(z.strictObject({})),
  'workspace.openExample': channel<WorkspaceLoadResult>()(z.strictObject({})),
  'workspace.openFile': channel<WorkspaceLoadResult>()(z.strictObject({ path: z.string().min(1).max(4096) })),
  /** Re-parse edited text without touching disk (the editor calls this as the admin types). */
  'workspace.parse': channel<WorkspaceLoadResult>()(docText),
  'workspace.save': channel<{ path: string; bytes: number }>()(
    z.strictObject({ path: z.string().min(1).max(4096), text: z.string().max(64 * 1024 * 1024) }),
  ),
  'workspace.lint': channel<LintResult>()(
    docText.extend({ at: z.string().datetime({ offset: true }).optional() }),
  ),
  /** What the front door was started with (`junction serve FILE`, `npm start FILE`): the renderer opens it first. */
  'workspace.startup': channel<{ path?: string }>()(z.strictObject({})),
  'workspace.recent': channel<RecentWorkspace[]>()(z.strictObject({})),
  /** Native dialogs where the front door has them; the browser front door answers `unsupported` (type a path). */
  'dialog.openWorkspace': channel<DialogResult>()(z.strictObject({})),
  /** An existing file or folder for a path field ("Browse…"); what the dialog shows is fixed per purpose. */
  'dialog.openPath': channel<DialogResult>()(z.strictObject({ purpose: z.enum(PATH_PURPOSE_IDS) })),
  'dialog.saveWorkspace': channel<DialogResult>()(
    z.strictObject({ suggestedName: z.string().min(1).max(255).optional() }),
  ),
  'settings.get': channel<UiSettings>()(z.strictObject({})),
  'settings.update': channel<UiSettings>()(
    z.strictObject({
      theme: z.enum(['system', 'light', 'dark']).optional(),
      lastScreen: z.string().max(40).optional(),
    }),
  ),
  /** Whether secrets can be kept encrypted at rest on this machine (Electron safeStorage), and why not. */
  'secrets.status': channel<SecretStoreStatus>()(z.strictObject({})),

  // Generate & Bundle (issues 3 and 5).
  'generate.preview': channel<GeneratePreview>()(docText.extend(selection)),
  /**
   * Signed with a .pfx and its password (`signKey` + `password`, as the CLI does) or with a key kept in this
   * computer's key store (`storedKey`, desktop app only): exactly one of the two.
   */
  'bundle.build': channel<BundleBuildResult>()(
    docText
      .extend({
        ...selection,
        format: z.enum(['dir', 'tar', 'zip']),
        out: filePath,
        signKey: filePath.optional(),
        password: password.optional(),
        storedKey: keyId.optional(),
        /** The Azure side for someone on a connected machine: ARM template(s), an az CLI script, or both. */
        azureExport: z.enum(['arm', 'cli', 'both']).optional(),
        /** The subscription the az script targets; absent, it uses the signed-in default. */
        subscription: z
          .string()
          .regex(
            /^[0-9a-fA-F-]{36}$/,
            'a subscription id (a GUID such as 00000000-0000-4000-8000-000000000001)',
          )
          .optional(),
        /** The folder `junction stage fetch --out` wrote: staged CycleCloud projects travel under the signature. */
        staging: filePath.optional(),
        /** The admin confirmed building over the workspace's lint errors (the manifest records the override). */
        allowLintErrors: z.boolean().optional(),
        /** Files larger than this are split into parts (FAT32 media: 4 GiB less one byte). */
        mediaLimit: z
          .number()
          .int()
          .min(1024 * 1024, 'at least 1 MiB')
          .max(2 ** 50)
          .optional(),
        jobId: jobId.optional(),
      })
      .superRefine((r, ctx) => {
        if (r.storedKey !== undefined && (r.signKey !== undefined || r.password !== undefined))
          ctx.addIssue({
            code: 'custom',
            path: [r.signKey !== undefined ? 'signKey' : 'password'],
            message:
              "sign either with storedKey (a key in this computer's key store) or with signKey + password (a .pfx file), not both",
          });
        else if (r.storedKey === undefined && r.signKey === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['signKey'],
            message:
              "give signKey (the signing .pfx) and its password, or storedKey (a key in this computer's key store)",
          });
        else if (r.signKey !== undefined && r.password === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['password'],
            message: 'the password of the signing .pfx goes with signKey ("" if it has none)',
          });
      }),
  ),
  'bundle.verify': channel<BundleVerifyResult>()(
    z.strictObject({
      path: filePath,
      /**
       * A signer's SHA-256 key fingerprint confirmed out of band (64 hex digits, colons allowed), trusted for this
       * check only. Absent: only the signers pinned in the trust store are trusted.
       */
      fingerprint: z
        .string()
        .min(
          1,
          'give the signer fingerprint the sender confirmed, or leave it out to trust pinned signers only',
        )
        .max(200)
        .optional(),
      jobId: jobId.optional(),
    }),
  ),
  /** The signers pinned in the trust store the CLI uses too (`<state-dir>/trusted-signers.json`). */
  'trust.list': channel<TrustedSigner[]>()(z.strictObject({})),
  /** Pinning is always an explicit admin action: the console never pins a signer as a side effect of a check. */
  'trust.pin': channel<{ pinned: boolean; signers: TrustedSigner[] }>()(
    z.strictObject({
      fingerprint: z.string().min(1).max(200),
      subject: z.string().max(1024).optional(),
      note: z.string().max(1024).optional(),
    }),
  ),
  'trust.remove': channel<{ removed: boolean; signers: TrustedSigner[] }>()(
    z.strictObject({ fingerprint: z.string().min(1).max(200) }),
  ),
  'bundle.drives': channel<DriveList>()(z.strictObject({})),
  'bundle.write': channel<BundleWriteResult>()(
    z.strictObject({ source: filePath, target: filePath, jobId: jobId.optional() }),
  ),
  'jobs.progress': channel<JobStatus>()(z.strictObject({ jobId })),
  'jobs.cancel': channel<{ cancelled: boolean }>()(z.strictObject({ jobId })),
  'dialog.saveBundle': channel<DialogResult>()(
    z.strictObject({ suggestedName: z.string().min(1).max(255), format: z.enum(['dir', 'tar', 'zip']) }),
  ),

  // Certificates (issue 4).
  'cert.options': channel<CertOptions>()(z.strictObject({})),
  'cert.create': channel<CertCreateResult>()(
    z.strictObject({
      purpose,
      subject: z
        .string()
        .regex(/^CN=.+/, 'a distinguished name starting with CN=, e.g. "CN=Remote Console Connect"'),
      sans: z.array(z.string().min(1).max(253)).max(100).default([]),
      days: z.number().int().min(1).max(36500),
      keySize: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]),
      hash: z.enum(['sha256', 'sha384', 'sha512']).default('sha256'),
      profile,
      outDir: filePath,
      name: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,120}$/, 'letters, digits, ".", "-" and "_" only')
        .optional(),
      password: password.min(1, 'the .pfx needs a password: it is the only file holding the private key'),
      ...keepKey,
    }),
  ),
  'cert.createFromWorkspace': channel<CertCreateResult>()(
    docText.extend({
      id: z.string().min(1).max(256),
      outDir: filePath,
      profile: profile.optional(),
      password: password.min(1, 'the .pfx needs a password: it is the only file holding the private key'),
      ...keepKey,
    }),
  ),
  'cert.inspect': channel<CertAudit>()(
    z.strictObject({ path: filePath, password: password.optional(), purpose: purpose.optional() }),
  ),

  // Signing and certificate keys in the OS key store (issues 4 and 5; desktop app only).
  /** Public metadata only, and whether this front door has a key store at all. */
  'keys.list': channel<KeyStoreView>()(z.strictObject({})),
  /** Reads the .pfx with its password in memory and keeps the key and certificate sealed by the key store. */
  'keys.import': channel<KeyImportResult>()(
    z.strictObject({
      pfx: filePath,
      password,
      label: z.string().trim().min(1).max(120).optional(),
      /** Linux `basic_text` only obfuscates: storing there needs this explicit acceptance, once. */
      acceptWeakStorage: z.boolean().optional(),
    }),
  ),
  'keys.delete': channel<KeyStoreView>()(z.strictObject({ id: keyId })),

  ...AZURE_API,
  ...HEALTH_API,
  ...REACH_API,
  ...DRIFT_API,
  ...FILES_API,
} as const;

/** Commands the desktop menu sends to the renderer (the only host→UI message; the browser binds the same keys). */
export const MENU_COMMANDS = [
  'open',
  'open-example',
  'save',
  'save-as',
  'screen:workspace',
  'screen:topology',
  'screen:problems',
  'screen:generate',
  'screen:certificates',
  'screen:apply',
  'screen:health',
  'toggle-theme',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface RecentWorkspace {
  path: string;
  name: string;
  openedAt: string;
}

export type DialogResult =
  { status: 'chosen'; path: string } | { status: 'canceled' } | { status: 'unsupported'; reason: string };

export interface UiSettings {
  theme: 'system' | 'light' | 'dark';
  lastScreen?: string;
}

export interface SecretStoreStatus {
  /** `encrypted`: an OS key store protects secrets; `weak`: only obfuscation (Linux basic_text); `none`: no store. */
  protection: 'encrypted' | 'weak' | 'none';
  backend: string;
  /** Whether the admin accepted storing secrets with weak protection (never assumed). */
  weakAccepted: boolean;
  detail: string;
}

/** A key in the key store as any channel may show it: never the key, never the ciphertext. */
export interface StoredKeyInfo {
  id: string;
  label: string;
  subject: string;
  /** SHA-256 of the public key (64 hex digits): the fingerprint bundles signed with it carry. */
  fingerprint: string;
  /** Windows thumbprint of the certificate. */
  thumbprint: string;
  notAfter: string;
  storedAt: string;
  backend: string;
  origin: 'imported' | 'created';
}

export interface KeyStoreView {
  /** Whether this front door has a key store (the desktop app); the browser and test front doors have none. */
  available: boolean;
  vault: SecretStoreStatus;
  /** A key can be stored now (Linux `basic_text` may still need the acceptance in the request). */
  canStore: boolean;
  /** Why not, and what to do instead. */
  why?: string;
  keys: StoredKeyInfo[];
}

export interface KeyImportResult {
  key: StoredKeyInfo;
  /** The same key was already stored: its entry now carries this certificate. */
  replaced: boolean;
  store: KeyStoreView;
}

export interface GenerateTarget {
  id: string;
  label: string;
  steps: number;
}

export interface GeneratePreview {
  ok: boolean;
  /** Why nothing could be generated (schema problems of the document). */
  problems: LoadProblem[];
  /** Everything the workspace offers, for the pickers (independent of the selection). */
  targets: GenerateTarget[];
  scenarios: { id: Scenario; title: string; steps: number }[];
  /** The selection's scripts, steps and runbook. */
  files: GeneratedFile[];
  steps: RunbookStep[];
  runbook: string;
}

export interface BundleBuildResult {
  out: string;
  format: 'dir' | 'tar' | 'zip';
  bundleId: string;
  /** SHA-256 of the signer's public key, 64 hex digits. */
  fingerprint: string;
  signerSubject: string;
  files: number;
  bytes: number;
  /** The lint result the manifest records (counts, rules, override). */
  lint?: BundleLintRecord;
}

/** A bundle manifest's lint record (shared/bundle/manifest.ts LintRecord). */
export interface BundleLintRecord {
  junctionVersion: string;
  errors: number;
  warnings: number;
  infos: number;
  override: boolean;
  rules: { id: string; severity: 'error' | 'warning' | 'info'; count: number }[];
}

export interface BundleProblem {
  code: string;
  path?: string;
  message: string;
  fix: string;
}

export interface BundleVerifyResult {
  ok: boolean;
  problems: BundleProblem[];
  signer?: { fingerprint: string; subject?: string; trusted: boolean };
  bundleId?: string;
  createdAt?: string;
  /** The lint result recorded when the bundle was built (absent in bundles built before the lint gate). */
  lint?: BundleLintRecord;
  filesChecked: number;
  bytesChecked: number;
}

export interface TrustedSigner {
  /** SHA-256 of the signer's public key (SPKI DER), lowercase hex. */
  fingerprint: string;
  subject?: string;
  pinnedAt: string;
  note?: string;
}

export interface DriveList {
  drives: { device: string; mountpoint: string; label?: string; fstype?: string; size?: number }[];
  /** Why drives could not be listed (no lsblk, no permission); the admin can still type a folder. */
  error?: string;
}

export interface BundleWriteResult {
  final: string;
  bundleId: string;
  copiedBytes: number;
  resumedFiles: number;
  alreadyPresent: boolean;
  movedAside?: string;
  /** The read-back proves the copy matches the source's SHA256SUMS under the key the bundle carries; nothing more. */
  readBack: BundleVerifyResult;
  /** The key the bundle carries, and whether it is pinned in this machine's trust store (who signed it is a separate question). */
  signer: { fingerprint: string; pinned: boolean };
}

export interface JobProgress {
  phase: string;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  etaSeconds?: number;
}

export interface JobStatus {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled' | 'unknown';
  progress?: JobProgress;
  error?: string;
}

export type CertPurposeId = (typeof PURPOSE_IDS)[number];

export interface CertOptions {
  purposes: { id: CertPurposeId; label: string; explain: string; defaultDays: number }[];
  profiles: Record<'modern' | 'legacy', { summary: string; windows: string }>;
}

export interface CertCheck {
  id: string;
  requirement: string;
  status: 'pass' | 'fail' | 'warn' | 'info';
  detail: string;
  hint?: string;
  source: string;
}

export interface CertAudit {
  file: string;
  format: 'der' | 'pem' | 'pfx';
  purpose: CertPurposeId | null;
  purposeInferred: boolean;
  certificate: {
    subject: string;
    issuer: string;
    notBefore: string;
    notAfter: string;
    keyType: string;
    keySize: number;
    signatureAlgorithm: string;
    keyUsage: string[] | null;
    extendedKeyUsage: { oid: string; label: string }[] | null;
    subjectAltNames: string[];
    isCa: boolean;
    selfSigned: boolean;
    serialNumber: string;
    thumbprint: string;
  };
  chain: { subject: string; thumbprint: string }[];
  hasPrivateKey: boolean;
  pfx?: { mac: string; keyEncryption: string; certEncryption: string; profile: string };
  checks: CertCheck[];
  ok: boolean;
}

export interface CertCreateResult {
  purpose: CertPurposeId;
  subject: string;
  thumbprint: string;
  serialNumber: string;
  profile: 'modern' | 'legacy';
  profileReason: string;
  files: { cer: string; pem: string; pfx: string };
  /** For a workspace entry: where each file goes, and where to record the thumbprint. */
  placements: { host: string; store: string; form: 'pfx' | 'cer'; file: string }[];
  recordAt?: string;
  /** The same place as a document path, for the screen's "Record in the workspace". */
  recordPath?: (string | number)[];
  /** The audit of the new .cer against its purpose. */
  audit: CertAudit;
  /** With `keepKey`: the key as it is now kept in this computer's key store. */
  storedKey?: StoredKeyInfo;
}

export type ApiChannel = keyof typeof API;
export type ApiRequest<C extends ApiChannel> = z.input<(typeof API)[C]['request']>;
export type ApiResponse<C extends ApiChannel> = (typeof API)[C]['response'];

/** What the host implements and what the renderer calls: one async method per channel. */
export type JunctionApi = { [C in ApiChannel]: (request: ApiRequest<C>) => Promise<ApiResponse<C>> };

export const API_CHANNELS = Object.keys(API) as ApiChannel[];

/** Validates a request at the boundary; the error names the channel and the offending field. */
export function parseRequest<C extends ApiChannel>(
  channelName: C,
  payload: unknown,
): z.output<(typeof API)[C]['request']> {
  const schema = API[channelName]?.request;
  if (!schema) throw new ApiError('unknown-channel', `no such channel "${String(channelName)}"`);
  const r = schema.safeParse(payload ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ApiError(
      'bad-request',
      `${channelName}: ${first ? `${first.path.join('.') || '(request)'}: ${first.message}` : 'invalid request'}`,
    );
  }
  return r.data as z.output<(typeof API)[C]['request']>;
}

export class ApiError extends Error {
  constructor(
    readonly code: 'unknown-channel' | 'bad-request' | 'not-found' | 'forbidden' | 'failed',
    message: string,
  ) {
    super(message);
  }
}
